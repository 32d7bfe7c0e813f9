/*
 * The directives as policy document keys, and policies built per block: see
 * hsg_settings.h. Every word goes to the core as text (hstsguard_policy_builder_set_text),
 * which knows each key's type: this file only knows the shapes of the directives
 * (hsg_directives.h), so the messages, the did-you-mean and the types are the core's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hsg_settings.h"

#define HSG_ROW(id, ngx, apache, kind, key, args, syntax)                                 \
    {ngx, apache, HSG_KIND_##kind, key, HSG_ARGS_##args, syntax},
const hsg_directive hsg_directives[HSG_NDIRECTIVES] = {HSG_DIRECTIVE_TABLE(HSG_ROW)};
#undef HSG_ROW

#define HSG_KEY_CAP 256

/* snprintf for messages: truncation is fine (and expected for long ones). */
static void put(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
put(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    if (cap == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

int
hsg_word_is(const hsg_word *w, const char *s)
{
    size_t n = strlen(s);
    size_t i;
    if (w->len != n) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        char a = w->data[i];
        char b = s[i];
        if (a >= 'A' && a <= 'Z') {
            a = (char) (a - 'A' + 'a');
        }
        if (b >= 'A' && b <= 'Z') {
            b = (char) (b - 'A' + 'a');
        }
        if (a != b) {
            return 0;
        }
    }
    return 1;
}

/* Two key names are the same for the core when they differ only in case, '-' and '_'. */
static int
same_key(const char *a, size_t alen, const char *b)
{
    size_t i = 0;
    for (;;) {
        char x, y;
        while (i < alen && (a[i] == '-' || a[i] == '_')) {
            i++;
        }
        while (*b == '-' || *b == '_') {
            b++;
        }
        if (i == alen || *b == '\0') {
            return i == alen && *b == '\0';
        }
        x = a[i];
        y = *b;
        if (x >= 'A' && x <= 'Z') {
            x = (char) (x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = (char) (y - 'A' + 'a');
        }
        if (x != y) {
            return 0;
        }
        i++;
        b++;
    }
}

/* Replaces CR and LF by spaces, so that a message stays on one line. */
static void
one_line(char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\n' || *s == '\r') {
            *s = ' ';
        }
    }
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
            put(err, err_cap, "%s", code ? code : "unknown error");
        }
        one_line(err);
        return;
    }
    for (i = 0; i < n; i++) {
        hstsguard_config_error d;
        if (hstsguard_error_detail(error, i, &d) != HSTSGUARD_OK) {
            continue;
        }
        /* "path: message [code]"; a message may start with its path already. */
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
    one_line(err);
}

/* ------------------------------------------------------------------------------------ */
/* Words to keys                                                                         */
/* ------------------------------------------------------------------------------------ */

typedef struct {
    hstsguard_policy_builder *b;
    char                     *err;
    size_t                    cap;
} hsg_ctx;

/* Sets key (NUL-terminated) from value; on a problem the core's message goes to err
 * (after `prefix`, which may be "") and the result is the C API's. */
static hstsguard_result
set(hsg_ctx *c, const char *key, const char *value, size_t value_len, const char *prefix)
{
    hstsguard_error *error = NULL;
    hstsguard_result r;
    size_t           used;

    r = hstsguard_policy_builder_set_text(c->b, key, strlen(key), value, value_len, &error);
    if (r == HSTSGUARD_OK) {
        return r;
    }
    used = (size_t) snprintf(c->err, c->cap, "%s", prefix);
    if (used >= c->cap) {
        used = c->cap - 1;
    }
    if (error != NULL) {
        hsg_error_text(error, c->err + used, c->cap - used);
        hstsguard_error_free(error);
    } else {
        put(c->err + used, c->cap - used, "%s: \"%.*s\" cannot be used [%s]", key,
                 (int) value_len, value, hstsguard_result_name(r));
    }
    one_line(c->err);
    return r;
}

/* section + "." + name, NUL-terminated, into key; 0 when it does not fit. */
static int
make_key(char *key, const char *section, const char *name, size_t name_len)
{
    int n = snprintf(key, HSG_KEY_CAP, "%s%s%.*s", section, *section ? "." : "", (int) name_len,
                     name);
    return n > 0 && n < HSG_KEY_CAP;
}

static int
fail(hsg_ctx *c, const char *fmt, const hsg_word *w)
{
    put(c->err, c->cap, fmt, (int) w->len, w->data);
    one_line(c->err);
    return -1;
}

/* The quote that opens a value the configuration reader split at a space: `"` or `'`
 * first and not last (nginx and Apache read quotes only around a whole word, so
 * max_age="1 year" arrives as max_age="1 and year"). 0 when the value is whole. */
static char
split_quote(const char *v, size_t len)
{
    if (len == 0 || (v[0] != '"' && v[0] != '\'')) {
        return 0;
    }
    if (len >= 2 && v[len - 1] == v[0]) {
        return 0;
    }
    return v[0];
}

/*
 * One word of a SECTION or RULE directive, or a key=value word of SOURCES, under
 * `section`: key=value, a bare key (on) or a bare nokey (off). words[*i] is the word;
 * a value split at a space may consume the words after it (*i advances).
 */
static int
apply_word(hsg_ctx *c, const char *section, const hsg_word *words, size_t nwords, size_t *i)
{
    const hsg_word *w = &words[*i];
    const char     *eq = memchr(w->data, '=', w->len);
    char            key[HSG_KEY_CAP];
    char            quote;

    if (eq != NULL) {
        size_t      name_len = (size_t) (eq - w->data);
        const char *v = eq + 1;
        size_t      vlen = w->len - name_len - 1;

        if (name_len == 0) {
            return fail(c, "\"%.*s\" has no setting name before \"=\"", w);
        }
        if (!make_key(key, section, w->data, name_len)) {
            return fail(c, "the setting name in \"%.*s\" is too long", w);
        }
        quote = split_quote(v, vlen);
        if (quote != 0) {
            /* Put the words back together up to the one that closes the quote, say what
             * happened, and what the core makes of the value. */
            char   joined[1024];
            char   prefix[1536];
            size_t j = *i + 1, jl = 0;
            int    closed = 0;
            jl = (size_t) snprintf(joined, sizeof(joined), "%.*s", (int) (vlen - 1), v + 1);
            for (; j < nwords && jl < sizeof(joined); j++) {
                const hsg_word *n = &words[j];
                closed = n->len > 0 && n->data[n->len - 1] == quote;
                jl += (size_t) snprintf(joined + jl, sizeof(joined) - jl, " %.*s",
                                        (int) (n->len - (closed ? 1 : 0)), n->data);
                if (closed) {
                    break;
                }
            }
            if (jl >= sizeof(joined)) {
                jl = sizeof(joined) - 1;
            }
            if (!closed) {
                put(c->err, c->cap,
                         "%.*s opens a %c quote that no word closes: quote the whole word, "
                         "%c%.*s=VALUE%c", (int) w->len, w->data, quote, quote,
                         (int) name_len, w->data, quote);
                one_line(c->err);
                return -1;
            }
            put(prefix, sizeof(prefix),
                     "%.*s=%c%s%c arrived as %zu words, split at the space%s (the "
                     "configuration reader takes quotes only around a whole word): write "
                     "%c%.*s=%s%c, with the quotes around the whole word",
                     (int) name_len, w->data, quote, joined, quote, j - *i + 1,
                     j - *i > 1 ? "s" : "", quote, (int) name_len, w->data, joined, quote);
            if (set(c, key, joined, strlen(joined), "") == HSTSGUARD_OK) {
                put(c->err, c->cap, "%s", prefix);
            } else {
                char core[1024];
                put(core, sizeof(core), "%s", c->err);
                put(c->err, c->cap, "%s; and the value itself is refused: %s", prefix, core);
            }
            one_line(c->err);
            *i = j;
            return -1;
        }
        if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
            /* max_age="1y": the quotes are the server's, not part of the value. */
            v++;
            vlen -= 2;
        }
        if (set(c, key, v, vlen, "") != HSTSGUARD_OK) {
            return -1;
        }
        return 0;
    }

    /* A bare word: key=on, or nokey=off. */
    if (!make_key(key, section, w->data, w->len)) {
        return fail(c, "the setting name \"%.*s\" is too long", w);
    }
    {
        hstsguard_error *error = NULL;
        hstsguard_result r =
            hstsguard_policy_builder_set_text(c->b, key, strlen(key), "on", 2, &error);
        const char      *code;
        char             neg[HSG_KEY_CAP];

        if (r == HSTSGUARD_OK) {
            return 0;
        }
        code = error != NULL ? hstsguard_error_code(error) : NULL;
        if (code != NULL && strcmp(code, "config.unknown_key") == 0) {
            /* nosecure, no_http_only, no-preload: the key, off. */
            size_t skip = 2;
            if (w->len > 2 && (w->data[2] == '_' || w->data[2] == '-')) {
                skip = 3;
            }
            if (w->len > skip && (w->data[0] | 0x20) == 'n' && (w->data[1] | 0x20) == 'o'
                && make_key(neg, section, w->data + skip, w->len - skip)
                && hstsguard_policy_builder_set_text(c->b, neg, strlen(neg), "off", 3, NULL)
                       == HSTSGUARD_OK)
            {
                hstsguard_error_free(error);
                return 0;
            }
            /* The rest of a value split at a space: max_age=1 year. */
            if (*i > 0) {
                const hsg_word *p = &words[*i - 1];
                const char     *peq = memchr(p->data, '=', p->len);
                if (peq != NULL && peq > p->data && (size_t) (peq - p->data) + 1 < p->len) {
                    size_t name_len = (size_t) (peq - p->data);
                    size_t plen = p->len - name_len - 1;
                    char   pkey[HSG_KEY_CAP];
                    char   joined[1024];
                    char   prefix[1536];
                    int    jl = snprintf(joined, sizeof(joined), "%.*s %.*s", (int) plen,
                                         peq + 1, (int) w->len, w->data);
                    if (jl > 0 && (size_t) jl < sizeof(joined)
                        && make_key(pkey, section, p->data, name_len))
                    {
                        put(prefix, sizeof(prefix),
                                 "\"%.*s\" is not a setting: it looks like the rest of "
                                 "%.*s=%s, which was split at the space (words are "
                                 "separated by spaces); ",
                                 (int) w->len, w->data, (int) name_len, p->data, joined);
                        if (set(c, pkey, joined, (size_t) jl, prefix) == HSTSGUARD_OK) {
                            put(c->err, c->cap,
                                     "%swrite \"%.*s=%s\", with the quotes around the "
                                     "whole word",
                                     prefix, (int) name_len, p->data, joined);
                            one_line(c->err);
                        }
                        hstsguard_error_free(error);
                        return -1;
                    }
                }
            }
        }
        if (error != NULL) {
            hsg_error_text(error, c->err, c->cap);
            hstsguard_error_free(error);
        } else {
            put(c->err, c->cap, "%s cannot be set [%s]", key, hstsguard_result_name(r));
        }
        if (code != NULL && strcmp(code, "config.unknown_key") != 0) {
            /* max_age alone: the key exists but takes a value. */
            size_t used = strlen(c->err);
            put(c->err + used, c->cap - used,
                     " (a word without \"=\" means %.*s=on: write %.*s=VALUE)", (int) w->len,
                     w->data, (int) w->len, w->data);
        }
        one_line(c->err);
        return -1;
    }
}

/* [on|off] key=value...: a first word that `enabled` accepts switches the section. */
static int
apply_section(hsg_ctx *c, const char *section, const hsg_word *words, size_t n)
{
    size_t i;
    char   key[HSG_KEY_CAP];

    for (i = 0; i < n; i++) {
        const hsg_word *w = &words[i];
        if (i == 0 && memchr(w->data, '=', w->len) == NULL
            && make_key(key, section, HSG_KEY_ENABLED, strlen(HSG_KEY_ENABLED))
            && hstsguard_policy_builder_set_text(c->b, key, strlen(key), w->data, w->len, NULL)
                   == HSTSGUARD_OK)
        {
            continue;
        }
        if (apply_word(c, section, words, n, &i) != 0) {
            return -1;
        }
    }
    return 0;
}

static int
apply_list(hsg_ctx *c, const char *key, const hsg_word *words, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (set(c, key, words[i].data, words[i].len, "") != HSTSGUARD_OK) {
            return -1;
        }
    }
    return 0;
}

/* The section of a dotted key ("proxy" for "proxy.sources"), into out. */
static void
parent_of(const char *key, char *out)
{
    const char *dot = strrchr(key, '.');
    size_t      n = dot ? (size_t) (dot - key) : 0;
    if (n >= HSG_KEY_CAP) {
        n = HSG_KEY_CAP - 1;
    }
    memcpy(out, key, n);
    out[n] = '\0';
}

/* NAME... [key=value] [custom_header=Name:value] */
static int
apply_sources(hsg_ctx *c, const char *key, const hsg_word *words, size_t n)
{
    char   section[HSG_KEY_CAP];
    char   k[HSG_KEY_CAP];
    size_t i;

    parent_of(key, section);
    for (i = 0; i < n; i++) {
        const hsg_word *w = &words[i];
        const char     *eq = memchr(w->data, '=', w->len);
        if (eq == NULL) {
            if (set(c, key, w->data, w->len, "") != HSTSGUARD_OK) {
                return -1;
            }
            continue;
        }
        if (same_key(w->data, (size_t) (eq - w->data), HSG_KEY_CUSTOM_WORD)) {
            const char *v = eq + 1;
            size_t      vlen = w->len - (size_t) (eq - w->data) - 1;
            const char *colon = memchr(v, ':', vlen);
            if (colon == NULL || colon == v) {
                return fail(c, "\"%.*s\": expected custom_header=Name:value", w);
            }
            if (!make_key(k, section, HSG_KEY_CUSTOM_NAME, strlen(HSG_KEY_CUSTOM_NAME))
                || set(c, k, v, (size_t) (colon - v), "") != HSTSGUARD_OK
                || !make_key(k, section, HSG_KEY_CUSTOM_VALUE, strlen(HSG_KEY_CUSTOM_VALUE))
                || set(c, k, colon + 1, vlen - (size_t) (colon - v) - 1, "") != HSTSGUARD_OK)
            {
                return -1;
            }
            continue;
        }
        if (apply_word(c, section, words, n, &i) != 0) {
            return -1;
        }
    }
    return 0;
}

/* NAME_GLOB [attribute...]: a new entry at index *rules of the list of tables `key`. */
static int
apply_rule(hsg_ctx *c, const char *key, size_t *rules, const hsg_word *words, size_t n)
{
    char   entry[HSG_KEY_CAP];
    char   k[HSG_KEY_CAP];
    size_t i;
    int    len;

    if (n < 1) {
        put(c->err, c->cap, "a cookie name or glob is required");
        return -1;
    }
    len = snprintf(entry, sizeof(entry), "%s[%zu]", key, *rules);
    if (len <= 0 || (size_t) len >= sizeof(entry)
        || !make_key(k, entry, HSG_KEY_RULE_NAME, strlen(HSG_KEY_RULE_NAME))
        || set(c, k, words[0].data, words[0].len, "") != HSTSGUARD_OK)
    {
        return -1;
    }
    for (i = 1; i < n; i++) {
        const hsg_word *w = &words[i];
        const char     *eq = memchr(w->data, '=', w->len);
        size_t          name_len = eq ? (size_t) (eq - w->data) : w->len;
        if (same_key(w->data, name_len, HSG_KEY_RULE_NAME)) {
            return fail(c, "\"%.*s\": the cookie name or glob is the first word", w);
        }
        if (apply_word(c, entry, words, n, &i) != 0) {
            return -1;
        }
    }
    (*rules)++;
    return 0;
}

int
hsg_apply(hstsguard_policy_builder *own, size_t *rules, int id, const hsg_word *words,
          size_t nwords, char *err, size_t err_cap)
{
    hsg_ctx              c = {own, err, err_cap};
    const hsg_directive *d;
    int                  rc;

    if (err_cap == 0 || own == NULL || id < 0 || id >= HSG_NDIRECTIVES) {
        return -1;
    }
    err[0] = '\0';
    d = &hsg_directives[id];
    if (nwords == 0) {
        put(err, err_cap, "needs at least one argument");
        return -1;
    }
    switch (d->kind) {
    case HSG_KIND_SECTION:
        rc = apply_section(&c, d->key, words, nwords);
        break;
    case HSG_KIND_LIST:
        rc = apply_list(&c, d->key, words, nwords);
        break;
    case HSG_KIND_SOURCES:
        rc = apply_sources(&c, d->key, words, nwords);
        break;
    case HSG_KIND_RULE:
        rc = apply_rule(&c, d->key, rules, words, nwords);
        break;
    case HSG_KIND_FLAG:
        if (nwords != 1) {
            put(err, err_cap, "takes one word, on or off");
            return -1;
        }
        rc = set(&c, d->key, words[0].data, words[0].len, "") == HSTSGUARD_OK ? 0 : -1;
        break;
    default:
        put(err, err_cap, "is not an inline setting");
        return -1;
    }
    return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Builders and policies                                                                 */
/* ------------------------------------------------------------------------------------ */

int
hsg_read_file(const char *path, size_t path_len, hstsguard_policy_builder **out, char *err,
              size_t err_cap)
{
    hstsguard_error *error = NULL;
    hstsguard_result r = hstsguard_policy_builder_from_file(path, path_len, out, &error);
    if (r == HSTSGUARD_OK) {
        return 0;
    }
    if (error != NULL) {
        hsg_error_text(error, err, err_cap);
        hstsguard_error_free(error);
    } else if (err_cap > 0) {
        put(err, err_cap, "%s", hstsguard_result_name(r));
    }
    *out = NULL;
    return -1;
}

int
hsg_overlay(const hstsguard_policy_builder *base, const hstsguard_policy_builder *over,
            hstsguard_policy_builder **out, char *err, size_t err_cap)
{
    hstsguard_policy_builder *empty = NULL;
    hstsguard_result          r;

    *out = NULL;
    if (base == NULL || over == NULL) {
        r = hstsguard_policy_builder_new(&empty);
        if (r != HSTSGUARD_OK) {
            put(err, err_cap, "cannot create a policy builder [%s]",
                     hstsguard_result_name(r));
            return -1;
        }
    }
    r = hstsguard_policy_builder_overlay(base ? base : empty, over ? over : empty, out);
    hstsguard_policy_builder_free(empty);
    if (r != HSTSGUARD_OK) {
        put(err, err_cap, "cannot lay the settings over the outer ones [%s]",
                 hstsguard_result_name(r));
        *out = NULL;
        return -1;
    }
    return 0;
}

/* The directive of `set` whose key the error path is about: its key is the path or a
 * part of it (hsts for hsts.max_age, redirect.exempt for redirect.exempt[2]), or lies
 * below it (hsts.require_preloadable for a problem of the whole hsts section); the
 * longest such key wins. */
static int
blame_path(const char *path, size_t len, unsigned set)
{
    int    id, best = -1;
    size_t best_len = 0;

    for (id = 0; id < HSG_NDIRECTIVES; id++) {
        const char *key = hsg_directives[id].key;
        size_t      klen = strlen(key);
        int         match;
        if (!(set & (1u << id)) || klen == 0) {
            continue;
        }
        if (klen <= len) {
            match = memcmp(path, key, klen) == 0
                    && (klen == len || path[klen] == '.' || path[klen] == '[');
        } else {
            match = len > 0 && memcmp(path, key, len) == 0 && key[len] == '.';
        }
        if (match && klen > best_len) {
            best = id;
            best_len = klen;
        }
    }
    return best;
}

int
hsg_build(const hstsguard_policy_builder *b, unsigned set, hstsguard_policy **policy_out,
          int *blame, char *err, size_t err_cap)
{
    hstsguard_policy_builder *empty = NULL;
    hstsguard_error          *error = NULL;
    hstsguard_result          r;

    *policy_out = NULL;
    *blame = -1;
    if (err_cap > 0) {
        err[0] = '\0';
    }
    if (b == NULL) {
        r = hstsguard_policy_builder_new(&empty);
        if (r != HSTSGUARD_OK) {
            put(err, err_cap, "cannot create a policy builder [%s]",
                     hstsguard_result_name(r));
            return -1;
        }
        b = empty;
    }
    r = hstsguard_policy_builder_build(b, policy_out, &error);
    hstsguard_policy_builder_free(empty);
    if (r == HSTSGUARD_OK) {
        return 0;
    }
    *policy_out = NULL;
    if (error != NULL) {
        hstsguard_config_error d;
        hsg_error_text(error, err, err_cap);
        if (hstsguard_error_details_len(error) > 0
            && hstsguard_error_detail(error, 0, &d) == HSTSGUARD_OK && d.path.data != NULL)
        {
            *blame = blame_path(d.path.data, d.path.len, set);
        }
        hstsguard_error_free(error);
    } else {
        put(err, err_cap, "the policy cannot be built [%s]", hstsguard_result_name(r));
    }
    return -1;
}

/* Does `policy` have a warning with this code and message? */
static int
has_warning(const hstsguard_policy *policy, const char *code, hstsguard_str message)
{
    size_t i, n = hstsguard_policy_warnings_len(policy);
    for (i = 0; i < n; i++) {
        hstsguard_issue issue;
        hstsguard_str   m;
        if (hstsguard_policy_warning(policy, i, &issue, &m) == HSTSGUARD_OK
            && issue.code != NULL && strcmp(issue.code, code) == 0 && m.len == message.len
            && (m.len == 0 || memcmp(m.data, message.data, m.len) == 0))
        {
            return 1;
        }
    }
    return 0;
}

int
hsg_warning(const hstsguard_policy *policy, const hstsguard_policy *shown, size_t index,
            char *buf, size_t cap, const char **code)
{
    hstsguard_issue issue;
    hstsguard_str   message;

    *code = NULL;
    if (policy == NULL || index >= hstsguard_policy_warnings_len(policy)) {
        return -1;
    }
    if (hstsguard_policy_warning(policy, index, &issue, &message) != HSTSGUARD_OK
        || issue.code == NULL)
    {
        return 0;
    }
    if (shown == policy || (shown != NULL && has_warning(shown, issue.code, message))) {
        return 0;
    }
    *code = issue.code;
    if (cap > 0) {
        put(buf, cap, "%.*s [%s]", (int) message.len, message.data ? message.data : "",
                 issue.code);
        one_line(buf);
    }
    return 1;
}

void
hsg_fail_closed_decision(const hstsguard_policy *policy, int tls, uint16_t status,
                         hstsguard_decision *d)
{
    hstsguard_str hsts;

    memset(d, 0, sizeof(*d));
    if (!tls) {
        d->action = HSTSGUARD_ACTION_REJECT;
        d->status = status;
        return;
    }
    d->action = HSTSGUARD_ACTION_PASS;
    d->secure = true;
    if (policy != NULL && hstsguard_policy_hsts_value(policy, &hsts) == HSTSGUARD_OK
        && hsts.data != NULL)
    {
        d->headers[0].name.data = "Strict-Transport-Security";
        d->headers[0].name.len = sizeof("Strict-Transport-Security") - 1;
        d->headers[0].value = hsts;
        d->headers[0].replace = false;
        d->headers_len = 1;
    }
}
