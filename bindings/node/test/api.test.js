'use strict'
// The package API over the core: value types, parsers, errors with the core's codes.
// (The shared vectors, in vectors.test.js, cover the decisions case by case.)
const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const hg = require('..')
const { thrown } = require('../support/helpers')

const DATA = path.join(__dirname, '..', '..', '..', 'crates', 'hstsguard', 'tests', 'data')
const PIN_A = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
const PIN_B = 'sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk='

describe('HstsPolicy', () => {
  test('constructors force the subdomain decision', () => {
    assert.equal(hg.HstsPolicy.includingSubDomains(31536000).value, 'max-age=31536000; includeSubDomains')
    assert.equal(hg.HstsPolicy.excludingSubDomains('5m').value, 'max-age=300')
    assert.equal(new hg.HstsPolicy('2y', true).withPreload().value, 'max-age=63072000; includeSubDomains; preload')
    assert.equal(hg.HstsPolicy.removal().value, 'max-age=0')
    const p = hg.HstsPolicy.includingSubDomains('1y').withPreload()
    assert.equal(String(p), p.value)
    assert.equal(`${p}`, p.value)
    assert.deepEqual(JSON.parse(JSON.stringify(p)), { maxAge: 31536000, includeSubDomains: true, preload: true, value: p.value })
    assert.equal(p.withoutPreload().preload, false)
    assert.ok(p.equals(hg.HstsPolicy.parse('max-age=31536000; includesubdomains; PRELOAD')))
    assert.ok(!p.equals(p.withoutPreload()))
    assert.equal(p.preloadVerdict().ok, true)
  })

  test('max-age numbers go through duration_from_f64', () => {
    assert.equal(new hg.HstsPolicy(3600.0, false).maxAge, 3600)
    assert.equal(new hg.HstsPolicy(hg.MAX_AGE_CAP, false).maxAge, Number.MAX_SAFE_INTEGER)
    for (const [v, code] of [
      [3600.5, 'duration.fractional'],
      [NaN, 'duration.not_a_number'],
      [-1, 'duration.negative'],
      [-0, 'duration.negative'],
      [Infinity, 'duration.not_a_number'],
      [2 ** 53, 'duration.overflow'],
      ['3600.0', 'duration.fractional'],
      ['1 fortnight', 'duration.unknown_unit'],
    ]) {
      const err = thrown(() => hg.HstsPolicy.includingSubDomains(v))
      assert.ok(err instanceof Error, String(v))
      assert.equal(err.code, code, String(v))
    }
  })

  test('parse throws the first error issue code', () => {
    const err = thrown(() => hg.HstsPolicy.parse('max-age=1; includeSubDomains=yes'))
    assert.equal(err.code, 'header.parse.invalid.include_sub_domains')
    assert.match(err.message, /Strict-Transport-Security/)
  })
})

describe('parsers and audits', () => {
  test('parseSts / parseStsFields', () => {
    const ok = hg.parseSts('max-age="31536000" ; INCLUDESUBDOMAINS')
    assert.equal(ok.valid, true)
    assert.equal(ok.maxAge, 31536000)
    assert.equal(ok.value, 'max-age=31536000; includeSubDomains')
    assert.deepEqual(ok.issues.map((i) => [i.code, i.severity]), [['header.parse.max_age.quoted', 'warning']])
    const bad = hg.parseSts('max-age=-1')
    assert.equal(bad.valid, false)
    assert.equal(bad.maxAge, null)
    assert.equal(bad.value, null)
    assert.equal(hg.parseStsFields([]).issues[0].code, 'response.no_header')
    assert.equal(hg.parseStsFields(['max-age=1', 'max-age=2']).maxAge, 1)
  })

  test('preloadCheck / removableCheck / domainCheck / auditRedirectChain', () => {
    assert.equal(hg.preloadCheck('max-age=63072000; includeSubDomains; preload', 'example.com').ok, true)
    assert.deepEqual(hg.preloadCheck('max-age=63072000; includeSubDomains; preload', 'www.example.com').errors, ['domain.is_subdomain'])
    assert.deepEqual(hg.removableCheck('max-age=1; preload').errors, ['header.removable.contains.preload'])
    assert.deepEqual(hg.domainCheck('co.uk').map((i) => i.code), ['domain.format.public_suffix'])
    assert.deepEqual(hg.domainCheck('example.com'), [])
    const hops = [{ url: 'https://example.com/', sts: 'max-age=31536000; includeSubDomains; preload' }]
    assert.deepEqual(hg.auditRedirectChain('example.com', null, hops), [])
    assert.deepEqual(hg.auditRedirectChain('example.com', 'max-age=1', [{ url: 'http://example.com/x', sts: null }]).map((i) => i.code), [
      'redirects.http.useless_header',
      'redirects.http.first_redirect.insecure',
    ])
  })

  test('parseDuration / formatDuration', () => {
    assert.equal(hg.parseDuration('18w'), 10886400)
    assert.equal(hg.parseDuration(300), 300)
    assert.equal(hg.formatDuration(63072000), '2y')
    assert.equal(thrown(() => hg.formatDuration(1.5)).code, 'duration.fractional')
    assert.equal(thrown(() => hg.parseDuration('')).code, 'duration.empty')
  })
})

describe('HPKP (deprecated)', () => {
  test('pins of certificates and keys', () => {
    const pem = fs.readFileSync(path.join(DATA, 'cert.pem'))
    const der = fs.readFileSync(path.join(DATA, 'cert.der'))
    assert.equal(hg.pinFromPemOrDer(pem), hg.pinFromPemOrDer(der))
    assert.equal(hg.pinFromPemOrDer(pem.toString('utf8')), hg.pinFromPemOrDer(der))
    const chain = hg.pinsFromPemChain(fs.readFileSync(path.join(DATA, 'chain.pem'), 'utf8'))
    assert.equal(chain.length, 2)
    assert.equal(chain[0], hg.pinFromPemOrDer(pem))
    assert.equal(hg.pinOfSpki(Buffer.alloc(0)), PIN_A)
    assert.equal(thrown(() => hg.pinFromPemOrDer('not a certificate')).code, 'hpkp.certificate')
  })

  test('parseHpkp with and without the chain check', () => {
    const value = `pin-sha256="${PIN_A}"; pin-sha256="${PIN_B}"; max-age=600`
    const p = hg.parseHpkp(value)
    assert.equal(p.valid, true)
    assert.deepEqual(p.pins, [PIN_A, PIN_B])
    assert.equal(p.issues[0].code, 'hpkp.deprecated')
    assert.equal(p.reportUri, null)
    assert.deepEqual(hg.parseHpkp(value, false, [PIN_A, PIN_B]).issues.map((i) => i.code), ['hpkp.deprecated', 'hpkp.validate.no_backup_pin'])
    assert.equal(hg.parseHpkp(value, true).reportOnly, true)
    assert.equal(thrown(() => hg.parseHpkp(value, false, ['short'])).code, 'hpkp.invalid_pin')
  })

  test('HpkpHeader guard rails', () => {
    const h = new hg.HpkpHeader({ pins: [PIN_A, PIN_B, PIN_A], maxAge: '30d', includeSubDomains: true, reportUri: 'https://example.com/r' })
    assert.equal(h.name, 'Public-Key-Pins')
    assert.deepEqual(h.pins, [PIN_A, PIN_B])
    assert.equal(h.maxAge, 2592000)
    assert.equal(h.includeSubDomains, true)
    assert.equal(String(h), h.value)
    assert.equal(hg.HpkpHeader.parse(h.value).value, h.value)
    assert.equal(thrown(() => new hg.HpkpHeader({ pins: [PIN_A, PIN_A], maxAge: 60 })).code, 'hpkp.too_few_pins')
    assert.equal(thrown(() => new hg.HpkpHeader({ pins: [PIN_A, 'nope'], maxAge: 60 })).code, 'hpkp.invalid_pin')
    assert.equal(thrown(() => new hg.HpkpHeader({ pins: [PIN_A, PIN_B], maxAge: 1.5 })).code, 'duration.fractional')
    assert.equal(
      thrown(() => new hg.HpkpHeader({ pins: [PIN_A, PIN_B], maxAge: 60, reportUri: 'https://x/\r\nSet-Cookie: a=1' })).code,
      'hpkp.parse.report_uri.invalid',
    )
  })
})

describe('Policy', () => {
  test('the defaults', () => {
    const p = new hg.Policy()
    assert.equal(p.hsts, 'max-age=31536000; includeSubDomains')
    assert.equal(p.hstsSend, 'secure')
    assert.equal(p.hstsExisting, 'keep')
    assert.equal(p.hpkp, null)
    assert.equal(p.redirectEnabled, true)
    assert.equal(p.cookiesEnabled, true)
    assert.equal(p.trustsProxies, false)
    assert.deepEqual(p.warnings.map((w) => w.code), ['policy.redirect.any_host'])
    assert.deepEqual(p.report(), { ok: true, errors: [], warnings: p.warnings, hsts: p.hsts, schedule: null })
    assert.equal(p.hstsSchedule, null)
    assert.equal(p.hstsValueAt(), p.hsts)
  })

  test('getters follow the document', () => {
    const p = new hg.Policy({
      hsts: { enabled: false },
      redirect: { enabled: false },
      cookies: { enabled: false },
      proxy: { trusted: ['10.0.0.0/8'], sources: ['x-forwarded-proto', 'Forwarded'] },
    })
    assert.equal(p.hsts, null)
    assert.equal(p.hstsValueAt(0), null)
    assert.equal(p.redirectEnabled, false)
    assert.equal(p.cookiesEnabled, false)
    assert.equal(p.trustsProxies, true)
    assert.equal(p.flagSetCookie('a=1', true).setCookie, 'a=1')
    assert.equal(new hg.Policy({ cookies: { prefixes: 'report', rules: [] } }).cookiesEnabled, true)
  })

  test('options are camelCase; Policy.fromDocument reads the snake_case of a policy file', () => {
    const options = {
      hsts: { maxAge: '2y', includeSubDomains: false, skipIpHosts: true },
      redirect: { allowedHosts: ['.example.com'], statusGetHead: 308, exempt: /^\/health$/i },
      cookies: { secureWhen: 'request_secure', rules: [{ name: 'sid', secure: true, httpOnly: true, sameSite: true }] },
    }
    const document = {
      hsts: { max_age: '2y', include_subdomains: false, skip_ip_hosts: true },
      redirect: { allowed_hosts: ['.example.com'], status_get_head: 308, exempt: '(?i)^/health$' },
      cookies: { secure_when: 'request_secure', rules: [{ name: 'sid', secure: true, http_only: true, same_site: 'Strict' }] },
    }
    const a = new hg.Policy(options)
    const b = hg.Policy.fromDocument(document)
    const c = hg.Policy.fromJson(JSON.stringify(document))
    for (const p of [a, b, c]) {
      assert.equal(p.hsts, 'max-age=63072000')
      assert.equal(p.evaluate({ host: 'www.example.com', target: '/x' }).status, 308)
      assert.equal(p.evaluate({ host: 'www.example.com', target: '/HEALTH' }).action, 'pass')
      assert.equal(p.flagSetCookie('sid=1', true).setCookie, 'sid=1; Secure; HttpOnly; SameSite=Strict')
    }
    // Each spelling is refused in the other face, with a did-you-mean in the face's own.
    let err = thrown(() => new hg.Policy({ hsts: { maxage: 1 }, redirect: { allowed_host: ['x'] } }))
    assert.deepEqual(err.errors.map((e) => `${e.path} ${e.code}`), ['hsts.maxage config.unknown_key', 'redirect.allowed_host config.unknown_key'])
    assert.match(err.errors[0].message, /did you mean `maxAge`/)
    assert.match(err.errors[1].message, /did you mean `allowedHosts`/)
    err = thrown(() => hg.Policy.fromDocument({ hsts: { maxAge: 1 } }))
    assert.equal(err.errors[0].path, 'hsts.maxAge')
    assert.match(err.message, /did you mean `max_age`/)
  })

  test('a ramp: hstsSchedule, hstsValueAt(now), report()', () => {
    const p = new hg.Policy({ hsts: { preload: true, ramp: { start: '2026-12-01', stages: ['5m', '1d', '2y'], step: '1w' } } })
    const dec1 = 1796083200 // 2026-12-01T00:00:00Z
    assert.deepEqual(p.hstsSchedule, [
      { starts: dec1, maxAge: 300, value: 'max-age=300' },
      { starts: dec1 + 604800, maxAge: 86400, value: 'max-age=86400' },
      { starts: dec1 + 2 * 604800, maxAge: 63072000, value: 'max-age=63072000; includeSubDomains; preload' },
    ])
    assert.equal(p.hstsValueAt(0), 'max-age=300')
    assert.equal(p.hstsValueAt(dec1 + 604800), 'max-age=86400')
    assert.equal(p.hstsValueAt(dec1 + 10 * 604800), 'max-age=63072000; includeSubDomains; preload')
    assert.equal(p.hsts, 'max-age=63072000; includeSubDomains; preload')
    assert.deepEqual(p.report().schedule, p.hstsSchedule)
    assert.equal(thrown(() => p.hstsValueAt(-1)).code, 'duration.negative')
  })

  test("the middleware's entry points are not the API", () => {
    const p = new hg.Policy()
    for (const name of ['decide', 'responseHeaders', 'flagSetCookieValue', 'flagSetCookies', 'proxyHeaders']) {
      assert.equal(name in p, false, name)
    }
    const visible = (o) => Object.keys(o).filter((k) => /^_[a-z]/.test(k))
    assert.deepEqual(visible(hg.Policy.prototype), [])
    assert.deepEqual(visible(hg.Policy), [])
    assert.deepEqual(visible(hg), [])
    const types = fs.readFileSync(path.join(__dirname, '..', 'binding.d.ts'), 'utf8') + fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')
    assert.doesNotMatch(types, /^\s*(static |get )?_(decide|responseHeaders|flagSetCookies|proxyHeaders|hasRamp|forMiddleware)\b/m)
  })

  test('evaluate, explain, isSecure; the peer is read by the core', () => {
    const p = new hg.Policy({ proxy: { trusted: ['10.0.0.0/8'] }, redirect: { allowedHosts: ['example.com'] } })
    const viaProxy = { host: 'example.com', peer: '::ffff:10.1.2.3', headers: { 'x-forwarded-proto': 'https' } }
    assert.equal(p.isSecure(viaProxy), true)
    assert.equal(p.isSecure({ ...viaProxy, peer: '192.0.2.1' }), false)
    assert.equal(p.isSecure({ ...viaProxy, headers: [['X-Forwarded-Proto', 'https']] }), true)
    assert.deepEqual(p.evaluate(viaProxy).headers, { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' })
    assert.equal(p.explain({ method: 'PUT', host: 'example.com', target: '/x' }), 'redirect 308 to https://example.com/x (plain HTTP)')
    for (const peer of ['10.0.0.1', '::ffff:10.0.0.1', '[::ffff:10.0.0.1]']) assert.equal(p.isSecure({ ...viaProxy, peer }), true, peer)
    assert.equal(p.isSecure({ ...viaProxy, peer: 'fe80::1%eth0' }), false)
    for (const peer of ['unix:', 'not an address', '10.0.0.1:8080']) {
      const err = thrown(() => p.evaluate({ ...viaProxy, peer }))
      assert.equal(err.code, 'argument.invalid_peer', peer)
    }
    // The middleware's lean call agrees (and treats a peer it cannot read as unknown).
    assert.equal(p._decide('GET', 'example.com', '/', '10.0.0.1', ['x-forwarded-proto', 'https']), true)
    assert.equal(p._decide('GET', 'example.com', '/', 'unix:', ['x-forwarded-proto', 'https']), '301https://example.com/')
    assert.equal(p._decide('GET', 'example.com', '/.well-known/acme-challenge/x'), false)
    assert.deepEqual(p._decide('GET', 'evil.example', '/'), { status: 400, code: 'host.not_allowed', message: 'host `evil.example` is not in allowed_hosts' })
    assert.equal(p._decide('PUT', 'example.com', '/x'), '308https://example.com/x')
    const hsts = { name: 'Strict-Transport-Security', lower: 'strict-transport-security', value: 'max-age=31536000; includeSubDomains', replace: false }
    assert.deepEqual(p._responseHeaders('example.com', true), [hsts])
    assert.deepEqual(p._responseHeaders('example.com', false), [])
    assert.deepEqual(p._responseHeaders('localhost:3000', true), [])
    assert.deepEqual(p._responseHeaders(null, true), [hsts])
  })

  test('from files and text; JSON 3600.0 is refused from text only', () => {
    assert.equal(thrown(() => hg.Policy.fromJson('{"hsts": {"maxAge": 1}}')).code, 'config.unknown_key')
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'hstsguard-'))
    try {
      fs.writeFileSync(path.join(dir, 'p.json'), '{"hsts": {"max_age": "1d"}}')
      assert.equal(hg.Policy.fromFile(path.join(dir, 'p.json')).hsts, 'max-age=86400; includeSubDomains')
      fs.writeFileSync(path.join(dir, 'p.toml'), '[hsts]\nmax_age = 600\n')
      assert.equal(hg.Policy.fromFile(path.join(dir, 'p.toml')).hsts, 'max-age=600; includeSubDomains')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
    assert.equal(thrown(() => hg.Policy.fromJson('{"hsts": {"max_age": 3600.0}}')).code, 'duration.fractional')
    assert.equal(hg.Policy.fromDocument(JSON.parse('{"hsts": {"max_age": 3600.0}}')).hsts, 'max-age=3600; includeSubDomains')
    assert.equal(thrown(() => hg.Policy.fromToml('[hsts')).code, 'config.syntax')
    assert.equal(thrown(() => hg.Policy.fromFile('/nonexistent/p.toml')).code, 'io')
  })

  test('option errors: every problem with its path, JavaScript-only ones too', () => {
    const err = thrown(
      () =>
        new hg.Policy({
          hsts: { maxAge: NaN, preload: 'yes', includeSubDomains: undefined, ramp: { stages: [Infinity, -Infinity, 1.5] } },
          redirect: { httpsPort: Infinity, exempt: [() => 1, /x/y] },
          cookies: { rules: [{ name: 'a', sameSite: /lax/ }] },
          bogus: 1,
        }),
    )
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'config.invalid')
    assert.deepEqual(
      err.errors.map((e) => `${e.path} ${e.code}`),
      [
        // Found by the conversion of JavaScript values...
        'redirect.exempt[0] config.invalid_type',
        'redirect.exempt[1] config.invalid_value',
        'cookies.rules[0].sameSite config.invalid_type',
        // ...and by the core, in document order.
        'hsts.maxAge duration.not_a_number',
        'hsts.preload config.invalid_type',
        'hsts.ramp.start config.invalid_value',
        'hsts.ramp.stages[0] duration.not_a_number',
        'hsts.ramp.stages[1] duration.negative',
        'hsts.ramp.stages[2] duration.fractional',
        'redirect.httpsPort config.invalid_type',
        'bogus config.unknown_key',
      ],
    )
    for (const e of err.errors) assert.equal(typeof e.message, 'string')
    const one = thrown(() => new hg.Policy({ hsts: { max_Age: 1 } }))
    assert.equal(one.code, 'config.unknown_key')
    assert.match(one.message, /did you mean `maxAge`/)
    assert.equal(one.errors.length, 1)
    // A cycle under a known table or an unknown key cannot make the conversion loop.
    const deep = {}
    deep.self = deep
    assert.equal(thrown(() => new hg.Policy({ hsts: deep })).code, 'config.unknown_key')
    assert.equal(thrown(() => new hg.Policy({ hsts: { ramp: deep } })).code, 'config.invalid')
    assert.equal(thrown(() => new hg.Policy({ deep })).code, 'config.unknown_key')
  })

  test('flagSetCookie keeps what it does not own, byte for byte', () => {
    const p = new hg.Policy({ cookies: { rules: [{ name: '*', secure: true, sameSite: 'Lax' }] } })
    const f = p.flagSetCookie('id=1; path=/x;  Expires=Wed, 21 Oct 2026 07:28:00 GMT; Priority=High', true)
    assert.equal(f.setCookie, 'id=1; path=/x;  Expires=Wed, 21 Oct 2026 07:28:00 GMT; Priority=High; Secure; SameSite=Lax')
    assert.equal(f.changed, true)
    assert.deepEqual(p._flagSetCookies(['a=1', 'b=2; secure; samesite=lax'], false), ['a=1; Secure; SameSite=Lax', 'b=2; secure; samesite=lax'])
    assert.equal(p._flagSetCookies(['b=2; secure; samesite=lax'], false), null, 'null when nothing changes')
    assert.equal(hg.flagSetCookie('sid=1; Path=/').setCookie, 'sid=1; Path=/; Secure')
    assert.deepEqual(f.attributes, { name: 'id', secure: true, httpOnly: false, sameSite: 'Lax', path: '/x', domain: false })
    assert.deepEqual(hg.flagSetCookie('=; samesite=bogus; Domain=x').attributes, {
      name: '',
      secure: false, // a nameless cookie is reported, not flagged
      httpOnly: false,
      sameSite: null,
      path: null,
      domain: true,
    })
    assert.equal(hg.flagSetCookie('=').issues[0].code, 'cookie.malformed.empty_name')
  })
})

describe('the boundary', () => {
  test('wrong argument types throw Errors, never crash', () => {
    const p = new hg.Policy()
    for (const fn of [
      () => hg.parseSts(42),
      () => hg.parseDuration({}),
      () => hg.HstsPolicy.includingSubDomains(null),
      () => p.evaluate({ headers: 5 }),
      () => p._decide(),
      () => p._flagSetCookies('a=1', true),
      () => new hg.HpkpHeader({}),
    ]) {
      const err = thrown(fn)
      assert.ok(err instanceof Error)
      assert.equal(typeof err.code, 'string')
    }
  })

  test('hostile input is data, not a crash', () => {
    const p = new hg.Policy()
    const huge = 'x'.repeat(1 << 20)
    const weird = ['', '\u0000', '\r\n', '\ud800', 'é', huge, '%', '\\\\evil', `${huge};`]
    for (const s of weird) {
      hg.parseSts(s)
      hg.preloadCheck(s, s)
      hg.domainCheck(s)
      hg.parseHpkp(s)
      p.flagSetCookie(s, true)
      p.evaluate({ method: s, host: s, target: s, peer: null, headers: [[s, s]] })
      assert.equal(thrown(() => p.evaluate({ peer: s })).code, 'argument.invalid_peer')
      p._decide(s, s, s, s, [s, s])
      assert.throws(() => hg.parseDuration(s))
    }
    const d = p.evaluate({ host: 'example.com', target: '/\r\nSet-Cookie: a=1' })
    assert.equal(d.location, 'https://example.com/%0D%0ASet-Cookie:%20a=1')
  })

  test('constants', () => {
    assert.equal(typeof hg.VERSION, 'string')
    assert.equal(hg.ONE_YEAR, 31536000)
    assert.equal(hg.MAX_AGE_CAP, Number.MAX_SAFE_INTEGER)
    assert.equal(require('../package.json').version, hg.VERSION)
  })
})
