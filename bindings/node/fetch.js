'use strict'
// hstsguard/fetch: HSTS (RFC 6797 §8) for Node's global `fetch` and for undici.
//
//   const { hstsDispatcher, installGlobal } = require('hstsguard/fetch')
//   await fetch('http://github.com/', { dispatcher: hstsDispatcher() })  // leaves as https://
//   installGlobal({ storeFile: 'hsts.txt' })                            // every fetch()
//
// An HstsDispatcher is an undici Dispatcher. For every request (and every redirect hop:
// fetch follows redirects itself and dispatches each hop again; undici's own redirect
// handling is routed back through this dispatcher too) it asks the core's Known HSTS Host
// store (`KnownHosts`, with the embedded preload list behind it) about the host:
//
// - a known or preloaded host over http:// is sent over https:// instead (port 80
//   becomes 443, any other port is kept), so no plaintext byte goes to it;
// - requests to known hosts use connections of their own whose certificate must verify,
//   even when the caller turned verification off (`connect: { rejectUnauthorized: false }`):
//   a certificate error is fatal (RFC 6797 §8.4, §12.1), with err.code
//   'ua.tls.certificate_error';
// - the Strict-Transport-Security fields of HTTPS responses received over a verified
//   connection are recorded (max-age=0 forgets the host);
// - with `storeFile`, the store is loaded from that file (curl's --hsts format) when the
//   dispatcher is made, and saved to it after changes (coalesced: `saveDelay` ms after
//   the first unsaved change, default 1000; 0 saves at once), on close() and destroy(),
//   and at process exit. Saving merges with what other processes saved meanwhile.
//
// Every decision is the core's; this file only wires undici to it.
const { KnownHosts, CERTIFICATE_ERROR_CODE } = require('./index.js')

let undici
try {
  undici = require('undici')
} catch (cause) {
  const err = new Error("hstsguard/fetch needs the 'undici' package: npm install undici")
  err.code = 'MODULE_NOT_FOUND'
  err.cause = cause
  throw err
}

const STS = 'strict-transport-security'

/** Dispatchers with unsaved changes, saved at process exit. */
const unsaved = new Set()
let exitHookInstalled = false
function saveAtExit(dispatcher) {
  unsaved.add(dispatcher)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const d of unsaved) {
        try {
          d.flush()
        } catch (err) {
          // Nothing asynchronous runs any more: report on stderr, never throw at exit.
          console.error(`hstsguard/fetch: cannot save ${d.storeFile} at exit: ${err.message} [${err.code}]`)
        }
      }
    })
  }
}

function text(v) {
  return Buffer.isBuffer(v) ? v.toString('latin1') : String(v)
}

/** The STS field values of undici's raw headers ([name, value, name, value, ...]). */
function stsFromRaw(raw) {
  const out = []
  if (!Array.isArray(raw)) return out
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]
    if (name.length === STS.length && text(name).toLowerCase() === STS) out.push(text(raw[i + 1]))
  }
  return out
}

/** The STS field values of a header object ({name: value | value[]}). */
function stsFromObject(headers) {
  if (headers == null || typeof headers !== 'object') return []
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === STS) return (Array.isArray(value) ? value : [value]).map(text)
  }
  return []
}

function certificateError(host, reason, cause) {
  const err = new Error(
    `the TLS certificate of ${host}, a Known HSTS Host, does not verify (${reason}): ` +
      'RFC 6797 §8.4 makes this fatal even when certificate verification is turned off',
  )
  err.code = CERTIFICATE_ERROR_CODE
  err.host = host
  if (cause !== undefined) err.cause = cause
  return err
}

/** The port of a connector call, as a number (undici passes '' for the default). */
function portOf(protocol, port) {
  return Number(port) || (protocol === 'https:' ? 443 : 80)
}

/**
 * Wraps a dispatch handler so that `onResponse(stsValues)` sees the response head first.
 * A Proxy keeps the handler's shape (undici checks which methods a handler has).
 */
function watchHeaders(handler, onResponse) {
  return new Proxy(handler, {
    get(target, prop) {
      const value = Reflect.get(target, prop)
      if (typeof value !== 'function') return value
      if (prop === 'onHeaders') {
        return function onHeaders(statusCode, rawHeaders, ...rest) {
          onResponse(stsFromRaw(rawHeaders))
          return value.call(target, statusCode, rawHeaders, ...rest)
        }
      }
      if (prop === 'onResponseStart') {
        return function onResponseStart(controller, statusCode, headers, ...rest) {
          onResponse(stsFromObject(headers))
          return value.call(target, controller, statusCode, headers, ...rest)
        }
      }
      return value.bind(target)
    },
  })
}

/**
 * An undici Dispatcher that applies HSTS to every request. See the top of this file and
 * the package README ("Client side: HSTS for fetch").
 */
class HstsDispatcher extends undici.Dispatcher {
  #store
  #file = null
  #saveDelay
  #onStoreError
  #timer = null
  #dirty = false
  #loose
  #strict
  #unverified = new Set()
  #maxRedirections
  #dispatchOne = (opts, handler) => this.#route(opts, handler)

  /**
   * @param {import('./fetch').HstsDispatcherOptions} [options]
   */
  constructor(options = {}) {
    super()
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object')
    const {
      store,
      knownHosts,
      storeFile,
      saveDelay = 1000,
      onStoreError,
      connect,
      maxRedirections = 0,
      ...agentOptions
    } = options
    if (store !== undefined && !(store instanceof KnownHosts)) throw new TypeError('store must be a KnownHosts')
    if (!Number.isInteger(saveDelay) || saveDelay < 0) throw new TypeError('saveDelay must be a whole number of milliseconds')
    if (!Number.isInteger(maxRedirections) || maxRedirections < 0) throw new TypeError('maxRedirections must be a whole number')
    if (connect != null && typeof connect !== 'object' && typeof connect !== 'function') {
      throw new TypeError('connect must be undici connect options or a connector function')
    }
    this.#store = store ?? new KnownHosts(knownHosts)
    this.#saveDelay = saveDelay
    this.#maxRedirections = maxRedirections
    this.#onStoreError = onStoreError ?? ((err) => process.emitWarning(err))
    /** What loading `storeFile` found (null without one). */
    this.loadReport = null
    if (storeFile != null) {
      this.#file = String(storeFile)
      this.loadReport = this.#store.load(this.#file)
    }

    // Two pools: known hosts never share a connection with a request that was allowed
    // to skip verification, and their connector insists on a verified certificate.
    const userConnector = typeof connect === 'function' ? connect : undici.buildConnector({ ...connect })
    const strictBase =
      typeof connect === 'function' ? connect : undici.buildConnector({ ...connect, rejectUnauthorized: false })
    const loose = (opts, callback) =>
      userConnector(opts, (err, socket) => {
        if (!err && opts.protocol === 'https:' && socket.authorized === false) {
          // A response from this origin did not come over a secure transport (§8.1).
          this.#unverified.add(`${opts.hostname}:${portOf(opts.protocol, opts.port)}`)
        }
        callback(err, socket)
      })
    const strict = (opts, callback) =>
      strictBase(opts, (err, socket) => {
        if (err) return callback(err)
        if (opts.protocol === 'https:' && socket.authorized !== true) {
          const reason = socket.authorizationError || 'unverified connection'
          socket.destroy()
          return callback(certificateError(opts.servername || opts.hostname, String(reason.code || reason)))
        }
        callback(null, socket)
      })
    this.#loose = new undici.Agent({ ...agentOptions, connect: loose })
    this.#strict = new undici.Agent({ ...agentOptions, connect: strict })
  }

  /** The Known HSTS Host store this dispatcher reads and updates. */
  get store() {
    return this.#store
  }

  /** The store file, or null. */
  get storeFile() {
    return this.#file
  }

  dispatch(opts, handler) {
    const max = opts.maxRedirections ?? this.#maxRedirections
    if (max > 0) {
      // undici's redirect handler dispatches every hop through `this.#dispatchOne`, so
      // each hop is upgraded and recorded like the first.
      const redirects = new undici.RedirectHandler(this.#dispatchOne, max, opts, handler)
      return this.#dispatchOne({ ...opts, maxRedirections: 0 }, redirects)
    }
    return this.#dispatchOne(opts, handler)
  }

  #route(opts, handler) {
    let origin
    let up
    try {
      origin = new URL(String(opts.origin))
      if (origin.protocol !== 'http:' && origin.protocol !== 'https:') {
        return this.#loose.dispatch(opts, handler)
      }
      up = this.#store.upgradeUrl(`${origin.origin}/`)
    } catch (err) {
      handler.onError(err)
      return false
    }
    const known = up.matched !== null
    let target = opts
    if (up.upgraded) {
      const to = new URL(up.url)
      target = { ...opts, origin: to.origin }
      this.emit('hsts:upgrade', { from: origin.origin, to: to.origin, matched: up.matched })
      origin = to
    }
    if (origin.protocol !== 'https:') {
      return this.#loose.dispatch(target, handler)
    }
    const host = origin.hostname
    const key = `${host}:${portOf('https:', origin.port)}`
    const watched = watchHeaders(handler, (values) => {
      if (values.length === 0) return
      // Strict connections always verified; loose ones unless the connector saw otherwise.
      const secure = known || !this.#unverified.has(key)
      let outcome
      try {
        outcome = this.#store.receive(host, values, secure)
      } catch {
        return
      }
      this.emit('hsts:receive', { host, fields: values, secure, ...outcome })
      if (outcome.result !== 'ignored') this.#changed()
    })
    return (known ? this.#strict : this.#loose).dispatch(target, watched)
  }

  #changed() {
    if (this.#file === null) return
    this.#dirty = true
    saveAtExit(this)
    if (this.#saveDelay === 0) {
      this.#backgroundSave()
    } else if (this.#timer === null) {
      this.#timer = setTimeout(() => this.#backgroundSave(), this.#saveDelay)
      this.#timer.unref()
    }
  }

  #backgroundSave() {
    try {
      this.flush()
    } catch (err) {
      this.#onStoreError(err)
    }
  }

  /**
   * Saves unsaved changes to the store file now (no-op without a file or changes).
   * Throws the core's error (`ua.store.io`, `ua.store.is_directory`); the changes then
   * stay unsaved and are tried again at the next change, close() or exit.
   */
  flush() {
    if (this.#timer !== null) {
      clearTimeout(this.#timer)
      this.#timer = null
    }
    if (!this.#dirty || this.#file === null) return
    this.#store.save(this.#file)
    this.#dirty = false
    unsaved.delete(this)
  }

  close(callback) {
    const done = (async () => {
      let saveError = null
      try {
        this.flush()
      } catch (err) {
        saveError = err
      }
      await Promise.all([this.#loose.close(), this.#strict.close()])
      if (saveError) throw saveError
    })()
    if (typeof callback === 'function') {
      done.then(() => callback(null), callback)
      return undefined
    }
    return done
  }

  destroy(err, callback) {
    if (typeof err === 'function') {
      callback = err
      err = null
    }
    const done = (async () => {
      let saveError = null
      try {
        this.flush()
      } catch (e) {
        saveError = e
      }
      await Promise.all([this.#loose.destroy(err), this.#strict.destroy(err)])
      if (saveError) throw saveError
    })()
    if (typeof callback === 'function') {
      done.then(() => callback(null), callback)
      return undefined
    }
    return done
  }
}

/** A new HstsDispatcher: `fetch(url, { dispatcher: hstsDispatcher(options) })`. */
function hstsDispatcher(options) {
  return new HstsDispatcher(options)
}

let previousGlobal = null

/**
 * Makes an HstsDispatcher (or uses the one given) undici's global dispatcher, which
 * Node's global `fetch` uses for every request without a `dispatcher` of its own
 * (`Symbol.for('undici.globalDispatcher.1')`). Returns the dispatcher.
 */
function installGlobal(options) {
  const dispatcher = options instanceof HstsDispatcher ? options : new HstsDispatcher(options)
  const current = undici.getGlobalDispatcher()
  if (!(current instanceof HstsDispatcher)) previousGlobal = current
  undici.setGlobalDispatcher(dispatcher)
  return dispatcher
}

/** Restores the global dispatcher that installGlobal replaced; returns the removed one. */
function uninstallGlobal() {
  const current = undici.getGlobalDispatcher()
  if (!(current instanceof HstsDispatcher)) return null
  undici.setGlobalDispatcher(previousGlobal ?? new undici.Agent())
  previousGlobal = null
  return current
}

module.exports = { HstsDispatcher, hstsDispatcher, installGlobal, uninstallGlobal, KnownHosts }
