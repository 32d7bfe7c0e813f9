'use strict'
// hstsguard/fetch against real servers on 127.0.0.1 with Node's real global fetch: a plain
// HTTP listener that counts its connections, a TLS listener with a certificate from a
// test CA made for this run, and a TLS listener with a self-signed certificate. Every
// name resolves to 127.0.0.1 through a `lookup` given to the connector (test only); the
// TLS path (SNI, chain and name verification against the test CA) is the real one.
const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFile } = require('node:child_process')
const { promisify } = require('node:util')
const undici = require('undici')
const { KnownHosts, preloadLookup, CERTIFICATE_ERROR_CODE } = require('..')
const { HstsDispatcher, hstsDispatcher, installGlobal, uninstallGlobal } = require('../fetch')
const { startLab, loopbackLookup } = require('../support/lab')

// The servers run in this process: children (curl, node) must be awaited, never run
// synchronously, or the servers could not answer them.
const run = promisify(execFile)

const SITE = 'site.hstsguard.test' // becomes known by a header it sends
const OTHER = 'other.hstsguard.test' // never sends HSTS
const PRELOADED = 'paypal.com' // on the embedded preload list (include_subdomains: false)
const CURL_SITE = 'curl.hstsguard.test'
const NAMES = [SITE, OTHER, PRELOADED, CURL_SITE, `www.${SITE}`]

let lab
let tmp
before(async () => {
  lab = await startLab(NAMES)
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hstsguard-fetch-'))
})
after(async () => {
  await lab.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

/**
 * The test's connector: default ports go to the lab's listeners (80 to the plain one,
 * 443 to the TLS one), explicit ports are kept; names resolve to 127.0.0.1; the test CA
 * is trusted. (What `curl --connect-to` does for curl below.)
 */
function labConnect(extra = {}) {
  const base = undici.buildConnector({ ca: lab.pki.ca, lookup: loopbackLookup, ...extra })
  return (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? lab.tlsPort : lab.plainPort)
    return base({ ...opts, port }, callback)
  }
}

function dispatcher(options = {}) {
  return hstsDispatcher({ connect: labConnect(), saveDelay: 0, ...options })
}

async function get(url, d, init = {}) {
  const res = await fetch(url, { dispatcher: d, ...init })
  return { status: res.status, body: await res.text(), url: res.url, headers: res.headers }
}

/** Runs `fn` and returns how many connections the plain listener got meanwhile. */
async function plainConnectionsDuring(fn) {
  const before = lab.plainConnections
  await fn()
  return lab.plainConnections - before
}

describe('known hosts leave over HTTPS only', () => {
  test('the control: an unknown host is fetched over plain HTTP (the counter counts)', async () => {
    const d = dispatcher({ knownHosts: { preload: false } })
    let r
    const n = await plainConnectionsDuring(async () => {
      r = await get(`http://${OTHER}/hello`, d)
    })
    assert.equal(r.body, `plain ${OTHER} /hello`)
    assert.equal(n, 1)
    await d.close()
  })

  test('a host becomes known by the header of an HTTPS response, then http:// goes over TLS', async () => {
    const d = dispatcher({ knownHosts: { preload: false } })
    const received = []
    d.on('hsts:receive', (e) => received.push(e))
    const first = await get(`https://${SITE}/sts?v=max-age=600`, d)
    assert.equal(first.body, `tls ${SITE} /sts`)
    assert.deepEqual(received.map((e) => [e.host, e.result, e.secure]), [[SITE, 'added', true]])
    const m = d.store.lookup(SITE)
    assert.equal(m.entry, SITE)
    assert.equal(m.source, 'dynamic')
    assert.ok(m.remainingSeconds > 590 && m.remainingSeconds <= 600)

    const upgrades = []
    d.on('hsts:upgrade', (e) => upgrades.push([e.from, e.to]))
    const before = lab.tlsLog.length
    let r
    const n = await plainConnectionsDuring(async () => {
      r = await get(`http://${SITE}/page?q=1`, d)
    })
    assert.equal(n, 0, 'no connection reached the plain listener')
    assert.equal(r.body, `tls ${SITE} /page`)
    assert.deepEqual(lab.tlsLog.slice(before), [{ host: SITE, url: '/page?q=1' }])
    assert.deepEqual(upgrades, [[`http://${SITE}`, `https://${SITE}`]])
    // includeSubDomains was not sent: a subdomain stays plain.
    assert.equal(d.store.shouldUpgrade(`www.${SITE}`), false)
    await d.close()
  })

  test('includeSubDomains covers subdomains; max-age=0 forgets the host', async () => {
    const d = dispatcher({ knownHosts: { preload: false } })
    await get(`https://${SITE}/sts?v=${encodeURIComponent('max-age=600; includeSubDomains')}`, d)
    const n = await plainConnectionsDuring(async () => {
      assert.equal((await get(`http://www.${SITE}/`, d)).body, `tls www.${SITE} /`)
    })
    assert.equal(n, 0)
    await get(`https://${SITE}/sts?v=max-age=0`, d)
    assert.equal(d.store.lookup(SITE), null)
    const m = await plainConnectionsDuring(async () => {
      assert.equal((await get(`http://${SITE}/`, d)).body, `plain ${SITE} /`)
    })
    assert.equal(m, 1)
    await d.close()
  })

  test('a preloaded host (embedded list) is never contacted over plain HTTP', async () => {
    assert.equal(preloadLookup(PRELOADED).entry, PRELOADED)
    const d = dispatcher()
    let r
    const n = await plainConnectionsDuring(async () => {
      r = await get(`http://${PRELOADED}/login`, d)
    })
    assert.equal(n, 0)
    assert.equal(r.body, `tls ${PRELOADED} /login`)
    assert.equal(d.store.lookup(PRELOADED).source, 'preload')
    await d.close()
    // The same request without the preload list: plain (the test can fail).
    const off = dispatcher({ knownHosts: { preload: false } })
    assert.equal(await plainConnectionsDuring(() => get(`http://${PRELOADED}/login`, off)), 1)
    await off.close()
  })

  test('redirects to http:// on a known host are upgraded, hop by hop', async () => {
    const store = new KnownHosts({ preload: false })
    store.insert(SITE, false, null)
    const d = dispatcher({ store })
    const upgrades = []
    d.on('hsts:upgrade', (e) => upgrades.push(e.from))
    const plainBefore = lab.plainLog.length
    // TLS hop -> http://SITE (upgraded) -> http://OTHER (plain, unknown) -> http://SITE/end (upgraded)
    const last = `http://${SITE}/end`
    const third = `http://${OTHER}/redirect?to=${encodeURIComponent(last)}`
    const second = `http://${SITE}/redirect?to=${encodeURIComponent(third)}`
    const r = await get(`https://${SITE}/redirect?to=${encodeURIComponent(second)}`, d)
    assert.equal(r.body, `tls ${SITE} /end`)
    assert.deepEqual(upgrades, [`http://${SITE}`, `http://${SITE}`])
    const plainHosts = lab.plainLog.slice(plainBefore).map((e) => e.host)
    assert.deepEqual(plainHosts, [OTHER], 'only the unknown host was contacted over plain HTTP')
    await d.close()
  })

  test("undici's own redirect handling (maxRedirections) routes every hop through the dispatcher", async () => {
    const store = new KnownHosts({ preload: false })
    store.insert(SITE, false, null)
    const d = dispatcher({ store })
    const plainBefore = lab.plainLog.length
    const to = `http://${SITE}/after`
    const res = await undici.request(`http://${OTHER}/redirect?to=${encodeURIComponent(to)}`, {
      dispatcher: d,
      maxRedirections: 3,
    })
    assert.equal(await res.body.text(), `tls ${SITE} /after`)
    assert.deepEqual(lab.plainLog.slice(plainBefore).map((e) => e.host), [OTHER])
    await d.close()
  })

  test('dispatcher.compose(interceptors.redirect()): every hop goes through the dispatcher', async () => {
    const store = new KnownHosts({ preload: false })
    store.insert(SITE, false, null)
    const d = dispatcher({ store })
    const composed = d.compose(undici.interceptors.redirect({ maxRedirections: 3 }))
    const plainBefore = lab.plainLog.length
    const to = `http://${SITE}/composed`
    const res = await undici.request(`http://${OTHER}/redirect?to=${encodeURIComponent(to)}`, { dispatcher: composed })
    assert.equal(await res.body.text(), `tls ${SITE} /composed`)
    assert.deepEqual(lab.plainLog.slice(plainBefore).map((e) => e.host), [OTHER])
    await d.close()
  })

  test('installGlobal: the global fetch (no dispatcher option) applies HSTS', async () => {
    const store = new KnownHosts({ preload: false })
    store.insert(SITE, false, null)
    const d = installGlobal({ store, connect: labConnect() })
    try {
      assert.equal(globalThis[Symbol.for('undici.globalDispatcher.1')], d)
      const n = await plainConnectionsDuring(async () => {
        const res = await fetch(`http://${SITE}/global`)
        assert.equal(await res.text(), `tls ${SITE} /global`)
      })
      assert.equal(n, 0)
    } finally {
      assert.equal(uninstallGlobal(), d)
      await d.close()
    }
    assert.notEqual(globalThis[Symbol.for('undici.globalDispatcher.1')], d)
  })
})

describe('certificate errors', () => {
  test('are fatal for a known host even with rejectUnauthorized: false', async () => {
    const store = new KnownHosts({ preload: false })
    store.insert(SITE, false, null)
    const d = hstsDispatcher({ store, connect: { ca: lab.pki.ca, lookup: loopbackLookup, rejectUnauthorized: false } })
    const err = await fetch(`https://${SITE}:${lab.badPort}/`, { dispatcher: d }).then(
      () => assert.fail('the request succeeded'),
      (e) => e,
    )
    assert.equal(err.cause && err.cause.code, CERTIFICATE_ERROR_CODE)
    assert.equal(CERTIFICATE_ERROR_CODE, 'ua.tls.certificate_error')
    assert.match(err.cause.message, /Known HSTS Host/)
    assert.equal(lab.badLog.length, 0, 'no request reached the server')
    await d.close()
  })

  test('the control: an unknown host is allowed (as configured), and its STS header is not recorded', async () => {
    const store = new KnownHosts({ preload: false })
    const d = hstsDispatcher({ store, connect: { ca: lab.pki.ca, lookup: loopbackLookup, rejectUnauthorized: false } })
    const received = []
    d.on('hsts:receive', (e) => received.push(e))
    const r = await get(`https://${OTHER}:${lab.badPort}/sts`, d)
    assert.equal(r.body, `bad ${OTHER}:${lab.badPort} /sts`)
    assert.deepEqual(received.map((e) => [e.secure, e.result, e.reason]), [[false, 'ignored', 'ua.receive.insecure_transport']])
    assert.equal(store.lookup(OTHER), null)
    await d.close()
  })

  test('with verification on (the default), a bad certificate fails for any host', async () => {
    const d = hstsDispatcher({ knownHosts: { preload: false }, connect: { ca: lab.pki.ca, lookup: loopbackLookup } })
    await assert.rejects(fetch(`https://${OTHER}:${lab.badPort}/`, { dispatcher: d }))
    await d.close()
  })
})

describe('the store file (curl format)', () => {
  test('persists across dispatchers and processes', async () => {
    const file = path.join(tmp, 'persist.txt')
    const d1 = dispatcher({ storeFile: file, saveDelay: 60_000, knownHosts: { preload: false } })
    await get(`https://${SITE}/sts?v=max-age=3600`, d1)
    assert.equal(fs.existsSync(file), false, 'not saved before the delay')
    await d1.close() // saves
    const text = fs.readFileSync(file, 'utf8')
    assert.match(text, new RegExp(`^${SITE.replace(/\./g, '\\.')} "\\d{8} \\d\\d:\\d\\d:\\d\\d"$`, 'm'))

    const d2 = dispatcher({ storeFile: file, knownHosts: { preload: false } })
    assert.equal(d2.loadReport.loaded, 1)
    const n = await plainConnectionsDuring(async () => {
      assert.equal((await get(`http://${SITE}/again`, d2)).body, `tls ${SITE} /again`)
    })
    assert.equal(n, 0)
    await d2.close()

    // Another process reads the file.
    const fetchPath = require.resolve('../fetch')
    const child = await run(process.execPath, ['-e', `
      const { hstsDispatcher } = require(${JSON.stringify(fetchPath)})
      const d = hstsDispatcher({ storeFile: ${JSON.stringify(file)}, knownHosts: { preload: false } })
      console.log(JSON.stringify(d.store.upgradeUrl('http://${SITE}/x')))
    `], { encoding: 'utf8' })
    assert.equal(JSON.parse(child.stdout).url, `https://${SITE}/x`)
  })

  test('a change is saved after saveDelay without close()', async () => {
    const file = path.join(tmp, 'delay.txt')
    const d = dispatcher({ storeFile: file, saveDelay: 50, knownHosts: { preload: false } })
    await get(`https://${SITE}/sts?v=max-age=3600`, d)
    await new Promise((r) => setTimeout(r, 300))
    assert.match(fs.readFileSync(file, 'utf8'), new RegExp(SITE.replace(/\./g, '\\.')))
    await d.close()
  })

  test('unsaved changes are saved at process exit', async () => {
    const file = path.join(tmp, 'exit.txt')
    const fetchPath = require.resolve('../fetch')
    const code = `
      const { hstsDispatcher } = require(${JSON.stringify(fetchPath)})
      const lookup = (h, o, cb) => (o.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4))
      const d = hstsDispatcher({ storeFile: ${JSON.stringify(file)}, saveDelay: 600000, knownHosts: { preload: false },
        connect: { ca: ${JSON.stringify(lab.pki.ca.toString())}, lookup } })
      fetch('https://${SITE}:${lab.tlsPort}/sts?v=max-age=3600', { dispatcher: d })
        .then((r) => r.text())
        .then(() => { console.log(require('node:fs').existsSync(${JSON.stringify(file)})); process.exit(0) })
    `
    const child = await run(process.execPath, ['-e', code], { encoding: 'utf8' })
    assert.equal(child.stdout.trim(), 'false', 'not saved before exit (the delay is long)')
    assert.match(fs.readFileSync(file, 'utf8'), new RegExp(`^${SITE.replace(/\./g, '\\.')} "`, 'm'))
  })

  test('a store file that is a directory: the error carries the core code', () => {
    assert.throws(() => hstsDispatcher({ storeFile: tmp }), { code: 'ua.store.is_directory' })
  })
})

describe('interop with curl --hsts', { skip: !fs.existsSync('/usr/bin/curl') && 'no /usr/bin/curl' }, () => {
  const curl = async (args) => (await run('/usr/bin/curl', args, { encoding: 'utf8' })).stdout

  function curlArgs(name) {
    return ['--connect-to', `${name}:443:127.0.0.1:${lab.tlsPort}`, '--connect-to', `${name}:80:127.0.0.1:${lab.plainPort}`]
  }

  test('a file written by hstsguard upgrades curl', async () => {
    const file = path.join(tmp, 'for-curl.txt')
    const d = dispatcher({ storeFile: file, knownHosts: { preload: false } })
    await get(`https://${CURL_SITE}/sts?v=max-age=3600`, d)
    await d.close()
    const before = lab.plainConnections
    const out = await curl(['-sS', '--cacert', lab.pki.caFile, ...curlArgs(CURL_SITE),
      '--hsts', file, `http://${CURL_SITE}/from-curl`])
    assert.equal(out, `tls ${CURL_SITE} /from-curl`)
    assert.equal(lab.plainConnections - before, 0)
    // The control: without the file curl goes to the plain listener.
    const plain = await curl(['-sS', ...curlArgs(CURL_SITE), `http://${CURL_SITE}/no-hsts`])
    assert.equal(plain, `plain ${CURL_SITE} /no-hsts`)
  })

  test('a file written by curl is read by hstsguard', async () => {
    const file = path.join(tmp, 'from-curl.txt')
    await curl(['-sS', '-o', '/dev/null', '--cacert', lab.pki.caFile, ...curlArgs(CURL_SITE),
      '--hsts', file, `https://${CURL_SITE}/sts?v=${encodeURIComponent('max-age=7200; includeSubDomains')}`])
    const text = fs.readFileSync(file, 'utf8')
    assert.match(text, /^\.curl\.hstsguard\.test "\d{8} \d\d:\d\d:\d\d"$/m, text)
    const d = dispatcher({ storeFile: file, knownHosts: { preload: false } })
    assert.equal(d.loadReport.loaded, 1)
    assert.deepEqual(d.loadReport.skipped, [])
    const m = d.store.lookup(`sub.${CURL_SITE}`)
    assert.equal(m.entry, CURL_SITE)
    assert.equal(m.includeSubDomains, true)
    const n = await plainConnectionsDuring(async () => {
      assert.equal((await get(`http://${CURL_SITE}/`, d)).body, `tls ${CURL_SITE} /`)
    })
    assert.equal(n, 0)
    await d.close()
  })
})

test('HstsDispatcher is an undici Dispatcher and refuses bad options', () => {
  const d = new HstsDispatcher()
  assert.ok(d instanceof undici.Dispatcher)
  assert.ok(d.store instanceof KnownHosts)
  assert.equal(d.storeFile, null)
  assert.throws(() => new HstsDispatcher({ store: {} }), TypeError)
  assert.throws(() => new HstsDispatcher({ saveDelay: -1 }), TypeError)
  return d.close()
})
