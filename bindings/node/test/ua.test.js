'use strict'
// The client-side API (KnownHosts, preloadLookup, preloadListInfo): defaults, the clock,
// typed results, errors with the core's codes, and the curl-format store file.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { KnownHosts, preloadLookup, preloadListInfo, DEFAULT_CAPACITY } = require('..')
const { thrown } = require('../support/helpers')

const NOW = 1_800_000_000

test('receive, lookup, upgradeUrl: typed results with the core behaviour', () => {
  const store = new KnownHosts({ preload: false })
  assert.equal(store.capacity, DEFAULT_CAPACITY)
  assert.deepEqual(store.receive('Example.COM.', 'max-age=600; includeSubDomains', true, NOW), { result: 'added', reason: null })
  assert.deepEqual(store.receive('example.com', ['max-age=900', 'max-age=1'], true, NOW), { result: 'updated', reason: null })
  assert.deepEqual(store.receive('example.org', 'max-age=600', false, NOW), { result: 'ignored', reason: 'ua.receive.insecure_transport' })
  assert.deepEqual(store.receive('192.0.2.1', 'max-age=600', true, NOW), { result: 'ignored', reason: 'ua.receive.ip_literal' })
  assert.equal(store.receive('example.net', 'max-age=x', true, NOW).reason.startsWith('header.parse.'), true)
  // The update replaced includeSubDomains too: subdomains no longer match.
  assert.equal(store.lookup('a.b.example.com', NOW + 100), null)
  assert.deepEqual(store.lookup('example.com', NOW + 100), {
    entry: 'example.com',
    includeSubDomains: false,
    expires: NOW + 900,
    remainingSeconds: 800,
    source: 'dynamic',
  })
  assert.equal(store.lookup('example.com', NOW + 900), null, 'expired entries never match')
  assert.equal(store.size, 0, 'and are evicted')
  store.insert('example.com', true, null, NOW)
  const up = store.upgradeUrl('http://user:pw@www.example.com:80/p?q#f', NOW)
  assert.equal(up.url, 'https://user:pw@www.example.com/p?q#f')
  assert.equal(up.upgraded, true)
  assert.deepEqual(up.matched, { entry: 'example.com', includeSubDomains: true, expires: null, remainingSeconds: null, source: 'dynamic' })
  assert.deepEqual(store.upgradeUrl('http://other.example:8080/', NOW), { url: 'http://other.example:8080/', upgraded: false, matched: null })
  assert.equal(store.shouldUpgrade('x.example.com', NOW), true)
  assert.deepEqual(store.entries(NOW), [{ host: 'example.com', includeSubDomains: true, expires: null, kind: 'known_host' }])
  assert.equal(store.remove('example.com'), true)
  assert.equal(store.remove('example.com'), false)
})

test('the clock defaults to the system clock', () => {
  const store = new KnownHosts({ preload: false })
  store.receive('clock.example', 'max-age=1000', true)
  const m = store.lookup('clock.example')
  const now = Math.floor(Date.now() / 1000)
  assert.ok(Math.abs(m.expires - (now + 1000)) <= 2, `${m.expires} vs ${now + 1000}`)
  assert.ok(m.remainingSeconds <= 1000 && m.remainingSeconds >= 998)
})

test('the preload list: lookups, single labels, knock-outs, the list date', () => {
  assert.deepEqual(preloadLookup('gist.github.com'), { entry: 'github.com', includeSubDomains: true, exact: false })
  assert.deepEqual(preloadLookup('PayPal.com.'), { entry: 'paypal.com', includeSubDomains: false, exact: true })
  assert.equal(preloadLookup('example.com'), null)
  assert.equal(preloadLookup('app'), null)
  assert.equal(preloadLookup('app', true).entry, 'app')
  const info = preloadListInfo(NOW)
  assert.match(info.date, /^\d{4}-\d\d-\d\d$/)
  assert.ok(info.entries > 100_000)
  assert.ok(info.sizeBytes > 0)
  assert.equal(info.ageSeconds, NOW - Date.parse(`${info.date}T00:00:00Z`) / 1000)

  const store = new KnownHosts()
  assert.equal(store.lookup('paypal.com', NOW).source, 'preload')
  assert.deepEqual(store.receive('paypal.com', 'max-age=0', true, NOW), { result: 'deleted', reason: 'ua.receive.knock_out' })
  assert.equal(store.lookup('paypal.com', NOW), null, 'the site knocked itself out')
  assert.equal(store.entries(NOW)[0].kind, 'knock_out')
  assert.equal(new KnownHosts({ preloadMaxAge: 86400 }).lookup('paypal.com', NOW), null, 'a stale list is ignored')
})

test('errors carry the core codes', () => {
  const store = new KnownHosts({ preload: false })
  assert.equal(thrown(() => store.lookup('a b.example', NOW)).code, 'ua.host.invalid')
  assert.equal(thrown(() => store.lookup(`${'a.'.repeat(130)}com`, NOW)).code, 'ua.host.too_long')
  assert.equal(thrown(() => store.upgradeUrl('not a url', NOW)).code, 'ua.url.invalid')
  assert.equal(thrown(() => store.insert('192.0.2.1', false, null, NOW)).code, 'ua.host.invalid')
  assert.equal(thrown(() => store.lookup('example.com', -1)).code, 'duration.negative')
  assert.equal(thrown(() => store.lookup('example.com', 1.5)).code, 'duration.fractional')
  assert.equal(thrown(() => preloadLookup('')).code, 'ua.host.invalid')
  assert.equal(thrown(() => new KnownHosts({ preloadFile: '/nonexistent/list.bin' })).code, 'ua.store.io')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hstsguard-ua-'))
  try {
    assert.equal(thrown(() => store.save(dir, NOW)).code, 'ua.store.is_directory')
    assert.equal(thrown(() => store.load(dir, NOW)).code, 'ua.store.is_directory')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the store file: curl format, skipped lines reported, two stores merge', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hstsguard-ua-'))
  const file = path.join(dir, 'hsts.txt')
  try {
    const a = new KnownHosts({ preload: false })
    const b = new KnownHosts({ preload: false })
    a.insert('a.example', true, null, NOW)
    b.insert('b.example', false, NOW + 3600, NOW)
    assert.deepEqual(a.save(file, NOW), { written: 1, mergedFromFile: 0 })
    assert.deepEqual(b.save(file, NOW), { written: 2, mergedFromFile: 1 })
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
    assert.deepEqual(lines, ['.a.example "unlimited"', 'b.example "20270115 09:00:00"'])
    fs.appendFileSync(file, 'not a line\nc.example "2027"\n')
    const c = new KnownHosts({ preload: false })
    const report = c.load(file, NOW)
    assert.equal(report.loaded, 2)
    assert.deepEqual(report.skipped.map((s) => [s.line, s.code]), [[5, 'ua.cache.malformed_line'], [6, 'ua.cache.invalid_date']])
    assert.match(report.skipped[0].message, /not a line/)
    assert.equal(c.toCacheText(NOW).includes('.a.example "unlimited"'), true)
    assert.equal(c.purgeExpired(NOW + 3601), 1)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the capacity bounds the store', () => {
  const store = new KnownHosts({ preload: false, capacity: 2 })
  store.receive('a.example', 'max-age=100', true, NOW)
  store.receive('b.example', 'max-age=50', true, NOW)
  store.receive('c.example', 'max-age=10', true, NOW)
  assert.deepEqual(store.entries(NOW).map((e) => e.host), ['a.example', 'c.example'])
})
