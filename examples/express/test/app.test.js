'use strict'
// The example app (../app.js) as a user runs it: a child process on 127.0.0.1 (free
// ports), plain HTTP and TLS (a throw-away certificate for example.com, made with the
// openssl command and trusted by the client, so the TLS connection is verified), and real
// requests. It tests whichever `hstsguard` package the app resolves: the tree build in
// this repository (`npm install` links ../../bindings/node), or an installed npm tarball
// (scripts/test-dist.sh copies this directory into a fresh project).
//
//   npm test                   (node --test test/)
//   HSTSGUARD_POLICY=FILE      the policy the app loads (default ../policy.toml)
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const https = require('node:https')
const os = require('node:os')
const path = require('node:path')
const { spawn, execFileSync } = require('node:child_process')

const APP_DIR = path.join(__dirname, '..')
const HSTS = 'max-age=63072000; includeSubDomains; preload'
const SESSION_COOKIE = 'sessionid=demo; Path=/; Secure; HttpOnly; SameSite=Lax'

let child
let output = ''
let httpPort
let httpsPort
let ca
let tmp

/** One request; resolves to {status, headers, body}. */
function request(mod, options) {
  return new Promise((resolve, reject) => {
    const req = mod.request({ hostname: '127.0.0.1', agent: false, ...options }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.setTimeout(10000, () => req.destroy(new Error(`no answer to ${options.method || 'GET'} ${options.path}`)))
    req.end(options.body)
  })
}

const plain = (method, host, target, headers = {}) =>
  request(http, { port: httpPort, method, path: target, headers: { host, ...headers } })

// Verified TLS: the client trusts only the test certificate, for the name example.com.
const secure = (method, host, target) =>
  request(https, { port: httpsPort, method, path: target, servername: 'example.com', ca, headers: { host } })

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hstsguard-example-'))
  const cert = path.join(tmp, 'cert.pem')
  const key = path.join(tmp, 'key.pem')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=example.com',
    '-addext', 'subjectAltName=DNS:example.com,DNS:www.example.com',
    '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' })
  ca = fs.readFileSync(cert)

  child = spawn(process.execPath, [path.join(APP_DIR, 'app.js')], {
    cwd: APP_DIR,
    env: { ...process.env, PORT: '0', HTTPS_PORT: '0', TLS_CERT: cert, TLS_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  ;[httpPort, httpsPort] = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start within 15 s:\n${output}`)), 15000)
    const seen = () => {
      const h = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      const s = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (h && s) {
        clearTimeout(timer)
        resolve([Number(h[1]), Number(s[1])])
      }
    }
    child.stdout.on('data', (c) => ((output += c), seen()))
    child.stderr.on('data', (c) => (output += c))
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the app exited with ${code}:\n${output}`))
    })
  })
})

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

test('the app runs on the hstsguard package it resolves', (t) => {
  const pkg = require.resolve('hstsguard/package.json', { paths: [APP_DIR] })
  const { version } = JSON.parse(fs.readFileSync(pkg, 'utf8'))
  t.diagnostic(`hstsguard ${version} from ${fs.realpathSync(path.dirname(pkg))}`)
  const hg = require(require.resolve('hstsguard', { paths: [APP_DIR] }))
  assert.equal(hg.version, version)
  assert.equal(hg.VERSION, version)
})

test('the example policy has no deploy warnings (the app would log them at start-up)', () => {
  assert.doesNotMatch(output, /hstsguard hstsguard: /)
})

test('a policy with a deploy warning: logged once at start-up, with its code', async () => {
  const file = path.join(tmp, 'warns.toml')
  fs.writeFileSync(file, '[hsts]\nmax_age = 31536000000\n')
  const app = spawn(process.execPath, [path.join(APP_DIR, 'app.js')], {
    cwd: APP_DIR,
    env: { ...process.env, PORT: '0', HSTSGUARD_POLICY: file, TLS_CERT: '', TLS_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the app did not start:\n${out}`)), 15000)
      const seen = (c) => {
        out += c
        if (/listening on http:/.test(out)) {
          clearTimeout(timer)
          resolve()
        }
      }
      app.stdout.on('data', seen)
      app.stderr.on('data', seen)
    })
    const lines = out.split('\n').filter((l) => l.startsWith('hstsguard hstsguard: '))
    assert.deepEqual(
      lines.map((l) => /\[([a-z._]+)\]$/.exec(l)[1]),
      ['policy.hsts.max_age_looks_like_milliseconds', 'policy.redirect.any_host'],
    )
    assert.match(lines[0], /looks like milliseconds/)
  } finally {
    const exited = new Promise((resolve) => app.once('exit', resolve))
    app.kill('SIGTERM')
    await exited
  }
})

test('plain HTTP GET: 301 to the same URL over HTTPS, and no HSTS header', async () => {
  const r = await plain('GET', 'example.com', '/page?x=1')
  assert.equal(r.status, 301)
  assert.equal(r.headers.location, 'https://example.com/page?x=1')
  assert.equal(r.headers['strict-transport-security'], undefined)
  assert.equal(r.headers['set-cookie'], undefined)
  assert.equal(r.body, '')
})

test('plain HTTP HEAD: 301', async () => {
  const r = await plain('HEAD', 'www.example.com', '/')
  assert.equal(r.status, 301)
  assert.equal(r.headers.location, 'https://www.example.com/')
})

test('plain HTTP POST: 308, which keeps the method and the body', async () => {
  const r = await plain('POST', 'www.example.com', '/form', { 'content-length': '0' })
  assert.equal(r.status, 308)
  assert.equal(r.headers.location, 'https://www.example.com/form')
})

test('a Host outside the allowed hosts: 400, never a redirect to it', async () => {
  const r = await plain('GET', 'evil.example', '/')
  assert.equal(r.status, 400)
  assert.equal(r.headers.location, undefined)
  assert.doesNotMatch(r.body, /evil/)
})

test('the exempt path answers over plain HTTP', async () => {
  const r = await plain('GET', 'example.com', '/healthz')
  assert.equal(r.status, 200)
  assert.equal(r.body, 'ok\n')
  assert.equal(r.headers['strict-transport-security'], undefined)
})

test('HTTPS: HSTS, the flagged session cookie, no redirect', async () => {
  const r = await secure('GET', 'example.com', '/')
  assert.equal(r.status, 200)
  assert.equal(r.headers['strict-transport-security'], HSTS)
  assert.deepEqual(r.headers['set-cookie'], [SESSION_COOKIE])
  assert.equal(r.body, 'hello over HTTPS\n')
  const post = await secure('POST', 'www.example.com', '/form')
  assert.equal(post.status, 200)
  assert.equal(post.body, 'received\n')
  assert.equal(post.headers['strict-transport-security'], HSTS)
})

test('HTTPS terminated by the trusted proxy (127.0.0.1, X-Forwarded-Proto): secure', async () => {
  const r = await plain('GET', 'example.com', '/', { 'x-forwarded-proto': 'https' })
  assert.equal(r.status, 200)
  assert.equal(r.headers['strict-transport-security'], HSTS)
  assert.deepEqual(r.headers['set-cookie'], [SESSION_COOKIE])
  assert.equal(r.body, 'hello over HTTPS\n')
})
