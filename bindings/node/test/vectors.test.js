'use strict'
// Runs the shared, language-neutral vectors (tests/vectors/*.json) through the public
// JavaScript API, as the Rust, C and Python runners do. Each file is one test; a failure
// names every failing case id with the differing fields.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const hg = require('..')

const VECTORS = path.join(__dirname, '..', '..', '..', 'tests', 'vectors')

const EXPECTED_FAILURES = new Set(
  fs
    .readFileSync(path.join(__dirname, 'expected_failures.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(/\s+/)[0]),
)

function load(file, kind) {
  const doc = JSON.parse(fs.readFileSync(path.join(VECTORS, file), 'utf8'))
  assert.equal(doc.kind, kind, `${file}: wrong kind`)
  const ids = new Set()
  for (const c of doc.cases) {
    assert.ok(!ids.has(c.id), `${file}: duplicate id ${c.id}`)
    ids.add(c.id)
  }
  return doc.cases
}

/** Compares every key present in `expected`; returns the differences. */
function diff(actual, expected) {
  const out = []
  for (const [k, want] of Object.entries(expected)) {
    const got = actual[k] === undefined ? null : actual[k]
    try {
      assert.deepStrictEqual(got, want)
    } catch {
      out.push(`${k}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`)
    }
  }
  return out
}

function run(file, kind, check) {
  test(`${file}: every case`, () => {
    const cases = load(file, kind)
    const failures = []
    const unexpectedPasses = []
    for (const c of cases) {
      let problems
      try {
        problems = check(c.input, c.expected)
      } catch (err) {
        problems = [`threw ${err && err.code ? `[${err.code}] ` : ''}${err && err.message}`]
      }
      const failed = problems.length > 0
      if (EXPECTED_FAILURES.has(c.id)) {
        if (!failed) unexpectedPasses.push(c.id)
      } else if (failed) {
        failures.push(`${c.id}: ${problems.join('; ')}`)
      }
    }
    const expected = cases.filter((c) => EXPECTED_FAILURES.has(c.id)).length
    console.log(`${file}: ${cases.length - failures.length - expected} passed, ${failures.length} failed` +
      (expected ? `, ${expected} expected failure(s)` : ''))
    assert.deepEqual(unexpectedPasses, [], `${file}: listed in expected_failures.txt but passing`)
    assert.equal(failures.length, 0, `${file}: ${failures.length} failing case(s):\n${failures.join('\n')}`)
  })
}

const codes = (issues) => issues.map((i) => i.code)

function stsJson(p) {
  return {
    valid: p.valid,
    max_age: p.maxAge,
    include_subdomains: p.includeSubDomains,
    preload: p.preload,
    issues: codes(p.issues),
  }
}

run('sts.json', 'sts', (input, expected) => {
  const parsed = input.values !== undefined ? hg.parseStsFields(input.values) : hg.parseSts(input.value)
  const problems = diff(stsJson(parsed), expected)
  // A valid header's canonical form parses back to the same policy with no issue.
  if (parsed.valid) {
    const again = hg.parseSts(parsed.value)
    if (!again.valid || again.issues.length || again.maxAge !== parsed.maxAge) {
      problems.push(`canonical form ${JSON.stringify(parsed.value)} does not round-trip`)
    }
    const policy = hg.HstsPolicy.parse(parsed.value)
    if (policy.value !== parsed.value) problems.push('HstsPolicy.parse disagrees with parseSts')
  }
  return problems
})

run('durations.json', 'durations', (input, expected) => {
  let actual
  try {
    actual = { seconds: hg.parseDuration(input.text !== undefined ? input.text : input.number) }
  } catch (err) {
    if (typeof err.code !== 'string' || !(err instanceof Error)) throw err
    actual = { error: err.code }
  }
  return diff(actual, expected)
})

run('preload.json', 'preload', (input, expected) => {
  let actual
  if (input.value !== undefined) {
    const check = input.mode === 'removable' ? hg.removableCheck : hg.preloadCheck
    actual = check(input.value, input.domain)
  } else {
    const issues = hg.domainCheck(input.domain)
    const errors = issues.filter((i) => i.severity === 'error').map((i) => i.code)
    actual = { ok: errors.length === 0, errors, warnings: issues.filter((i) => i.severity !== 'error').map((i) => i.code) }
  }
  return diff({ ok: actual.ok, errors: actual.errors, warnings: actual.warnings }, expected)
})

run('hpkp.json', 'hpkp', (input, expected) => {
  const p = hg.parseHpkp(input.value, input.report_only, input.chain_pins)
  const problems = []
  if (p.issues[0].code !== 'hpkp.deprecated') problems.push('the first issue is not hpkp.deprecated')
  if (p.valid === p.issues.some((i) => i.severity === 'error')) problems.push('valid disagrees with the issues')
  const actual = {
    valid: p.valid,
    report_only: p.reportOnly,
    max_age: p.maxAge,
    include_subdomains: p.includeSubDomains,
    pins: p.pins,
    report_uri: p.reportUri,
    issues: codes(p.issues),
  }
  return problems.concat(diff(actual, expected))
})

/** The vectors' request shape (README: missing keys mean GET, false, null, "/", null, []). */
function facts(req = {}) {
  return {
    method: req.method ?? 'GET',
    tls: req.tls ?? false,
    host: req.host ?? null,
    target: req.target ?? '/',
    peer: req.peer ?? null,
    headers: req.headers ?? [],
  }
}

/** The vectors' policies are documents spelled as policy files (snake_case). */
function policyOf(input) {
  return hg.Policy.fromDocument(input.policy ?? {})
}

/** The Express middleware's lean call (`_decide`, for requests not secure by their transport). */
function lean(policy, f) {
  return policy._decide(f.method, f.host, f.target, f.peer ?? undefined, f.headers.flat())
}

run('secure.json', 'secure', (input, expected) => {
  const policy = policyOf(input)
  const f = facts(input.request)
  const secure = policy.isSecure(f)
  const problems = []
  if (policy.evaluate(f).secure !== secure) problems.push('isSecure and evaluate disagree')
  // The middleware's entry point must agree too (it is asked only without TLS).
  if (!f.tls) {
    const d = lean(policy, f)
    if (typeof d === 'boolean' && d !== secure) problems.push(`_decide says secure=${d}`)
  }
  return problems.concat(diff({ secure }, expected))
})

run('redirect.json', 'redirect', (input, expected) => {
  const policy = policyOf(input)
  const f = facts(input.request)
  const d = policy.evaluate(f)
  const actual = {
    action: d.action,
    status: d.status,
    location: d.location,
    secure: d.secure,
    headers: d.headers,
    reason: d.code,
  }
  const problems = diff(actual, expected)
  // The middleware's entry point (_decide, asked only without TLS) must give the same answer.
  if (f.tls) return problems
  const o = lean(policy, f)
  if (typeof o === 'boolean') {
    if (d.action !== 'pass' || o !== d.secure) problems.push(`_decide returned ${o}`)
  } else if (typeof o === 'string') {
    if (d.action !== 'redirect' || o !== `${d.status}${d.location}` || Object.keys(d.headers).length) problems.push(`_decide returned ${o}`)
  } else {
    const pairs = []
    for (let i = 0; i + 1 < (o.headers ?? []).length; i += 2) pairs.push([o.headers[i], o.headers[i + 1]])
    const headers = Object.fromEntries(pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (
      (o.location === undefined ? 'reject' : 'redirect') !== d.action ||
      o.status !== d.status ||
      (o.location ?? null) !== d.location ||
      (o.code ?? null) !== d.code ||
      JSON.stringify(headers) !== JSON.stringify(d.headers)
    ) {
      problems.push(`_decide returned ${JSON.stringify(o)}`)
    }
  }
  return problems
})

run('cookie.json', 'cookie', (input, expected) => {
  const policy = policyOf(input)
  const secure = input.secure ?? false
  const f = policy.flagSetCookie(input.set_cookie, secure)
  const problems = diff({ set_cookie: f.setCookie, changed: f.changed, issues: codes(f.issues) }, expected)
  // The middleware's call: null when the value is unchanged.
  const m = policy._flagSetCookies([input.set_cookie], secure)
  if ((m === null ? input.set_cookie : m[0]) !== f.setCookie || (m !== null) !== f.changed) problems.push('_flagSetCookies disagrees')
  return problems
})

run('policy.json', 'policy', (input, expected) => {
  let actual
  try {
    const p = hg.Policy.fromDocument(input.policy)
    actual = { ok: true, errors: [], warnings: codes(p.warnings) }
  } catch (err) {
    if (!Array.isArray(err.errors)) throw err
    actual = { ok: false, errors: err.errors.map((e) => ({ path: e.path, code: e.code })) }
  }
  return diff(actual, expected)
})
