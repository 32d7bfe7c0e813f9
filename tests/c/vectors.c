/*
 * The shared vectors (the JSON files of tests/vectors) through the C API, from the generated table
 * tests/c/vectors_table.h. Prints every failing case id and, last, "N passed, N failed".
 *
 * Build: cc -Wall -Wextra -Werror -Iinclude tests/c/vectors.c target/release/libhstsguard.a \
 *           -lpthread -ldl -lm -o vectors
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hstsguard.h"
#include "vectors_table.h"

static int passed, failed;
static int case_failed;
static const char *case_id;
static const char *case_kind;

static void fail(const char *fmt, ...) {
    va_list ap;
    if (!case_failed) {
        fprintf(stderr, "FAIL %s %s:", case_kind, case_id);
    } else {
        fprintf(stderr, "    ");
    }
    case_failed = 1;
    fputc(' ', stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void begin(const char *kind, const char *id) {
    case_kind = kind;
    case_id = id;
    case_failed = 0;
}

static void end(void) {
    if (case_failed) {
        failed++;
    } else {
        passed++;
    }
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        perror("malloc");
        exit(2);
    }
    return p;
}

/* ---- strings of the table ---------------------------------------------------------- */

/* The bytes of a table string, in a fresh allocation (free it with free()); NULL for a
 * null string. */
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
        if ((size_t)(w - buf) != s->len) {
            fprintf(stderr, "table string length mismatch\n");
            exit(2);
        }
    }
    buf[s->len] = '\0';
    return buf;
}

/* Up to 64 live materialized strings per case, freed by release(). */
static char *owned[64];
static size_t owned_len;

static hstsguard_str view(const vt_str *s) {
    hstsguard_str v;
    v.data = NULL;
    v.len = 0;
    if (s->p) {
        if (owned_len == sizeof owned / sizeof owned[0]) {
            fprintf(stderr, "too many strings in one case\n");
            exit(2);
        }
        owned[owned_len] = materialize(s);
        v.data = owned[owned_len++];
        v.len = s->len;
    }
    return v;
}

static void release(void) {
    while (owned_len) {
        free(owned[--owned_len]);
    }
}

static int same_bytes(const char *a, size_t alen, const vt_str *want) {
    char *w;
    int same;
    if (!want->p) {
        return 0;
    }
    if (alen != want->len) {
        return 0;
    }
    w = materialize(want);
    same = alen == 0 || memcmp(a, w, alen) == 0;
    free(w);
    return same;
}

static void print_str(const char *label, const char *p, size_t n) {
    if (n > 200) {
        n = 200;
    }
    fprintf(stderr, "      %s: \"%.*s\"\n", label, (int)n, p ? p : "(null)");
}

/* ---- code lists ------------------------------------------------------------------ */

static void check_codes(const char *what, const hstsguard_issue *got, size_t got_len,
                        const char *const *want, size_t want_len, int severity_filter) {
    size_t i, j = 0;
    int ok = 1;
    for (i = 0; i < got_len; i++) {
        if (severity_filter && (int)got[i].severity != severity_filter) {
            continue;
        }
        if (j >= want_len || strcmp(got[i].code, want[j]) != 0) {
            ok = 0;
        }
        j++;
    }
    if (j != want_len) {
        ok = 0;
    }
    if (!ok) {
        fail("%s differ", what);
        for (i = 0; i < got_len; i++) {
            if (!severity_filter || (int)got[i].severity == severity_filter) {
                fprintf(stderr, "      got  %s\n", got[i].code);
            }
        }
        for (i = 0; i < want_len; i++) {
            fprintf(stderr, "      want %s\n", want[i]);
        }
    }
}

static void check_rc(hstsguard_result rc, hstsguard_result want, const char *what) {
    if (rc != want) {
        fail("%s returned %s, expected %s", what, hstsguard_result_name(rc),
             hstsguard_result_name(want));
    }
}

static void check_bool(const char *what, int got, int want) {
    if (!got != !want) {
        fail("%s is %d, expected %d", what, got, want);
    }
}

/* ---- policies ------------------------------------------------------------------- */

static hstsguard_policy *policy_of(const vt_str *json) {
    hstsguard_policy *p = NULL;
    hstsguard_error *err = NULL;
    hstsguard_str doc = view(json);
    hstsguard_result rc = hstsguard_policy_from_json(doc.data, doc.len, &p, &err);
    if (rc != HSTSGUARD_OK) {
        char msg[1024];
        size_t len = 0;
        hstsguard_error_message(err, msg, sizeof msg, &len);
        fail("policy does not build: %s: %.*s", hstsguard_result_name(rc), (int)len, msg);
        hstsguard_error_free(err);
        return NULL;
    }
    return p;
}

/* ---- sts ------------------------------------------------------------------------ */

#define MAX_ISSUES 64

static void run_sts(void) {
    size_t i, k;
    for (i = 0; i < VT_STS_COUNT; i++) {
        const vt_sts *c = &vt_sts_cases[i];
        hstsguard_sts out;
        hstsguard_issue issues[MAX_ISSUES];
        hstsguard_result rc;
        begin("sts", c->id);
        if (c->multi) {
            hstsguard_str values[8];
            if (c->values_len > 8) {
                fail("too many values");
                end();
                continue;
            }
            for (k = 0; k < c->values_len; k++) {
                values[k] = view(&c->values[k]);
            }
            rc = hstsguard_sts_parse_fields(c->values_len ? values : NULL, c->values_len, &out,
                                            issues, MAX_ISSUES);
        } else {
            hstsguard_str v = view(&c->value);
            rc = hstsguard_sts_parse(v.data ? v.data : "", v.len, &out, issues, MAX_ISSUES);
        }
        check_rc(rc, HSTSGUARD_OK, "hstsguard_sts_parse");
        if (c->expect & VT_STS_VALID) {
            check_bool("valid", out.valid, c->valid);
        }
        if (c->expect & VT_STS_MAX_AGE) {
            if (!out.has_max_age != !c->has_max_age ||
                (c->has_max_age && out.max_age != c->max_age)) {
                fail("max_age is %d/%llu, expected %d/%llu", out.has_max_age,
                     (unsigned long long)out.max_age, c->has_max_age, c->max_age);
            }
        }
        if (c->expect & VT_STS_INCLUDE_SUBDOMAINS) {
            check_bool("include_subdomains", out.include_subdomains, c->include_subdomains);
        }
        if (c->expect & VT_STS_PRELOAD) {
            check_bool("preload", out.preload, c->preload);
        }
        if (c->expect & VT_STS_ISSUES) {
            check_codes("issues", issues, out.issues_len, c->issues, c->issues_len, 0);
        }
        /* Without an issue array the call succeeds with the same fields. */
        if (!c->multi) {
            hstsguard_sts again;
            hstsguard_str v = view(&c->value);
            rc = hstsguard_sts_parse(v.data ? v.data : "", v.len, &again, NULL, 0);
            check_rc(rc, HSTSGUARD_OK, "hstsguard_sts_parse without issues");
            if (again.valid != out.valid || again.issues_len != out.issues_len) {
                fail("parsing without an issue array changed the result");
            }
            /* One issue slot: the first issue, and BUFFER_TOO_SMALL when there are more. */
            rc = hstsguard_sts_parse(v.data ? v.data : "", v.len, &again, issues, 1);
            check_rc(rc, out.issues_len > 1 ? HSTSGUARD_BUFFER_TOO_SMALL : HSTSGUARD_OK,
                     "hstsguard_sts_parse with one issue slot");
        }
        release();
        end();
    }
}

/* ---- durations --------------------------------------------------------------------- */

static void run_durations(void) {
    size_t i;
    for (i = 0; i < VT_DURATIONS_COUNT; i++) {
        const vt_durations *c = &vt_durations_cases[i];
        uint64_t seconds = 12345;
        hstsguard_result rc;
        begin("durations", c->id);
        if (c->is_number) {
            rc = hstsguard_duration_from_double(c->number, &seconds);
        } else {
            hstsguard_str t = view(&c->text);
            rc = hstsguard_parse_duration(t.data ? t.data : "", t.len, &seconds);
        }
        if (c->expect & VT_DURATIONS_SECONDS) {
            check_rc(rc, HSTSGUARD_OK, "duration");
            if (seconds != c->seconds) {
                fail("seconds %llu, expected %llu", (unsigned long long)seconds, c->seconds);
            }
        }
        if (c->expect & VT_DURATIONS_ERROR) {
            if (strcmp(hstsguard_result_name(rc), c->error) != 0) {
                fail("error %s, expected %s", hstsguard_result_name(rc), c->error);
            }
            if (seconds != 0) {
                fail("seconds not zeroed on error");
            }
        }
        release();
        end();
    }
}

/* ---- preload ---------------------------------------------------------------------- */

static void run_preload(void) {
    size_t i;
    for (i = 0; i < VT_PRELOAD_COUNT; i++) {
        const vt_preload *c = &vt_preload_cases[i];
        hstsguard_verdict v;
        hstsguard_issue issues[MAX_ISSUES];
        hstsguard_result rc;
        begin("preload", c->id);
        if (c->value.p) {
            hstsguard_str value = view(&c->value);
            hstsguard_str domain = view(&c->domain);
            rc = hstsguard_preload_check(value.data ? value.data : "", value.len, c->removable,
                                         c->domain.p ? (domain.data ? domain.data : "") : NULL,
                                         domain.len, &v, issues, MAX_ISSUES);
        } else {
            hstsguard_str domain = view(&c->domain);
            rc = hstsguard_preload_check_domain(domain.data ? domain.data : "", domain.len, &v,
                                                issues, MAX_ISSUES);
        }
        check_rc(rc, HSTSGUARD_OK, "hstsguard_preload_check");
        if (c->expect & VT_PRELOAD_OK) {
            check_bool("ok", v.ok, c->ok);
        }
        if (c->expect & VT_PRELOAD_ERRORS) {
            check_codes("errors", issues, v.issues_len, c->errors, c->errors_len,
                        HSTSGUARD_SEVERITY_ERROR);
        }
        if (c->expect & VT_PRELOAD_WARNINGS) {
            check_codes("warnings", issues, v.issues_len, c->warnings, c->warnings_len,
                        HSTSGUARD_SEVERITY_WARNING);
        }
        release();
        end();
    }
}

/* ---- hpkp ----------------------------------------------------------------------- */

static void run_hpkp(void) {
    size_t i, k;
    for (i = 0; i < VT_HPKP_COUNT; i++) {
        const vt_hpkp *c = &vt_hpkp_cases[i];
        hstsguard_hpkp out;
        hstsguard_pin chain[8], pins[16];
        hstsguard_issue issues[MAX_ISSUES];
        char uri[512];
        hstsguard_str value;
        hstsguard_result rc;
        begin("hpkp", c->id);
        if (c->chain_len > 8) {
            fail("chain too long");
            end();
            continue;
        }
        for (k = 0; k < c->chain_len; k++) {
            hstsguard_str b64 = view(&c->chain[k]);
            rc = hstsguard_pin_from_base64(b64.data, b64.len, &chain[k]);
            check_rc(rc, HSTSGUARD_OK, "hstsguard_pin_from_base64");
        }
        value = view(&c->value);
        rc = hstsguard_hpkp_parse(value.data ? value.data : "", value.len, c->report_only,
                                  c->has_chain ? chain : NULL, c->chain_len, &out, pins, 16, uri,
                                  sizeof uri, issues, MAX_ISSUES);
        check_rc(rc, HSTSGUARD_OK, "hstsguard_hpkp_parse");
        if (c->expect & VT_HPKP_VALID) {
            check_bool("valid", out.valid, c->valid);
        }
        if (c->expect & VT_HPKP_REPORT_ONLY) {
            check_bool("report_only", out.report_only, c->report_only_exp);
        }
        if (c->expect & VT_HPKP_MAX_AGE) {
            if (!out.has_max_age != !c->has_max_age ||
                (c->has_max_age && out.max_age != c->max_age)) {
                fail("max_age is %d/%llu, expected %d/%llu", out.has_max_age,
                     (unsigned long long)out.max_age, c->has_max_age, c->max_age);
            }
        }
        if (c->expect & VT_HPKP_INCLUDE_SUBDOMAINS) {
            check_bool("include_subdomains", out.include_subdomains, c->include_subdomains);
        }
        if (c->expect & VT_HPKP_PINS) {
            if (out.pins_len != c->pins_len) {
                fail("%zu pins, expected %zu", out.pins_len, c->pins_len);
            } else {
                for (k = 0; k < out.pins_len; k++) {
                    if (!same_bytes(pins[k].base64, strlen(pins[k].base64), &c->pins[k])) {
                        fail("pin %zu is %s", k, pins[k].base64);
                    }
                }
            }
        }
        if (c->expect & VT_HPKP_REPORT_URI) {
            if (!c->report_uri.p) {
                if (out.has_report_uri) {
                    fail("report_uri present, expected null");
                }
            } else if (!out.has_report_uri ||
                       !same_bytes(uri, out.report_uri_len, &c->report_uri)) {
                fail("report_uri differs");
                print_str("got", uri, out.report_uri_len);
            }
        }
        if (c->expect & VT_HPKP_ISSUES) {
            check_codes("issues", issues, out.issues_len, c->issues, c->issues_len, 0);
        }
        release();
        end();
    }
}

/* ---- requests ------------------------------------------------------------------- */

/* The request's headers for the lookup callback. */
typedef struct headers_ctx {
    const hstsguard_header *headers;
    size_t len;
    int calls;
} headers_ctx;

static int ascii_case_equal(const char *a, const char *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') {
            x = (unsigned char)(x + 32);
        }
        if (y >= 'A' && y <= 'Z') {
            y = (unsigned char)(y + 32);
        }
        if (x != y) {
            return 0;
        }
    }
    return 1;
}

static bool lookup(void *userdata, hstsguard_str name, size_t index, hstsguard_str *value_out) {
    headers_ctx *ctx = (headers_ctx *)userdata;
    size_t i, seen = 0;
    ctx->calls++;
    for (i = 0; i < ctx->len; i++) {
        if (ctx->headers[i].name.len == name.len &&
            ascii_case_equal(ctx->headers[i].name.data, name.data, name.len) &&
            seen++ == index) {
            *value_out = ctx->headers[i].value;
            return true;
        }
    }
    return false;
}

#define MAX_HEADERS 16

/* Fills a C request from a table request; `use_lookup` selects the callback over the
 * array. */
static void request_of(const vt_request *r, hstsguard_request *req, hstsguard_header *headers,
                       headers_ctx *ctx, int use_lookup) {
    size_t k;
    memset(req, 0, sizeof *req);
    req->method = view(&r->method);
    req->tls = r->tls != 0;
    req->host = view(&r->host);
    req->target = view(&r->target);
    req->peer = view(&r->peer);
    if (r->headers_len > MAX_HEADERS) {
        fail("too many headers");
        return;
    }
    for (k = 0; k < r->headers_len; k++) {
        headers[k].name = view(&r->headers[k].name);
        headers[k].value = view(&r->headers[k].value);
    }
    ctx->headers = headers;
    ctx->len = r->headers_len;
    ctx->calls = 0;
    if (use_lookup) {
        req->lookup = lookup;
        req->lookup_userdata = ctx;
    } else {
        req->headers = r->headers_len ? headers : NULL;
        req->headers_len = r->headers_len;
    }
}

static void run_secure(void) {
    size_t i;
    int mode;
    for (i = 0; i < VT_SECURE_COUNT; i++) {
        const vt_secure *c = &vt_secure_cases[i];
        hstsguard_policy *p;
        begin("secure", c->id);
        p = policy_of(&c->policy);
        for (mode = 0; p && mode < 2; mode++) {
            hstsguard_request req;
            hstsguard_header headers[MAX_HEADERS];
            headers_ctx ctx;
            hstsguard_decision d;
            char location[8192];
            bool secure = !c->secure;
            request_of(&c->request, &req, headers, &ctx, mode);
            check_rc(hstsguard_policy_is_secure(p, &req, &secure), HSTSGUARD_OK,
                     "hstsguard_policy_is_secure");
            check_rc(hstsguard_policy_evaluate(p, &req, &d, location, sizeof location),
                     HSTSGUARD_OK, "hstsguard_policy_evaluate");
            if (secure != d.secure) {
                fail("is_secure and evaluate disagree (%s)", mode ? "lookup" : "array");
            }
            if (c->expect & VT_SECURE_SECURE) {
                check_bool(mode ? "secure (lookup)" : "secure (array)", secure, c->secure);
            }
        }
        hstsguard_policy_free(p);
        release();
        end();
    }
}

static const char *action_name(hstsguard_action a) {
    switch (a) {
    case HSTSGUARD_ACTION_PASS:
        return "pass";
    case HSTSGUARD_ACTION_REDIRECT:
        return "redirect";
    case HSTSGUARD_ACTION_REJECT:
        return "reject";
    default:
        return "none";
    }
}

static void run_redirect(void) {
    size_t i, k;
    int mode;
    for (i = 0; i < VT_REDIRECT_COUNT; i++) {
        const vt_redirect *c = &vt_redirect_cases[i];
        hstsguard_policy *p;
        begin("redirect", c->id);
        p = policy_of(&c->policy);
        for (mode = 0; p && mode < 2; mode++) {
            hstsguard_request req;
            hstsguard_header headers[MAX_HEADERS];
            headers_ctx ctx;
            hstsguard_decision d, d2;
            hstsguard_result rc;
            char *location = NULL;
            request_of(&c->request, &req, headers, &ctx, mode);
            /* First ask with no buffer, then with exactly the length reported. */
            rc = hstsguard_policy_evaluate(p, &req, &d, NULL, 0);
            if (d.action == HSTSGUARD_ACTION_REDIRECT && d.location_len > 0) {
                check_rc(rc, HSTSGUARD_BUFFER_TOO_SMALL, "evaluate with no buffer");
                location = xmalloc(d.location_len);
                rc = hstsguard_policy_evaluate(p, &req, &d2, location, d.location_len);
                check_rc(rc, HSTSGUARD_OK, "evaluate with the reported length");
                if (d2.location_len != d.location_len || d2.action != d.action) {
                    fail("the second evaluation differs");
                }
            } else {
                check_rc(rc, HSTSGUARD_OK, "hstsguard_policy_evaluate");
            }
            if ((c->expect & VT_REDIRECT_ACTION) && strcmp(action_name(d.action), c->action)) {
                fail("action %s, expected %s (%s)", action_name(d.action), c->action,
                     mode ? "lookup" : "array");
            }
            if (c->expect & VT_REDIRECT_STATUS) {
                int has = d.action == HSTSGUARD_ACTION_REDIRECT ||
                          d.action == HSTSGUARD_ACTION_REJECT;
                if (has != c->has_status || (has && d.status != c->status)) {
                    fail("status %d, expected %d", has ? d.status : -1,
                         c->has_status ? c->status : -1);
                }
            }
            if (c->expect & VT_REDIRECT_LOCATION) {
                if (!c->location.p) {
                    if (d.action == HSTSGUARD_ACTION_REDIRECT) {
                        fail("a location, expected null");
                    }
                } else if (d.action != HSTSGUARD_ACTION_REDIRECT ||
                           !same_bytes(location ? location : "", d.location_len, &c->location)) {
                    fail("location differs");
                    print_str("got", location, d.location_len);
                }
            }
            if (c->expect & VT_REDIRECT_SECURE) {
                check_bool("secure", d.secure, c->secure);
            }
            if (c->expect & VT_REDIRECT_REASON) {
                if (!c->reason.p) {
                    if (d.reason_code) {
                        fail("reason %s, expected null", d.reason_code);
                    }
                } else if (!d.reason_code ||
                           !same_bytes(d.reason_code, strlen(d.reason_code), &c->reason)) {
                    fail("reason %s differs", d.reason_code ? d.reason_code : "(null)");
                }
            }
            if (c->expect & VT_REDIRECT_HEADERS) {
                if (d.headers_len != c->headers_len) {
                    fail("%zu headers, expected %zu", d.headers_len, c->headers_len);
                } else {
                    /* A JSON object: compare by name, in any order. */
                    for (k = 0; k < c->headers_len; k++) {
                        const vt_header *h = &c->headers[k];
                        size_t j;
                        int found = 0;
                        for (j = 0; j < d.headers_len; j++) {
                            const hstsguard_response_header *g = &d.headers[j];
                            if (g->name.len == h->name.len &&
                                ascii_case_equal(g->name.data, h->name.p, g->name.len)) {
                                found = same_bytes(g->value.data, g->value.len, &h->value);
                            }
                        }
                        if (!found) {
                            fail("header %.*s missing or different", (int)h->name.len, h->name.p);
                        }
                    }
                }
            }
            free(location);
        }
        hstsguard_policy_free(p);
        release();
        end();
    }
}

/* ---- cookies --------------------------------------------------------------------- */

static void run_cookie(void) {
    size_t i;
    for (i = 0; i < VT_COOKIE_COUNT; i++) {
        const vt_cookie *c = &vt_cookie_cases[i];
        hstsguard_policy *p;
        begin("cookie", c->id);
        p = policy_of(&c->policy);
        if (p) {
            hstsguard_str value = view(&c->set_cookie);
            hstsguard_cookie out, out2;
            hstsguard_issue issues[MAX_ISSUES];
            hstsguard_result rc;
            char *buf;
            rc = hstsguard_policy_flag_set_cookie(p, value.data ? value.data : "", value.len,
                                                  c->secure, NULL, 0, &out, NULL, 0);
            /* An unchanged value needs no buffer: the caller sends its input. */
            check_rc(rc, (out.len && out.changed) ? HSTSGUARD_BUFFER_TOO_SMALL : HSTSGUARD_OK,
                     "flag with no buffer");
            buf = xmalloc(out.len);
            rc = hstsguard_policy_flag_set_cookie(p, value.data ? value.data : "", value.len,
                                                  c->secure, buf, out.len, &out2, issues,
                                                  MAX_ISSUES);
            check_rc(rc, HSTSGUARD_OK, "flag with the reported length");
            if (c->expect & VT_COOKIE_SET_COOKIE) {
                /* An unchanged value is not copied: what is sent is the input. */
                const char *sent = out2.changed ? buf : (value.data ? value.data : "");
                if (!same_bytes(sent, out2.len, &c->set_cookie_exp)) {
                    fail("set_cookie differs");
                    print_str("got", sent, out2.len);
                }
            }
            if (c->expect & VT_COOKIE_CHANGED) {
                check_bool("changed", out2.changed, c->changed);
                check_bool("changed (no buffer)", out.changed, c->changed);
            }
            if (c->expect & VT_COOKIE_ISSUES) {
                check_codes("issues", issues, out2.issues_len, c->issues, c->issues_len, 0);
            }
            free(buf);
        }
        hstsguard_policy_free(p);
        release();
        end();
    }
}

/* ---- policies ------------------------------------------------------------------- */

static void run_policy(void) {
    size_t i, k;
    for (i = 0; i < VT_POLICY_COUNT; i++) {
        const vt_policy *c = &vt_policy_cases[i];
        hstsguard_policy *p = NULL;
        hstsguard_error *err = NULL;
        hstsguard_str doc;
        hstsguard_result rc;
        begin("policy", c->id);
        doc = view(&c->policy);
        rc = hstsguard_policy_from_json(doc.data, doc.len, &p, &err);
        if (c->expect & VT_POLICY_OK) {
            check_bool("ok", rc == HSTSGUARD_OK, c->ok);
        }
        if (rc == HSTSGUARD_OK) {
            if (!p || err) {
                fail("OK without a policy, or with an error");
            }
            if ((c->expect & VT_POLICY_ERRORS) && c->errors_len) {
                fail("built, expected %zu errors", c->errors_len);
            }
            if (c->expect & VT_POLICY_WARNINGS) {
                size_t n = hstsguard_policy_warnings_len(p);
                hstsguard_issue w[MAX_ISSUES];
                for (k = 0; k < n && k < MAX_ISSUES; k++) {
                    hstsguard_str msg;
                    check_rc(hstsguard_policy_warning(p, k, &w[k], &msg), HSTSGUARD_OK,
                             "hstsguard_policy_warning");
                    if (!msg.data || !msg.len) {
                        fail("warning %zu has no message", k);
                    }
                }
                check_codes("warnings", w, n, c->warnings, c->warnings_len, 0);
            }
        } else {
            size_t n = hstsguard_error_details_len(err);
            if (p) {
                fail("a policy with an error");
            }
            if (!err) {
                fail("no error object");
            }
            if (strcmp(hstsguard_result_name(rc), hstsguard_error_code(err)) != 0 &&
                rc != HSTSGUARD_CONFIG_INVALID_VALUE) {
                fail("result %s but error code %s", hstsguard_result_name(rc),
                     hstsguard_error_code(err));
            }
            if (n > 1 && rc != HSTSGUARD_CONFIG_INVALID) {
                fail("%zu errors but result %s", n, hstsguard_result_name(rc));
            }
            if (c->expect & VT_POLICY_ERRORS) {
                int ok = n == c->errors_len;
                for (k = 0; ok && k < n; k++) {
                    hstsguard_config_error d;
                    check_rc(hstsguard_error_detail(err, k, &d), HSTSGUARD_OK,
                             "hstsguard_error_detail");
                    ok = same_bytes(d.path.data ? d.path.data : "", d.path.len,
                                    &c->errors[k].path) &&
                         strcmp(d.code, c->errors[k].code) == 0 && d.message.len > 0;
                }
                if (!ok) {
                    fail("errors differ");
                    for (k = 0; k < n; k++) {
                        hstsguard_config_error d;
                        hstsguard_error_detail(err, k, &d);
                        fprintf(stderr, "      got  %.*s %s\n", (int)d.path.len,
                                d.path.data ? d.path.data : "", d.code);
                    }
                    for (k = 0; k < c->errors_len; k++) {
                        fprintf(stderr, "      want %.*s %s\n", (int)c->errors[k].path.len,
                                c->errors[k].path.p, c->errors[k].code);
                    }
                }
            }
        }
        hstsguard_error_free(err);
        hstsguard_policy_free(p);
        release();
        end();
    }
}

int main(void) {
    if (strcmp(hstsguard_version(), HSTSGUARD_VERSION) != 0) {
        fprintf(stderr, "library %s, header %s\n", hstsguard_version(), HSTSGUARD_VERSION);
        failed++;
    }
    run_sts();
    run_durations();
    run_preload();
    run_hpkp();
    run_secure();
    run_redirect();
    run_cookie();
    run_policy();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
