'use strict'
// Client-side lookups through the Node binding, against a plain JavaScript Map of the
// same names measured in the same run (ours, peer, ratio):
//
// 1. preloadLookup(host) on the embedded list (161k names) vs a Map<string, boolean> of
//    the same names (name -> include_subdomains) walked the same way (the host, then
//    each superdomain whose entry has include_subdomains). Hosts: hits (exact and via a
//    superdomain), shallow misses (one unknown label under a TLD that is not preloaded)
//    and deep misses (five labels).
// 2. KnownHosts.lookup(host, now) on a store of 10,000 entries (no preload list) vs a
//    Map of the same 10,000 entries, walked the same way, expiry checked.
//
// The peers return objects of the same shape as ours. Ours cross the Node-API boundary
// twice per call (the host string in, the result object out): that, not the lookup
// (about 100-150 ns in Rust, `cargo bench -p hstsguard --bench ua`), is most of the time.
//
// Each case runs in alternating chunks inside every repeat, so ours and the peer see
// the same machine speed; printed are the medians of the per-repeat ns per call.
//   node bench/ua.js              BENCH_QUICK=1 node bench/ua.js (smoke run)
const fs = require('node:fs')
const path = require('node:path')
const { KnownHosts, preloadLookup } = require('..')

const QUICK = process.env.BENCH_QUICK === '1'
const REPEATS = Number(process.env.BENCH_REPEATS || (QUICK ? 5 : 41))
const CHUNK = Number(process.env.BENCH_CHUNK || (QUICK ? 2_000 : 20_000))
const NOW = Math.floor(Date.now() / 1000)

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** ns per call of each function over `hosts`, alternating chunks, medians of repeats. */
function measure(fns, hosts) {
  const samples = fns.map(() => [])
  let sink = 0
  for (let r = 0; r < REPEATS; r++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint()
      for (let i = 0; i < CHUNK; i++) if (fn(hosts[i % hosts.length]) !== null) sink++
      samples[k].push(Number(process.hrtime.bigint() - t0) / CHUNK)
    })
  }
  if (sink < 0) console.log(sink)
  return samples.map(median)
}

/**
 * The Map peer: the host, then superdomains whose entry has include_subdomains; the
 * result has the shape preloadLookup returns.
 */
function mapLookup(map, host) {
  let name = host
  let exact = true
  for (;;) {
    const sub = map.get(name)
    if (sub !== undefined && (exact || sub)) return { entry: name, includeSubDomains: sub, exact }
    const dot = name.indexOf('.')
    if (dot === -1) return null
    name = name.slice(dot + 1)
    exact = false
  }
}

function row(label, [ours, peer]) {
  console.log(`${label.padEnd(44)} ${ours.toFixed(0).padStart(7)} ns ${peer.toFixed(0).padStart(7)} ns ${(ours / peer).toFixed(2).padStart(7)}x`)
}

const doc = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'data', 'hsts_preload.json'), 'utf8'))
const list = new Map()
for (const [name, sub, mode] of doc.entries) if (mode === 'force-https') list.set(name, sub)
// Single-label entries (TLDs) only match with allowSingleLabel: leave them out of the hosts.
const names = [...list.keys()].filter((n) => n.includes('.'))
const pick = (n, step) => Array.from({ length: n }, (_, i) => names[(i * step) % names.length])
const hits = pick(1000, 157)
const subHits = pick(4000, 37).filter((n) => list.get(n)).slice(0, 1000).map((n) => `a.b.${n}`)
const shallow = Array.from({ length: 1000 }, (_, i) => `nothere${i}.example`)
const deep = Array.from({ length: 1000 }, (_, i) => `a${i}.b.c.d.nothere${i}.example`)
for (const set of [hits, subHits]) for (const h of set) if (preloadLookup(h) === null) throw new Error(`${h} is not preloaded`)
for (const set of [shallow, deep]) for (const h of set) if (preloadLookup(h) !== null) throw new Error(`${h} is preloaded`)

console.log(`client-side lookups, Node ${process.version}, ${REPEATS} repeats x ${CHUNK} calls; preload list ${list.size} names`)
console.log(`${'case'.padEnd(44)} ${'ours'.padStart(10)} ${'Map peer'.padStart(10)} ${'ratio'.padStart(8)}`)
const ours = (h) => preloadLookup(h)
const peer = (h) => mapLookup(list, h)
row('preloadLookup: hits (exact)', measure([ours, peer], hits))
row('preloadLookup: hits (a.b.<includeSubDomains>)', measure([ours, peer], subHits))
row('preloadLookup: shallow misses', measure([ours, peer], shallow))
row('preloadLookup: deep misses (6 labels)', measure([ours, peer], deep))

const store = new KnownHosts({ preload: false })
const dyn = new Map()
for (let i = 0; i < 10_000; i++) {
  const host = `host${i}.example${i % 97}.com`
  store.insert(host, i % 2 === 0, NOW + 86_400 + i, NOW)
  dyn.set(host, { sub: i % 2 === 0, expires: NOW + 86_400 + i })
}
if (store.size !== 10_000) throw new Error('store size')
const dynPeer = (h) => {
  let name = h
  let exact = true
  for (;;) {
    const e = dyn.get(name)
    if (e !== undefined && e.expires > NOW && (exact || e.sub)) {
      return { entry: name, includeSubDomains: e.sub, expires: e.expires, remainingSeconds: e.expires - NOW, source: 'dynamic' }
    }
    const dot = name.indexOf('.')
    if (dot === -1) return null
    name = name.slice(dot + 1)
    exact = false
  }
}
const storeHits = Array.from({ length: 1000 }, (_, i) => `host${i * 7}.example${(i * 7) % 97}.com`)
const storeSub = Array.from({ length: 1000 }, (_, i) => `www.host${i * 10}.example${(i * 10) % 97}.com`)
const storeMiss = Array.from({ length: 1000 }, (_, i) => `www.nothere${i}.example.org`)
const lookup = (h) => store.lookup(h, NOW)
row('KnownHosts.lookup (10,000 entries): hits', measure([lookup, dynPeer], storeHits))
row('KnownHosts.lookup: subdomain hits', measure([lookup, dynPeer], storeSub))
row('KnownHosts.lookup: misses', measure([lookup, dynPeer], storeMiss))
