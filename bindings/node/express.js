'use strict'
/**
 * hstsguard/express: HTTPS transport security middleware for Express 4 and 5 and plain
 * `node:http` servers, deciding with the hstsguard core.
 *
 *   hsts(options)          Strict-Transport-Security with helmet's option names
 *   enforceHttps(options)  HTTP -> HTTPS redirects (no open redirect, method-aware status)
 *   secureCookies(rules)   Secure / HttpOnly / SameSite on every Set-Cookie of the response
 *   hstsguard(policy)      all of it from one policy document (docs/POLICY.md)
 *
 * Every header value and rule is computed when the middleware is created. Per request:
 * the HSTS path is plain JavaScript once the request is known to be secure; a redirect
 * decision is one call into the core; each Set-Cookie write is one call into the core.
 *
 * Is the request secure? (The same answer in every middleware here.)
 *   1. the connection is TLS (`req.socket.encrypted`), or
 *   2. Express says so (`req.secure`): Express applies its own `trust proxy` setting to
 *      X-Forwarded-Proto, so an app that trusts its proxy in Express needs nothing more, or
 *   3. the hstsguard policy's `proxy` section says so (the socket's peer address must be
 *      in `proxy.trusted`; the headers of any other peer are ignored). Only `hstsguard()`
 *      and `enforceHttps()` (with its proxy options) read a policy's proxy section.
 * On a plain `node:http` server there is no `req.secure`: 1 and 3 apply.
 */

const { STATUS_CODES } = require('node:http')
const { Policy, HstsPolicy } = require('./index.js')

const STS = 'Strict-Transport-Security'
const DEFAULT_MAX_AGE = 365 * 24 * 60 * 60

// ---------------------------------------------------------------------------------------
// Option checking: every misspelled option is refused loudly, with a did-you-mean hint.
// ---------------------------------------------------------------------------------------

/** An `Error` with the core's kind of `code` (and `errors` for configuration problems). */
function optionError(code, message, errors) {
  const err = new Error(message)
  err.code = code
  if (errors !== undefined) err.errors = errors
  return err
}

function normalize(key) {
  return key.toLowerCase().replace(/[-_]/g, '')
}

/** Levenshtein distance, small strings only. */
function distance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length]
}

/** The known option closest to `key`, when it is close enough to be a typo. */
function suggest(key, known) {
  const k = normalize(key)
  let best = null
  let bestScore = Infinity
  for (const cand of known) {
    const c = normalize(cand)
    const d = c === k ? 0 : distance(k, c)
    if (d < bestScore) {
      best = cand
      bestScore = d
    }
  }
  return bestScore <= Math.max(1, Math.floor(key.length / 4)) ? best : null
}

/**
 * Checks that `options` is undefined or a plain object whose keys are all known, and
 * returns it (or `{}`). `extra(key)` may throw a more specific message first (helmet's).
 */
function checkKeys(where, options, known, extra) {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw optionError('config.invalid_type', `${where}: options must be an object, got ${describe(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    if (extra) extra(key)
    const near = suggest(key, known)
    const hint = near ? `; did you mean \`${near}\`?` : `; known options: ${known.join(', ')}`
    throw optionError('config.unknown_key', `${where}: unknown option \`${key}\`${hint}`)
  }
  return options
}

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return `a value of type ${typeof value}`
}

function checkBool(where, name, value, fallback) {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') {
    throw optionError('config.invalid_type', `${where}: \`${name}\` must be true or false, got ${describe(value)}`)
  }
  return value
}

function checkChoice(where, name, value, choices, fallback) {
  if (value === undefined) return fallback
  if (!choices.includes(value)) {
    throw optionError(
      'config.invalid_value',
      `${where}: \`${name}\` must be ${choices.map((c) => JSON.stringify(c)).join(' or ')}, got ${describe(value)}`,
    )
  }
  return value
}

/** A string or a list of strings, as a list (undefined stays undefined). */
function checkList(where, name, value) {
  if (value === undefined) return undefined
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) {
    throw optionError('config.invalid_type', `${where}: \`${name}\` must be a string or a list of strings, got ${describe(value)}`)
  }
  return list
}

/**
 * Builds a Policy from a document assembled from middleware options, and rewrites the
 * paths of configuration errors (`redirect.allowed_hosts[1]`) to option names
 * (`allowedHosts[1]`) with `rename`.
 */
function buildPolicy(where, doc, rename) {
  try {
    return new Policy(doc)
  } catch (err) {
    if (!Array.isArray(err.errors)) throw err
    const errors = err.errors.map((e) => ({ ...e, path: rename(e.path) }))
    const lines = errors.map((e) => `  ${e.path}: ${e.message} [${e.code}]`)
    const n = errors.length
    throw optionError(err.code, `${where}: invalid option${n === 1 ? '' : 's'}\n${lines.join('\n')}`, errors)
  }
}

function camel(snake) {
  return snake.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
}

/** `cookies.rules[0].http_only` -> `rules[0].httpOnly`, `redirect.allowed_hosts` -> `allowedHosts`. */
function renamePath(path, sections) {
  for (const [prefix, replacement] of sections) {
    if (path === prefix) return replacement
    if (path.startsWith(prefix + '.') || path.startsWith(prefix + '[')) {
      const rest = path.slice(prefix.length).replace(/^\./, '')
      const renamed = rest.replace(/[a-z_]+/g, camel)
      return replacement ? `${replacement}.${renamed}` : renamed
    }
  }
  return path
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

const kTrust = Symbol('hstsguard.trust')

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
  const header = req.headers['x-forwarded-proto']
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
 * Asks the core about one request (one native call): `true` secure, `false` insecure but
 * served (exempt, redirects off), or the redirect / reject to send. An absolute-form
 * target (`GET http://example.com/x HTTP/1.1`) is split: its authority is the host (RFC
 * 9112 §3.2.2), its path and query the target. When the policy trusts proxies, the peer
 * address and only the fields its proxy sources read are passed along (Node joins a
 * repeated field with ", ", which the core reads as the same list).
 */
function makeDecider(policy, hostOf) {
  const proxyHeaders = policy.proxyHeaders
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
    if (!trusts) return policy.decide(req.method, host, target, false)
    const headers = []
    const h = req.headers
    for (let i = 0; i < proxyHeaders.length; i++) {
      const v = h[proxyHeaders[i]]
      if (v !== undefined) headers.push(proxyHeaders[i], Array.isArray(v) ? v.join(', ') : String(v))
    }
    const socket = req.socket
    const peer = socket != null ? socket.remoteAddress : undefined
    return policy.decide(req.method, host, target, false, peer, headers)
  }
}

function hostHeader(req) {
  return req.headers.host
}

const REJECT_BODY = {
  'host.missing': 'Bad Request: this server needs a valid Host header.\n',
  'host.malformed': 'Bad Request: this server needs a valid Host header.\n',
  'host.not_allowed': 'Bad Request: unknown Host.\n',
  'redirect.method_refused': 'This request must be sent over HTTPS.\n',
}

/**
 * Sends the core's redirect or reject. A redirect has an empty body; a reject a short
 * text naming the problem (never the request's own text: that is in `message`, for logs).
 */
function respond(res, outcome) {
  if (res.headersSent) return
  res.statusCode = outcome.status
  const headers = outcome.headers
  if (headers !== undefined) for (const name in headers) res.setHeader(name, headers[name])
  if (outcome.action === 'redirect') {
    res.setHeader('Location', outcome.location)
    res.setHeader('Content-Length', '0')
    res.end()
    return
  }
  const body = REJECT_BODY[outcome.code] || `${STATUS_CODES[outcome.status] || 'Error'}\n`
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.setHeader('Content-Length', String(Buffer.byteLength(body)))
  res.end(body)
}

// ---------------------------------------------------------------------------------------
// Response hooks: Set-Cookie flagging and header replacement, whoever writes the header
// ---------------------------------------------------------------------------------------

const kState = Symbol('hstsguard.response')
const kSecure = Symbol('hstsguard.secure')

function isSetCookie(name) {
  return typeof name === 'string' && name.length === 10 && name.toLowerCase() === 'set-cookie'
}

/** The value that replaces header `name` on this response (`existing = "replace"`), if any. */
function replacement(st, name) {
  return st.replace === null || typeof name !== 'string' ? undefined : st.replace.get(name.toLowerCase())
}

function secureOf(st) {
  if (st.secure === undefined) st.secure = secureByTransport(st.req)
  return st.secure
}

/**
 * Flags a Set-Cookie value as Node would send it: a string, or a list (each element
 * stringified, as Node does). Values this response already flagged are not flagged again
 * (`res.append` re-sends the earlier cookies with every new one).
 */
function flagValue(st, value) {
  if (typeof value === 'string') return st.policy.flagSetCookieValue(value, secureOf(st))
  if (!Array.isArray(value)) return value === undefined || value === null ? value : flagValue(st, String(value))
  const done = st.flagged
  let i = 0
  while (i < value.length && i < done.length && value[i] === done[i]) i++
  if (i === value.length) return value
  const rest = []
  for (let j = i; j < value.length; j++) rest.push(String(value[j]))
  const flagged = st.policy.flagSetCookies(rest, secureOf(st))
  const out = i === 0 ? flagged : done.slice(0, i).concat(flagged)
  st.flagged = out
  return out
}

function patchedSetHeader(name, value) {
  const st = this[kState]
  if (!st.busy) {
    if (st.cookies && isSetCookie(name)) value = flagValue(st, value)
    else {
      const v = replacement(st, name)
      if (v !== undefined) value = v
    }
  }
  return st.setHeader.call(this, name, value)
}

function patchedAppendHeader(name, value) {
  const st = this[kState]
  if (!st.busy) {
    if (st.cookies && isSetCookie(name)) value = flagValue(st, value)
    else if (replacement(st, name) !== undefined) return this
  }
  return st.appendHeader.call(this, name, value)
}

/** The headers argument of writeHead with Set-Cookie flagged (a copy when it changes). */
function flagHeadersArg(st, headers) {
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      // [[name, value], ...]
      return headers.map((pair) => {
        if (st.cookies && isSetCookie(pair[0])) return [pair[0], flagValue(st, pair[1])]
        const v = replacement(st, pair[0])
        return v === undefined ? pair : [pair[0], v]
      })
    }
    // [name, value, name, value, ...]
    const out = headers.slice()
    for (let i = 0; i + 1 < out.length; i += 2) {
      if (st.cookies && isSetCookie(out[i])) out[i + 1] = flagValue(st, out[i + 1])
      else {
        const v = replacement(st, out[i])
        if (v !== undefined) out[i + 1] = v
      }
    }
    return out
  }
  if (typeof headers !== 'object' || headers === null) return headers
  let out = headers
  for (const name of Object.keys(headers)) {
    let value
    if (st.cookies && isSetCookie(name)) value = flagValue(st, headers[name])
    else if ((value = replacement(st, name)) === undefined) continue
    if (out === headers) out = { ...headers }
    out[name] = value
  }
  return out
}

function patchedWriteHead(statusCode, reason, headers) {
  const st = this[kState]
  if (st.busy) return st.writeHead.apply(this, arguments)
  const args = Array.prototype.slice.call(arguments)
  const at = typeof reason === 'string' ? 2 : 1
  if (args[at] !== undefined) args[at] = flagHeadersArg(st, args[at])
  if (st.replace !== null && !this.headersSent) {
    // Whatever the application set meanwhile, these fields go out with the policy's value.
    for (const [name, value] of st.replace) st.setHeader.call(this, name, value)
  }
  // Node's writeHead calls setHeader / appendHeader itself for headers given here: they
  // are flagged already.
  st.busy = true
  try {
    return st.writeHead.apply(this, args)
  } finally {
    st.busy = false
  }
}

/**
 * Installs the hooks on one response. `secure` may be undefined (computed on first use).
 * `cookies`: flag Set-Cookie; `replace`: a Map of lower-case header names to the values
 * that replace whatever the application sets (`hsts.existing = "replace"`), or null.
 */
function hookResponse(req, res, policy, secure, cookies, replace) {
  if (res[kState] !== undefined) {
    // Another hstsguard middleware hooked this response already: merge.
    const st = res[kState]
    if (cookies) {
      st.cookies = true
      st.policy = policy
    }
    if (replace !== null) st.replace = replace
    if (secure !== undefined) st.secure = secure
    return
  }
  res[kState] = {
    req,
    policy,
    secure,
    cookies,
    replace,
    busy: false,
    flagged: [],
    setHeader: res.setHeader,
    appendHeader: res.appendHeader,
    writeHead: res.writeHead,
  }
  res.setHeader = patchedSetHeader
  if (typeof res.appendHeader === 'function') res.appendHeader = patchedAppendHeader
  res.writeHead = patchedWriteHead
  // Set-Cookie fields set before this middleware ran (by earlier middleware).
  if (cookies && res.hasHeader('set-cookie') && !res.headersSent) {
    res.setHeader('set-cookie', res.getHeader('set-cookie'))
  }
}

// ---------------------------------------------------------------------------------------
// hsts(options)
// ---------------------------------------------------------------------------------------

const HSTS_OPTIONS = ['maxAge', 'includeSubDomains', 'preload', 'send']

/** helmet 8's own messages for the two misspellings it knows. */
function helmetTypos(key) {
  if (key === 'maxage') {
    throw optionError(
      'config.unknown_key',
      'Strict-Transport-Security received an unsupported property, `maxage`. Did you mean to pass `maxAge`?',
    )
  }
  if (key === 'includeSubdomains') {
    throw optionError(
      'config.unknown_key',
      'Strict-Transport-Security middleware should use `includeSubDomains` instead of `includeSubdomains`. (The correct one has an uppercase "D".)',
    )
  }
}

/**
 * Strict-Transport-Security with helmet's `strictTransportSecurity` options: `maxAge`
 * (default 31536000), `includeSubDomains` (default true), `preload` (default false).
 * Unlike helmet, the header is sent only on secure requests (RFC 6797 §7.2) unless
 * `send: 'always'`; `maxAge` is a number of seconds taken as helmet takes it (a fraction
 * is floored, `-0` is `0`) or a duration string (`'1y'`); a negative, NaN or infinite
 * number, and one above 2^53 - 1 seconds, is refused with the core's `duration.*` code;
 * every unknown option is refused.
 */
function hsts(options) {
  const where = 'Strict-Transport-Security'
  const o = checkKeys(where, options, HSTS_OPTIONS, helmetTypos)
  const given = o.maxAge === undefined ? DEFAULT_MAX_AGE : o.maxAge
  // helmet's reading of a number: floored when finite and not negative (`|| 0` turns -0
  // into 0). Everything else goes to the core as given, which names what is wrong.
  const maxAge = typeof given === 'number' && Number.isFinite(given) && given >= 0 ? Math.floor(given) || 0 : given
  const includeSubDomains = checkBool(where, 'includeSubDomains', o.includeSubDomains, true)
  const preload = checkBool(where, 'preload', o.preload, false)
  const always = checkChoice(where, 'send', o.send, ['secure', 'always'], 'secure') === 'always'
  let policy
  try {
    if (typeof maxAge !== 'number' && typeof maxAge !== 'string') {
      throw optionError('config.invalid_type', 'it must be a number of seconds or a duration string such as "1y"')
    }
    policy = new HstsPolicy(maxAge, includeSubDomains)
  } catch (err) {
    throw optionError(
      err.code,
      `${where}: ${JSON.stringify(given)} is not a valid value for maxAge (${err.message}). Please choose a non-negative number of seconds.`,
    )
  }
  const value = (preload ? policy.withPreload() : policy).value

  function hstsMiddleware(req, res, next) {
    if (always || secureByTransport(req)) res.setHeader(STS, value)
    next()
  }
  hstsMiddleware.headerValue = value
  return hstsMiddleware
}

// ---------------------------------------------------------------------------------------
// enforceHttps(options)
// ---------------------------------------------------------------------------------------

const ENFORCE_OPTIONS = [
  'allowedHosts',
  'canonicalHost',
  'httpsPort',
  'keepPort',
  'exempt',
  'acmeExempt',
  'statusGetHead',
  'statusOther',
  'trustedProxies',
  'proxySources',
  'trustProtoHeader',
  'trustAzureHeader',
  'trustXForwardedHostHeader',
]

/**
 * HTTP to HTTPS redirects decided by the core: 301 for GET and HEAD, 308 for other
 * methods (which keeps the method and body), host validation (`allowedHosts`,
 * `canonicalHost`: a Host outside them gets 400, never a redirect elsewhere), exempt
 * paths, and the express-sslify option names where they mean the same thing.
 */
function enforceHttps(options) {
  const where = 'enforceHttps'
  const o = checkKeys(where, options, ENFORCE_OPTIONS)
  const redirect = {}
  const allowed = checkList(where, 'allowedHosts', o.allowedHosts)
  if (allowed !== undefined) redirect.allowed_hosts = allowed
  if (o.canonicalHost !== undefined) redirect.canonical_host = o.canonicalHost
  if (o.httpsPort !== undefined) redirect.https_port = o.httpsPort
  if (o.keepPort !== undefined) redirect.keep_port = o.keepPort
  const exempt = checkList(where, 'exempt', o.exempt)
  if (exempt !== undefined) redirect.exempt = exempt
  if (o.acmeExempt !== undefined) redirect.acme_exempt = o.acmeExempt
  if (o.statusGetHead !== undefined) redirect.status_get_head = o.statusGetHead
  if (o.statusOther !== undefined) redirect.status_other = o.statusOther

  const protoHeader = checkBool(where, 'trustProtoHeader', o.trustProtoHeader, false)
  const azureHeader = checkBool(where, 'trustAzureHeader', o.trustAzureHeader, false)
  const forwardedHost = checkBool(where, 'trustXForwardedHostHeader', o.trustXForwardedHostHeader, false)
  const proxy = {}
  const trusted = checkList(where, 'trustedProxies', o.trustedProxies)
  const sources = checkList(where, 'proxySources', o.proxySources)
  if (trusted !== undefined) proxy.trusted = trusted
  else if (protoHeader || azureHeader) proxy.trusted = ['0.0.0.0/0', '::/0'] // express-sslify trusts any peer
  if (sources !== undefined) proxy.sources = sources
  else if (protoHeader || azureHeader) {
    proxy.sources = [...(protoHeader ? ['x-forwarded-proto'] : []), ...(azureHeader ? ['x-arr-ssl'] : [])]
  }

  if (forwardedHost) {
    const explicit = allowed !== undefined && allowed.length > 0 && !allowed.includes('*')
    if (!explicit && o.canonicalHost === undefined) {
      throw optionError(
        'config.conflict',
        `${where}: trustXForwardedHostHeader needs allowedHosts (without "*") or canonicalHost: ` +
          'X-Forwarded-Host is client-controlled, and redirecting to it unchecked is an open redirect',
      )
    }
  }

  const policy = buildPolicy(where, { hsts: { enabled: false }, cookies: { enabled: false }, redirect, proxy }, (path) => {
    if (path.startsWith('proxy.trusted')) return path.replace('proxy.trusted', 'trustedProxies')
    if (path.startsWith('proxy.sources')) return path.replace('proxy.sources', 'proxySources')
    return renamePath(path, [['redirect', '']])
  })

  const hostOf = forwardedHost
    ? (req) => {
        const xfh = req.headers['x-forwarded-host']
        if (typeof xfh === 'string' && xfh !== '') {
          const comma = xfh.indexOf(',')
          return (comma === -1 ? xfh : xfh.slice(0, comma)).trim()
        }
        return req.headers.host
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
// secureCookies(rules)
// ---------------------------------------------------------------------------------------

const COOKIE_OPTIONS = ['rules', 'secureWhen', 'prefixes']
const RULE_OPTIONS = ['name', 'secure', 'httpOnly', 'sameSite']

/**
 * Flags every Set-Cookie of the response, whoever writes it (`res.cookie`, other
 * middleware, `res.setHeader`, `res.appendHeader`, `res.writeHead` with an object or an
 * array). `rules` is a list of `{name, secure, httpOnly, sameSite}` (every matching rule
 * applies; for each attribute the last one wins), or `{rules, secureWhen, prefixes}`;
 * without rules every cookie gets `Secure`.
 */
function secureCookies(rules) {
  const where = 'secureCookies'
  const o = Array.isArray(rules) ? { rules } : checkKeys(where, rules, COOKIE_OPTIONS)
  const cookies = {}
  if (o.rules !== undefined) {
    if (!Array.isArray(o.rules)) {
      throw optionError('config.invalid_type', `${where}: \`rules\` must be a list of rules, got ${describe(o.rules)}`)
    }
    cookies.rules = o.rules.map((rule, i) => {
      const r = checkKeys(`${where}: rules[${i}]`, rule, RULE_OPTIONS)
      return { name: r.name, secure: r.secure, http_only: r.httpOnly, same_site: r.sameSite }
    })
  }
  const secureWhen = checkChoice(where, 'secureWhen', o.secureWhen, ['always', 'requestSecure'], undefined)
  if (secureWhen !== undefined) cookies.secure_when = secureWhen === 'always' ? 'always' : 'request_secure'
  if (o.prefixes !== undefined) cookies.prefixes = o.prefixes
  const policy = buildPolicy(where, { hsts: { enabled: false }, redirect: { enabled: false }, cookies }, (path) =>
    renamePath(path, [['cookies', '']]),
  )

  function secureCookiesMiddleware(req, res, next) {
    hookResponse(req, res, policy, undefined, true, null)
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
  if (typeof policy === 'object' && policy !== null && !Array.isArray(policy)) return new Policy(policy)
  throw optionError(
    'config.invalid_type',
    `hstsguard: expected a Policy, a policy document object or a policy file path, got ${describe(policy)}`,
  )
}

/**
 * Everything from one policy (a `Policy`, a document object as in docs/POLICY.md, or the
 * path of a TOML / JSON policy file): redirects or rejects insecure requests, sends
 * Strict-Transport-Security (and HPKP, if configured) per the policy, and flags every
 * Set-Cookie.
 */
function hstsguard(policy) {
  const p = toPolicy(policy)
  const sendsHeaders = p.hsts !== null || p.hpkp !== null
  const cookies = p.cookiesEnabled
  const askCore = p.redirectEnabled || p.trustsProxies
  const decide = makeDecider(p, hostHeader)
  // The headers depend on the Host and on secure / insecure only (IP literals and
  // localhost may be skipped): remember the last answer of each kind, most servers see
  // one or a few Host values.
  const memo = [
    { host: kState, headers: null },
    { host: kState, headers: null },
  ]

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
      const host = req.headers.host
      const m = memo[secure ? 1 : 0]
      if (m.host !== host) {
        m.headers = p.responseHeaders(host, secure)
        m.host = host
      }
      const headers = m.headers
      for (let i = 0; i < headers.length; i++) {
        const h = headers[i]
        if (h.existing === 'replace') {
          res.setHeader(h.name, h.value)
          if (replace === null) replace = new Map()
          replace.set(h.name.toLowerCase(), h.value)
        } else if (!res.hasHeader(h.name)) {
          res.setHeader(h.name, h.value)
        }
      }
    }
    if (cookies || replace !== null) hookResponse(req, res, p, secure, cookies, replace)
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
