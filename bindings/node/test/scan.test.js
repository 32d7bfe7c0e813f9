'use strict'
// scan(domain, options) against a local deployment on 127.0.0.1: a plain HTTP listener
// that redirects to HTTPS and a TLS listener with a certificate from a test CA made for
// this run, reached through curl-style connectTo rules. The scenarios themselves are the
// scan crate's tests; this checks the binding: options, the Promise, errors with codes,
// and that the object is the one `hstsguard scan --json` prints.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const http = require('node:http')
const https = require('node:https')
const { execFile } = require('node:child_process')
const { promisify } = require('node:util')
const { scan } = require('..')
const { makeCa } = require('../support/lab')
const { listen, close } = require('../support/helpers')

const DOMAIN = 'hstsguard-scan-lab.com'
const PRELOAD = 'max-age=63072000; includeSubDomains; preload'

let pki
let plain
let tls
let options
before(async () => {
  pki = makeCa([DOMAIN, `www.${DOMAIN}`])
  plain = http.createServer((req, res) => {
    res.writeHead(301, { Location: `https://${req.headers.host}${req.url}` }).end()
  })
  tls = https.createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    res.writeHead(200, { 'Strict-Transport-Security': PRELOAD, 'Content-Type': 'text/html' })
    res.end('<!doctype html><title>lab</title>')
  })
  const [p, t] = [await listen(plain), await listen(tls)]
  options = {
    connectTo: [`:80:127.0.0.1:${p}`, `:443:127.0.0.1:${t}`],
    caFile: pki.caFile,
    connectTimeout: 5,
    timeout: 20,
  }
})
after(async () => {
  await Promise.all([close(plain), close(tls)])
  pki.remove()
})

const KEYS = ['chains', 'domain', 'errors', 'header', 'issues', 'mixed_content', 'ok', 'preloadable', 'warnings']

test('a preloadable site: the report, as hstsguard scan --json shapes it', async () => {
  const pending = scan(DOMAIN, options)
  assert.ok(pending instanceof Promise)
  const r = await pending
  assert.deepEqual(Object.keys(r).sort(), KEYS)
  assert.equal(r.domain, DOMAIN)
  assert.deepEqual(r.errors, [], JSON.stringify(r.issues))
  assert.equal(r.ok, true)
  assert.equal(r.preloadable, true)
  assert.equal(r.header, PRELOAD)
  const [first, second] = r.chains.http_apex
  assert.equal(first.url, `http://${DOMAIN}/`)
  assert.equal(first.status, 301)
  assert.equal(first.location, `https://${DOMAIN}/`)
  assert.equal(first.tls, null)
  assert.equal(first.error, null)
  assert.equal(second.status, 200)
  assert.deepEqual(second.sts, [PRELOAD])
  assert.deepEqual(second.set_cookie, [])
  const hop = r.chains.https_apex[0]
  assert.equal(hop.tls.verified, true)
  assert.equal(hop.tls.error, null)
  assert.match(hop.tls.version, /^TLSv1\.[23]$/)
  assert.ok(hop.tls.sans.includes(DOMAIN))
  assert.match(hop.tls.not_after, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  assert.equal(r.chains.https_www[0].status, 200)
})

test('removable adds the removal verdict (as --removable does)', async () => {
  const r = await scan(DOMAIN, { ...options, removable: true })
  assert.equal(typeof r.removable, 'boolean')
  assert.equal(r.removable, false, 'the header still has preload')
})

test('without the test CA the certificate does not verify: an error finding, not a rejection', async () => {
  const { caFile, ...rest } = options
  const r = await scan(DOMAIN, rest)
  assert.equal(r.ok, false)
  assert.ok(r.errors.includes('domain.tls.invalid_cert_chain'), r.errors.join(' '))
  assert.equal(r.chains.https_apex[0].tls.verified, false)
  assert.equal(r.chains.https_apex[0].tls.error, 'unknown_ca')
})

test('input that needs no network: an invalid domain', async () => {
  const r = await scan('com')
  assert.deepEqual(r.errors, ['domain.format.public_suffix'])
  assert.deepEqual(r.chains.https_apex, [])
})

test('unusable options reject with the scan crate codes', async () => {
  await assert.rejects(scan(DOMAIN, { connectTo: 'nonsense' }), { code: 'scan.option.connect_to', message: /nonsense/ })
  await assert.rejects(scan(DOMAIN, { caFile: path.join(pki.dir, 'missing.pem') }), { code: 'scan.option.ca_file', message: /missing\.pem/ })
  await assert.rejects(scan(DOMAIN, { caFile: path.join(pki.dir, 'leaf.ext') }), { code: 'scan.option.ca_file' })
  await assert.rejects(scan(DOMAIN, { timeout: 0 }), { code: 'scan.option.invalid', message: /timeout/ })
  await assert.rejects(scan(DOMAIN, { connectTimeout: Number.NaN }), { code: 'scan.option.invalid' })
})

// The same object as the CLI: with the hstsguard binary (scripts/test-node.sh builds it and
// sets HSTSGUARD_CLI), both scan the lab and the two reports must be deeply equal.
const CLI = process.env.HSTSGUARD_CLI || path.join(__dirname, '..', '..', '..', 'target', 'debug', 'hstsguard')
const skipCli = !process.env.HSTSGUARD_CLI && !fs.existsSync(CLI) && `no CLI at ${CLI} (set HSTSGUARD_CLI)`
test('equals `hstsguard scan --json` for the same deployment', { skip: skipCli }, async () => {
  const args = ['scan', DOMAIN, '--json', '--ca-file', options.caFile, '--removable']
  for (const rule of options.connectTo) args.push('--connect-to', rule)
  const cli = await promisify(execFile)(CLI, args, { encoding: 'utf8' }).catch((e) => e)
  const fromCli = JSON.parse(cli.stdout)
  const fromNode = await scan(DOMAIN, { ...options, removable: true })
  assert.deepStrictEqual(fromNode, fromCli)
})
