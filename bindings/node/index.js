'use strict'
// The entry point of the `hstsguard` package (hand-written). The native addon is loaded by
// `binding.js`, which napi-rs generates (`npm run build`; committed, and compared with a
// fresh build by scripts/test-node.sh). This file adds `version`, checks that the addon
// belongs to this package, and replaces napi-rs's generic "Cannot find native binding"
// with an error that names the file it looked for and says what to do:
//
//   err.code 'addon.missing'           no addon for this platform in the package
//   err.code 'addon.load_failed'       the addon is there but the system would not load it
//   err.code 'addon.version_mismatch'  the addon was built for another hstsguard version
//
// (`err.cause` holds the underlying error where there is one.)
const fs = require('node:fs')
const path = require('node:path')
const { version } = require('./package.json')

const BUILD_FROM_SOURCE =
  'build the addon from the hstsguard source tree with a Rust toolchain (>= 1.89): ' +
  '`cd bindings/node && npm install --no-audit --no-fund && npm run build`, ' +
  'then `npm pack` there and install the tarball it writes'

/** Whether this Linux's C library is musl (napi-rs's test: glibc reports its version). */
function isMusl() {
  try {
    const report = process.report && process.report.getReport()
    return !(report && report.header && report.header.glibcVersionRuntime)
  } catch {
    return false
  }
}

/** napi-rs's name for this platform, as in `hstsguard.<name>.node`: `linux-x64-gnu`, `darwin-arm64`, ... */
function platformName() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const musl = isMusl()
    if (arch === 'arm') return `linux-arm-${musl ? 'musleabihf' : 'gnueabihf'}`
    return `linux-${arch}-${musl ? 'musl' : 'gnu'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  if (platform === 'android' && arch === 'arm') return 'android-arm-eabi'
  return `${platform}-${arch}`
}

/** The platforms whose addon this copy of the package carries. */
function carried() {
  try {
    return fs
      .readdirSync(__dirname)
      .map((f) => /^hstsguard\.(.+)\.node$/.exec(f))
      .filter(Boolean)
      .map((m) => m[1])
  } catch {
    return []
  }
}

function addonError(code, message, cause) {
  const err = new Error(message)
  err.code = code
  if (cause !== undefined) err.cause = cause
  return err
}

/** The first error of napi-rs's cause chain that is about `file` and is not "not found". */
function loadFailure(chain, file) {
  for (let e = chain; e; e = e.cause) {
    if (typeof e.message === 'string' && e.message.includes(path.basename(file)) && !/Cannot find module/.test(e.message)) {
      return e
    }
  }
  return chain
}

function explain(err) {
  const name = platformName()
  const file = path.join(__dirname, `hstsguard.${name}.node`)
  const optional = `hstsguard-${name}`
  let optionalPath = null
  try {
    optionalPath = require.resolve(optional)
  } catch {
    // not installed: the usual case, the addon is inside this package
  }
  if (fs.existsSync(file) || optionalPath) {
    const where = fs.existsSync(file) ? file : optionalPath
    const cause = loadFailure(err && err.cause, where)
    return addonError(
      'addon.load_failed',
      `hstsguard: the native addon ${where} is there, but Node ${process.version} could not load it` +
        (cause && cause.message ? ` (${cause.message})` : '') +
        '. If the file is damaged, reinstall hstsguard; if this system is older than the one the addon was ' +
        `built for (its glibc, for a linux-*-gnu addon), ${BUILD_FROM_SOURCE}.`,
      err,
    )
  }
  const have = carried()
  return addonError(
    'addon.missing',
    `hstsguard: no native addon for this platform (${name}, Node ${process.version}): looked for ${file} ` +
      `and for the package ${optional}, and found neither. ` +
      (have.length
        ? `This copy of hstsguard carries the addon for ${have.join(', ')} only. `
        : 'This copy of hstsguard carries no addon at all (packed without building it?). ') +
      `Install the hstsguard package built for ${name}, or ${BUILD_FROM_SOURCE}.`,
    err,
  )
}

let binding
try {
  binding = require('./binding.js')
} catch (err) {
  throw explain(err)
}

if (binding.VERSION !== version) {
  throw addonError(
    'addon.version_mismatch',
    `hstsguard: the native addon was built from hstsguard ${binding.VERSION}, but this package is ` +
      `hstsguard ${version}: reinstall hstsguard, or rebuild the addon (\`npm run build\` in bindings/node).`,
  )
}

/** This package's version: the one version of every hstsguard artefact (equal to `VERSION`). */
binding.version = version

// The Express middleware's private entry points on Policy (`_decide`, `_responseHeaders`,
// ...; see src/policy.rs) are not part of the API: absent from the types, and hidden
// from enumeration here.
for (const target of [binding.Policy, binding.Policy.prototype]) {
  for (const name of Object.getOwnPropertyNames(target)) {
    if (name.startsWith('_')) {
      const d = Object.getOwnPropertyDescriptor(target, name)
      if (d.enumerable && d.configurable) Object.defineProperty(target, name, { ...d, enumerable: false })
    }
  }
}

module.exports = binding
