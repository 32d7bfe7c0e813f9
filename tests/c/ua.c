/*
 * The shared vectors of the client side (tests/vectors/ua_store.json, as C data in
 * vectors_table.h under VT_UA_STORE) through the C API: one fresh hstsguard_known_hosts
 * store per case, its steps in order (receive, query, upgrade, load, list,
 * preload_lookup). The Rust, Python and Node runners replay the same file. Prints every
 * failing step by case id and step number and, last, "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hstsguard.h"
#define VT_UA_STORE
#include "vectors_table.h"

static int passed, failed;
static const char *case_id;
static size_t step_no;
static const char *step_op;
static int step_failed;

static void fail(const char *what, const char *fmt_want, const char *got) {
    step_failed = 1;
    fprintf(stderr, "FAIL %s step %zu (%s): %s: want %s, got %s\n", case_id, step_no, step_op,
            what, fmt_want, got);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* The bytes of a table string in a fresh NUL-terminated allocation; NULL for null. */
static char *materialize(const vt_str *s) {
    char *buf, *w;
    size_t i, r;
    if (!s->p) {
        return NULL;
    }
    buf = xmalloc(s->len + 1);
    if (!s->segs) {
        memcpy(buf, s->p, s->len);
    } else {
        w = buf;
        for (i = 0; i < s->nsegs; i++) {
            for (r = 0; r < s->segs[i].repeat; r++) {
                memcpy(w, s->segs[i].unit, s->segs[i].unit_len);
                w += s->segs[i].unit_len;
            }
        }
    }
    buf[s->len] = '\0';
    return buf;
}

static const char *str_or_null(const char *s) { return s ? s : "null"; }

static void check_code(const char *what, const char *want, const char *got) {
    if (want == NULL && got == NULL) {
        return;
    }
    if (want == NULL || got == NULL || strcmp(want, got) != 0) {
        fail(what, str_or_null(want), str_or_null(got));
    }
}

static void check_text(const char *what, const vt_str *want, const char *got, size_t got_len,
                       int got_present) {
    char *w = materialize(want);
    char *g;
    int same;
    if (!w || !got_present) {
        if (w || got_present) {
            g = xmalloc(got_len + 1);
            if (got_present) {
                memcpy(g, got, got_len);
            }
            g[got_present ? got_len : 0] = '\0';
            fail(what, w ? w : "null", got_present ? g : "null");
            free(g);
        }
        free(w);
        return;
    }
    same = want->len == got_len && memcmp(w, got, got_len) == 0;
    if (!same) {
        g = xmalloc(got_len + 1);
        memcpy(g, got, got_len);
        g[got_len] = '\0';
        fail(what, w, g);
        free(g);
    }
    free(w);
}

static void check_bool(const char *what, int want, int got) {
    if (!want != !got) {
        fail(what, want ? "true" : "false", got ? "true" : "false");
    }
}

static void check_opt_u64(const char *what, int want_has, unsigned long long want, int got_has,
                          unsigned long long got) {
    char w[32], g[32];
    if (want_has == got_has && (!want_has || want == got)) {
        return;
    }
    if (want_has) {
        snprintf(w, sizeof w, "%llu", want);
    } else {
        snprintf(w, sizeof w, "null");
    }
    if (got_has) {
        snprintf(g, sizeof g, "%llu", got);
    } else {
        snprintf(g, sizeof g, "null");
    }
    fail(what, w, g);
}

static const char *receive_name(hstsguard_receive_result r) {
    switch (r) {
    case HSTSGUARD_RECEIVE_RESULT_ADDED: return "added";
    case HSTSGUARD_RECEIVE_RESULT_UPDATED: return "updated";
    case HSTSGUARD_RECEIVE_RESULT_DELETED: return "deleted";
    case HSTSGUARD_RECEIVE_RESULT_IGNORED: return "ignored";
    }
    return "?";
}

static const char *source_name(hstsguard_source s) {
    switch (s) {
    case HSTSGUARD_SOURCE_DYNAMIC: return "dynamic";
    case HSTSGUARD_SOURCE_PRELOAD: return "preload";
    case HSTSGUARD_SOURCE_NONE: return NULL;
    }
    return "?";
}

/* Checks the call's result against the step's expected error (or success). Returns 1
 * when the step's other expectations should be checked. */
static int check_result(const vt_ua_step *s, hstsguard_result rc) {
    const char *got = rc == HSTSGUARD_OK ? NULL : hstsguard_result_name((uint32_t)rc);
    if (s->expect & VT_UA_ERROR) {
        check_code("error", s->error, got);
        return 0;
    }
    if (rc != HSTSGUARD_OK) {
        fail("result code", "ok", got);
        return 0;
    }
    return 1;
}

static void run_receive(hstsguard_known_hosts *store, const vt_ua_step *s) {
    hstsguard_str *fields = xmalloc(sizeof *fields * (s->fields_len ? s->fields_len : 1));
    char **owned = xmalloc(sizeof *owned * (s->fields_len ? s->fields_len : 1));
    char *host = materialize(&s->host);
    hstsguard_receive out;
    hstsguard_result rc;
    size_t i;
    for (i = 0; i < s->fields_len; i++) {
        owned[i] = materialize(&s->fields[i]);
        fields[i].data = owned[i];
        fields[i].len = s->fields[i].len;
    }
    rc = hstsguard_known_hosts_receive(store, host, s->host.len, fields, s->fields_len,
                                       s->secure != 0, s->now, &out);
    if (check_result(s, rc)) {
        if (s->expect & VT_UA_RESULT) {
            check_code("result", s->result, receive_name(out.result));
        }
        if (s->expect & VT_UA_REASON) {
            check_code("reason", s->reason, out.reason);
        }
    }
    for (i = 0; i < s->fields_len; i++) {
        free(owned[i]);
    }
    free(owned);
    free(fields);
    free(host);
}

static void run_query(hstsguard_known_hosts *store, const vt_ua_step *s) {
    char *host = materialize(&s->host);
    char entry[256];
    hstsguard_hsts_match m;
    hstsguard_result rc = hstsguard_known_hosts_lookup(store, host, s->host.len, s->now, entry,
                                                       sizeof entry, &m);
    bool should = false;
    hstsguard_result rc2 =
        hstsguard_known_hosts_should_upgrade(store, host, s->host.len, s->now, &should);
    if (rc2 != rc) {
        fail("should_upgrade result", hstsguard_result_name((uint32_t)rc),
             hstsguard_result_name((uint32_t)rc2));
    }
    if (check_result(s, rc)) {
        check_bool("should_upgrade agrees with lookup", m.matched, should);
        if (s->expect & VT_UA_UPGRADE) {
            check_bool("upgrade", s->upgrade, m.matched);
        }
        if (s->expect & VT_UA_ENTRY) {
            check_text("entry", &s->entry, entry, m.entry_len, m.matched);
        }
        if (s->expect & VT_UA_INCLUDE_SUBDOMAINS) {
            check_opt_u64("include_subdomains", s->has_include_subdomains,
                          (unsigned long long)s->include_subdomains, m.matched,
                          (unsigned long long)m.include_subdomains);
        }
        if (s->expect & VT_UA_EXPIRES) {
            check_opt_u64("expires", s->has_expires, s->expires, m.has_expires, m.expires);
        }
        if (s->expect & VT_UA_REMAINING_SECONDS) {
            check_opt_u64("remaining_seconds", s->has_remaining_seconds, s->remaining_seconds,
                          m.has_expires, m.remaining_seconds);
        }
        if (s->expect & VT_UA_SOURCE) {
            check_code("source", s->source, source_name(m.source));
        }
    }
    free(host);
}

static void run_upgrade(hstsguard_known_hosts *store, const vt_ua_step *s) {
    char *url = materialize(&s->url);
    char *buf;
    hstsguard_url_upgrade up;
    hstsguard_result rc;
    /* Ask for the length first, then upgrade into a buffer of exactly that size. */
    rc = hstsguard_known_hosts_upgrade_url(store, url, s->url.len, s->now, NULL, 0, &up);
    if (rc == HSTSGUARD_BUFFER_TOO_SMALL || (rc == HSTSGUARD_OK && up.len > 0)) {
        buf = xmalloc(up.len);
        rc = hstsguard_known_hosts_upgrade_url(store, url, s->url.len, s->now, buf, up.len,
                                               &up);
    } else {
        buf = xmalloc(1);
    }
    if (check_result(s, rc)) {
        if (s->expect & VT_UA_URL) {
            check_text("url", &s->url_exp, buf, up.len, 1);
        }
        if (s->expect & VT_UA_UPGRADED) {
            check_bool("upgraded", s->upgraded, up.upgraded);
        }
    }
    free(buf);
    free(url);
}

static void run_load(hstsguard_known_hosts *store, const vt_ua_step *s) {
    char *text = materialize(&s->text);
    hstsguard_load_report r;
    hstsguard_result rc = hstsguard_known_hosts_load_text(store, text, s->text.len, s->now, &r);
    char w[64], g[64];
    size_t i;
    if (check_result(s, rc)) {
        check_opt_u64("loaded", !!(s->expect & VT_UA_LOADED), s->loaded,
                      !!(s->expect & VT_UA_LOADED), r.loaded);
        check_opt_u64("expired", !!(s->expect & VT_UA_EXPIRED), s->expired,
                      !!(s->expect & VT_UA_EXPIRED), r.expired);
        check_opt_u64("duplicates", !!(s->expect & VT_UA_DUPLICATES), s->duplicates,
                      !!(s->expect & VT_UA_DUPLICATES), r.duplicates);
        if (s->expect & VT_UA_SKIPPED) {
            check_opt_u64("skipped count", 1, s->skipped_len, 1, r.skipped);
            for (i = 0; i < s->skipped_len && i < r.first_skipped_len; i++) {
                snprintf(w, sizeof w, "[%llu, %s]", s->skipped[i].line, s->skipped[i].code);
                snprintf(g, sizeof g, "[%zu, %s]", r.first_skipped[i].line,
                         str_or_null(r.first_skipped[i].code));
                if (strcmp(w, g) != 0) {
                    fail("skipped", w, g);
                }
            }
        }
    }
    free(text);
}

/* A header comment line of the cache text (left out of a `list` step's `lines`). */
static int header_line(const char *p, size_t n) {
    static const char a[] = "# Your HSTS cache";
    static const char b[] = "# This file";
    return (n >= sizeof a - 1 && memcmp(p, a, sizeof a - 1) == 0) ||
           (n >= sizeof b - 1 && memcmp(p, b, sizeof b - 1) == 0);
}

static const vt_str null_str = {NULL, 0, NULL, 0};

static void run_list(hstsguard_known_hosts *store, const vt_ua_step *s) {
    size_t len = 0, at = 0, k = 0, n;
    char *buf, *nl;
    hstsguard_result rc = hstsguard_known_hosts_to_cache_text(store, s->now, NULL, 0, &len);
    if (rc != HSTSGUARD_BUFFER_TOO_SMALL && rc != HSTSGUARD_OK) {
        fail("length query", "buffer.too_small", hstsguard_result_name((uint32_t)rc));
        return;
    }
    buf = xmalloc(len);
    rc = hstsguard_known_hosts_to_cache_text(store, s->now, buf, len, &len);
    if (check_result(s, rc) && (s->expect & VT_UA_LINES)) {
        while (at < len) {
            nl = memchr(buf + at, '\n', len - at);
            n = nl ? (size_t)(nl - (buf + at)) : len - at;
            if (!header_line(buf + at, n)) {
                if (k < s->lines_len) {
                    check_text("line", &s->lines[k], buf + at, n, 1);
                } else {
                    check_text("extra line", &null_str, buf + at, n, 1);
                }
                k++;
            }
            at += n + 1;
        }
        check_opt_u64("line count", 1, s->lines_len, 1, k);
    }
    free(buf);
}

static void run_preload_lookup(const vt_ua_step *s) {
    char *host = materialize(&s->host);
    char entry[256];
    hstsguard_preload_match m;
    hstsguard_result rc = hstsguard_preload_lookup(host, s->host.len, s->allow_single_label != 0,
                                                   entry, sizeof entry, &m);
    if (check_result(s, rc)) {
        if (s->expect & VT_UA_PRELOADED) {
            check_bool("preloaded", s->preloaded, m.preloaded);
        }
        if (s->expect & VT_UA_ENTRY) {
            check_text("entry", &s->entry, entry, m.entry_len, m.preloaded);
        }
        if (s->expect & VT_UA_INCLUDE_SUBDOMAINS) {
            check_opt_u64("include_subdomains", s->has_include_subdomains,
                          (unsigned long long)s->include_subdomains, m.preloaded,
                          (unsigned long long)m.include_subdomains);
        }
    }
    free(host);
}

int main(void) {
    size_t i, j;
    for (i = 0; i < VT_UA_COUNT; i++) {
        const vt_ua_case *c = &vt_ua_cases[i];
        hstsguard_known_hosts_options o;
        hstsguard_known_hosts *store = NULL;
        case_id = c->id;
        if (hstsguard_known_hosts_options_default(&o) != HSTSGUARD_OK) {
            fprintf(stderr, "options_default failed\n");
            return 2;
        }
        if (c->has_capacity) {
            o.capacity = (size_t)c->capacity;
        }
        o.preload = c->preload != 0;
        o.allow_single_label_preload = c->allow_single_label_preload != 0;
        if (hstsguard_known_hosts_new(&o, &store) != HSTSGUARD_OK || !store) {
            fprintf(stderr, "%s: known_hosts_new failed\n", c->id);
            return 2;
        }
        for (j = 0; j < c->steps_len; j++) {
            const vt_ua_step *s = &c->steps[j];
            step_no = j + 1;
            step_op = s->op;
            step_failed = 0;
            if (strcmp(s->op, "receive") == 0) {
                run_receive(store, s);
            } else if (strcmp(s->op, "query") == 0) {
                run_query(store, s);
            } else if (strcmp(s->op, "upgrade") == 0) {
                run_upgrade(store, s);
            } else if (strcmp(s->op, "load") == 0) {
                run_load(store, s);
            } else if (strcmp(s->op, "list") == 0) {
                run_list(store, s);
            } else if (strcmp(s->op, "preload_lookup") == 0) {
                run_preload_lookup(s);
            } else {
                fail("op", "a known op", s->op);
            }
            if (step_failed) {
                failed++;
            } else {
                passed++;
            }
        }
        hstsguard_known_hosts_free(store);
    }
    if (passed < 100) {
        fprintf(stderr, "only %d steps ran\n", passed + failed);
        failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
