/*
 * The inline directives as policy document keys: see hsg_settings.h.
 *
 * Words are turned into builder calls; every value is then validated by the core when
 * the policy is built, so the messages (and the did-you-mean for misspelt keys) are the
 * core's. This file only decides the type of each known key (on/off -> boolean, digits
 * -> integer) and rejects words that cannot be expressed at all.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hsg_settings.h"

typedef enum { T_STRING, T_BOOL, T_INT } hsg_type;

typedef struct {
    const char *word;
    hsg_type    type;
} hsg_key;

/* The known keys of each key=value section, with their types. Unknown keys are passed
 * to the core as strings: it refuses them with a did-you-mean. */
static const hsg_key hsts_keys[] = {
    {"enabled", T_BOOL},        {"max_age", T_STRING},       {"include_subdomains", T_BOOL},
    {"preload", T_BOOL},        {"require_preloadable", T_BOOL}, {"send", T_STRING},
    {"existing", T_STRING},     {"skip_ip_hosts", T_BOOL},   {"skip_localhost", T_BOOL},
    {NULL, T_STRING}};
static const hsg_key redirect_keys[] = {
    {"enabled", T_BOOL},     {"canonical_host", T_STRING}, {"https_port", T_INT},
    {"keep_port", T_BOOL},   {"acme_exempt", T_BOOL},      {"status_get_head", T_INT},
    {"status_other", T_INT}, {NULL, T_STRING}};
static const hsg_key cookies_keys[] = {
    {"enabled", T_BOOL}, {"secure_when", T_STRING}, {"prefixes", T_STRING}, {NULL, T_STRING}};
static const hsg_key proxy_keys[] = {{"list", T_STRING}, {NULL, T_STRING}};

static const char *const nginx_names[HSG_NGROUPS] = {
    "hstsguard_hsts",    "hstsguard_redirect",      "hstsguard_allowed_hosts",
    "hstsguard_exempt",  "hstsguard_trusted_proxy", "hstsguard_proxy_sources",
    "hstsguard_cookies", "hstsguard_cookie",        "hstsguard_strict_preload"};
static const char *const apache_names[HSG_NGROUPS] = {
    "HstsGuardHsts",    "HstsGuardRedirect",     "HstsGuardAllowedHosts",
    "HstsGuardExempt",  "HstsGuardTrustedProxy", "HstsGuardProxySources",
    "HstsGuardCookies", "HstsGuardCookie",       "HstsGuardStrictPreload"};

const char *
hsg_group_directive(int group, int apache)
{
    if (group < 0 || group >= HSG_NGROUPS) {
        return "hstsguard";
    }
    return apache ? apache_names[group] : nginx_names[group];
}

/* ------------------------------------------------------------------------------------ */

typedef struct {
    char  *buf;
    size_t cap;
    int    group;
} hsg_err;

/* A problem with a word: fmt takes the word ("%.*s") and then `extra` ("%s"). */
static void
fail(hsg_err *e, const char *fmt, const hsg_word *w, const char *extra)
{
    snprintf(e->buf, e->cap, fmt, w ? (int) w->len : 0, w ? w->data : "", extra ? extra : "");
}

static int
word_is(const hsg_word *w, const char *s)
{
    size_t n = strlen(s);
    size_t i;
    if (w->len != n) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        char c = w->data[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char) (c - 'A' + 'a');
        }
        if (c != s[i]) {
            return 0;
        }
    }
    return 1;
}

/* on/off, true/false, yes/no, 1/0 -> 1/0; anything else -> -1. */
static int
parse_bool(const hsg_word *w)
{
    if (word_is(w, "on") || word_is(w, "true") || word_is(w, "yes") || word_is(w, "1")) {
        return 1;
    }
    if (word_is(w, "off") || word_is(w, "false") || word_is(w, "no") || word_is(w, "0")) {
        return 0;
    }
    return -1;
}

/* An optional '-' and 1 to 18 digits. */
static int
parse_int(const hsg_word *w, int64_t *out)
{
    size_t  i = 0;
    int     neg = 0;
    int64_t v = 0;
    if (w->len > 0 && w->data[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (w->len == i || w->len - i > 18) {
        return 0;
    }
    for (; i < w->len; i++) {
        if (w->data[i] < '0' || w->data[i] > '9') {
            return 0;
        }
        v = v * 10 + (w->data[i] - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

/* "section." + name, NUL-terminated, into key (cap bytes). */
static int
make_key(char *key, size_t cap, const char *section, const char *name, size_t name_len)
{
    int n = snprintf(key, cap, "%s.%.*s", section, (int) name_len, name);
    return n > 0 && (size_t) n < cap;
}

static int
check(hstsguard_result r, hsg_err *e, const hsg_word *w)
{
    if (r == HSTSGUARD_OK) {
        return 0;
    }
    if (r == HSTSGUARD_INVALID_UTF8) {
        fail(e, "\"%.*s\" is not valid UTF-8%s", w, NULL);
    } else {
        fail(e, "\"%.*s\" cannot be used (%s)", w, hstsguard_result_name(r));
    }
    return -1;
}

/* One key=value (or bare key) word of a key=value section. */
static int
apply_pair(hstsguard_policy_builder *b, const char *section, const hsg_key *keys,
           const hsg_word *w, hsg_err *e)
{
    const char    *eq = memchr(w->data, '=', w->len);
    size_t         name_len = eq ? (size_t) (eq - w->data) : w->len;
    hsg_word       name = {w->data, name_len};
    hsg_word       value = {eq ? eq + 1 : NULL, eq ? w->len - name_len - 1 : 0};
    const hsg_key *k;
    char           key[128];
    int64_t        n;
    int            flag;

    if (name_len == 0) {
        fail(e, "\"%.*s\" has no setting name before \"=\"%s", w, NULL);
        return -1;
    }
    if (!make_key(key, sizeof(key), section, name.data, name.len)) {
        fail(e, "the setting name in \"%.*s\" is too long%s", w, NULL);
        return -1;
    }
    for (k = keys; k->word != NULL; k++) {
        if (word_is(&name, k->word)) {
            break;
        }
    }
    if (k->word == NULL) {
        /* Unknown: the core reports it, with the closest known key. */
        if (!eq) {
            return check(hstsguard_policy_builder_set_bool(b, key, strlen(key), true), e, w);
        }
        return check(hstsguard_policy_builder_set_string(b, key, strlen(key), value.data,
                                                         value.len),
                     e, w);
    }
    /* Known keys are written in their documented (lower-case) spelling. */
    make_key(key, sizeof(key), section, k->word, strlen(k->word));
    switch (k->type) {
    case T_BOOL:
        flag = eq ? parse_bool(&value) : 1;
        if (flag < 0) {
            fail(e, "invalid value in \"%.*s\": expected on or off%s", w, NULL);
            return -1;
        }
        return check(hstsguard_policy_builder_set_bool(b, key, strlen(key), flag == 1), e, w);
    case T_INT:
        if (!eq) {
            fail(e, "\"%.*s\" needs a value (%s=...)", w, k->word);
            return -1;
        }
        if (parse_int(&value, &n)) {
            return check(hstsguard_policy_builder_set_int(b, key, strlen(key), n), e, w);
        }
        return check(
            hstsguard_policy_builder_set_string(b, key, strlen(key), value.data, value.len), e,
            w);
    case T_STRING:
    default:
        if (!eq) {
            fail(e, "\"%.*s\" needs a value (%s=...)", w, k->word);
            return -1;
        }
        return check(
            hstsguard_policy_builder_set_string(b, key, strlen(key), value.data, value.len), e,
            w);
    }
}

/* A key=value line whose first word may be on|off for `enabled`. */
static int
apply_section(hstsguard_policy_builder *b, const char *section, const hsg_key *keys,
              const hsg_line *line, int first_may_switch, hsg_err *e)
{
    size_t i;
    char   key[64];
    for (i = 0; i < line->nword; i++) {
        const hsg_word *w = &line->word[i];
        if (i == 0 && first_may_switch && memchr(w->data, '=', w->len) == NULL) {
            int flag = parse_bool(w);
            if (flag >= 0) {
                make_key(key, sizeof(key), section, "enabled", 7);
                if (check(hstsguard_policy_builder_set_bool(b, key, strlen(key), flag == 1), e,
                          w) != 0) {
                    return -1;
                }
                continue;
            }
        }
        if (apply_pair(b, section, keys, w, e) != 0) {
            return -1;
        }
    }
    return 0;
}

static int
apply_list(hstsguard_policy_builder *b, const char *key, const hsg_line *line, hsg_err *e)
{
    size_t i;
    for (i = 0; i < line->nword; i++) {
        const hsg_word *w = &line->word[i];
        if (check(hstsguard_policy_builder_append_string(b, key, strlen(key), w->data, w->len),
                  e, w) != 0) {
            return -1;
        }
    }
    return 0;
}

/* hstsguard_proxy_sources NAME... [list=leftmost|rightmost] [custom_header=Name:value] */
static int
apply_sources(hstsguard_policy_builder *b, const hsg_line *line, hsg_err *e)
{
    size_t i;
    for (i = 0; i < line->nword; i++) {
        const hsg_word *w = &line->word[i];
        const char     *eq = memchr(w->data, '=', w->len);
        if (eq == NULL) {
            if (check(hstsguard_policy_builder_append_string(b, "proxy.sources", 13, w->data,
                                                             w->len),
                      e, w) != 0) {
                return -1;
            }
            continue;
        }
        if ((size_t) (eq - w->data) == 13 && strncmp(w->data, "custom_header", 13) == 0) {
            const char *v = eq + 1;
            size_t      vlen = w->len - 14;
            const char *colon = memchr(v, ':', vlen);
            if (colon == NULL || colon == v) {
                fail(e, "\"%.*s\": expected custom_header=Name:value%s", w, NULL);
                return -1;
            }
            if (check(hstsguard_policy_builder_set_string(b, "proxy.custom_header.name", 24, v,
                                                          (size_t) (colon - v)),
                      e, w) != 0 ||
                check(hstsguard_policy_builder_set_string(b, "proxy.custom_header.value", 25,
                                                          colon + 1,
                                                          vlen - (size_t) (colon - v) - 1),
                      e, w) != 0) {
                return -1;
            }
            continue;
        }
        if (apply_pair(b, "proxy", proxy_keys, w, e) != 0) {
            return -1;
        }
    }
    return 0;
}

/* hstsguard_cookie NAME_GLOB [secure|nosecure] [httponly|nohttponly] [samesite=...] */
static int
apply_cookie_rule(hstsguard_policy_builder *b, const hsg_line *line, hsg_err *e)
{
    uint32_t secure = HSTSGUARD_FLAG_UNSET;
    uint32_t http_only = HSTSGUARD_FLAG_UNSET;
    uint32_t same_site = HSTSGUARD_SAME_SITE_UNSET;
    size_t   i;

    if (line->nword < 1) {
        fail(e, "a cookie name or glob is required%.*s%s", NULL, NULL);
        return -1;
    }
    for (i = 1; i < line->nword; i++) {
        const hsg_word *w = &line->word[i];
        const char     *eq = memchr(w->data, '=', w->len);
        hsg_word        name = {w->data, eq ? (size_t) (eq - w->data) : w->len};
        hsg_word        value = {eq ? eq + 1 : NULL, eq ? w->len - name.len - 1 : 0};
        int             flag = eq ? parse_bool(&value) : 1;

        if (word_is(&name, "secure") && flag >= 0) {
            secure = flag ? HSTSGUARD_FLAG_ON : HSTSGUARD_FLAG_OFF;
        } else if (word_is(&name, "nosecure") && !eq) {
            secure = HSTSGUARD_FLAG_OFF;
        } else if ((word_is(&name, "httponly") || word_is(&name, "http_only")) && flag >= 0) {
            http_only = flag ? HSTSGUARD_FLAG_ON : HSTSGUARD_FLAG_OFF;
        } else if ((word_is(&name, "nohttponly") || word_is(&name, "no_http_only")) && !eq) {
            http_only = HSTSGUARD_FLAG_OFF;
        } else if ((word_is(&name, "samesite") || word_is(&name, "same_site")) && eq) {
            if (word_is(&value, "strict")) {
                same_site = HSTSGUARD_SAME_SITE_STRICT;
            } else if (word_is(&value, "lax")) {
                same_site = HSTSGUARD_SAME_SITE_LAX;
            } else if (word_is(&value, "none")) {
                same_site = HSTSGUARD_SAME_SITE_NONE;
            } else if (word_is(&value, "unset")) {
                same_site = HSTSGUARD_SAME_SITE_UNSET;
            } else {
                fail(e, "invalid SameSite value in \"%.*s\": expected strict, lax or none%s",
                     w, NULL);
                return -1;
            }
        } else {
            fail(e,
                 "unknown cookie attribute \"%.*s\" (known: secure, nosecure, httponly, "
                 "nohttponly, samesite=strict|lax|none)%s",
                 w, NULL);
            return -1;
        }
    }
    return check(hstsguard_policy_builder_add_cookie_rule(b, line->word[0].data,
                                                          line->word[0].len, secure, http_only,
                                                          same_site),
                 e, &line->word[0]);
}

static int
apply_group(hstsguard_policy_builder *b, int g, const hsg_group *grp, hsg_err *e)
{
    size_t i;
    e->group = g;
    for (i = 0; i < grp->nline; i++) {
        const hsg_line *line = &grp->line[i];
        int             rc = 0;
        switch (g) {
        case HSG_HSTS:
            rc = apply_section(b, "hsts", hsts_keys, line, 1, e);
            break;
        case HSG_REDIRECT:
            rc = apply_section(b, "redirect", redirect_keys, line, 1, e);
            break;
        case HSG_COOKIES:
            rc = apply_section(b, "cookies", cookies_keys, line, 1, e);
            break;
        case HSG_ALLOWED_HOSTS:
            rc = apply_list(b, "redirect.allowed_hosts", line, e);
            break;
        case HSG_EXEMPT:
            rc = apply_list(b, "redirect.exempt", line, e);
            break;
        case HSG_TRUSTED:
            rc = apply_list(b, "proxy.trusted", line, e);
            break;
        case HSG_SOURCES:
            rc = apply_sources(b, line, e);
            break;
        case HSG_COOKIE_RULES:
            rc = apply_cookie_rule(b, line, e);
            break;
        case HSG_STRICT_PRELOAD: {
            int flag = line->nword == 1 ? parse_bool(&line->word[0]) : -1;
            if (flag < 0) {
                fail(e, "expected on or off%.*s%s", NULL, NULL);
                return -1;
            }
            rc = check(hstsguard_policy_builder_set_bool(b, "hsts.require_preloadable", 24,
                                                         flag == 1),
                       e, &line->word[0]);
            break;
        }
        default:
            break;
        }
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}

void
hsg_error_text(const hstsguard_error *error, char *err, size_t err_cap)
{
    size_t n = hstsguard_error_details_len(error);
    size_t used = 0;
    size_t i;
    int    w;

    if (err_cap == 0) {
        return;
    }
    err[0] = '\0';
    if (n == 0) {
        /* Not a configuration error (a file that cannot be read, ...): the message. */
        size_t len = 0;
        if (hstsguard_error_message(error, err, err_cap - 1, &len) == HSTSGUARD_OK) {
            err[len] = '\0';
        } else {
            const char *code = hstsguard_error_code(error);
            snprintf(err, err_cap, "%s", code ? code : "unknown error");
        }
        for (i = 0; err[i] != '\0'; i++) {
            if (err[i] == '\n' || err[i] == '\r') {
                err[i] = ' ';
            }
        }
        return;
    }
    for (i = 0; i < n; i++) {
        hstsguard_config_error d;
        if (hstsguard_error_detail(error, i, &d) != HSTSGUARD_OK) {
            continue;
        }
        /* "path: message [code]"; the message usually starts with its path already. */
        if (d.path.len > 0 && !(d.message.len > d.path.len &&
                                memcmp(d.message.data, d.path.data, d.path.len) == 0)) {
            w = snprintf(err + used, err_cap - used, "%s%.*s: %.*s [%s]", i ? "; " : "",
                         (int) d.path.len, d.path.data, (int) d.message.len, d.message.data,
                         d.code ? d.code : "?");
        } else {
            w = snprintf(err + used, err_cap - used, "%s%.*s [%s]", i ? "; " : "",
                         (int) d.message.len, d.message.data, d.code ? d.code : "?");
        }
        if (w < 0 || (size_t) w >= err_cap - used) {
            break;
        }
        used += (size_t) w;
    }
    for (i = 0; err[i] != '\0'; i++) {
        if (err[i] == '\n' || err[i] == '\r') {
            err[i] = ' ';
        }
    }
}

int
hsg_build(const hsg_settings *settings, hstsguard_policy **policy_out, char *err, size_t err_cap)
{
    hstsguard_policy_builder *b = NULL;
    hstsguard_error          *error = NULL;
    hstsguard_result          r;
    hsg_err                   e = {err, err_cap, -1};
    int                       g;

    *policy_out = NULL;
    if (err_cap > 0) {
        err[0] = '\0';
    }
    r = hstsguard_policy_builder_new(&b);
    if (r != HSTSGUARD_OK) {
        snprintf(err, err_cap, "cannot create a policy builder (%s)", hstsguard_result_name(r));
        return -1;
    }
    for (g = 0; g < HSG_NGROUPS; g++) {
        if (apply_group(b, g, &settings->group[g], &e) != 0) {
            hstsguard_policy_builder_free(b);
            return -1;
        }
    }
    r = hstsguard_policy_builder_build(b, policy_out, &error);
    hstsguard_policy_builder_free(b);
    if (r != HSTSGUARD_OK) {
        if (error != NULL) {
            hsg_error_text(error, err, err_cap);
            hstsguard_error_free(error);
        } else {
            snprintf(err, err_cap, "the policy cannot be built (%s)", hstsguard_result_name(r));
        }
        *policy_out = NULL;
        return -1;
    }
    return 0;
}

int
hsg_proxy_warning(const hstsguard_policy *policy, size_t index, char *buf, size_t cap)
{
    size_t          i, n = hstsguard_policy_warnings_len(policy), seen = 0;
    hstsguard_issue issue;
    hstsguard_str   message;
    size_t          len, code_len;

    for (i = 0; i < n; i++) {
        if (hstsguard_policy_warning(policy, i, &issue, &message) != HSTSGUARD_OK
            || issue.code == NULL
            || (strcmp(issue.code, "policy.proxy.several_sources") != 0
                && strcmp(issue.code, "policy.proxy.trusts_everyone") != 0))
        {
            continue;
        }
        if (seen++ != index) {
            continue;
        }
        if (cap == 0) {
            return 1;
        }
        code_len = strlen(issue.code);
        len = message.len < cap - 1 ? message.len : cap - 1;
        memcpy(buf, message.data, len);
        if (len + code_len + 4 <= cap) {
            buf[len++] = ' ';
            buf[len++] = '[';
            memcpy(buf + len, issue.code, code_len);
            len += code_len;
            buf[len++] = ']';
        }
        buf[len] = '\0';
        return 1;
    }
    return 0;
}
