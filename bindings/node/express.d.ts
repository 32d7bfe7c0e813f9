/**
 * hstsguard/express: HTTPS transport security middleware for Express 4 and 5 and plain
 * `node:http` servers, deciding with the hstsguard core.
 *
 * A request is secure when its connection is TLS, when Express says so (`req.secure`,
 * which applies the app's `trust proxy` setting), or when the hstsguard policy's `proxy`
 * section says so (the socket's peer must be a trusted proxy).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Policy, PolicyDocument } from './index'

/** A Connect / Express / node:http middleware. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void

/** Options of `hsts()`: helmet's `strictTransportSecurity` names and defaults, plus `send`. */
export interface HstsOptions {
  /** Seconds (a whole, non-negative number) or a duration such as `'1y'`. Default 31536000. */
  maxAge?: number | string
  /** Add `includeSubDomains`. Default true. */
  includeSubDomains?: boolean
  /** Add `preload`. Default false. */
  preload?: boolean
  /**
   * `'secure'` (default): only on secure requests, as RFC 6797 §7.2 requires;
   * `'always'`: on every response, as helmet does.
   */
  send?: 'secure' | 'always'
}

/** Options of `enforceHttps()`. */
export interface EnforceHttpsOptions {
  /**
   * Hosts a redirect may go to (Django semantics: `'example.com'`, `'.example.com'` for the
   * domain and its subdomains, `'*'`). Default `['*']`. A Host outside the list gets 400.
   */
  allowedHosts?: string | string[]
  /** Redirect every insecure request to this host (and port). */
  canonicalHost?: string
  /** The port of the Location. Default 443 (omitted). */
  httpsPort?: number
  /** Keep a Host's non-80 port instead of `httpsPort`. Default false. */
  keepPort?: boolean
  /** Regular expressions (Rust syntax) searched in the raw path: `'^/health$'`. */
  exempt?: string | string[]
  /** Never redirect `/.well-known/acme-challenge/`. Default true. */
  acmeExempt?: boolean
  /** Status for GET and HEAD: 301 (default), 302, 303, 307 or 308. */
  statusGetHead?: number
  /** Status for other methods: 308 (default), 301, 302, 303, 307, or 403 / 426 to refuse. */
  statusOther?: number
  /** Proxies (CIDR networks or addresses) whose scheme headers are believed. */
  trustedProxies?: string | string[]
  /** Which headers a trusted proxy uses (policy `proxy.sources`). Default Forwarded, X-Forwarded-Proto. */
  proxySources?: string | string[]
  /** express-sslify: believe `X-Forwarded-Proto` (from any peer unless `trustedProxies` narrows it). */
  trustProtoHeader?: boolean
  /** express-sslify: believe Azure's `X-ARR-SSL` (from any peer unless `trustedProxies` narrows it). */
  trustAzureHeader?: boolean
  /**
   * express-sslify: redirect to `X-Forwarded-Host` instead of `Host`. Needs `allowedHosts`
   * without `'*'` or `canonicalHost`: the header is validated like any Host.
   */
  trustXForwardedHostHeader?: boolean
}

/** One cookie rule: every matching rule applies; for each attribute the last one wins. */
export interface CookieRule {
  /** An exact cookie name or a glob (`*`, `?`). */
  name: string
  /** true: ensure `Secure`; false: remove it; absent: leave it. */
  secure?: boolean
  /** true: ensure `HttpOnly`; false: remove it; absent: leave it. */
  httpOnly?: boolean
  /** `'Strict'`, `'Lax'` or `'None'` (which always gets `Secure`). */
  sameSite?: 'Strict' | 'Lax' | 'None'
}

/** Options of `secureCookies()` (or pass the list of rules directly). */
export interface SecureCookiesOptions {
  /** The rules. Default: every cookie gets `Secure`. */
  rules?: CookieRule[]
  /** `'always'` (default) or `'requestSecure'`: add `Secure` only on secure requests. */
  secureWhen?: 'always' | 'requestSecure'
  /** `__Secure-` / `__Host-` violations: `'repair'` (default) or `'report'` (leave them). */
  prefixes?: 'repair' | 'report'
}

/**
 * Strict-Transport-Security with helmet's option names and defaults, sent only on secure
 * requests unless `send: 'always'`. Unknown or misspelled options throw
 * (`err.code === 'config.unknown_key'`); a bad `maxAge` throws with a `duration.*` code.
 */
export declare function hsts(options?: HstsOptions): Middleware & { readonly headerValue: string }

/**
 * Redirects insecure requests to HTTPS (301 for GET/HEAD, 308 otherwise), answers 400 for
 * a Host outside `allowedHosts` (never a redirect elsewhere), lets exempt paths through.
 */
export declare function enforceHttps(options?: EnforceHttpsOptions): Middleware & { readonly policy: Policy }

/** Flags every Set-Cookie of the response, whoever writes it. */
export declare function secureCookies(rules?: CookieRule[] | SecureCookiesOptions): Middleware & { readonly policy: Policy }

/**
 * Everything from one policy: a `Policy`, a policy document object (docs/POLICY.md), or
 * the path of a TOML or JSON policy file.
 */
export declare function hstsguard(policy?: Policy | PolicyDocument | string): Middleware & { readonly policy: Policy }

/**
 * Was this request secure? The decision of the `hstsguard()` middleware that ran for it
 * (which includes the policy's trusted proxies), else the transport's: a TLS socket or
 * Express's `req.secure`.
 */
export declare function isSecure(req: IncomingMessage): boolean
