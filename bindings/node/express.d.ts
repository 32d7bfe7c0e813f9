/**
 * hstsguard/express: HTTPS transport security middleware for Express 4 and 5 and plain
 * `node:http` servers, deciding with the hstsguard core.
 *
 * Every option is camelCase and is read by the core with the one policy schema: the
 * option types below are the generated sections of `policy.d.ts` (`HstsSection`,
 * `RedirectSection`, `CookiesSection`, ...), plus the middleware's own options.
 *
 * A request is secure when its connection is TLS, when Express says so (`req.secure`,
 * which applies the app's `trust proxy` setting), or when the hstsguard policy's `proxy`
 * section says so (the socket's peer must be a trusted proxy).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Issue, Policy } from './index'
import type {
  CookieRuleSection,
  CookiesSection,
  HstsSection,
  PolicyOptions,
  ProxySection,
  RedirectSection,
} from './policy'

/** A Connect / Express / node:http middleware. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void

/** A deploy warning of a middleware's policy, as `onWarning` gets it. */
export interface HstsguardWarning extends Issue {
  /** The middleware that logs it. */
  middleware: 'hsts' | 'enforceHttps' | 'secureCookies' | 'hstsguard'
}

/**
 * Where a middleware's deploy warnings go. Each middleware reports the core's warnings
 * about its part of the policy (`policy.warnings`: `policy.hsts.*`, `policy.redirect.*`,
 * ...) once, when it is made.
 */
export interface WarningOptions {
  /**
   * Anything with a `warn` method (console, pino, winston...): gets one line per warning,
   * `hstsguard <middleware>: <message> [<code>]`. Default: `console`.
   */
  logger?: { warn(message: string): unknown }
  /** Gets each warning as an object, instead of the logger. */
  onWarning?: (warning: HstsguardWarning) => void
}

/**
 * Options of `hsts()`: the policy's `hsts` section, whose names are helmet's
 * `strictTransportSecurity` options (`maxAge`, `includeSubDomains`, `preload`) and the
 * schema's (`send`, `existing`, `skipIpHosts`, `skipLocalhost`, `ramp`, ...).
 */
export interface HstsOptions extends HstsSection, WarningOptions {}

/** Options of `enforceHttps()`: the policy's `redirect` section, `proxy`, and express-sslify's names. */
export interface EnforceHttpsOptions extends RedirectSection, WarningOptions {
  /** Which peers are trusted proxies and which of their headers say HTTPS (the policy's `proxy` section). */
  proxy?: ProxySection
  /** express-sslify: believe `X-Forwarded-Proto` (from any peer unless `proxy.trusted` narrows it). */
  trustProtoHeader?: boolean
  /** express-sslify: believe Azure's `X-ARR-SSL` (from any peer unless `proxy.trusted` narrows it). */
  trustAzureHeader?: boolean
  /**
   * express-sslify: redirect to `X-Forwarded-Host` instead of `Host`. Needs `allowedHosts`
   * without `'*'` or `canonicalHost`: the header is validated like any Host.
   */
  trustXForwardedHostHeader?: boolean
}

/** One cookie rule: every matching rule applies; for each attribute the last one wins. */
export type CookieRule = CookieRuleSection

/** Options of `secureCookies()`: the policy's `cookies` section (or pass the list of rules). */
export interface SecureCookiesOptions extends CookiesSection, WarningOptions {}

/**
 * Strict-Transport-Security with helmet's option names and defaults, sent only on secure
 * requests unless `send: 'always'`, never for an IP-literal or `localhost` Host (unless
 * `skipIpHosts` / `skipLocalhost` are false), following `ramp` when set. Unknown or
 * misspelt options throw (`err.code === 'config.unknown_key'`, with a did-you-mean); a
 * bad `maxAge` throws with a `duration.*` code. `headerValue` is the value sent now.
 */
export declare function hsts(options?: HstsOptions): Middleware & { readonly headerValue: string | null; readonly policy: Policy }

/**
 * Redirects insecure requests to HTTPS (301 for GET/HEAD, 308 otherwise), answers 400 for
 * a Host outside `allowedHosts` (never a redirect elsewhere), lets exempt paths through.
 */
export declare function enforceHttps(options?: EnforceHttpsOptions): Middleware & { readonly policy: Policy }

/** Flags every Set-Cookie of the response, whoever writes it, when its headers are written. */
export declare function secureCookies(
  options?: readonly CookieRuleSection[] | SecureCookiesOptions,
): Middleware & { readonly policy: Policy }

/**
 * Everything from one policy: a `Policy`, policy options (camelCase, as `new Policy()`
 * takes them), or the path of a TOML or JSON policy file.
 */
export declare function hstsguard(policy?: Policy | PolicyOptions | string, options?: WarningOptions): Middleware & { readonly policy: Policy }

/**
 * Was this request secure? The decision of the `hstsguard()` middleware that ran for it
 * (which includes the policy's trusted proxies), else the transport's: a TLS socket or
 * Express's `req.secure`.
 */
export declare function isSecure(req: IncomingMessage): boolean
