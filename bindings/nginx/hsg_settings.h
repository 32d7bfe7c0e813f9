/*
 * The inline directives of the nginx and Apache modules, as data: each directive's words
 * are kept as they were written and turned into policy document keys (docs/POLICY.md)
 * through the C API's builder when the policy is built, once, at configuration time.
 *
 * Shared by bindings/nginx (ngx_http_hstsguard_module) and bindings/apache
 * (mod_hstsguard): server-neutral C, no allocation (the callers own every array).
 *
 * Groups, and the directive that fills each (nginx name / Apache name):
 *   HSG_HSTS            hstsguard_hsts / HstsGuardHsts        [on|off] key=value...
 *   HSG_REDIRECT        hstsguard_redirect / HstsGuardRedirect on|off key=value...
 *   HSG_ALLOWED_HOSTS   hstsguard_allowed_hosts / HstsGuardAllowedHosts HOST...
 *   HSG_EXEMPT          hstsguard_exempt / HstsGuardExempt    REGEX...
 *   HSG_TRUSTED         hstsguard_trusted_proxy / HstsGuardTrustedProxy CIDR...
 *   HSG_SOURCES         hstsguard_proxy_sources / HstsGuardProxySources NAME... [key=value]
 *   HSG_COOKIES         hstsguard_cookies / HstsGuardCookies  on|off key=value...
 *   HSG_COOKIE_RULES    hstsguard_cookie / HstsGuardCookie    NAME_GLOB attribute...
 *   HSG_STRICT_PRELOAD  hstsguard_strict_preload / HstsGuardStrictPreload on|off
 *
 * A group is a list of lines (one per directive occurrence in a block), each a list of
 * words. Within one block the lines of a group add up; an inner block that uses a
 * directive replaces that group as a whole and inherits every other group.
 */
#ifndef HSG_SETTINGS_H
#define HSG_SETTINGS_H

#include <stddef.h>

#include "hstsguard.h"

#pragma GCC visibility push(hidden)

/* One word of a directive. */
typedef struct {
    const char *data;
    size_t      len;
} hsg_word;

/* One directive occurrence: its words after the directive name. */
typedef struct {
    const hsg_word *word;
    size_t          nword;
} hsg_line;

/* The lines of one group in effect for a block; nline == 0: the group is not set. */
typedef struct {
    const hsg_line *line;
    size_t          nline;
} hsg_group;

enum {
    HSG_HSTS = 0,
    HSG_REDIRECT,
    HSG_ALLOWED_HOSTS,
    HSG_EXEMPT,
    HSG_TRUSTED,
    HSG_SOURCES,
    HSG_COOKIES,
    HSG_COOKIE_RULES,
    HSG_STRICT_PRELOAD,
    HSG_NGROUPS
};

/* Every group in effect for one block. */
typedef struct {
    hsg_group group[HSG_NGROUPS];
} hsg_settings;

/* The directive names of a group, for messages: nginx style (0) or Apache style (1). */
const char *hsg_group_directive(int group, int apache);

/*
 * Builds the policy for a set of groups. On success returns 0 and sets *policy_out (free
 * it with hstsguard_policy_free()). On failure returns -1 and writes a one-line,
 * NUL-terminated message into err (err_cap bytes, truncated when longer): either a
 * problem with a word (the word is quoted) or the core's configuration errors with their
 * paths and codes. The caller names the directive.
 */
int hsg_build(const hsg_settings *settings, hstsguard_policy **policy_out, char *err,
              size_t err_cap);

/* The one-line message of a core error object, NUL-terminated, into err. */
void hsg_error_text(const hstsguard_error *error, char *err, size_t err_cap);

/*
 * The deploy warnings about proxy trust that a server logs at start-up
 * (policy.proxy.several_sources, policy.proxy.trusts_everyone): the index-th of them
 * (from 0) as "message [code]", NUL-terminated, into buf. Returns 1 when there is one,
 * 0 when there are no more.
 */
int hsg_proxy_warning(const hstsguard_policy *policy, size_t index, char *buf, size_t cap);

#pragma GCC visibility pop

#endif /* HSG_SETTINGS_H */
