'use strict'
// The package's entry point (index.js, hand-written over napi-rs's generated binding.js):
// `version`, and its own errors when the native addon is missing, cannot be loaded, or
// belongs to another version. Each case is a copy of the package's JavaScript files in a
// temporary directory, required by a fresh Node process.
const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const PKG = path.join(__dirname, '..')
const pkgJson = JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8'))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hstsguard-loader-'))
after(() => fs.rmSync(tmp, { recursive: true, force: true }))

// napi-rs's name of this platform's addon, as binding.js looks for it first.
const report = process.report.getReport()
const musl = process.platform === 'linux' && !report.header.glibcVersionRuntime
const platform = process.platform === 'linux' ? `linux-${process.arch}-${musl ? 'musl' : 'gnu'}` : `${process.platform}-${process.arch}`
const ADDON = `hstsguard.${platform}.node`

let copies = 0
/** A copy of the package's JavaScript files (no addon) in a fresh directory. */
function copyPackage(edit = (pkg) => pkg) {
  const dir = path.join(tmp, `case${++copies}`, 'node_modules', 'hstsguard')
  fs.mkdirSync(dir, { recursive: true })
  for (const f of ['index.js', 'index.mjs', 'binding.js', 'express.js', 'fetch.js']) {
    fs.copyFileSync(path.join(PKG, f), path.join(dir, f))
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(edit({ ...pkgJson })))
  return dir
}

/** Loads `dir` in a fresh process (CommonJS, or ESM with `esm`): {ok, code, message, cause, version}. */
function load(dir, { esm = false, entry = '' } = {}) {
  const script = esm
    ? `import(${JSON.stringify(path.join(dir, entry || 'index.mjs'))}).then(
         (m) => console.log(JSON.stringify({ ok: true, version: m.version })),
         (e) => console.log(JSON.stringify({ ok: false, code: e.code, message: e.message, cause: e.cause && e.cause.message })))`
    : `try { const m = require(${JSON.stringify(path.join(dir, entry || 'index.js'))});
         console.log(JSON.stringify({ ok: true, version: m.version })) }
       catch (e) { console.log(JSON.stringify({ ok: false, code: e.code, message: e.message, cause: e.cause && e.cause.message })) }`
  const env = { ...process.env }
  delete env.NAPI_RS_NATIVE_LIBRARY_PATH
  delete env.NAPI_RS_FORCE_WASI
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, cwd: dir })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout)
}

test('version: the package version, which is the addon\'s VERSION', () => {
  const hg = require('hstsguard')
  assert.equal(hg.version, pkgJson.version)
  assert.equal(hg.VERSION, pkgJson.version)
})

test('no addon: our error, naming the file looked for and what to do', () => {
  const dir = copyPackage()
  fs.writeFileSync(path.join(dir, 'hstsguard.freebsd-x64.node'), '')   // another platform's addon
  for (const how of [{}, { esm: true }, { entry: 'express.js' }]) {
    const r = load(dir, how)
    assert.equal(r.ok, false)
    assert.equal(r.code, 'addon.missing', r.message)
    assert.ok(r.message.startsWith(`hstsguard: no native addon for this platform (${platform}, Node ${process.version})`), r.message)
    assert.ok(r.message.includes(`looked for ${path.join(dir, ADDON)} and for the package hstsguard-${platform}`), r.message)
    assert.ok(r.message.includes('carries the addon for freebsd-x64 only'), r.message)
    assert.ok(r.message.includes('npm run build'), r.message)
    assert.doesNotMatch(r.message, /npm has a bug/)
    assert.match(r.cause, /Cannot find native binding/)   // napi-rs's error, kept as the cause
  }
  fs.rmSync(path.join(dir, 'hstsguard.freebsd-x64.node'))
  assert.match(load(dir).message, /carries no addon at all/)
})

test('an addon the system cannot load: our error, with the loader\'s reason', () => {
  const dir = copyPackage()
  fs.writeFileSync(path.join(dir, ADDON), 'not a shared object\n')
  const r = load(dir)
  assert.equal(r.ok, false)
  assert.equal(r.code, 'addon.load_failed', r.message)
  assert.ok(r.message.startsWith(`hstsguard: the native addon ${path.join(dir, ADDON)} is there, but Node`), r.message)
  if (process.platform === 'linux') assert.match(r.message, /invalid ELF header|file too short/)
  assert.match(r.message, /reinstall hstsguard/)
})

test('an addon of another version: our error, naming both versions', () => {
  const built = path.join(PKG, ADDON)
  const dir = copyPackage((pkg) => ({ ...pkg, version: '9.9.9' }))
  fs.copyFileSync(built, path.join(dir, ADDON))
  const r = load(dir)
  assert.equal(r.ok, false)
  assert.equal(r.code, 'addon.version_mismatch', r.message)
  assert.match(r.message, new RegExp(`built from hstsguard ${pkgJson.version.replace(/\./g, '\\.')}, but this package is hstsguard 9\\.9\\.9`))
  // The same copy with the right version loads.
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkgJson))
  assert.deepEqual(load(dir), { ok: true, version: pkgJson.version })
  assert.deepEqual(load(dir, { esm: true }), { ok: true, version: pkgJson.version })
})
