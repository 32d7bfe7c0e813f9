'use strict'
// Runs tests/vectors/ua_store.json (the Known HSTS Host store, curl's cache format, URL
// upgrades, the embedded preload list) through the public JavaScript API, as the Rust
// runner (crates/hstsguard/tests/ua_vectors.rs), the C and the Python runners do. Every
// failing step is named by its case id and step number.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { KnownHosts, preloadLookup } = require('..')

const FILE = path.join(__dirname, '..', '..', '..', 'tests', 'vectors', 'ua_store.json')

function storeFor(options = {}) {
  const o = {}
  if (options.capacity !== undefined) o.capacity = options.capacity
  if (options.preload === false) o.preload = false
  if (options.allow_single_label_preload !== undefined) o.allowSingleLabelPreload = options.allow_single_label_preload
  return new KnownHosts(o)
}

/** Runs one step; returns what it produced, in the shape of its `expected`. */
function runStep(store, step) {
  const now = step.now ?? 0
  try {
    switch (step.op) {
      case 'receive': {
        const o = store.receive(step.host, step.fields, step.secure ?? true, now)
        return { result: o.result, reason: o.reason }
      }
      case 'query': {
        const m = store.lookup(step.host, now)
        return {
          upgrade: m !== null,
          entry: m && m.entry,
          include_subdomains: m && m.includeSubDomains,
          expires: m && m.expires,
          remaining_seconds: m && m.remainingSeconds,
          source: m && m.source,
        }
      }
      case 'upgrade': {
        const u = store.upgradeUrl(step.url, now)
        return { url: u.url, upgraded: u.upgraded }
      }
      case 'load': {
        const r = store.loadText(step.text, now)
        return {
          loaded: r.loaded,
          expired: r.expired,
          duplicates: r.duplicates,
          skipped: r.skipped.map((s) => [s.line, s.code]),
        }
      }
      case 'list': {
        const lines = store
          .toCacheText(now)
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('# Your HSTS cache') && !l.startsWith('# This file'))
        return { lines }
      }
      case 'preload_lookup': {
        const m = preloadLookup(step.host, step.allow_single_label ?? false)
        return { preloaded: m !== null, entry: m && m.entry, include_subdomains: m && m.includeSubDomains }
      }
      default:
        throw new Error(`unknown op ${step.op}`)
    }
  } catch (err) {
    if (err && typeof err.code === 'string' && err.code.includes('.')) return { error: err.code }
    throw err
  }
}

test('ua_store.json: every case, every step', () => {
  const doc = JSON.parse(fs.readFileSync(FILE, 'utf8'))
  assert.equal(doc.kind, 'ua_store')
  const failures = []
  let steps = 0
  for (const c of doc.cases) {
    const store = storeFor(c.options)
    c.steps.forEach((step, i) => {
      steps += 1
      const got = runStep(store, step)
      for (const [key, want] of Object.entries(step.expected)) {
        const value = got[key] === undefined ? null : got[key]
        try {
          assert.deepStrictEqual(value, want)
        } catch {
          failures.push(`${c.id} step ${i + 1} (${step.op}): ${key}: want ${JSON.stringify(want)}, got ${JSON.stringify(value)}`)
        }
      }
    })
  }
  assert.ok(steps > 100, `only ${steps} steps`)
  assert.deepEqual(failures, [], `${failures.length} failing steps:\n${failures.join('\n')}`)
})
