/*
 * The directives of the nginx and Apache modules, defined once: each row names the
 * nginx directive, the Apache directive, what kind of words it takes and the key of the
 * policy document (docs/POLICY.md) it writes. Both modules build their directive tables
 * from it (bindings/nginx/ngx_http_hstsguard_module.c, bindings/apache/mod_hstsguard.c),
 * bindings/common/hsg_settings.c turns the words into keys, and
 * bindings/c/tests/directives.rs checks every key named here against the core's schema
 * (hstsguard::config::SCHEMA), so a key renamed in the core fails the test command.
 *
 *   HSG_DIRECTIVE(ID, NGINX, APACHE, KIND, KEY, ARGS, SYNTAX)
 *
 * KIND, and what the words mean:
 *   SWITCH   on|off: apply the policy in this block (writes no key).
 *   FILE     a policy document: TOML or JSON, read whole (KEY "": the whole document).
 *   SECTION  [on|off] key=value...: keys of the section KEY (a dotted key below it, such as
 *            ramp.start, works too); a first word on|off sets KEY.HSG_KEY_ENABLED; a bare
 *            `key` means key=on, a bare `nokey` key=off.
 *   LIST     VALUE...: each appended to the list KEY (the core splits non-text lists at
 *            commas).
 *   SOURCES  NAME... [key=value]: each NAME appended to the list KEY; key=value words set
 *            keys of KEY's section, custom_header=Name:value its HSG_KEY_CUSTOM_NAME and
 *            HSG_KEY_CUSTOM_VALUE.
 *   RULE     NAME [attribute...]: a new entry of the list of tables KEY, NAME its
 *            HSG_KEY_RULE_NAME; attributes as SECTION words (secure, nohttponly,
 *            samesite=lax).
 *   FLAG     on|off: the boolean KEY.
 * ARGS: ONE (exactly one word) or MANY (one or more).
 *
 * Rows are one per line (the Rust test reads them); keep the strings plain literals.
 */
#ifndef HSG_DIRECTIVES_H
#define HSG_DIRECTIVES_H

#define HSG_DIRECTIVE_TABLE(HSG_DIRECTIVE)                                                \
    HSG_DIRECTIVE(SWITCH, "hstsguard", "HstsGuard", SWITCH, "", ONE, "on|off: apply the hstsguard policy (HSTS, redirects, cookie flags) here") \
    HSG_DIRECTIVE(POLICY, "hstsguard_policy", "HstsGuardPolicy", FILE, "", ONE, "a TOML or JSON policy file; inline settings of this and inner sections are laid over it") \
    HSG_DIRECTIVE(HSTS, "hstsguard_hsts", "HstsGuardHsts", SECTION, "hsts", MANY, "[on|off] max_age=DURATION include_subdomains[=on|off] preload[=on|off] send=secure|always existing=keep|replace ramp.start=DATE ramp.stages=D,D,... ramp.step=DURATION ...") \
    HSG_DIRECTIVE(REDIRECT, "hstsguard_redirect", "HstsGuardRedirect", SECTION, "redirect", MANY, "[on|off] [status_get_head=301] [status_other=308] [canonical_host=NAME] [https_port=443] [keep_port=on|off] [acme_exempt=on|off]") \
    HSG_DIRECTIVE(ALLOWED_HOSTS, "hstsguard_allowed_hosts", "HstsGuardAllowedHosts", LIST, "redirect.allowed_hosts", MANY, "hosts a redirect may go to: name, .name (with subdomains) or *") \
    HSG_DIRECTIVE(EXEMPT, "hstsguard_exempt", "HstsGuardExempt", LIST, "redirect.exempt", MANY, "regular expressions searched in the path: never redirected") \
    HSG_DIRECTIVE(TRUSTED_PROXY, "hstsguard_trusted_proxy", "HstsGuardTrustedProxy", LIST, "proxy.trusted", MANY, "addresses or CIDR networks of proxies allowed to say the request is HTTPS") \
    HSG_DIRECTIVE(PROXY_SOURCES, "hstsguard_proxy_sources", "HstsGuardProxySources", SOURCES, "proxy.sources", MANY, "headers read from trusted proxies, which must agree (default x-forwarded-proto) [list=leftmost|rightmost] [custom_header=Name:value]") \
    HSG_DIRECTIVE(COOKIES, "hstsguard_cookies", "HstsGuardCookies", SECTION, "cookies", MANY, "[on|off] [secure_when=always|request_secure] [prefixes=repair|report]") \
    HSG_DIRECTIVE(COOKIE, "hstsguard_cookie", "HstsGuardCookie", RULE, "cookies.rules", MANY, "NAME_GLOB [secure|nosecure] [httponly|nohttponly] [samesite=strict|lax|none]") \
    HSG_DIRECTIVE(STRICT_PRELOAD, "hstsguard_strict_preload", "HstsGuardStrictPreload", FLAG, "hsts.require_preloadable", ONE, "on|off: refuse to start unless the HSTS header is preloadable")

/* Keys below a directive's KEY that the words write (see KIND above). */
#define HSG_KEY_ENABLED      "enabled"
#define HSG_KEY_RULE_NAME    "name"
#define HSG_KEY_CUSTOM_WORD  "custom_header"
#define HSG_KEY_CUSTOM_NAME  "custom_header.name"
#define HSG_KEY_CUSTOM_VALUE "custom_header.value"

#endif /* HSG_DIRECTIVES_H */
