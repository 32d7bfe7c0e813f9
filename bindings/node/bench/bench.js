'use strict'
// Per-request cost of hstsguard's Express middleware against its peers, measured in the
// same run:
//   HSTS path      hsts()           vs helmet's strictTransportSecurity()
//   redirect path  enforceHttps()   vs express-sslify's HTTPS(), and two references that
//                  check nothing: Express's res.redirect(301, ...) (what express-sslify
//                  sends) and a bare writeHead(301) + end()
//
// 1. Direct calls: each middleware is called on fresh Express req/res objects (a real
//    http.ServerResponse, as Express's own init makes them), made before the timed loop. The cases run in alternating
//    chunks inside every repeat, so each sees the same machine speed, and each repeat's
//    cost is the difference from a no-op middleware measured in the same repeat. Printed:
//    the median of those paired differences (ns per request) and ours / peer.
// 2. A real server: one Express 5 app per middleware in a child process on 127.0.0.1,
//    driven by autocannon (bounded duration, rounds rotating between the apps). Printed:
//    requests/s and the server's CPU time per request (its CPU time over a run / requests
//    answered), and ours / peer as medians of per-round ratios. CPU per request is the
//    steadier figure: throughput also depends on the load generator on the same cores.
//
//   node bench/bench.js            # a few minutes
//   BENCH_QUICK=1 node bench/bench.js   # a few seconds: a smoke run, numbers are noise
//   BENCH_ONLY=direct|server node bench/bench.js   # one part only
//
// The machine's speed drifts (see shared BUILD_NOTES "Measuring on a noisy machine"):
// trust the direct-call medians for small differences; the server numbers show the
// order of magnitude in a real stack.
const http = require('node:http')
const net = require('node:net')
const { fork } = require('node:child_process')
const v8 = require('node:v8')
const vm = require('node:vm')

// A full collection before each timed chunk moves the chunk's fresh req/res objects out
// of the young generation, so the scavenges that the middleware's own allocations cause
// do not copy them (which would charge the objects' size to whoever allocates most).
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')

const QUICK = process.env.BENCH_QUICK === '1'
const REPEATS = Number(process.env.BENCH_REPEATS || (QUICK ? 8 : 150))
const CHUNK = Number(process.env.BENCH_CHUNK || (QUICK ? 100 : 200))
const DURATION = Number(process.env.BENCH_DURATION || (QUICK ? 0.5 : 1.5))
const ROUNDS = Number(process.env.BENCH_ROUNDS || (QUICK ? 1 : 9))
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10)
// Pipelined requests spend fewer system calls each, so the middleware is a larger share.
const PIPELINING = Number(process.env.BENCH_PIPELINING || 4)

// ---------------------------------------------------------------------------------------
// The middleware under test (also used by the server child)
// ---------------------------------------------------------------------------------------

function middlewares() {
  const helmet = require('helmet')
  const sslify = require('express-sslify')
  const { hsts, enforceHttps, hstsguard } = require('../express')
  const helmetHsts = helmet.strictTransportSecurity()
  const sslifyHttps = sslify.HTTPS()
  // The deploy warnings (a redirect that follows any Host, HSTS over HTTP) are the point
  // of these configurations here: keep them out of the output.
  const quiet = { onWarning() {} }
  return {
    'hstsguard()': hstsguard({ cookies: { enabled: false } }, quiet),
    'helmet + express-sslify': (req, res, next) => helmetHsts(req, res, () => sslifyHttps(req, res, next)),
    none: (req, res, next) => next(),
    'hsts()': hsts(quiet),
    'hsts({send: always})': hsts({ send: 'always', ...quiet }),
    'helmet.strictTransportSecurity()': helmet.strictTransportSecurity(),
    'enforceHttps()': enforceHttps(quiet),
    'express-sslify HTTPS()': sslify.HTTPS(),
    // References that check nothing (no Host validation, no exemption, no method rule).
    'res.redirect(301)': (req, res, next) => {
      if (req.secure) return next()
      res.redirect(301, `https://${req.headers.host}${req.originalUrl}`)
    },
    'bare 301': (req, res, next) => {
      if (req.secure) return next()
      res.writeHead(301, { Location: `https://${req.headers.host}${req.originalUrl}` })
      res.end()
    },
  }
}

// ---------------------------------------------------------------------------------------
// 1. Direct calls
// ---------------------------------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Fresh Express req/res pairs, as Express's init middleware makes them. */
function requestMaker(app, { secure, method = 'GET' }) {
  const socket = new net.Socket()
  if (secure) socket.encrypted = true
  return function make() {
    const req = new http.IncomingMessage(socket)
    req.method = method
    req.url = '/some/page?x=1'
    req.originalUrl = req.url
    req.headers = { host: 'example.com', accept: 'text/html,*/*', 'user-agent': 'bench' }
    const res = new http.ServerResponse(req)
    Object.setPrototypeOf(req, app.request)
    Object.setPrototypeOf(res, app.response)
    req.res = res
    res.req = req
    req.app = app
    res.app = app
    return { req, res }
  }
}

/** Times `chunk` calls of `mw` on fresh pairs; ns per call. */
function timeChunk(mw, make, chunk) {
  const pairs = new Array(chunk)
  for (let i = 0; i < chunk; i++) pairs[i] = make()
  gc()
  let nexts = 0
  const next = () => {
    nexts++
  }
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < chunk; i++) mw(pairs[i].req, pairs[i].res, next)
  const t1 = process.hrtime.bigint()
  if (nexts > chunk) throw new Error('next called twice')
  return Number(t1 - t0) / chunk
}

/**
 * Runs each case (name -> middleware) and the baseline in alternating chunks; returns
 * name -> median over repeats of (case - baseline) in ns.
 */
function paired(cases, make) {
  const names = ['baseline', ...Object.keys(cases)]
  const mws = { baseline: (req, res, next) => next(), ...cases }
  const diffs = Object.fromEntries(names.map((n) => [n, []]))
  for (let w = 0; w < 3; w++) for (const n of names) timeChunk(mws[n], make, CHUNK) // warm-up
  for (let r = 0; r < REPEATS; r++) {
    // Rotate the order: every case takes every position equally often.
    const order = names.map((_, i) => names[(i + r) % names.length])
    const t = {}
    for (const n of order) t[n] = timeChunk(mws[n], make, CHUNK)
    for (const n of names) diffs[n].push(t[n] - t.baseline)
  }
  return Object.fromEntries(names.filter((n) => n !== 'baseline').map((n) => [n, median(diffs[n])]))
}

function fmtNs(ns) {
  return `${ns.toFixed(0).padStart(6)} ns`
}

function ratio(a, b) {
  return b > 0 ? (a / b).toFixed(2) : 'n/a'
}

function direct() {
  const express = require('express')
  const app = express()
  const m = middlewares()
  console.log(`\n== 1. direct calls: median of ${REPEATS} paired differences from a no-op middleware (${CHUNK} calls per chunk)`)
  const rows = []
  const secure = paired({ ours: m['hsts()'], peer: m['helmet.strictTransportSecurity()'] }, requestMaker(app, { secure: true }))
  rows.push(['HSTS, TLS request', 'hsts()', secure.ours, 'helmet', secure.peer])
  const plain = paired(
    { ours: m['hsts()'], oursAlways: m['hsts({send: always})'], peer: m['helmet.strictTransportSecurity()'] },
    requestMaker(app, { secure: false }),
  )
  rows.push(['HSTS, plain request (not sent)', 'hsts()', plain.ours, 'helmet', plain.peer])
  rows.push(["HSTS, plain request, send:'always'", 'hsts(always)', plain.oursAlways, 'helmet', plain.peer])
  const redirect = paired({ ours: m['enforceHttps()'], peer: m['express-sslify HTTPS()'] }, requestMaker(app, { secure: false }))
  rows.push(['redirect, plain GET -> 301', 'enforceHttps()', redirect.ours, 'express-sslify', redirect.peer])
  const pass = paired({ ours: m['enforceHttps()'], peer: m['express-sslify HTTPS()'] }, requestMaker(app, { secure: true }))
  rows.push(['redirect path, TLS request (pass)', 'enforceHttps()', pass.ours, 'express-sslify', pass.peer])
  const both = paired({ ours: m['hstsguard()'], peer: m['helmet + express-sslify'] }, requestMaker(app, { secure: true }))
  rows.push(['both, TLS request (HSTS, no redirect)', 'hstsguard()', both.ours, 'helmet+sslify', both.peer])
  for (const [what, ours, o, peer, p] of rows) {
    console.log(`${what.padEnd(36)} ${ours.padEnd(15)} ${fmtNs(o)}   ${peer.padEnd(15)} ${fmtNs(p)}   ours/peer ${ratio(o, p)}`)
  }
  return rows
}

// ---------------------------------------------------------------------------------------
// 2. Real servers under autocannon
// ---------------------------------------------------------------------------------------

const SERVERS = [
  'none',
  'hsts()',
  'helmet.strictTransportSecurity()',
  'enforceHttps()',
  'express-sslify HTTPS()',
  'res.redirect(301)',
  'bare 301',
]

function serveAll() {
  // Never outlive the benchmark (it may be interrupted).
  process.on('disconnect', () => process.exit(0))
  process.on('message', (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage()
      process.send({ cpu: u.user + u.system })
    }
  })
  const express = require('express')
  const m = middlewares()
  const ports = {}
  let pending = SERVERS.length
  for (const name of SERVERS) {
    const app = express()
    app.set('trust proxy', 'loopback') // secure = X-Forwarded-Proto: https from 127.0.0.1
    app.use(m[name])
    app.get('/{*rest}', (req, res) => res.send('ok'))
    const server = app.listen(0, '127.0.0.1', () => {
      ports[name] = server.address().port
      if (--pending === 0) process.send({ ports })
    })
  }
}

/** The server child's CPU time (user + system, µs), asked over IPC. */
function cpuOf(child) {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m.cpu))
    child.send('cpu')
  })
}

/**
 * One autocannon run against `port`: requests/s, and the server's CPU time per request
 * (the child's CPU time over the run / requests answered). The CPU time is what the
 * middleware adds; throughput also depends on the load generator sharing the machine.
 */
async function load(child, port, headers, duration = DURATION) {
  const autocannon = require('autocannon')
  const before = await cpuOf(child)
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/some/page?x=1`,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration,
    headers: { host: 'example.com', ...headers },
  })
  const after = await cpuOf(child)
  if (result.non2xx && !result['3xx']) throw new Error(`unexpected statuses from port ${port}`)
  const answered = result['2xx'] + result['3xx']
  return { rps: result.requests.average, cpu: answered > 0 ? (after - before) / answered : NaN }
}

async function servers() {
  const child = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const { ports } = await new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)))
  })
  console.log(
    `\n== 2. Express 5 servers on 127.0.0.1 under autocannon: ${CONNECTIONS} connections x ${PIPELINING} pipelined, ` +
      `${DURATION} s per run, ${ROUNDS} round(s); medians of the server's CPU time per request and of req/s`,
  )
  // [what, request headers, [bare app, ours, peer, references...]]
  const scenarios = [
    ['HSTS, proxied-TLS request', { 'x-forwarded-proto': 'https' }, ['none', 'hsts()', 'helmet.strictTransportSecurity()']],
    ['redirect, plain GET -> 301', {}, ['none', 'enforceHttps()', 'express-sslify HTTPS()', 'res.redirect(301)', 'bare 301']],
  ]
  const rows = []
  try {
    for (const [what, headers, names] of scenarios) {
      const runs = Object.fromEntries(names.map((n) => [n, []]))
      // The bare app answers 200 either way; the secure header keeps it on the same path.
      const headersOf = (n) => (n === 'none' ? { 'x-forwarded-proto': 'https' } : headers)
      for (const n of names) await load(child, ports[n], headersOf(n), Math.min(1, DURATION)) // warm-up (JIT)
      for (let r = 0; r < ROUNDS; r++) {
        const order = names.map((_, i) => names[(i + r) % names.length])
        for (const n of order) runs[n].push(await load(child, ports[n], headersOf(n)))
      }
      const cpu = Object.fromEntries(names.map((n) => [n, median(runs[n].map((x) => x.cpu))]))
      const rps = Object.fromEntries(names.map((n) => [n, median(runs[n].map((x) => x.rps))]))
      const [none, ours, peer, ...refs] = names
      // Paired per round: the servers ran back to back, under the same conditions.
      const paired = (a, b, f) => median(runs[a].map((x, i) => f(x) / f(runs[b][i])))
      const cpuRatio = paired(ours, peer, (x) => x.cpu)
      const rpsRatio = paired(ours, peer, (x) => x.rps)
      console.log(`${what}:`)
      for (const n of names) {
        // A redirect skips the route (res.send hashes an ETag), so it can cost less than the bare app.
        const extra = n === none ? '(bare app, 200)'.padEnd(27) : `${(cpu[n] - cpu[none]).toFixed(2).padStart(7)} us vs the bare app`
        const vsPeer = n === none || n === peer ? '' : `   throughput x${paired(n, peer, (x) => x.rps).toFixed(2)} ${peer}'s`
        console.log(`  ${n.padEnd(34)} ${rps[n].toFixed(0).padStart(6)} req/s ${cpu[n].toFixed(2).padStart(7)} us CPU/request ${extra}${vsPeer}`)
      }
      console.log(`  ours/peer (medians of paired rounds): throughput ${rpsRatio.toFixed(2)}, CPU per request ${cpuRatio.toFixed(2)}`)
      rows.push({ what, ours, peer, rps, cpuRatio, rpsRatio, refs: refs.map((r) => [r, rps[r], paired(r, peer, (x) => x.rps)]) })
    }
  } finally {
    child.kill('SIGTERM')
  }
  return rows
}

async function main() {
  console.log(`hstsguard Express middleware benchmark (node ${process.version}${QUICK ? ', QUICK smoke run' : ''})`)
  const only = process.env.BENCH_ONLY // 'direct' or 'server': one part only
  const d = only === 'server' ? [] : direct()
  const s = only === 'direct' ? [] : await servers()
  console.log('\n== summary')
  for (const [what, ours, o, peer, p] of d) {
    console.log(`direct  ${what.padEnd(36)} ${ours} ${o.toFixed(0)} ns, ${peer} ${p.toFixed(0)} ns, ratio ${ratio(o, p)}`)
  }
  for (const { what, ours, peer, rps, cpuRatio, rpsRatio, refs } of s) {
    console.log(
      `server  ${what.padEnd(36)} ${ours} ${rps[ours].toFixed(0)} req/s, ${peer} ${rps[peer].toFixed(0)} req/s; ` +
        `ratios ours/peer: throughput ${rpsRatio.toFixed(2)}, CPU per request ${cpuRatio.toFixed(2)}` +
        refs.map(([r, v, x]) => `; ${r} ${v.toFixed(0)} req/s (x${x.toFixed(2)} ${peer})`).join(''),
    )
  }
}

if (process.argv.includes('--serve')) {
  serveAll()
} else {
  main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
}

