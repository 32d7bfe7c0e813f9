'use strict'
// Real TLS: the same app served over HTTPS (a self-signed certificate made by openssl for
// this run) and over plain HTTP, for Express 5, Express 4 and node:http.
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const https = require('node:https')
const { hsts, enforceHttps, hstsguard } = require('../express')
const { listen, close, selfSignedCert } = require('../support/helpers')

const STS = 'strict-transport-security'

/** One request with Node's client; resolves to {status, headers}. */
function get(lib, port, { method = 'GET', path = '/', host = 'example.com', ca, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = lib.request(
      { host: '127.0.0.1', port, method, path, headers: { Host: host, ...headers }, ca, servername: 'localhost', agent: false },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

let tls
before(() => {
  tls = selfSignedCert()
})

for (const [label, make] of [
  ['Express 5', () => require('express')()],
  ['Express 4', () => require('express4')()],
  [
    'node:http',
    () => {
      // A tiny Connect-style chain: enough to run middleware without a framework.
      const stack = []
      const handler = (req, res) => {
        let i = 0
        const next = () => {
          const m = stack[i++]
          if (m) return m(req, res, next)
          res.setHeader('Set-Cookie', 'sid=1')
          res.end('ok')
        }
        next()
      }
      handler.use = (m) => stack.push(m)
      return handler
    },
  ],
]) {
  describe(`${label} over real TLS`, () => {
    let httpsServer
    let httpServer
    let tlsPort
    let plainPort

    before(async () => {
      const app = make()
      app.use(hstsguard({ redirect: { allowedHosts: ['example.com'] }, hsts: { maxAge: '2y' } }))
      if (label !== 'node:http') app.get('/', (req, res) => res.cookie('sid', '1').send('ok'))
      httpsServer = https.createServer({ key: tls.key, cert: tls.cert }, app)
      httpServer = http.createServer(app)
      tlsPort = await listen(httpsServer)
      plainPort = await listen(httpServer)
    })

    after(async () => {
      await close(httpsServer)
      await close(httpServer)
    })

    test('HTTPS: served with HSTS and Secure cookies, never redirected', async () => {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const r = await get(https, tlsPort, { method, ca: tls.cert })
        assert.notEqual(r.status, 301, method)
        assert.notEqual(r.status, 308, method)
        if (method === 'GET') {
          assert.equal(r.status, 200)
          assert.equal(r.headers[STS], 'max-age=63072000; includeSubDomains')
          assert.match(r.headers['set-cookie'][0], /^sid=1.*; Secure$/)
        }
      }
    })

    test('HTTP: redirected, no HSTS', async () => {
      const r = await get(http, plainPort, { path: '/a?b=1' })
      assert.equal(r.status, 301)
      assert.equal(r.headers.location, 'https://example.com/a?b=1')
      assert.equal(r.headers[STS], undefined)
      const spoof = await get(http, plainPort, { headers: { 'X-Forwarded-Proto': 'https' } })
      assert.equal(spoof.status, 301, 'no trusted proxy: the header is a spoof')
    })

    test('HTTPS with IP-literal Host: no HSTS (RFC 6797 §8.1.1)', async () => {
      const r = await get(https, tlsPort, { host: '127.0.0.1', ca: tls.cert })
      assert.equal(r.status, 200)
      assert.equal(r.headers[STS], undefined)
    })
  })
}

describe('hsts() and enforceHttps() over real TLS', () => {
  test('helmet-style hsts() sends on TLS only; enforceHttps() lets TLS through', async () => {
    const express = require('express')
    const app = express()
    app.use(enforceHttps(), hsts({ maxAge: 600 }))
    app.get('/', (req, res) => res.send('ok'))
    const s = https.createServer({ key: tls.key, cert: tls.cert }, app)
    const p = http.createServer(app)
    const tlsPort = await listen(s)
    const plainPort = await listen(p)
    try {
      const secure = await get(https, tlsPort, { ca: tls.cert })
      assert.equal(secure.status, 200)
      assert.equal(secure.headers[STS], 'max-age=600; includeSubDomains')
      const plain = await get(http, plainPort)
      assert.equal(plain.status, 301)
      assert.equal(plain.headers[STS], undefined)
    } finally {
      await close(s)
      await close(p)
    }
  })
})
