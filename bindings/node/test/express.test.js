'use strict'
// The middleware against real Express 5 and Express 4 apps (supertest, 127.0.0.1).
// "Secure" is simulated with Express's `trust proxy` and X-Forwarded-Proto from the
// loopback peer; real TLS is in https.test.js.
const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const request = require('supertest')
const { hsts, enforceHttps, secureCookies, hstsguard, isSecure } = require('../express')
const { Policy } = require('..')
const { listen, close, raw, thrown } = require('../support/helpers')

const STS = 'strict-transport-security'
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** `YYYY-MM-DD` of the UTC day `days` from today. */
function day(days) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10)
}

// Every middleware logs its deploy warnings when it is made (policy.redirect.any_host for
// most of the apps below): keep the test output quiet. The warning tests capture them.
console.warn = () => {}

/** A route answering every method with 200 "ok". */
function ok(req, res) {
  res.status(200).send('ok')
}

for (const [label, express] of [
  ['Express 5', require('express')],
  ['Express 4', require('express4')],
]) {
  /** An app with `middleware`, `trust proxy` set to `trust` (or unset), and routes. */
  function app(middleware, { trust, routes } = {}) {
    const a = express()
    if (trust !== undefined) a.set('trust proxy', trust)
    for (const m of [].concat(middleware)) a.use(m)
    if (routes) routes(a)
    a.all(label === 'Express 5' ? '/{*rest}' : '*', ok) // Express 5 changed the path syntax
    a.all('/', ok)
    return a
  }

  describe(`${label}: trust proxy`, () => {
    test("isSecure(req) agrees with Express's req.secure for every trust proxy setting", async () => {
      const settings = [undefined, false, true, 'loopback', '10.0.0.0/8', '127.0.0.1', 1, 0, 'uniquelocal', (addr) => addr === '127.0.0.1' || addr === '::ffff:127.0.0.1']
      const values = [undefined, 'https', 'http', 'https, http', 'http, https', ' https ', 'HTTPS', '']
      for (const trust of settings) {
        const a = express()
        if (trust !== undefined) a.set('trust proxy', trust)
        a.get('/', (req, res) => res.json({ ours: isSecure(req), express: req.secure }))
        const agent = request.agent(a)
        for (const xfp of values) {
          const r = xfp === undefined ? await agent.get('/') : await agent.get('/').set('X-Forwarded-Proto', xfp)
          assert.equal(r.body.ours, r.body.express, `trust proxy ${String(trust)}, X-Forwarded-Proto ${JSON.stringify(xfp)}`)
        }
      }
    })

    test('a trust proxy change at run time is seen on a kept-alive connection', async () => {
      const a = express()
      a.set('trust proxy', true)
      a.get('/', (req, res) => res.json({ ours: isSecure(req), express: req.secure }))
      const server = a.listen(0, '127.0.0.1')
      await new Promise((resolve) => server.once('listening', resolve))
      const http = require('node:http')
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      const get = () =>
        new Promise((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port: server.address().port, path: '/', agent, headers: { 'X-Forwarded-Proto': 'https' } }, (res) => {
              let body = ''
              res.on('data', (c) => (body += c))
              res.on('end', () => resolve(JSON.parse(body)))
            })
            .on('error', reject)
        })
      try {
        assert.deepEqual(await get(), { ours: true, express: true })
        a.set('trust proxy', false)
        assert.deepEqual(await get(), { ours: false, express: false })
        a.set('trust proxy', 'loopback')
        assert.deepEqual(await get(), { ours: true, express: true })
      } finally {
        agent.destroy()
        await close(server)
      }
    })

    test("isSecure(req) reports hstsguard()'s decision, trusted proxies included", async () => {
      const a = express()
      a.use(hstsguard({ proxy: { trusted: ['127.0.0.1', '::1'] }, redirect: { enabled: false } }))
      a.get('/', (req, res) => res.json({ ours: isSecure(req), express: req.secure }))
      const r = await request(a).get('/').set('X-Forwarded-Proto', 'https')
      assert.deepEqual(r.body, { ours: true, express: false })
      const plain = await request(a).get('/')
      assert.deepEqual(plain.body, { ours: false, express: false })
    })
  })

  describe(`${label}: hsts()`, () => {
    test('helmet defaults, sent on secure requests only', async () => {
      const a = app(hsts(), { trust: 'loopback' })
      const secure = await request(a).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(secure.headers[STS], 'max-age=31536000; includeSubDomains')
      const plain = await request(a).get('/').set('Host', 'example.com')
      assert.equal(plain.headers[STS], undefined, 'never over plain HTTP (RFC 6797 §7.2)')
    })

    test('ramp: the schedule, with a start in the past and in the future (hsts() and hstsguard())', async () => {
      const cases = [
        // Started long ago: the last stage, with includeSubDomains (only the last stage has it).
        [{ start: '2000-01-01', stages: ['5m', '1d', '1y'], step: '1w' }, 'max-age=31536000; includeSubDomains'],
        // Not started yet: the first stage.
        [{ start: '2999-01-01', stages: ['5m', '1d', '1y'], step: '1w' }, 'max-age=300'],
        // Started 8 days ago, one stage a week: the second stage.
        [{ start: day(-8), stages: [300, '1d', '1y'], step: '1w' }, 'max-age=86400'],
        // Started today.
        [{ start: day(0), stages: ['5m', '1d'], step: 86400 * 7 }, 'max-age=300'],
      ]
      for (const [ramp, want] of cases) {
        for (const mw of [hsts({ ramp }), hstsguard({ hsts: { ramp }, redirect: { enabled: false } })]) {
          const r = await request(app(mw, { trust: true })).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
          assert.equal(r.headers[STS], want, JSON.stringify(ramp))
        }
        assert.equal(hsts({ ramp }).headerValue, want)
      }
      const err = thrown(() => hsts({ ramp: { start: '2026-13-01', stages: [], step: 0 } }))
      assert.deepEqual(err.errors.map((e) => `${e.path} ${e.code}`), ['ramp.start config.invalid_value', 'ramp.stages config.invalid_value', 'ramp.step config.invalid_value'])
    })

    test('IP-literal and localhost Hosts are skipped, as by hstsguard() and every other face', async () => {
      const a = app(hsts(), { trust: 'loopback' })
      const b = app(hstsguard({ redirect: { enabled: false } }), { trust: 'loopback' })
      for (const host of ['127.0.0.1', '127.0.0.1:3000', 'localhost', 'LOCALHOST:8080', 'app.localhost', '[::1]:8443', '10.1.2.3', 'example.com', 'www.example.com:8443']) {
        const want = /example\.com/.test(host) ? 'max-age=31536000; includeSubDomains' : undefined
        for (const [name, x] of [['hsts()', a], ['hstsguard()', b]]) {
          const r = await request(x).get('/').set('Host', host).set('X-Forwarded-Proto', 'https')
          assert.equal(r.headers[STS], want, `${name}, Host ${host}`)
        }
      }
      // The same keys turn it off in both.
      const c = app(hsts({ skipIpHosts: false, skipLocalhost: false }), { trust: 'loopback' })
      for (const host of ['127.0.0.1:3000', 'localhost']) {
        const r = await request(c).get('/').set('Host', host).set('X-Forwarded-Proto', 'https')
        assert.equal(r.headers[STS], 'max-age=31536000; includeSubDomains', host)
      }
    })

    test("a response's own setHeader / hasHeader (another middleware's patch) is honoured", async () => {
      const seen = []
      const spy = (req, res, next) => {
        const set = res.setHeader
        res.setHeader = function (name, value) {
          seen.push(String(name).toLowerCase())
          return set.call(this, name, value)
        }
        next()
      }
      const a = app([spy, hsts()], { trust: true })
      const r = await request(a).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r.headers[STS], 'max-age=31536000; includeSubDomains')
      assert.ok(seen.includes('strict-transport-security'), JSON.stringify(seen))
      // On the app's response prototype too.
      const b = app(hsts(), { trust: true })
      const hasHeader = b.response.hasHeader
      b.response.hasHeader = function (name) {
        return name === 'strict-transport-security' ? true : hasHeader.call(this, name)
      }
      const s2 = await request(b).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(s2.headers[STS], undefined, "the prototype's hasHeader says there is one: kept")
    })

    test("a request's own headers (another middleware's rewrite) are the ones read", async () => {
      const rewrite = (req, res, next) => {
        Object.defineProperty(req, 'headers', { value: { ...req.headers, host: 'localhost' } })
        next()
      }
      for (const mw of [hsts(), hstsguard({ redirect: { enabled: false } })]) {
        const a = app([rewrite, mw], { trust: true })
        const r = await request(a).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
        assert.equal(r.headers[STS], undefined, 'the rewritten Host is localhost')
      }
      // A getter on the app's request prototype, added after requests were served.
      const b = app(hsts(), { trust: true })
      const first = await request(b).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(first.headers[STS], 'max-age=31536000; includeSubDomains')
      const nodeHeaders = Object.getOwnPropertyDescriptor(require('node:http').IncomingMessage.prototype, 'headers').get
      Object.defineProperty(b.request, 'headers', {
        configurable: true,
        get() {
          return { ...nodeHeaders.call(this), host: '127.0.0.1' }
        },
      })
      const second = await request(b).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(second.headers[STS], undefined, 'the prototype says the Host is an IP literal')
    })

    test('the last Host is remembered, not mixed up with the next one', async () => {
      const a = app(hsts(), { trust: 'loopback' })
      for (const host of ['example.com', 'localhost', 'localhost', 'example.com', '10.0.0.1', 'example.com', undefined]) {
        const req = request(a).get('/').set('X-Forwarded-Proto', 'https')
        const r = await (host === undefined ? req : req.set('Host', host))
        const want = host === undefined || /example/.test(host) ? 'max-age=31536000; includeSubDomains' : undefined
        assert.equal(r.headers[STS], host === undefined ? undefined : want, String(host))
      }
    })

    test("existing: 'keep' leaves an earlier header, 'replace' wins over a later one", async () => {
      const early = (req, res, next) => {
        res.setHeader('Strict-Transport-Security', 'max-age=5')
        next()
      }
      const late = (x) =>
        x.get('/late', (req, res) => {
          res.setHeader('Strict-Transport-Security', 'max-age=6')
          res.send('ok')
        })
      const keep = app([early, hsts()], { trust: true })
      assert.equal((await request(keep).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')).headers[STS], 'max-age=5')
      const replace = app([early, hsts({ existing: 'replace' })], { trust: true, routes: late })
      const r1 = await request(replace).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r1.headers[STS], 'max-age=31536000; includeSubDomains')
      const r2 = await request(replace).get('/late').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r2.headers[STS], 'max-age=31536000; includeSubDomains')
    })

    test('a spoofed X-Forwarded-Proto is ignored without trust proxy', async () => {
      const a = app(hsts())
      const r = await request(a).get('/').set('X-Forwarded-Proto', 'https')
      assert.equal(r.headers[STS], undefined)
    })

    test('trust proxy set to another network: loopback is not trusted', async () => {
      const a = app(hsts(), { trust: '10.0.0.0/8' })
      const r = await request(a).get('/').set('X-Forwarded-Proto', 'https')
      assert.equal(r.headers[STS], undefined)
    })

    test("send: 'always' sends it over plain HTTP too, as helmet does", async () => {
      const r = await request(app(hsts({ send: 'always' }))).get('/').set('Host', 'example.com')
      assert.equal(r.headers[STS], 'max-age=31536000; includeSubDomains')
    })

    test('options: maxAge, includeSubDomains, preload, durations', async () => {
      assert.equal(hsts({ maxAge: 63072000, preload: true }).headerValue, 'max-age=63072000; includeSubDomains; preload')
      assert.equal(hsts({ maxAge: '2y', includeSubDomains: false }).headerValue, 'max-age=63072000')
      assert.equal(hsts({ maxAge: 0 }).headerValue, 'max-age=0; includeSubDomains')
      assert.equal(hsts({ maxAge: 300.0 }).headerValue, 'max-age=300; includeSubDomains')
      // helmet's reading of numbers: a fraction is floored, -0 is 0.
      assert.equal(hsts({ maxAge: 3600.5 }).headerValue, 'max-age=3600; includeSubDomains')
      assert.equal(hsts({ maxAge: 0.9, includeSubDomains: false }).headerValue, 'max-age=0')
      assert.equal(hsts({ maxAge: -0, includeSubDomains: false }).headerValue, 'max-age=0')
      const a = app(hsts({ maxAge: '18w', includeSubDomains: false }), { trust: true })
      const r = await request(a).get('/x').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r.headers[STS], 'max-age=10886400')
    })

    test("helmet's messages for maxage and includeSubdomains", () => {
      const a = thrown(() => hsts({ maxage: 5 }))
      assert.equal(a.code, 'config.unknown_key')
      assert.match(a.message, /unsupported property, `maxage`. Did you mean to pass `maxAge`\?/)
      const b = thrown(() => hsts({ includeSubdomains: true }))
      assert.equal(b.code, 'config.unknown_key')
      assert.match(b.message, /should use `includeSubDomains` instead of `includeSubdomains`/)
    })

    test("other misspellings get the core's did-you-mean, in camelCase", () => {
      for (const [key, near] of [['preLoad', 'preload'], ['max_age', 'maxAge'], ['includeSubDomain', 'includeSubDomains'], ['skipIPHosts', 'skipIpHosts'], ['xyz', null]]) {
        const err = thrown(() => hsts({ [key]: true }))
        assert.equal(err.code, 'config.unknown_key', key)
        // (The core reports `max_age` as `maxAge`: a known key's snake name is respelled.)
        if (key !== 'max_age') assert.equal(err.errors[0].path, key)
        if (near) assert.match(err.message, new RegExp(`did you mean \`${near}\``), key)
        else assert.match(err.message, /known keys here: enabled, maxAge, includeSubDomains, preload, requirePreloadable, send, existing, skipIpHosts, skipLocalhost, ramp/)
      }
    })

    test('bad maxAge values carry the core duration codes', () => {
      for (const [value, code] of [
        [-1, 'duration.negative'],
        [NaN, 'duration.not_a_number'],
        [Infinity, 'duration.not_a_number'],
        [2 ** 60, 'duration.overflow'],
        ['1x', 'duration.unknown_unit'],
        ['', 'duration.empty'],
        [null, 'config.invalid_type'],
        [true, 'config.invalid_type'],
      ]) {
        const err = thrown(() => hsts({ maxAge: value }))
        assert.ok(err instanceof Error)
        assert.equal(err.code, code, String(value))
        assert.match(err.message, /is not a valid value for maxAge/)
      }
    })

    test('bad flags and bad options objects', () => {
      assert.equal(thrown(() => hsts({ includeSubDomains: 'yes' })).code, 'config.invalid_type')
      assert.equal(thrown(() => hsts({ preload: 1 })).code, 'config.invalid_type')
      assert.equal(thrown(() => hsts({ send: 'sometimes' })).code, 'config.invalid_value')
      assert.equal(thrown(() => hsts(null)).code, 'config.invalid_type')
      assert.equal(thrown(() => hsts('1y')).code, 'config.invalid_type')
      assert.equal(thrown(() => hsts([])).code, 'config.invalid_type')
      const both = thrown(() => hsts({ preload: 1, maxAge: -1, ramp: { stages: ['1x'] } }))
      assert.equal(both.code, 'config.invalid')
      assert.deepEqual(
        both.errors.map((e) => `${e.path} ${e.code}`),
        ['maxAge duration.negative', 'preload config.invalid_type', 'ramp.start config.invalid_value', 'ramp.stages[0] duration.unknown_unit'],
      )
    })
  })

  describe(`${label}: enforceHttps()`, () => {
    test('every method: 301 for GET and HEAD, 308 for the others', async () => {
      const a = app(enforceHttps({ allowedHosts: ['example.com'] }))
      for (const method of METHODS) {
        const r = await request(a)[method.toLowerCase()]('/form?x=1').set('Host', 'example.com')
        assert.equal(r.status, method === 'GET' || method === 'HEAD' ? 301 : 308, method)
        assert.equal(r.headers.location, 'https://example.com/form?x=1', method)
      }
    })

    test('secure requests pass: trust proxy with X-Forwarded-Proto from loopback', async () => {
      const a = app(enforceHttps(), { trust: 'loopback' })
      for (const method of METHODS) {
        const r = await request(a)[method.toLowerCase()]('/').set('X-Forwarded-Proto', 'https')
        assert.equal(r.status, 200, method)
      }
    })

    test('spoofed X-Forwarded-Proto without trust proxy: still redirected', async () => {
      const r = await request(app(enforceHttps())).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r.status, 301)
    })

    test('X-Forwarded-Proto: http from a trusted proxy: redirected', async () => {
      const r = await request(app(enforceHttps(), { trust: 'loopback' }))
        .get('/a')
        .set('Host', 'example.com')
        .set('X-Forwarded-Proto', 'http')
      assert.equal(r.status, 301)
      assert.equal(r.headers.location, 'https://example.com/a')
    })

    test('hosts outside allowedHosts get 400, never a redirect', async () => {
      const a = app(enforceHttps({ allowedHosts: ['example.com', '.example.org'] }))
      const evil = await request(a).get('/').set('Host', 'evil.example')
      assert.equal(evil.status, 400)
      assert.equal(evil.headers.location, undefined)
      assert.doesNotMatch(evil.text, /evil/)
      const sub = await request(a).get('/').set('Host', 'www.example.org:8080')
      assert.equal(sub.headers.location, 'https://www.example.org/')
    })

    test('canonicalHost, httpsPort, keepPort', async () => {
      let r = await request(app(enforceHttps({ canonicalHost: 'example.com' }))).get('/p?q').set('Host', 'other.example')
      assert.equal(r.headers.location, 'https://example.com/p?q')
      r = await request(app(enforceHttps({ httpsPort: 8443 }))).get('/').set('Host', 'example.com:8080')
      assert.equal(r.headers.location, 'https://example.com:8443/')
      r = await request(app(enforceHttps({ keepPort: true }))).get('/').set('Host', 'example.com:8080')
      assert.equal(r.headers.location, 'https://example.com:8080/')
    })

    test('exempt paths and the ACME challenge pass', async () => {
      const a = app(enforceHttps({ exempt: '^/health$' }))
      assert.equal((await request(a).get('/health').set('Host', 'example.com')).status, 200)
      assert.equal((await request(a).get('/health?deep=1').set('Host', 'example.com')).status, 200)
      assert.equal((await request(a).get('/healthz').set('Host', 'example.com')).status, 301)
      assert.equal((await request(a).get('/.well-known/acme-challenge/tok').set('Host', 'example.com')).status, 200)
      const b = app(enforceHttps({ acmeExempt: false }))
      assert.equal((await request(b).get('/.well-known/acme-challenge/tok').set('Host', 'example.com')).status, 301)
    })

    test('a RegExp in exempt: its source, with i, m and s as inline flags', async () => {
      const a = app(enforceHttps({ exempt: /^\/health$/i }))
      assert.equal((await request(a).get('/HEALTH').set('Host', 'example.com')).status, 200)
      assert.equal((await request(a).get('/health?x=1').set('Host', 'example.com')).status, 200)
      assert.equal((await request(a).get('/healthz').set('Host', 'example.com')).status, 301)
      const b = app(enforceHttps({ exempt: [/^\/a\//, '^/b$', new RegExp('^/c$', 'gu')] }))
      for (const [path, status] of [['/a/x', 200], ['/b', 200], ['/c', 200], ['/bb', 301], ['/C', 301]]) {
        assert.equal((await request(b).get(path).set('Host', 'example.com')).status, status, path)
      }
      let err = thrown(() => enforceHttps({ exempt: [/ok/, /^\/x/y] }))
      assert.equal(err.code, 'config.invalid_value')
      assert.equal(err.errors[0].path, 'exempt[1]')
      assert.match(err.message, /`y` \(sticky\) flag cannot be honoured/)
      err = thrown(() => enforceHttps({ exempt: /[\p{L}--[a-z]]/v }))
      assert.match(err.message, /`v` flag/)
      err = thrown(() => enforceHttps({ exempt: /(?<=a)b/ }))
      assert.equal(err.errors[0].path, 'exempt', 'the core checks the pattern: no look-behind in Rust regex')
      err = thrown(() => enforceHttps({ canonicalHost: /example/ }))
      assert.equal(err.code, 'config.invalid_type')
      assert.equal(err.errors[0].path, 'canonicalHost')
    })

    test('exempt patterns are searched in the whole original path, leading / included, also in a mounted router', async () => {
      const a = express()
      const api = express.Router()
      api.use(enforceHttps({ exempt: '^/api/health$' }))
      api.get('/health', ok)
      a.use('/api', api)
      const b = express()
      const api2 = express.Router()
      api2.use(enforceHttps({ exempt: '^/health$' })) // the router's own path: never matches
      api2.get('/health', ok)
      b.use('/api', api2)
      assert.equal((await request(a).get('/api/health').set('Host', 'example.com')).status, 200)
      assert.equal((await request(a).get('/api/health/').set('Host', 'example.com')).status, 301)
      assert.equal((await request(b).get('/api/health').set('Host', 'example.com')).status, 301)
    })

    test('statusOther 403 (express-sslify) and 426 (with Upgrade)', async () => {
      const a = app(enforceHttps({ statusOther: 403 }))
      const post = await request(a).post('/form').set('Host', 'example.com')
      assert.equal(post.status, 403)
      assert.match(post.text, /HTTPS/)
      assert.equal((await request(a).head('/').set('Host', 'example.com')).status, 301, 'HEAD is not refused (express-enforces-ssl does)')
      const b = app(enforceHttps({ statusOther: 426 }))
      const put = await request(b).put('/x').set('Host', 'example.com')
      assert.equal(put.status, 426)
      assert.equal(put.headers.upgrade, 'TLS/1.2, HTTP/1.1')
    })

    test('express-sslify trustProtoHeader: X-Forwarded-Proto from any peer', async () => {
      const a = app(enforceHttps({ trustProtoHeader: true }))
      assert.equal((await request(a).get('/').set('X-Forwarded-Proto', 'https')).status, 200)
      assert.equal((await request(a).get('/').set('Host', 'example.com')).status, 301)
      const az = app(enforceHttps({ trustAzureHeader: true }))
      assert.equal((await request(az).get('/').set('X-ARR-SSL', '2048|256|C=US...')).status, 200)
    })

    test('proxy: the policy trusts the peer, not Express', async () => {
      const a = app(enforceHttps({ proxy: { trusted: ['127.0.0.1', '::1'] } }))
      assert.equal((await request(a).get('/').set('X-Forwarded-Proto', 'https')).status, 200)
      // One source by default (issue 15): a Forwarded header is not read.
      assert.equal((await request(a).get('/').set('Host', 'example.com').set('Forwarded', 'for=1.2.3.4;proto=https')).status, 301)
      const b = app(enforceHttps({ proxy: { trusted: ['10.0.0.0/8'] } }))
      assert.equal((await request(b).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')).status, 301)
    })

    test('trustXForwardedHostHeader is validated like Host (no open redirect)', async () => {
      const err = thrown(() => enforceHttps({ trustXForwardedHostHeader: true }))
      assert.equal(err.code, 'config.conflict')
      assert.match(err.message, /open redirect/)
      assert.equal(thrown(() => enforceHttps({ trustXForwardedHostHeader: true, allowedHosts: ['*'] })).code, 'config.conflict')
      const a = app(enforceHttps({ trustXForwardedHostHeader: true, allowedHosts: ['.example.com'] }))
      const good = await request(a).get('/x').set('Host', 'internal:8080').set('X-Forwarded-Host', 'www.example.com, proxy.local')
      assert.equal(good.headers.location, 'https://www.example.com/x')
      const evil = await request(a).get('/x').set('Host', 'www.example.com').set('X-Forwarded-Host', 'evil.example')
      assert.equal(evil.status, 400)
    })

    test('a mounted router redirects to the original URL', async () => {
      const a = express()
      const router = express.Router()
      router.use(enforceHttps())
      router.get('/page', ok)
      a.use('/sub', router)
      const r = await request(a).get('/sub/page?x=1').set('Host', 'example.com')
      assert.equal(r.headers.location, 'https://example.com/sub/page?x=1')
    })

    test('hostile targets and hosts over a raw socket', async () => {
      const server = app(enforceHttps({ allowedHosts: ['example.com'] })).listen(0, '127.0.0.1')
      await new Promise((resolve) => server.once('listening', resolve))
      const port = server.address().port
      try {
        let r = await raw(port, 'GET //evil.example/x HTTP/1.1\r\nHost: example.com\r\n\r\n')
        assert.equal(r.header('location'), 'https://example.com/evil.example/x', 'no scheme-relative Location')
        r = await raw(port, 'GET /a%0d%0aSet-Cookie:x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n')
        assert.equal(r.header('location'), 'https://example.com/a%0d%0aSet-Cookie:x=1')
        assert.deepEqual(r.headerAll('set-cookie'), [])
        r = await raw(port, 'GET http://example.com/abs?q=1 HTTP/1.1\r\nHost: ignored.example\r\n\r\n')
        assert.equal(r.header('location'), 'https://example.com/abs?q=1', 'absolute-form: the authority is the host')
        r = await raw(port, 'GET / HTTP/1.1\r\nHost: user@example.com\r\n\r\n')
        assert.equal(r.status, 400)
        r = await raw(port, 'GET / HTTP/1.0\r\n\r\n')
        assert.equal(r.status, 400, 'no Host at all')
      } finally {
        await close(server)
      }
    })

    test('option errors name the option', () => {
      let err = thrown(() => enforceHttps({ allowedHost: ['example.com'] }))
      assert.equal(err.code, 'config.unknown_key')
      assert.match(err.message, /did you mean `allowedHosts`/)
      err = thrown(() => enforceHttps({ httpsPort: 'x', statusOther: 200, exempt: ['('] }))
      assert.equal(err.code, 'config.invalid')
      assert.deepEqual(
        err.errors.map((e) => `${e.path} ${e.code}`).sort(),
        ['exempt[0] config.invalid_value', 'httpsPort config.invalid_type', 'statusOther config.invalid_value'],
      )
      assert.match(err.message, /httpsPort: /)
      err = thrown(() => enforceHttps({ proxy: { trusted: ['10.0.0.0/33'], source: 'forwarded' } }))
      assert.deepEqual(err.errors.map((e) => `${e.path} ${e.code}`), ['proxy.trusted[0] config.invalid_value', 'proxy.source config.unknown_key'])
      assert.match(err.message, /did you mean `sources`/)
      assert.equal(thrown(() => enforceHttps({ trustProtoHeader: 'yes' })).code, 'config.invalid_type')
    })
  })

  describe(`${label}: secureCookies()`, () => {
    /** Routes that set cookies in every way Node and Express allow. */
    function cookieRoutes(a) {
      // Without X-Powered-By no header precedes writeHead's own list. (With one, Node 20
      // itself keeps only the last Set-Cookie of a flat writeHead array.)
      a.disable('x-powered-by')
      a.get('/express', (req, res) => {
        res.cookie('sid', 'abc', { httpOnly: true })
        res.cookie('theme', 'dark')
        res.clearCookie('old')
        res.send('ok')
      })
      a.get('/setheader', (req, res) => {
        res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2'])
        res.end('ok')
      })
      a.get('/setheader-string', (req, res) => {
        res.setHeader('set-cookie', 'one=1')
        res.end('ok')
      })
      a.get('/append', (req, res) => {
        res.append('Set-Cookie', 'a=1')
        res.appendHeader('Set-Cookie', 'b=2')
        res.end('ok')
      })
      a.get('/writehead-object', (req, res) => {
        res.writeHead(200, { 'Set-Cookie': ['w=1', 'v=2; Secure'], 'Content-Type': 'text/plain' })
        res.end('ok')
      })
      a.get('/writehead-reason', (req, res) => {
        res.writeHead(200, 'Fine', { 'set-cookie': 'w=1' })
        res.end('ok')
      })
      a.get('/writehead-array', (req, res) => {
        res.writeHead(200, ['Set-Cookie', 'x=1', 'Set-Cookie', 'y=2', 'Content-Type', 'text/plain'])
        res.end('ok')
      })
      a.get('/writehead-after-setheader', (req, res) => {
        res.setHeader('Set-Cookie', 'early=1')
        res.writeHead(200, { 'Set-Cookie': 'late=1' })
        res.end('ok')
      })
      a.get('/setheaders', (req, res) => {
        res.setHeaders(new Map([['set-cookie', ['m=1', 'n=2']], ['x-other', '1']]))
        res.end('ok')
      })
      a.get('/prefix', (req, res) => {
        res.setHeader('Set-Cookie', '__Host-id=1; Domain=example.com; Path=/app')
        res.end('ok')
      })
      a.get('/writehead-pairs', (req, res) => {
        res.writeHead(200, [['Set-Cookie', 'p=1'], ['Set-Cookie', 'q=2'], ['Content-Type', 'text/plain']])
        res.end('ok')
      })
      a.get('/writehead-undefined-reason', (req, res) => {
        res.writeHead(200, undefined, { 'Set-Cookie': 'u=1' })
        res.end('ok')
      })
      a.get('/flush', (req, res) => {
        res.cookie('f', '1')
        res.flushHeaders()
        res.end('ok')
      })
      a.get('/write', (req, res) => {
        res.setHeader('Set-Cookie', ['w1=1', 'w2=2; Secure'])
        res.write('o')
        res.end('k')
      })
      a.get('/already-secure', (req, res) => {
        res.setHeader('Set-Cookie', 'done=1; Secure')
        res.end('ok')
      })
    }

    const cases = [
      ['/express', ['sid=abc; Path=/; HttpOnly; Secure', 'theme=dark; Path=/; Secure', /^old=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure$/]],
      ['/setheader', ['a=1; Path=/; Secure', 'b=2; Secure']],
      ['/setheader-string', ['one=1; Secure']],
      ['/append', ['a=1; Secure', 'b=2; Secure']],
      ['/writehead-object', ['w=1; Secure', 'v=2; Secure']],
      ['/writehead-reason', ['w=1; Secure']],
      ['/writehead-array', ['x=1; Secure', 'y=2; Secure']],
      ['/writehead-after-setheader', ['late=1; Secure']],
      ['/setheaders', ['m=1; Secure', 'n=2; Secure']],
      ['/prefix', ['__Host-id=1; Path=/; Secure']],
      ['/writehead-pairs', ['p=1; Secure', 'q=2; Secure']],
      ['/writehead-undefined-reason', ['u=1; Secure']],
      ['/flush', ['f=1; Path=/; Secure']],
      ['/write', ['w1=1; Secure', 'w2=2; Secure']],
      ['/already-secure', ['done=1; Secure']],
    ]

    test('every Set-Cookie gets Secure, whoever writes it', async () => {
      const a = app(secureCookies(), { routes: cookieRoutes })
      for (const [route, want] of cases) {
        const r = await request(a).get(route)
        const got = r.headers['set-cookie']
        assert.equal(got.length, want.length, `${route}: ${JSON.stringify(got)}`)
        want.forEach((w, i) => (w instanceof RegExp ? assert.match(got[i], w, route) : assert.equal(got[i], w, route)))
      }
    })

    test('cookies set by other middleware, before and after', async () => {
      const a = express()
      a.use((req, res, next) => {
        res.setHeader('Set-Cookie', 'before=1')
        next()
      })
      a.use(secureCookies())
      a.use((req, res, next) => {
        res.append('Set-Cookie', 'after=1; HttpOnly')
        next()
      })
      a.get('/', (req, res) => {
        res.cookie('route', '1')
        res.send('ok')
      })
      const r = await request(a).get('/')
      assert.deepEqual(r.headers['set-cookie'], ['before=1; Secure', 'after=1; HttpOnly; Secure', 'route=1; Path=/; Secure'])
    })

    test('rules: every matching rule applies, the last one wins per attribute', async () => {
      const a = app(
        secureCookies([
          { name: '*', secure: true, httpOnly: true },
          { name: 'csrftoken', httpOnly: false },
          { name: 'sess_*', sameSite: 'Strict' },
        ]),
        {
          routes: (x) =>
            x.get('/', (req, res) => {
              res.setHeader('Set-Cookie', ['sess_id=1; Path=/', 'csrftoken=2; HttpOnly', 'other=3; Max-Age=60'])
              res.end()
            }),
        },
      )
      const r = await request(a).get('/')
      assert.deepEqual(r.headers['set-cookie'], [
        'sess_id=1; Path=/; Secure; HttpOnly; SameSite=Strict',
        'csrftoken=2; Secure',
        'other=3; Max-Age=60; Secure; HttpOnly',
      ])
    })

    test("secureWhen: 'request_secure' adds Secure on secure requests only", async () => {
      const a = app(secureCookies({ secureWhen: 'request_secure' }), {
        trust: 'loopback',
        routes: (x) => x.get('/', (req, res) => res.cookie('a', '1').send('ok')),
      })
      assert.deepEqual((await request(a).get('/')).headers['set-cookie'], ['a=1; Path=/'])
      assert.deepEqual((await request(a).get('/').set('X-Forwarded-Proto', 'https')).headers['set-cookie'], ['a=1; Path=/; Secure'])
    })

    test('sameSite: true, \'lax\' and \'Lax\' are read with their meaning', async () => {
      const a = app(
        secureCookies([
          { name: '*', secure: true },
          { name: 'a', sameSite: true },
          { name: 'b', sameSite: 'lax' },
          { name: 'c', sameSite: 'Lax' },
          { name: 'd', sameSite: 'none' },
        ]),
        { routes: (x) => x.get('/', (req, res) => res.cookie('a', '1').cookie('b', '2').cookie('c', '3').cookie('d', '4').send('ok')) },
      )
      const r = await request(a).get('/')
      assert.deepEqual(r.headers['set-cookie'], [
        'a=1; Path=/; Secure; SameSite=Strict',
        'b=2; Path=/; Secure; SameSite=Lax',
        'c=3; Path=/; Secure; SameSite=Lax',
        'd=4; Path=/; Secure; SameSite=None',
      ])
    })

    test('one listener per response, at header-write time (no setHeader / appendHeader patch)', async () => {
      const proto = express.response
      const a = app(secureCookies(), {
        routes: (x) =>
          x.get('/own', (req, res) => {
            const own = Object.keys(res).filter((k) => ['setHeader', 'appendHeader', 'writeHead'].includes(k))
            res.cookie('a', '1')
            // Nothing is flagged before the headers are written.
            res.json({ own, before: res.getHeader('set-cookie'), same: res.setHeader === proto.setHeader })
          }),
      })
      const r = await request(a).get('/own')
      assert.deepEqual(r.body, { own: ['writeHead'], before: 'a=1; Path=/', same: true })
      assert.deepEqual(r.headers['set-cookie'], ['a=1; Path=/; Secure'])
    })

    test('option errors name the rule and the option', () => {
      let err = thrown(() => secureCookies([{ name: '*', httponly: true }]))
      assert.equal(err.code, 'config.unknown_key')
      assert.match(err.message, /rules\[0\].*did you mean `httpOnly`/)
      err = thrown(() => secureCookies([{ name: 'a', sameSite: 'Sometimes' }, { secure: true }]))
      assert.deepEqual(err.errors.map((e) => e.path), ['rules[0].sameSite', 'rules[1].name'])
      assert.equal(thrown(() => secureCookies({ secureWhen: 'never' })).code, 'config.invalid_value')
      assert.equal(thrown(() => secureCookies([{ name: 'a', sameSite: false }])).code, 'config.invalid_type')
      assert.equal(thrown(() => secureCookies({ rule: [] })).code, 'config.unknown_key')
      assert.equal(thrown(() => secureCookies({ rules: 'x' })).code, 'config.invalid_type')
    })
  })

  describe(`${label}: hstsguard(policy)`, () => {
    const policyDoc = {
      hsts: { maxAge: '2y', preload: true },
      redirect: { allowedHosts: ['.example.com'], exempt: [/^\/health$/] },
      cookies: { rules: [{ name: '*', secure: true, httpOnly: true }] },
    }
    const routes = (x) =>
      x.get('/login', (req, res) => {
        res.cookie('sid', '1')
        res.send('ok')
      })

    test('redirects, HSTS and cookies from one policy document', async () => {
      const a = app(hstsguard(policyDoc), { trust: 'loopback', routes })
      const plain = await request(a).post('/login?next=/').set('Host', 'www.example.com')
      assert.equal(plain.status, 308)
      assert.equal(plain.headers.location, 'https://www.example.com/login?next=/')
      assert.equal(plain.headers[STS], undefined)
      const secure = await request(a).get('/login').set('Host', 'www.example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(secure.status, 200)
      assert.equal(secure.headers[STS], 'max-age=63072000; includeSubDomains; preload')
      assert.deepEqual(secure.headers['set-cookie'], ['sid=1; Path=/; Secure; HttpOnly'])
      const health = await request(a).get('/health').set('Host', 'www.example.com')
      assert.equal(health.status, 200)
      assert.equal(health.headers[STS], undefined)
      const evil = await request(a).get('/').set('Host', 'evil.example')
      assert.equal(evil.status, 400)
    })

    test('a Policy object and a TOML policy file', async () => {
      const fromObject = app(hstsguard(new Policy(policyDoc)), { trust: true })
      const r = await request(fromObject).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r.headers[STS], 'max-age=63072000; includeSubDomains; preload')
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hstsguard-policy-'))
      const file = path.join(dir, 'policy.toml')
      fs.writeFileSync(file, '[hsts]\nmax_age = "1d"\ninclude_subdomains = false\n[redirect]\nstatus_get_head = 307\n')
      try {
        const fromFile = app(hstsguard(file), { trust: true })
        const s = await request(fromFile).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
        assert.equal(s.headers[STS], 'max-age=86400')
        const p = await request(fromFile).get('/').set('Host', 'example.com')
        assert.equal(p.status, 307)
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    })

    test('HSTS is skipped for IP-literal and localhost hosts', async () => {
      const a = app(hstsguard(), { trust: true })
      for (const host of ['127.0.0.1:3000', 'localhost', 'app.localhost', '[::1]:8443']) {
        const r = await request(a).get('/').set('Host', host).set('X-Forwarded-Proto', 'https')
        assert.equal(r.headers[STS], undefined, host)
      }
      const r = await request(a).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r.headers[STS], 'max-age=31536000; includeSubDomains')
    })

    test('existing: keep leaves the application header, replace overrides it', async () => {
      const own = (x) =>
        x.get('/own', (req, res) => {
          res.setHeader('Strict-Transport-Security', 'max-age=1')
          res.send('ok')
        })
      const keep = app(hstsguard(), { trust: true, routes: own })
      const k = await request(keep).get('/own').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(k.headers[STS], 'max-age=1')
      const replace = app(hstsguard({ hsts: { existing: 'replace' } }), { trust: true, routes: own })
      const r = await request(replace).get('/own').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r.headers[STS], 'max-age=31536000; includeSubDomains')
    })

    test('existing: replace also overrides a header given to writeHead', async () => {
      const a = app(hstsguard({ hsts: { existing: 'replace', maxAge: 600 } }), {
        trust: true,
        routes: (x) =>
          x.get('/raw', (req, res) => {
            res.writeHead(200, { 'strict-transport-security': 'max-age=1', 'Content-Type': 'text/plain' })
            res.end('ok')
          }),
      })
      const r = await request(a).get('/raw').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r.headers[STS], 'max-age=600; includeSubDomains')
    })

    test('with secureCookies() too: one set of hooks, both rules known', async () => {
      const a = app([hstsguard({ cookies: { enabled: false } }), secureCookies([{ name: '*', httpOnly: true }])], {
        trust: true,
        routes: (x) => x.get('/c', (req, res) => res.cookie('a', '1').send('ok')),
      })
      const r = await request(a).get('/c').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.deepEqual(r.headers['set-cookie'], ['a=1; Path=/; HttpOnly'])
      assert.equal(r.headers[STS], 'max-age=31536000; includeSubDomains')
    })

    test("send: 'always' and HPKP (secure requests only)", async () => {
      const pins = ['47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', 'sEu+pIV8+dnj77ATdtRsQWwciSnXjZ8sKr0ypHS6Wrk=']
      const a = app(
        hstsguard({
          hsts: { send: 'always' },
          redirect: { enabled: false },
          hpkp: { acknowledgeDeprecation: true, pins, maxAge: '30d', reportOnly: true, reportUri: 'https://example.com/r' },
        }),
        { trust: true },
      )
      const plain = await request(a).get('/').set('Host', 'example.com')
      assert.equal(plain.status, 200)
      assert.equal(plain.headers[STS], 'max-age=31536000; includeSubDomains')
      assert.equal(plain.headers['public-key-pins-report-only'], undefined)
      const secure = await request(a).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.match(secure.headers['public-key-pins-report-only'], /^pin-sha256="47DEQ/)
    })

    test("the policy's proxy section trusts the peer without Express's trust proxy", async () => {
      const a = app(hstsguard({ proxy: { trusted: ['127.0.0.1', '::1'] } }))
      const r = await request(a).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(r.status, 200)
      assert.equal(r.headers[STS], 'max-age=31536000; includeSubDomains')
      const b = app(hstsguard({ proxy: { trusted: ['10.0.0.0/8'] } }))
      const s = await request(b).get('/').set('Host', 'example.com').set('X-Forwarded-Proto', 'https')
      assert.equal(s.status, 301, 'loopback is not a trusted proxy here: a spoof')
    })

    test('a bad policy throws with every problem, in camelCase', () => {
      const err = thrown(() => hstsguard({ hsts: { maxage: 1, maxAge: -1 }, redirect: { statusOther: 200 }, cookies: { rules: [{ name: 'a', httponly: true }] } }))
      assert.equal(err.code, 'config.invalid')
      assert.deepEqual(
        err.errors.map((e) => [e.path, e.code]),
        [
          ['hsts.maxAge', 'duration.negative'],
          ['hsts.maxage', 'config.unknown_key'],
          ['redirect.statusOther', 'config.invalid_value'],
          ['cookies.rules[0].httponly', 'config.unknown_key'],
        ],
      )
      assert.match(err.errors[1].message, /did you mean `maxAge`/)
      assert.match(err.errors[3].message, /did you mean `httpOnly`/)
      // The snake_case document of a policy file: Policy.fromDocument.
      const fromFile = hstsguard(Policy.fromDocument({ hsts: { max_age: '1d' } }))
      assert.equal(fromFile.policy.hsts, 'max-age=86400; includeSubDomains')
      assert.equal(thrown(() => hstsguard({}, { logger: console, verbose: true })).code, 'config.unknown_key')
      assert.equal(thrown(() => hstsguard(42)).code, 'config.invalid_type')
      assert.equal(thrown(() => hstsguard('/nonexistent/policy.toml')).code, 'io')
    })
  })
}

describe('deploy warnings at start-up', () => {
  /** Runs `fn` with console.warn captured; returns the lines. */
  function warned(fn) {
    const lines = []
    const saved = console.warn
    console.warn = (...args) => lines.push(args.join(' '))
    try {
      fn()
    } finally {
      console.warn = saved
    }
    return lines
  }

  test('console.warn by default: once, when the middleware is made, with the code', () => {
    let mw
    const lines = warned(() => {
      mw = hsts({ maxAge: 31536000000 })
    })
    assert.equal(lines.length, 1)
    assert.match(lines[0], /^hstsguard hsts: HSTS max-age is 31536000000 seconds, .*looks like milliseconds.*did you mean 31536000\?/)
    assert.match(lines[0], /\[policy\.hsts\.max_age_looks_like_milliseconds\]$/)
    const again = warned(() => {
      for (let i = 0; i < 3; i++) mw({ socket: { encrypted: true }, headers: { host: 'example.com' } }, { hasHeader: () => false, setHeader() {} }, () => {})
    })
    assert.deepEqual(again, [], 'nothing per request')
  })

  test('a logger, or onWarning', () => {
    const logged = []
    const logger = { warn: (m) => logged.push(m) }
    assert.deepEqual(warned(() => enforceHttps({ logger })), [])
    assert.equal(logged.length, 1)
    assert.match(logged[0], /^hstsguard enforceHttps: Redirects follow any Host header.*\[policy\.redirect\.any_host\]$/)
    const seen = []
    assert.deepEqual(warned(() => hstsguard({ hsts: { maxAge: '1d', send: 'always' } }, { onWarning: (w) => seen.push(w), logger })), [])
    assert.equal(logged.length, 1, 'onWarning takes them all')
    assert.deepEqual(seen.map((w) => w.code), ['policy.hsts.short_max_age', 'policy.hsts.sent_over_http', 'policy.redirect.any_host'])
    assert.deepEqual(Object.keys(seen[0]).sort(), ['code', 'message', 'middleware', 'severity'])
    assert.equal(seen[0].severity, 'warning')
    assert.equal(seen[0].middleware, 'hstsguard')
    assert.equal(thrown(() => hsts({ onWarning: 'log' })).code, 'config.invalid_type')
    assert.equal(thrown(() => hsts({ logger: {} })).code, 'config.invalid_type')
  })

  test("each middleware reports its own part of the policy, and nothing about the parts it leaves off", () => {
    const codes = (make) => {
      const seen = []
      make((w) => seen.push(w.code))
      return seen
    }
    assert.deepEqual(codes((onWarning) => hsts({ onWarning })), [])
    assert.deepEqual(codes((onWarning) => hsts({ includeSubDomains: false, onWarning })), ['policy.hsts.no_include_subdomains'])
    assert.deepEqual(codes((onWarning) => enforceHttps({ allowedHosts: ['example.com'], onWarning })), [])
    assert.deepEqual(codes((onWarning) => enforceHttps({ onWarning })), ['policy.redirect.any_host'])
    assert.deepEqual(codes((onWarning) => enforceHttps({ canonicalHost: 'example.com', trustProtoHeader: true, onWarning })), ['policy.proxy.trusts_everyone'])
    assert.deepEqual(codes((onWarning) => secureCookies({ onWarning })), [])
    assert.deepEqual(codes((onWarning) => secureCookies({ rules: [{ name: '*', httpOnly: true }], onWarning })), ['policy.cookie.not_secure'])
    assert.deepEqual(codes((onWarning) => hstsguard(undefined, { onWarning })), ['policy.redirect.any_host'])
    assert.deepEqual(codes((onWarning) => hstsguard(new Policy({ redirect: { allowedHosts: ['example.com'] } }), { onWarning })), [])
  })
})

describe('the ramp: fetched from the core at most once a minute', () => {
  test('a cached value with an expiry, never a core call per request', () => {
    const start = Date.UTC(2030, 0, 1) // stages change on 2030-01-08 and 2030-01-15
    const change = start + 7 * 86400000
    const realNow = Date.now
    let now = change - 30000
    Date.now = () => now
    try {
      const mw = hsts({ ramp: { start: '2030-01-01', stages: ['5m', '1d', '1y'], step: '1w' }, onWarning() {} })
      let calls = 0
      const core = mw.policy._responseHeaders.bind(mw.policy)
      Object.defineProperty(mw.policy, '_responseHeaders', {
        value: (...args) => {
          calls++
          return core(...args)
        },
      })
      const sent = () => {
        let value
        const res = { hasHeader: () => false, setHeader: (n, v) => (value = v) }
        mw({ socket: { encrypted: true }, headers: { host: 'example.com' } }, res, () => {})
        return value
      }
      for (let i = 0; i < 100; i++) assert.equal(sent(), 'max-age=300')
      assert.equal(calls, 1)
      now = change + 29000 // the stage changed, but the value is 59 s old: still in use
      assert.equal(sent(), 'max-age=300')
      assert.equal(calls, 1)
      now = change + 31000 // a minute later: asked again
      for (let i = 0; i < 100; i++) assert.equal(sent(), 'max-age=86400')
      assert.equal(calls, 2)
      now = change + 7 * 86400000 + 60000
      assert.equal(sent(), 'max-age=31536000; includeSubDomains')
      assert.equal(calls, 3)
      // Without a ramp, the value never expires.
      const plain = hsts({ onWarning() {} })
      assert.equal(plain.policy._hasRamp, false)
    } finally {
      Date.now = realNow
    }
  })
})

describe('per-request cost: the core is asked once per Host', () => {
  test('alternating Hosts, in hsts() and hstsguard()', () => {
    for (const mw of [hsts({ onWarning() {} }), hstsguard({ redirect: { enabled: false } }, { onWarning() {} })]) {
      let calls = 0
      const core = mw.policy._responseHeaders.bind(mw.policy)
      Object.defineProperty(mw.policy, '_responseHeaders', {
        value: (...args) => {
          calls++
          return core(...args)
        },
      })
      const hosts = ['example.com', 'www.example.com', 'localhost', '127.0.0.1']
      for (let i = 0; i < 200; i++) {
        const host = hosts[i % hosts.length]
        let value
        const res = { hasHeader: () => false, setHeader: (n, v) => (value = v), getHeader() {} }
        mw({ socket: { encrypted: true }, headers: { host }, method: 'GET', url: '/' }, res, () => {})
        assert.equal(value, /example/.test(host) ? 'max-age=31536000; includeSubDomains' : undefined, host)
      }
      assert.equal(calls, hosts.length)
    }
  })
})

describe('node:http', () => {
  test('the same middleware on a plain node:http server', async () => {
    const http = require('node:http')
    const mw = [hstsguard({ proxy: { trusted: ['127.0.0.1'] }, redirect: { allowedHosts: ['example.com'] } }), secureCookies()]
    const server = http.createServer((req, res) => {
      let i = 0
      const next = (err) => {
        if (err) {
          res.statusCode = 500
          return res.end()
        }
        const m = mw[i++]
        if (m) return m(req, res, next)
        res.setHeader('Set-Cookie', 'sid=1; HttpOnly')
        res.writeHead(200, { 'Content-Type': 'text/plain' })
        res.end('ok')
      }
      next()
    })
    const port = await listen(server)
    try {
      let r = await raw(port, 'DELETE /item/1 HTTP/1.1\r\nHost: example.com\r\n\r\n')
      assert.equal(r.status, 308)
      assert.equal(r.header('location'), 'https://example.com/item/1')
      r = await raw(port, 'GET / HTTP/1.1\r\nHost: example.com\r\nX-Forwarded-Proto: https\r\n\r\n')
      assert.equal(r.status, 200)
      assert.equal(r.header(STS), 'max-age=31536000; includeSubDomains')
      assert.deepEqual(r.headerAll('set-cookie'), ['sid=1; HttpOnly; Secure'])
      r = await raw(port, 'GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n')
      assert.equal(r.status, 400)
    } finally {
      await close(server)
    }
  })

  test('hsts() with its Host check, and cookies written with writeHead arrays, on a plain node:http server', async () => {
    const http = require('node:http')
    const mw = [hsts({ send: 'always', onWarning() {} }), secureCookies({ rules: [{ name: '*', secure: true, sameSite: 'lax' }] })]
    const server = http.createServer((req, res) => {
      let i = 0
      const next = () => {
        const m = mw[i++]
        if (m) return m(req, res, next)
        res.writeHead(200, 'Fine', ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2; SameSite=Strict', 'Content-Type', 'text/plain'])
        res.end('ok')
      }
      next()
    })
    const port = await listen(server)
    try {
      let r = await raw(port, 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n')
      assert.equal(r.header(STS), 'max-age=31536000; includeSubDomains')
      assert.deepEqual(r.headerAll('set-cookie'), ['a=1; Secure; SameSite=Lax', 'b=2; SameSite=Lax; Secure'])
      for (const host of ['127.0.0.1', 'localhost:8080', '[::1]']) {
        r = await raw(port, `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`)
        assert.equal(r.header(STS), undefined, host)
      }
    } finally {
      await close(server)
    }
  })
})
