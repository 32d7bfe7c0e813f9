// The options and documents of an hstsguard policy (docs/POLICY.md), generated from
// the core's schema (hstsguard::config::SCHEMA) by bindings/node/tests/generated.rs;
// do not edit. Regenerate with
// `UPDATE_GENERATED=1 cargo test -p hstsguard-node --test generated`.
//
// Two spellings of one schema:
// - `PolicyOptions` and the `*Section` interfaces: camelCase keys, the spelling of
//   every JavaScript option (`new Policy(options)`, `hstsguard(options)`, and one
//   section each for `hsts()`, `enforceHttps()` and `secureCookies()`);
// - `PolicyDocument` (`PolicyFile.*`): snake_case keys, exactly as a TOML or JSON
//   policy file is written (`Policy.fromDocument(document)`).
// Every key is optional; an absent key takes the `@default` shown. Words are
// compared ignoring case (the types list the documented spelling and the lower
// case). A list key also takes a single value. Durations are seconds or duration
// strings (`'1y'`). A `RegExp` is accepted where a regular expression goes.

/**
 * A policy document: one TOML or JSON document read by every face (the C ABI,
 * nginx, Apache, Python and Django, Node and Express, the CLI).
 */
export interface PolicyOptions {
  /** `Strict-Transport-Security`: the header, when it is sent, and a staged max-age ramp. */
  hsts?: HstsSection

  /** Which peers are trusted proxies, and which of their headers say the request came over HTTPS. */
  proxy?: ProxySection

  /** HTTP to HTTPS redirects: hosts, ports, exemptions, status codes. */
  redirect?: RedirectSection

  /** Set-Cookie flagging: `Secure`, `HttpOnly`, `SameSite`, and the cookie prefixes. */
  cookies?: CookiesSection

  /** HTTP Public Key Pinning (RFC 7469). Deprecated: every browser removed it. */
  hpkp?: HpkpSection
}

/** The `[hsts]` section. */
export interface HstsSection {
  /**
   * `false`: never send Strict-Transport-Security.
   *
   * @default true
   */
  enabled?: boolean

  /**
   * The max-age: seconds (an integer) or a duration (`"300"`, `"5m"`, `"18w"`, `"1y"`,
   * `"2y"`). A year is 31536000 seconds; `0` tells browsers to forget the host.
   *
   * @default "1y"
   */
  maxAge?: number | string

  /**
   * Send `includeSubDomains`.
   *
   * @default true
   */
  includeSubDomains?: boolean

  /**
   * Send `preload` (hstspreload.org's opt-in).
   *
   * @default false
   */
  preload?: boolean

  /**
   * `true`: building fails unless the header passes hstspreload.org's rules.
   *
   * @default false
   */
  requirePreloadable?: boolean

  /**
   * `"secure"`: only on secure requests (RFC 6797 §7.2); `"always"`: on every
   * response (browsers ignore it over plain HTTP).
   *
   * @default "secure"
   */
  send?: 'secure' | 'always'

  /**
   * A response that already has the header: `"keep"` it or `"replace"` it.
   *
   * @default "keep"
   */
  existing?: 'keep' | 'replace'

  /**
   * Never send HSTS for an IP-literal Host (RFC 6797 §8.1.1: browsers ignore it there).
   *
   * @default true
   */
  skipIpHosts?: boolean

  /**
   * Never send HSTS for `localhost` and `*.localhost` (no HSTS pinned in a developer's browser).
   *
   * @default true
   */
  skipLocalhost?: boolean

  /**
   * A staged max-age ramp: start with a short max-age and raise it step by step.
   * While it is set, `maxAge` is not used.
   */
  ramp?: RampSection
}

/**
 * The `[hsts.ramp]` section: guides tell operators to start HSTS with a short
 * max-age and raise it once nothing breaks; the ramp does it on a schedule.
 *
 * From `start` the first stage's max-age is sent; after each `step` the next
 * stage's; after the last step the last stage stays (before `start`, the first).
 * `includeSubDomains` and `preload`, when set in `[hsts]`, are sent only at the
 * last stage. The value is recomputed at most once a minute, never per request.
 */
export interface RampSection {
  /** The date (UTC) the first stage starts: `"2026-12-01"`. */
  start?: string

  /** The max-age of each stage, in order, as durations: `["5m", "1d", "1w", "30d", "1y", "2y"]`. */
  stages?: number | string | readonly (number | string)[]

  /**
   * How long each stage lasts before the next one starts.
   *
   * @default "1w"
   */
  step?: number | string
}

/**
 * The `[proxy]` section. A request is secure when the connection is TLS, or when
 * the peer is in `trusted` and the configured sources present say HTTPS.
 *
 * **The proxy must overwrite or strip every listed header**: whatever it passes
 * through reaches hstsguard as the client sent it. Sources that disagree on one
 * request get a 400 (`proxy.sources_disagree`).
 */
export interface ProxySection {
  /**
   * Trusted proxies: CIDR networks or single addresses (`"10.0.0.0/8"`, `"2001:db8::/32"`,
   * `"127.0.0.1"`). Headers from any other peer are ignored.
   *
   * @default []
   */
  trusted?: string | readonly string[]

  /**
   * The headers read: `"forwarded"` (RFC 7239 `proto=`), `"x-forwarded-proto"`,
   * `"x-forwarded-ssl"` (`on`), `"front-end-https"` (`on`), `"x-arr-ssl"` (any
   * value), `"cloudfront-forwarded-proto"`, and `"custom"` for the place of
   * `customHeader`. Without it: `customHeader` alone when that is set, else
   * `x-forwarded-proto` alone.
   *
   * @default ["x-forwarded-proto"]
   */
  sources?: 'forwarded' | 'x-forwarded-proto' | 'x-forwarded-ssl' | 'front-end-https' | 'x-arr-ssl' | 'cloudfront-forwarded-proto' | 'custom' | readonly ('forwarded' | 'x-forwarded-proto' | 'x-forwarded-ssl' | 'front-end-https' | 'x-arr-ssl' | 'cloudfront-forwarded-proto' | 'custom')[]

  /** A header and the value that means HTTPS, like Django's `SECURE_PROXY_SSL_HEADER`. */
  customHeader?: CustomHeaderSection

  /**
   * Which element of a comma-separated list counts: `"leftmost"` (as Django and
   * Express read it) or `"rightmost"` (the value the nearest proxy appended).
   *
   * @default "leftmost"
   */
  list?: 'leftmost' | 'rightmost'
}

/** `proxy.custom_header = { name = "X-Forwarded-Protocol", value = "ssl" }`. */
export interface CustomHeaderSection {
  /** The header name (an RFC 9110 token). Required. */
  name?: string

  /** The value that means HTTPS (compared trimmed, ignoring case). Required. */
  value?: string
}

/** The `[redirect]` section. */
export interface RedirectSection {
  /**
   * `false`: serve plain-HTTP requests as they are.
   *
   * @default true
   */
  enabled?: boolean

  /**
   * Redirect every insecure request to this host (an explicit `allowedHosts`
   * list is still enforced on the request's Host).
   */
  canonicalHost?: string

  /**
   * Hosts a redirect may go to, with Django's semantics: `"example.com"` exactly,
   * `".example.com"` for it and its subdomains, `"*"` for any. An empty list allows
   * no host (every redirect is a 400).
   *
   * @default ["*"]
   */
  allowedHosts?: string | readonly string[]

  /**
   * The port of the `Location` (443 is left out).
   *
   * @default 443
   */
  httpsPort?: number

  /**
   * Keep a Host's port other than 80 as it is, instead of `httpsPort`.
   *
   * @default false
   */
  keepPort?: boolean

  /**
   * Regular expressions *searched* in the raw path (no query): matching requests
   * are not redirected. Anchor them yourself: `"^/health$"`. The `regex` crate's
   * syntax with ASCII classes (`\d`, `\w`, `(?i)`; no `\p{..}`). A path with a dot
   * segment is never exempt.
   *
   * @default []
   */
  exempt?: string | RegExp | readonly (string | RegExp)[]

  /**
   * `/.well-known/acme-challenge/` is never redirected.
   *
   * @default true
   */
  acmeExempt?: boolean

  /**
   * The redirect status for GET and HEAD.
   *
   * @default 301
   */
  statusGetHead?: 301 | 302 | 303 | 307 | 308

  /**
   * The status for other methods: a redirect (308 keeps the method and body), or
   * 403 / 426 to refuse them over plain HTTP.
   *
   * @default 308
   */
  statusOther?: 301 | 302 | 303 | 307 | 308 | 403 | 426
}

/** The `[cookies]` section: every `Set-Cookie` of a response is flagged per the rules. */
export interface CookiesSection {
  /**
   * `false`: leave every Set-Cookie alone.
   *
   * @default true
   */
  enabled?: boolean

  /**
   * `"always"`, or `"request_secure"`: add `Secure` only on secure requests.
   *
   * @default "always"
   */
  secureWhen?: 'always' | 'request_secure'

  /**
   * `__Secure-` / `__Host-` rule violations: `"repair"` them or `"report"` them.
   *
   * @default "repair"
   */
  prefixes?: 'repair' | 'report'

  /**
   * The rules (`[[cookies.rules]]`). Every matching rule applies; for each
   * attribute the last one that sets it wins. Without rules: every cookie gets
   * `Secure` (`[{name = "*", secure = true}]`); an empty list means no rules.
   */
  rules?: readonly CookieRuleSection[]
}

/** One `[[cookies.rules]]` entry. */
export interface CookieRuleSection {
  /** An exact cookie name or a glob (`*` and `?`). Required. */
  name?: string

  /** `true`: ensure `Secure`; `false`: remove it; absent: leave it as it is. */
  secure?: boolean

  /** `true`: ensure `HttpOnly`; `false`: remove it; absent: leave it as it is. */
  httpOnly?: boolean

  /**
   * `"Strict"`, `"Lax"` or `"None"` (any case; `true` means `"Strict"`, as for
   * Express's `res.cookie`); absent: leave it as it is.
   */
  sameSite?: true | 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none'
}

/**
 * The `[hpkp]` section (RFC 7469). Deprecated and ignored by current browsers; a
 * wrong pin can lock out clients that still honour it.
 */
export interface HpkpSection {
  /**
   * Required: `true`, to send HPKP anyway.
   *
   * @default false
   */
  acknowledgeDeprecation?: boolean

  /** The `pin-sha256` values (base64 of 32 bytes): at least two distinct ones. */
  pins?: string | readonly string[]

  /** The max-age (required, unless `reportOnly`). */
  maxAge?: number | string

  /**
   * Send `includeSubDomains`.
   *
   * @default false
   */
  includeSubDomains?: boolean

  /** An absolute `report-uri`. */
  reportUri?: string

  /**
   * Send `Public-Key-Pins-Report-Only` instead.
   *
   * @default false
   */
  reportOnly?: boolean
}

/** The same schema with snake_case keys, as in a TOML or JSON policy file. */
export declare namespace PolicyFile {
  /**
   * A policy document: one TOML or JSON document read by every face (the C ABI,
   * nginx, Apache, Python and Django, Node and Express, the CLI).
   */
  export interface PolicyDocument {
    /** `Strict-Transport-Security`: the header, when it is sent, and a staged max-age ramp. */
    hsts?: PolicyFile.HstsSection

    /** Which peers are trusted proxies, and which of their headers say the request came over HTTPS. */
    proxy?: PolicyFile.ProxySection

    /** HTTP to HTTPS redirects: hosts, ports, exemptions, status codes. */
    redirect?: PolicyFile.RedirectSection

    /** Set-Cookie flagging: `Secure`, `HttpOnly`, `SameSite`, and the cookie prefixes. */
    cookies?: PolicyFile.CookiesSection

    /** HTTP Public Key Pinning (RFC 7469). Deprecated: every browser removed it. */
    hpkp?: PolicyFile.HpkpSection
  }

  /** The `[hsts]` section. */
  export interface HstsSection {
    /**
     * `false`: never send Strict-Transport-Security.
     *
     * @default true
     */
    enabled?: boolean

    /**
     * The max-age: seconds (an integer) or a duration (`"300"`, `"5m"`, `"18w"`, `"1y"`,
     * `"2y"`). A year is 31536000 seconds; `0` tells browsers to forget the host.
     *
     * @default "1y"
     */
    max_age?: number | string

    /**
     * Send `includeSubDomains`.
     *
     * @default true
     */
    include_subdomains?: boolean

    /**
     * Send `preload` (hstspreload.org's opt-in).
     *
     * @default false
     */
    preload?: boolean

    /**
     * `true`: building fails unless the header passes hstspreload.org's rules.
     *
     * @default false
     */
    require_preloadable?: boolean

    /**
     * `"secure"`: only on secure requests (RFC 6797 §7.2); `"always"`: on every
     * response (browsers ignore it over plain HTTP).
     *
     * @default "secure"
     */
    send?: 'secure' | 'always'

    /**
     * A response that already has the header: `"keep"` it or `"replace"` it.
     *
     * @default "keep"
     */
    existing?: 'keep' | 'replace'

    /**
     * Never send HSTS for an IP-literal Host (RFC 6797 §8.1.1: browsers ignore it there).
     *
     * @default true
     */
    skip_ip_hosts?: boolean

    /**
     * Never send HSTS for `localhost` and `*.localhost` (no HSTS pinned in a developer's browser).
     *
     * @default true
     */
    skip_localhost?: boolean

    /**
     * A staged max-age ramp: start with a short max-age and raise it step by step.
     * While it is set, `max_age` is not used.
     */
    ramp?: PolicyFile.RampSection
  }

  /**
   * The `[hsts.ramp]` section: guides tell operators to start HSTS with a short
   * max-age and raise it once nothing breaks; the ramp does it on a schedule.
   *
   * From `start` the first stage's max-age is sent; after each `step` the next
   * stage's; after the last step the last stage stays (before `start`, the first).
   * `include_subdomains` and `preload`, when set in `[hsts]`, are sent only at the
   * last stage. The value is recomputed at most once a minute, never per request.
   */
  export interface RampSection {
    /** The date (UTC) the first stage starts: `"2026-12-01"`. */
    start?: string

    /** The max-age of each stage, in order, as durations: `["5m", "1d", "1w", "30d", "1y", "2y"]`. */
    stages?: number | string | readonly (number | string)[]

    /**
     * How long each stage lasts before the next one starts.
     *
     * @default "1w"
     */
    step?: number | string
  }

  /**
   * The `[proxy]` section. A request is secure when the connection is TLS, or when
   * the peer is in `trusted` and the configured sources present say HTTPS.
   *
   * **The proxy must overwrite or strip every listed header**: whatever it passes
   * through reaches hstsguard as the client sent it. Sources that disagree on one
   * request get a 400 (`proxy.sources_disagree`).
   */
  export interface ProxySection {
    /**
     * Trusted proxies: CIDR networks or single addresses (`"10.0.0.0/8"`, `"2001:db8::/32"`,
     * `"127.0.0.1"`). Headers from any other peer are ignored.
     *
     * @default []
     */
    trusted?: string | readonly string[]

    /**
     * The headers read: `"forwarded"` (RFC 7239 `proto=`), `"x-forwarded-proto"`,
     * `"x-forwarded-ssl"` (`on`), `"front-end-https"` (`on`), `"x-arr-ssl"` (any
     * value), `"cloudfront-forwarded-proto"`, and `"custom"` for the place of
     * `custom_header`. Without it: `custom_header` alone when that is set, else
     * `x-forwarded-proto` alone.
     *
     * @default ["x-forwarded-proto"]
     */
    sources?: 'forwarded' | 'x-forwarded-proto' | 'x-forwarded-ssl' | 'front-end-https' | 'x-arr-ssl' | 'cloudfront-forwarded-proto' | 'custom' | readonly ('forwarded' | 'x-forwarded-proto' | 'x-forwarded-ssl' | 'front-end-https' | 'x-arr-ssl' | 'cloudfront-forwarded-proto' | 'custom')[]

    /** A header and the value that means HTTPS, like Django's `SECURE_PROXY_SSL_HEADER`. */
    custom_header?: PolicyFile.CustomHeaderSection

    /**
     * Which element of a comma-separated list counts: `"leftmost"` (as Django and
     * Express read it) or `"rightmost"` (the value the nearest proxy appended).
     *
     * @default "leftmost"
     */
    list?: 'leftmost' | 'rightmost'
  }

  /** `proxy.custom_header = { name = "X-Forwarded-Protocol", value = "ssl" }`. */
  export interface CustomHeaderSection {
    /** The header name (an RFC 9110 token). Required. */
    name?: string

    /** The value that means HTTPS (compared trimmed, ignoring case). Required. */
    value?: string
  }

  /** The `[redirect]` section. */
  export interface RedirectSection {
    /**
     * `false`: serve plain-HTTP requests as they are.
     *
     * @default true
     */
    enabled?: boolean

    /**
     * Redirect every insecure request to this host (an explicit `allowed_hosts`
     * list is still enforced on the request's Host).
     */
    canonical_host?: string

    /**
     * Hosts a redirect may go to, with Django's semantics: `"example.com"` exactly,
     * `".example.com"` for it and its subdomains, `"*"` for any. An empty list allows
     * no host (every redirect is a 400).
     *
     * @default ["*"]
     */
    allowed_hosts?: string | readonly string[]

    /**
     * The port of the `Location` (443 is left out).
     *
     * @default 443
     */
    https_port?: number

    /**
     * Keep a Host's port other than 80 as it is, instead of `https_port`.
     *
     * @default false
     */
    keep_port?: boolean

    /**
     * Regular expressions *searched* in the raw path (no query): matching requests
     * are not redirected. Anchor them yourself: `"^/health$"`. The `regex` crate's
     * syntax with ASCII classes (`\d`, `\w`, `(?i)`; no `\p{..}`). A path with a dot
     * segment is never exempt.
     *
     * @default []
     */
    exempt?: string | RegExp | readonly (string | RegExp)[]

    /**
     * `/.well-known/acme-challenge/` is never redirected.
     *
     * @default true
     */
    acme_exempt?: boolean

    /**
     * The redirect status for GET and HEAD.
     *
     * @default 301
     */
    status_get_head?: 301 | 302 | 303 | 307 | 308

    /**
     * The status for other methods: a redirect (308 keeps the method and body), or
     * 403 / 426 to refuse them over plain HTTP.
     *
     * @default 308
     */
    status_other?: 301 | 302 | 303 | 307 | 308 | 403 | 426
  }

  /** The `[cookies]` section: every `Set-Cookie` of a response is flagged per the rules. */
  export interface CookiesSection {
    /**
     * `false`: leave every Set-Cookie alone.
     *
     * @default true
     */
    enabled?: boolean

    /**
     * `"always"`, or `"request_secure"`: add `Secure` only on secure requests.
     *
     * @default "always"
     */
    secure_when?: 'always' | 'request_secure'

    /**
     * `__Secure-` / `__Host-` rule violations: `"repair"` them or `"report"` them.
     *
     * @default "repair"
     */
    prefixes?: 'repair' | 'report'

    /**
     * The rules (`[[cookies.rules]]`). Every matching rule applies; for each
     * attribute the last one that sets it wins. Without rules: every cookie gets
     * `Secure` (`[{name = "*", secure = true}]`); an empty list means no rules.
     */
    rules?: readonly PolicyFile.CookieRuleSection[]
  }

  /** One `[[cookies.rules]]` entry. */
  export interface CookieRuleSection {
    /** An exact cookie name or a glob (`*` and `?`). Required. */
    name?: string

    /** `true`: ensure `Secure`; `false`: remove it; absent: leave it as it is. */
    secure?: boolean

    /** `true`: ensure `HttpOnly`; `false`: remove it; absent: leave it as it is. */
    http_only?: boolean

    /**
     * `"Strict"`, `"Lax"` or `"None"` (any case; `true` means `"Strict"`, as for
     * Express's `res.cookie`); absent: leave it as it is.
     */
    same_site?: true | 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none'
  }

  /**
   * The `[hpkp]` section (RFC 7469). Deprecated and ignored by current browsers; a
   * wrong pin can lock out clients that still honour it.
   */
  export interface HpkpSection {
    /**
     * Required: `true`, to send HPKP anyway.
     *
     * @default false
     */
    acknowledge_deprecation?: boolean

    /** The `pin-sha256` values (base64 of 32 bytes): at least two distinct ones. */
    pins?: string | readonly string[]

    /** The max-age (required, unless `report_only`). */
    max_age?: number | string

    /**
     * Send `includeSubDomains`.
     *
     * @default false
     */
    include_subdomains?: boolean

    /** An absolute `report-uri`. */
    report_uri?: string

    /**
     * Send `Public-Key-Pins-Report-Only` instead.
     *
     * @default false
     */
    report_only?: boolean
  }
}

/** A policy document spelled as a TOML or JSON policy file (`Policy.fromDocument`). */
export type PolicyDocument = PolicyFile.PolicyDocument
