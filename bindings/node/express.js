'use strict'
/**
 * hstsguard/express: HTTPS transport security middleware for Express 4 and 5 and plain
 * `node:http` servers, deciding with the hstsguard core.
 *
 *   hsts(options)            Strict-Transport-Security: the policy's `hsts` section
 *                            (helmet's option names are the schema's: maxAge, ...)
 *   enforceHttps(options)    HTTP -> HTTPS redirects: the `redirect` section, plus `proxy`
 *   secureCookies(options)   Secure / HttpOnly / SameSite on every Set-Cookie: `cookies`
 *   hstsguard(policy, o)     all of it from one policy (options, a Policy or a file)
 *
 * Options are camelCase (`maxAge`, `allowedHosts`, `httpOnly`, `sameSite`) and are read
 * by the core, with the schema of every policy: each unknown or misspelt option, each
 * bad value, is reported with its path and a did-you-mean (docs/POLICY.md lists every
 * key; policy.d.ts types them). Each middleware logs the core's deploy warnings about
 * its part of the policy once, when it is made: through `console.warn`, a `logger`
 * (anything with `warn`) or an `onWarning(warning)` callback.
 *
 * Everything is decided when the middleware is made, or by the core. Per request: the
 * HSTS path is plain JavaScript (the core's answer for a Host is remembered; with a ramp,
 * it is fetched from the core at most once a minute); a redirect decision is one call
 * into the core; the Set-Cookie fields of a response are flagged in one call, when its
 * headers are written.
 *
 * Is the request secure? (The same answer in every middleware here.)
 *   1. the connection is TLS (`req.socket.encrypted`), or
 *   2. Express says so (`req.secure`): Express applies its own `trust proxy` setting to
 *      X-Forwarded-Proto, so an app that trusts its proxy in Express needs nothing more, or
 *   3. the hstsguard policy's `proxy` section says so (the socket's peer address must be
 *      in `proxy.trusted`; the headers of any other peer are ignored). Only `hstsguard()`
 *      and `enforceHttps()` (with `proxy` or the express-sslify options) read it.
 * On a plain `node:http` server there is no `req.secure`: 1 and 3 apply.
 */

const { STATUS_CODES, IncomingMessage, OutgoingMessage } = require('node:http')
const { Policy } = require('./index.js')

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

/** The middleware's own options, which are not policy keys. */
const OWN_OPTIONS = ['logger', 'onWarning']

/** An `Error` with the core's kind of `code` (and `errors` for configuration problems). */
function optionError(code, message, errors) {
  const err = new Error(message)
  err.code = code
  if (errors !== undefined) err.errors = errors
  return err
}

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return `a value of type ${typeof value}`
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k)

/**
 * Splits `options` into the policy section (everything else, checked by the core) and
 * the middleware's own `names`. Anything but a plain object goes to the core as it is,
 * which names what is wrong with it.
 */
function splitOptions(options, names) {
  const own = {}
  if (!isPlainObject(options)) return [options, own]
  let section = options
  for (const name of names) {
    if (hasOwn(options, name)) {
      if (section === options) section = { ...options }
      own[name] = options[name]
      delete section[name]
    }
  }
  return [section, own]
}

/**
 * The policy of a middleware: `options` read by the core as the `section` of a policy
 * document (camelCase), over `base` (the other sections). A problem throws one `Error`
 * naming every option that is wrong, with its path in the options (`allowedHosts[1]`,
 * `rules[0].sameSite`). `messageOf` may word a problem differently (helmet's messages).
 */
function middlewarePolicy(where, section, options, base, messageOf) {
  try {
    return Policy._forMiddleware(section, options, base)
  } catch (err) {
    if (!Array.isArray(err.errors)) throw err
    const lines = err.errors.map((e) => `  ${e.path || '(options)'}: ${messageOf ? messageOf(e) : e.message} [${e.code}]`)
    const n = err.errors.length
    throw optionError(err.code, `${where}: invalid option${n === 1 ? '' : 's'}\n${lines.join('\n')}`, err.errors)
  }
}

/**
 * Logs the policy's deploy warnings about `families` (the second word of their codes:
 * `hsts`, `redirect`, `proxy`, `cookie`, `hpkp`; null for all) once, as the middleware is
 * made: to `onWarning(warning)` when given (each `{code, severity, message, middleware}`),
 * else to `logger.warn(text)`, else to `console.warn(text)`.
 */
function announce(where, policy, families, own) {
  const { logger, onWarning } = own
  if (onWarning !== undefined && typeof onWarning !== 'function') {
    throw optionError('config.invalid_type', `${where}: \`onWarning\` must be a function, got ${describe(onWarning)}`)
  }
  if (logger !== undefined && !(logger !== null && typeof logger === 'object' && typeof logger.warn === 'function')) {
    throw optionError('config.invalid_type', `${where}: \`logger\` must have a \`warn\` method (console, pino, winston...), got ${describe(logger)}`)
  }
  for (const w of policy.warnings) {
    if (families !== null && !families.includes(w.code.split('.')[1])) continue
    if (onWarning !== undefined) onWarning({ ...w, middleware: where })
    else (logger || console).warn(`hstsguard ${where}: ${w.message} [${w.code}]`)
  }
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

const kTrust = Symbol('hstsguard.trust')
const kSecure = Symbol('hstsguard.secure')

/** Node's `req.headers` getter (an accessor on IncomingMessage.prototype since Node 15). */
const nodeHeaders = (Object.getOwnPropertyDescriptor(IncomingMessage.prototype, 'headers') || {}).get
/** The last request prototype found to resolve `headers` to `nodeHeaders`. */
let headersProto = null

/**
 * `req.headers`. Express gives each request a prototype of its own choosing
 * (`Object.setPrototypeOf` per request), so V8 cannot cache the lookup of `headers`, an
 * accessor three prototypes up, on the request itself: it costs about as much as what
 * it guards. When the request's prototype is one already seen to resolve `headers` to
 * Node's getter (its chain is walked once, when it is first seen), and neither the
 * request nor that prototype has a `headers` of its own (checked on every call), the
 * getter is called directly: exactly what `req.headers` would call. Anything else reads
 * `req.headers`.
 */
function headersOf(req) {
  const p = Object.getPrototypeOf(req)
  if (p === headersProto && !hasOwn(req, 'headers') && !hasOwn(p, 'headers')) return nodeHeaders.call(req)
  if (nodeHeaders !== undefined && p !== null && !hasOwn(req, 'headers')) {
    for (let o = p; o !== null; o = Object.getPrototypeOf(o)) {
      const d = Object.getOwnPropertyDescriptor(o, 'headers')
      if (d !== undefined) {
        if (d.get === nodeHeaders) headersProto = p
        break
      }
    }
  }
  return req.headers
}

/**
 * Secure without asking the core: a TLS socket, or what Express's `req.secure` says when
 * the app trusts a proxy. Express 4 and 5 define it alike (`req.protocol`): when the app's
 * `trust proxy fn` trusts the socket's peer (hop 0), the first element of
 * X-Forwarded-Proto, trimmed, is the protocol; otherwise the socket's. This computes the
 * same thing, asking the trust function once per connection (it is the costly part: it
 * parses the peer address) instead of on every request. Without `trust proxy` Express's
 * answer is the socket's. A plain node:http request has no `req.app`.
 */
function secureByTransport(req) {
  const socket = req.socket
  if (socket == null) return false
  if (socket.encrypted === true) return true
  const app = req.app
  if (app === undefined || app === null) return false
  const settings = app.settings
  if (settings === undefined || !settings['trust proxy']) return false
  const trust = settings['trust proxy fn']
  if (typeof trust !== 'function') return req.secure === true
  let verdict = socket[kTrust]
  if (verdict === undefined || verdict.trust !== trust) {
    verdict = { trust, trusted: trust(socket.remoteAddress, 0) === true }
    socket[kTrust] = verdict
  }
  if (!verdict.trusted) return false
  const header = headersOf(req)['x-forwarded-proto']
  if (typeof header !== 'string') return false
  const comma = header.indexOf(',')
  return (comma === -1 ? header : header.slice(0, comma)).trim() === 'https'
}

/** `scheme://authority` + path and query of an absolute-form request target. */
const ABSOLUTE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)([^#]*)/

/** The raw request target: Express's `originalUrl` (a mounted router rewrites `url`). */
function targetOf(req) {
  const url = req.originalUrl !== undefined ? req.originalUrl : req.url
  return typeof url === 'string' ? url : '/'
}

/**
 * Asks the core about a request that is not secure by its transport (one native call):
 * `true` a trusted proxy says it is secure, `false` it is served as it is (exempt,
 * redirects off), a string for a plain redirect (three status digits, then the
 * Location), or an object for anything else. An absolute-form target
 * (`GET http://example.com/x HTTP/1.1`) is split: its authority is the host (RFC 9112
 * §3.2.2), its path and query the target. When the policy trusts proxies, the peer
 * address and only the fields its proxy sources read are passed along (Node joins a
 * repeated field with ", ", which the core reads as the same list).
 */
function makeDecider(policy, hostOf) {
  const proxyHeaders = policy._proxyHeaders
  const trusts = proxyHeaders.length > 0
  return function decide(req) {
    let target = targetOf(req)
    let host = hostOf(req)
    if (target.charCodeAt(0) !== 47 /* / */) {
      const m = ABSOLUTE.exec(target)
      if (m !== null) {
        host = m[1]
        target = m[2] === '' ? '/' : m[2]
      }
    }
    if (!trusts) return policy._decide(req.method, host, target)
    const headers = []
    const h = headersOf(req)
    for (let i = 0; i < proxyHeaders.length; i++) {
      const v = h[proxyHeaders[i]]
      if (v !== undefined) headers.push(proxyHeaders[i], Array.isArray(v) ? v.join(', ') : String(v))
    }
    const socket = req.socket
    const peer = socket != null ? socket.remoteAddress : undefined
    return policy._decide(req.method, host, target, peer, headers)
  }
}

function hostHeader(req) {
  return headersOf(req).host
}

const REJECT_BODY = {
  'host.missing': 'Bad Request: this server needs a valid Host header.\n',
  'host.malformed': 'Bad Request: this server needs a valid Host header.\n',
  'host.not_allowed': 'Bad Request: unknown Host.\n',
  'redirect.method_refused': 'This request must be sent over HTTPS.\n',
}

/**
 * Sends the core's redirect or reject, with one `writeHead` (field names in lower case,
 * as for every header hstsguard sets: see `setHeader` below). A redirect has an empty
 * body; a reject a short text naming the problem (never the request's own text: that is
 * in `message`, for logs).
 */
function respond(res, outcome) {
  if (res.headersSent) return
  if (typeof outcome === 'string') {
    // A plain redirect: "301https://...", the status's three digits and the Location.
    const status = outcome.charCodeAt(0) * 100 + outcome.charCodeAt(1) * 10 + outcome.charCodeAt(2) - 5328
    res.writeHead(status, ['location', outcome.slice(3), 'content-length', '0'])
    res.end()
    return
  }
  const headers = outcome.headers === undefined ? [] : outcome.headers.slice()
  if (outcome.location !== undefined) {
    headers.push('location', outcome.location, 'content-length', '0')
    res.writeHead(outcome.status, headers)
    res.end()
    return
  }
  const body = REJECT_BODY[outcome.code] || `${STATUS_CODES[outcome.status] || 'Error'}\n`
  headers.push('content-type', 'text/plain; charset=utf-8', 'content-length', String(Buffer.byteLength(body)))
  res.writeHead(outcome.status, headers)
  res.end(body)
}

// ---------------------------------------------------------------------------------------
// Response headers: the core's answer for the last Host, per secure / insecure
// ---------------------------------------------------------------------------------------

/** How many Hosts' answers are remembered, per kind of request (the Host is the client's word). */
const MAX_HOSTS = 64

/**
 * The headers the policy adds (Strict-Transport-Security, Public-Key-Pins) for a Host and
 * a secure or insecure request. The core's answer depends on nothing else (an IP-literal
 * or `localhost` Host may be skipped: `skipIpHosts`, `skipLocalhost`), so it is asked once
 * per Host and remembered (the last Host first: most servers see one or a few). With a
 * ramp the value changes with time: every answer is dropped after a minute, so the core
 * is asked at most once a minute per Host, never per request.
 */
class HeaderMemo {
  constructor(policy) {
    this.policy = policy
    this.ramp = policy._hasRamp
    this.secure = { hosts: new Map(), lastHost: undefined, last: null, until: 0 }
    this.plain = { hosts: new Map(), lastHost: undefined, last: null, until: 0 }
  }

  /** `{headers, replace}`: what to set, and the fields to replace at write time (or null). */
  get(host, secure) {
    const k = secure ? this.secure : this.plain
    if (k.last !== null && k.lastHost === host && (!this.ramp || Date.now() < k.until)) return k.last
    return this.lookup(k, host, secure)
  }

  lookup(k, host, secure) {
    let now
    if (this.ramp) {
      const ms = Date.now()
      if (ms >= k.until) {
        k.hosts.clear()
        k.until = ms + 60000
      }
      now = Math.floor(ms / 1000)
    }
    let entry = k.hosts.get(host)
    if (entry === undefined) {
      const headers = this.policy._responseHeaders(host === undefined ? null : host, secure, now)
      const replace = headers.filter((h) => h.replace)
      entry = { headers, replace: replace.length > 0 ? replace : null }
      if (k.hosts.size >= MAX_HOSTS) k.hosts.clear()
      k.hosts.set(host, entry)
    }
    k.last = entry
    k.lastHost = host
    return entry
  }
}

const nodeSetHeader = OutgoingMessage.prototype.setHeader
const nodeHasHeader = OutgoingMessage.prototype.hasHeader

/**
 * True when `res.setHeader` and `res.hasHeader` are Node's own, found on the response's
 * prototype. Express gives each response a prototype of its own choosing
 * (`Object.setPrototypeOf` per request), so V8 cannot cache a method lookup on the
 * response itself, and each one costs about as much as a call; the prototype is one
 * object shared by every response of an app, where the lookup is cached. When this is
 * true, calling Node's methods directly calls exactly what `res.setHeader(...)` would;
 * otherwise (an override on the response or its prototype, a response that is not
 * Node's) the response's own methods are used.
 */
function nodeMethods(res) {
  const p = Object.getPrototypeOf(res)
  return p !== null && p.setHeader === nodeSetHeader && p.hasHeader === nodeHasHeader && !hasOwn(res, 'setHeader') && !hasOwn(res, 'hasHeader')
}

/**
 * Sets a header unless the response has it (`existing = "keep"`), or always (`replace`).
 * Field names go out in lower case, as given: they are case-insensitive (RFC 9110 §5.1;
 * HTTP/2 and HTTP/3 send them so), and Node's setHeader lower-cases every name it is
 * given, which allocates a new string per call unless it is lower case already.
 */
function setHeader(res, lower, value, replace) {
  if (nodeMethods(res)) {
    if (replace || !nodeHasHeader.call(res, lower)) nodeSetHeader.call(res, lower, value)
  } else if (replace || !res.hasHeader(lower)) {
    res.setHeader(lower, value)
  }
}

/** Sets the policy's headers on the response: `replace` ones always, others unless the response has them. */
function setHeaders(res, headers) {
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]
    setHeader(res, h.lower, h.value, h.replace)
  }
}

// ---------------------------------------------------------------------------------------
// At header-write time (in the shape of jshttp's on-headers): one wrapper of writeHead
// per response, which Node calls for every response (res.end and res.write call it
// through _implicitHeader, res.flushHeaders too). When it runs, every Set-Cookie of the
// response is flagged, whoever set it and however, and `existing = "replace"` fields get
// the policy's value.
// ---------------------------------------------------------------------------------------

const kHook = Symbol('hstsguard.onHeaders')

/**
 * Installs the listener on one response, or adds to it when another hstsguard middleware
 * installed it already. `policy`: whose cookie rules flag Set-Cookie (null: none);
 * `secure`: the request's decision, or undefined (asked when needed); `replace`: the
 * headers (`{lower, value}`) that replace whatever the application sets, or null.
 */
function hookResponse(req, res, policy, secure, replace) {
  const st = res[kHook]
  if (st !== undefined) {
    if (policy !== null) st.policy = policy
    if (replace !== null) st.replace = replace
    if (secure !== undefined) st.secure = secure
    return
  }
  res[kHook] = { req, policy, secure, replace, prev: res.writeHead, fired: false }
  res.writeHead = writeHeadWithListener
}

function writeHeadWithListener(statusCode, reason, headers) {
  const st = this[kHook]
  if (st.fired || this.headersSent) return st.prev.apply(this, arguments)
  st.fired = true
  // writeHead(status[, reason][, headers]), as Node reads it.
  const obj = typeof reason === 'string' ? headers : (headers ?? reason)
  if (obj !== undefined && obj !== null && mergeHeaders(this, obj)) {
    onHeaders(this, st)
    return typeof reason === 'string' ? st.prev.call(this, statusCode, reason) : st.prev.call(this, statusCode)
  }
  onHeaders(this, st)
  return st.prev.apply(this, arguments)
}

/**
 * Sets the headers given to writeHead on the response (they take precedence over earlier
 * ones, as in Node), so the listener sees them. A name repeated in an array is appended,
 * as Node sends every field of an array. False (nothing done) for what Node itself will
 * refuse (an array of odd length).
 */
function mergeHeaders(res, obj) {
  if (Array.isArray(obj)) {
    const pairs = obj.length > 0 && Array.isArray(obj[0])
    if (!pairs && obj.length % 2 !== 0) return false
    const seen = new Set()
    const n = pairs ? obj.length : obj.length / 2
    for (let i = 0; i < n; i++) {
      const name = pairs ? obj[i][0] : obj[2 * i]
      const value = pairs ? obj[i][1] : obj[2 * i + 1]
      if (!name) continue
      const lower = String(name).toLowerCase()
      if (seen.has(lower)) appendHeader(res, name, value)
      else {
        seen.add(lower)
        res.setHeader(name, value)
      }
    }
    return true
  }
  if (typeof obj !== 'object') return false
  const keys = Object.keys(obj)
  for (let i = 0; i < keys.length; i++) if (keys[i]) res.setHeader(keys[i], obj[keys[i]])
  return true
}

function appendHeader(res, name, value) {
  if (typeof res.appendHeader === 'function') return res.appendHeader(name, value)
  // Node < 18.3.
  const prev = res.getHeader(name)
  res.setHeader(name, [].concat(prev === undefined ? [] : prev, value))
}

/** The listener: flags every Set-Cookie (one core call) and applies the replacements. */
function onHeaders(res, st) {
  if (st.policy !== null) {
    const v = res.getHeader('set-cookie')
    if (v !== undefined) {
      const many = Array.isArray(v)
      let list = many ? v : [v]
      if (!list.every((x) => typeof x === 'string')) list = list.map(String)
      if (st.secure === undefined) st.secure = isSecure(st.req)
      const flagged = st.policy._flagSetCookies(list, st.secure)
      if (flagged !== null) res.setHeader('Set-Cookie', many ? flagged : flagged[0])
    }
  }
  if (st.replace !== null) {
    for (let i = 0; i < st.replace.length; i++) res.setHeader(st.replace[i].lower, st.replace[i].value)
  }
}

// ---------------------------------------------------------------------------------------
// hsts(options)
// ---------------------------------------------------------------------------------------

/** helmet 8's own messages for the two misspellings it knows. */
const HELMET_MESSAGES = {
  maxage: 'Strict-Transport-Security received an unsupported property, `maxage`. Did you mean to pass `maxAge`?',
  includeSubdomains:
    'Strict-Transport-Security middleware should use `includeSubDomains` instead of `includeSubdomains`. (The correct one has an uppercase "D".)',
}

/**
 * Strict-Transport-Security: the `hsts` section of a policy, whose option names are
 * helmet's (`maxAge`, default one year; `includeSubDomains`, default true; `preload`,
 * default false) and the schema's (`send`, `existing`, `skipIpHosts`, `skipLocalhost`,
 * `ramp`, ...). Unlike helmet, the header is sent only on secure requests (RFC 6797 §7.2)
 * unless `send: 'always'`, and never for an IP-literal or `localhost` Host (as every
 * hstsguard face); `maxAge` is a number of seconds taken as helmet takes it (a fraction
 * is floored, `-0` is `0`) or a duration string (`'1y'`).
 */
function hsts(options) {
  const where = 'Strict-Transport-Security'
  let [section, own] = splitOptions(options, OWN_OPTIONS)
  // helmet's reading of a number: floored when finite and not negative (`|| 0` turns -0
  // into 0). Everything else goes to the core as given, which names what is wrong.
  const given = isPlainObject(section) ? section.maxAge : undefined
  if (typeof given === 'number' && Number.isFinite(given) && given >= 0) section = { ...section, maxAge: Math.floor(given) || 0 }
  const policy = middlewarePolicy(where, 'hsts', section, { redirect: { enabled: false }, cookies: { enabled: false } }, (e) => {
    if (e.code === 'config.unknown_key' && hasOwn(HELMET_MESSAGES, e.path)) return HELMET_MESSAGES[e.path]
    if (e.path === 'maxAge') {
      return `${describe(given)} is not a valid value for maxAge (${e.message}). Please choose a non-negative number of seconds.`
    }
    return e.message
  })
  announce('hsts', policy, ['hsts'], own)
  const memo = new HeaderMemo(policy)
  const always = policy.hstsSend === 'always'

  // With `send: 'always'` the answer does not depend on the request being secure (this
  // section has no HPKP, the one header sent only on secure requests): it is not asked.
  function hstsMiddleware(req, res, next) {
    if (always || secureByTransport(req)) {
      const entry = memo.get(headersOf(req).host, true)
      setHeaders(res, entry.headers)
      if (entry.replace !== null) hookResponse(req, res, null, undefined, entry.replace)
    }
    next()
  }
  Object.defineProperty(hstsMiddleware, 'headerValue', {
    enumerable: true,
    get: () => policy.hstsValueAt(),
  })
  hstsMiddleware.policy = policy
  return hstsMiddleware
}

// ---------------------------------------------------------------------------------------
// enforceHttps(options)
// ---------------------------------------------------------------------------------------

/**
 * express-sslify's option names, kept for its users: `trustProtoHeader` believes
 * X-Forwarded-Proto and `trustAzureHeader` X-ARR-SSL (from any peer, as express-sslify
 * does, unless `proxy.trusted` narrows it), `trustXForwardedHostHeader` redirects to
 * X-Forwarded-Host (validated like any Host).
 */
const SSLIFY_OPTIONS = {
  trustProtoHeader: 'x-forwarded-proto',
  trustAzureHeader: 'x-arr-ssl',
  trustXForwardedHostHeader: null,
}

function flag(where, name, value) {
  if (value === undefined) return false
  if (typeof value !== 'boolean') {
    throw optionError('config.invalid_type', `${where}: \`${name}\` must be true or false, got ${describe(value)}`)
  }
  return value
}

/**
 * HTTP to HTTPS redirects decided by the core: the `redirect` section of a policy
 * (`allowedHosts`, `canonicalHost`, `httpsPort`, `keepPort`, `exempt`, `acmeExempt`,
 * `statusGetHead`, `statusOther`), plus `proxy` (the `proxy` section: which peers may
 * say the request came over HTTPS) and express-sslify's three option names.
 */
function enforceHttps(options) {
  const where = 'enforceHttps'
  const [section, own] = splitOptions(options, [...OWN_OPTIONS, 'proxy', ...Object.keys(SSLIFY_OPTIONS)])
  const sources = []
  for (const name of ['trustProtoHeader', 'trustAzureHeader']) {
    if (flag(where, name, own[name])) sources.push(SSLIFY_OPTIONS[name])
  }
  const forwardedHost = flag(where, 'trustXForwardedHostHeader', own.trustXForwardedHostHeader)
  let proxy = own.proxy
  if (sources.length > 0 && (proxy === undefined || isPlainObject(proxy))) {
    // express-sslify believes these headers from any peer.
    proxy = { trusted: ['0.0.0.0/0', '::/0'], sources, ...proxy }
  }
  if (forwardedHost) {
    const o = isPlainObject(section) ? section : {}
    const allowed = o.allowedHosts === undefined ? [] : [].concat(o.allowedHosts)
    const explicit = allowed.length > 0 && !allowed.includes('*')
    if (!explicit && o.canonicalHost === undefined) {
      throw optionError(
        'config.conflict',
        `${where}: trustXForwardedHostHeader needs allowedHosts (without "*") or canonicalHost: ` +
          'X-Forwarded-Host is client-controlled, and redirecting to it unchecked is an open redirect',
      )
    }
  }
  const base = { hsts: { enabled: false }, cookies: { enabled: false } }
  if (proxy !== undefined) base.proxy = proxy
  const policy = middlewarePolicy(where, 'redirect', section, base)
  announce(where, policy, ['redirect', 'proxy'], own)

  const hostOf = forwardedHost
    ? (req) => {
        const h = headersOf(req)
        const xfh = h['x-forwarded-host']
        if (typeof xfh === 'string' && xfh !== '') {
          const comma = xfh.indexOf(',')
          return (comma === -1 ? xfh : xfh.slice(0, comma)).trim()
        }
        return h.host
      }
    : hostHeader
  const decide = makeDecider(policy, hostOf)

  function enforceHttpsMiddleware(req, res, next) {
    if (secureByTransport(req)) return next()
    const outcome = decide(req)
    if (typeof outcome === 'boolean') return next()
    respond(res, outcome)
  }
  enforceHttpsMiddleware.policy = policy
  return enforceHttpsMiddleware
}

// ---------------------------------------------------------------------------------------
// secureCookies(options)
// ---------------------------------------------------------------------------------------

/**
 * Flags every Set-Cookie of the response, whoever writes it (`res.cookie`, other
 * middleware, `res.setHeader`, `res.appendHeader`, `res.writeHead` with an object or an
 * array), when the headers are written. `options` is the `cookies` section of a policy
 * (`rules`, `secureWhen`, `prefixes`), or just its list of rules; without rules every
 * cookie gets `Secure`.
 */
function secureCookies(options) {
  const where = 'secureCookies'
  const [section, own] = Array.isArray(options) ? [{ rules: options }, {}] : splitOptions(options, OWN_OPTIONS)
  const policy = middlewarePolicy(where, 'cookies', section, { hsts: { enabled: false }, redirect: { enabled: false } })
  announce(where, policy, ['cookie'], own)

  function secureCookiesMiddleware(req, res, next) {
    hookResponse(req, res, policy, undefined, null)
    next()
  }
  secureCookiesMiddleware.policy = policy
  return secureCookiesMiddleware
}

// ---------------------------------------------------------------------------------------
// hstsguard(policy)
// ---------------------------------------------------------------------------------------

function toPolicy(policy) {
  if (policy instanceof Policy) return policy
  if (policy === undefined) return new Policy()
  if (typeof policy === 'string') return Policy.fromFile(policy)
  if (isPlainObject(policy)) return new Policy(policy)
  throw optionError(
    'config.invalid_type',
    `hstsguard: expected a Policy, policy options (camelCase, as new Policy() takes them) or a policy file path, got ${describe(policy)}`,
  )
}

/**
 * Everything from one policy (a `Policy`, options as `new Policy()` takes them, or the
 * path of a TOML / JSON policy file): redirects or rejects insecure requests, sends
 * Strict-Transport-Security (and HPKP, if configured) per the policy, and flags every
 * Set-Cookie. `options`: `{logger, onWarning}`, where the policy's deploy warnings go.
 */
function hstsguard(policy, options) {
  const where = 'hstsguard'
  const [rest, own] = splitOptions(options === undefined ? {} : options, OWN_OPTIONS)
  if (!isPlainObject(rest)) {
    throw optionError('config.invalid_type', `${where}: options must be an object ({logger, onWarning}), got ${describe(rest)}`)
  }
  for (const key of Object.keys(rest)) {
    throw optionError('config.unknown_key', `${where}: unknown option \`${key}\`; its options are ${OWN_OPTIONS.join(', ')} (the policy is the first argument)`)
  }
  const p = toPolicy(policy)
  announce(where, p, null, own)
  const sendsHeaders = p.hsts !== null || p.hpkp !== null
  const cookies = p.cookiesEnabled ? p : null
  const askCore = p.redirectEnabled || p.trustsProxies
  const decide = makeDecider(p, hostHeader)
  const memo = new HeaderMemo(p)

  function hstsguardMiddleware(req, res, next) {
    let secure = secureByTransport(req)
    if (!secure && askCore) {
      const outcome = decide(req)
      if (typeof outcome !== 'boolean') return respond(res, outcome)
      // Only a trusted proxy of the policy makes this differ from the transport's answer:
      // remember it for isSecure(req) (a property per request costs, so only then).
      if (outcome) req[kSecure] = true
      secure = outcome
    }
    let replace = null
    if (sendsHeaders) {
      const entry = memo.get(headersOf(req).host, secure)
      setHeaders(res, entry.headers)
      replace = entry.replace
    }
    if (cookies !== null || replace !== null) hookResponse(req, res, cookies, secure, replace)
    next()
  }
  hstsguardMiddleware.policy = p
  return hstsguardMiddleware
}

/**
 * Was this request secure? The decision of the `hstsguard()` middleware that ran for it
 * (which includes the policy's trusted proxies), else the transport's: a TLS socket or
 * Express's `req.secure`.
 */
function isSecure(req) {
  const decided = req[kSecure]
  return decided === undefined ? secureByTransport(req) : decided
}

module.exports = { hsts, enforceHttps, secureCookies, hstsguard, isSecure }
