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
      const secure = await request(a).get('/').set('X-Forwarded-Proto', 'https')
      assert.equal(secure.headers[STS], 'max-age=31536000; includeSubDomains')
      const plain = await request(a).get('/')
      assert.equal(plain.headers[STS], undefined, 'never over plain HTTP (RFC 6797 §7.2)')
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
      const r = await request(app(hsts({ send: 'always' }))).get('/')
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
      const r = await request(a).get('/x').set('X-Forwarded-Proto', 'https')
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

    test('other misspellings get a did-you-mean', () => {
      for (const [key, near] of [['preLoad', 'preload'], ['max_age', 'maxAge'], ['includeSubDomain', 'includeSubDomains'], ['sendAlways', null]]) {
        const err = thrown(() => hsts({ [key]: true }))
        assert.equal(err.code, 'config.unknown_key', key)
        if (near) assert.match(err.message, new RegExp(`did you mean \`${near}\``), key)
        else assert.match(err.message, /known options: maxAge, includeSubDomains, preload, send/)
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

    test('trustedProxies: the policy trusts the peer, not Express', async () => {
      const a = app(enforceHttps({ trustedProxies: ['127.0.0.1', '::1'] }))
      assert.equal((await request(a).get('/').set('X-Forwarded-Proto', 'https')).status, 200)
      // One source by default (issue 15): a Forwarded header is not read.
      assert.equal((await request(a).get('/').set('Host', 'example.com').set('Forwarded', 'for=1.2.3.4;proto=https')).status, 301)
      const b = app(enforceHttps({ trustedProxies: ['10.0.0.0/8'] }))
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
      err = thrown(() => enforceHttps({ trustedProxies: ['10.0.0.0/33'] }))
      assert.equal(err.errors[0].path, 'trustedProxies[0]')
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

    test("secureWhen: 'requestSecure' adds Secure on secure requests only", async () => {
      const a = app(secureCookies({ secureWhen: 'requestSecure' }), {
        trust: 'loopback',
        routes: (x) => x.get('/', (req, res) => res.cookie('a', '1').send('ok')),
      })
      assert.deepEqual((await request(a).get('/')).headers['set-cookie'], ['a=1; Path=/'])
      assert.deepEqual((await request(a).get('/').set('X-Forwarded-Proto', 'https')).headers['set-cookie'], ['a=1; Path=/; Secure'])
    })

    test('option errors name the rule and the option', () => {
      let err = thrown(() => secureCookies([{ name: '*', httponly: true }]))
      assert.equal(err.code, 'config.unknown_key')
      assert.match(err.message, /rules\[0\].*did you mean `httpOnly`/)
      err = thrown(() => secureCookies([{ name: 'a', sameSite: 'Sometimes' }, { secure: true }]))
      assert.deepEqual(err.errors.map((e) => e.path), ['rules[0].sameSite', 'rules[1].name'])
      assert.equal(thrown(() => secureCookies({ secureWhen: 'never' })).code, 'config.invalid_value')
      assert.equal(thrown(() => secureCookies({ rule: [] })).code, 'config.unknown_key')
      assert.equal(thrown(() => secureCookies({ rules: 'x' })).code, 'config.invalid_type')
    })
  })

  describe(`${label}: hstsguard(policy)`, () => {
    const policyDoc = {
      hsts: { max_age: '2y', preload: true },
      redirect: { allowed_hosts: ['.example.com'], exempt: ['^/health$'] },
      cookies: { rules: [{ name: '*', secure: true, http_only: true }] },
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
      const a = app(hstsguard({ hsts: { existing: 'replace', max_age: 600 } }), {
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
          hpkp: { acknowledge_deprecation: true, pins, max_age: '30d', report_only: true, report_uri: 'https://example.com/r' },
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

    test('a bad policy throws with every problem', () => {
      const err = thrown(() => hstsguard({ hsts: { maxage: 1, max_age: -1 }, redirect: { status_other: 200 } }))
      assert.equal(err.code, 'config.invalid')
      assert.deepEqual(
        err.errors.map((e) => [e.path, e.code]),
        [
          ['hsts.max_age', 'duration.negative'],
          ['hsts.maxage', 'config.unknown_key'],
          ['redirect.status_other', 'config.invalid_value'],
        ],
      )
      assert.equal(thrown(() => hstsguard(42)).code, 'config.invalid_type')
      assert.equal(thrown(() => hstsguard('/nonexistent/policy.toml')).code, 'io')
    })
  })
}

describe('node:http', () => {
  test('the same middleware on a plain node:http server', async () => {
    const http = require('node:http')
    const mw = [hstsguard({ proxy: { trusted: ['127.0.0.1'] }, redirect: { allowed_hosts: ['example.com'] } }), secureCookies()]
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
})
