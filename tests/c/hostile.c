/*
 * Hostile use of the C API: NULL for each pointer argument, buffers of 0 and 1 bytes,
 * text that is not UTF-8, embedded NUL bytes, a 1 MiB header, handles freed in any order,
 * and 8 threads evaluating one policy. Run under AddressSanitizer + UBSan and valgrind.
 * Prints each failed check and, last, "N passed, N failed".
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hstsguard.h"

static hstsguard_str str_of(const char *s, size_t n) {
    hstsguard_str v;
    v.data = s;
    v.len = n;
    return v;
}

static hstsguard_request get_request(const char *host, const char *target) {
    hstsguard_request r;
    memset(&r, 0, sizeof r);
    r.method = str_of(LIT("GET"));
    r.host = host ? str_of(host, strlen(host)) : str_of(NULL, 0);
    r.target = str_of(target, strlen(target));
    return r;
}

static hstsguard_policy *policy_from_toml(const char *toml) {
    hstsguard_policy *p = NULL;
    hstsguard_error *err = NULL;
    hstsguard_result rc = hstsguard_policy_from_toml(toml, strlen(toml), &p, &err);
    if (rc != HSTSGUARD_OK) {
        fprintf(stderr, "policy failed: %s\n", hstsguard_result_name(rc));
        exit(2);
    }
    return p;
}

static const char *POLICY_TOML =
    "[hsts]\nmax_age = \"2y\"\npreload = true\n"
    "[proxy]\ntrusted = [\"10.0.0.0/8\"]\nsources = [\"x-forwarded-proto\"]\n"
    "[redirect]\nallowed_hosts = [\"example.com\", \".example.com\"]\n";

/* ---- NULL for every pointer argument ---------------------------------------------- */

static void nulls(hstsguard_policy *p) {
    hstsguard_policy *pp = NULL;
    hstsguard_policy_builder *b = NULL;
    hstsguard_error *err = NULL;
    hstsguard_request req = get_request("example.com", "/");
    hstsguard_decision d;
    hstsguard_cookie ck;
    hstsguard_sts sts;
    hstsguard_hpkp hp;
    hstsguard_verdict v;
    hstsguard_pin pin;
    hstsguard_issue issue;
    hstsguard_str s;
    hstsguard_config_error ce;
    uint64_t secs;
    size_t len;
    bool secure;
    char buf[64];

    /* Policies. */
    CHECK_RC(hstsguard_policy_from_toml(NULL, 3, &pp, &err), HSTSGUARD_NULL_ARGUMENT);
    CHECK(pp == NULL && err != NULL);
    CHECK(err && strcmp(hstsguard_error_code(err), "argument.null") == 0);
    CHECK(hstsguard_error_result(err) == HSTSGUARD_NULL_ARGUMENT);
    hstsguard_error_free(err);
    err = NULL;
    CHECK_RC(hstsguard_policy_from_toml(NULL, 0, &pp, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_from_toml(LIT(""), NULL, &err), HSTSGUARD_NULL_ARGUMENT);
    hstsguard_error_free(err);
    err = NULL;
    CHECK_RC(hstsguard_policy_from_json(NULL, 2, &pp, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_from_json(LIT("{}"), NULL, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_from_file(NULL, 5, &pp, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_from_file(LIT("/x"), NULL, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_default(NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_hsts_value(NULL, &s), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_hsts_value(p, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK(hstsguard_policy_warnings_len(NULL) == 0);
    CHECK_RC(hstsguard_policy_warning(NULL, 0, &issue, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_warning(p, 0, NULL, NULL), HSTSGUARD_NULL_ARGUMENT);
    hstsguard_policy_free(NULL);

    /* Builders. */
    CHECK_RC(hstsguard_policy_builder_new(NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_new(&b), HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_builder_set_bool(NULL, LIT("hsts.preload"), true),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_bool(b, NULL, 4, true), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_int(NULL, LIT("hsts.max_age"), 1),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_int(b, NULL, 0, 1), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_string(NULL, LIT("hsts.max_age"), LIT("1y")),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_string(b, NULL, 3, LIT("1y")),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_string(b, LIT("hsts.max_age"), NULL, 2),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_append_string(NULL, LIT("proxy.trusted"), LIT("::1")),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_append_string(b, NULL, 1, LIT("::1")),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_append_string(b, LIT("proxy.trusted"), NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_add_cookie_rule(NULL, LIT("*"), 2, 0, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_add_cookie_rule(b, NULL, 1, 2, 0, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_build(NULL, &pp, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_build(b, NULL, NULL), HSTSGUARD_NULL_ARGUMENT);
    hstsguard_policy_builder_free(b);
    hstsguard_policy_builder_free(NULL);

    /* Errors. */
    CHECK(hstsguard_error_result(NULL) == HSTSGUARD_NULL_ARGUMENT);
    CHECK(hstsguard_error_code(NULL) == NULL);
    CHECK_RC(hstsguard_error_message(NULL, buf, sizeof buf, &len), HSTSGUARD_NULL_ARGUMENT);
    CHECK(hstsguard_error_details_len(NULL) == 0);
    CHECK_RC(hstsguard_error_detail(NULL, 0, &ce), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_from_json(LIT("[]"), &pp, &err), HSTSGUARD_CONFIG_INVALID_TYPE);
    CHECK_RC(hstsguard_error_message(err, buf, sizeof buf, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_error_message(err, NULL, 4, &len), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_error_detail(err, 0, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_error_detail(err, 0, &ce), HSTSGUARD_OK);
    CHECK(ce.path.len == 0 && strcmp(ce.code, "config.invalid_type") == 0);
    hstsguard_error_free(err);
    err = NULL;
    hstsguard_error_free(NULL);

    /* Requests. */
    CHECK_RC(hstsguard_policy_evaluate(NULL, &req, &d, buf, sizeof buf), HSTSGUARD_NULL_ARGUMENT);
    CHECK(d.action == HSTSGUARD_ACTION_NONE);
    CHECK_RC(hstsguard_policy_evaluate(p, NULL, &d, buf, sizeof buf), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_evaluate(p, &req, NULL, buf, sizeof buf), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, NULL, 10), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_is_secure(NULL, &req, &secure), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_is_secure(p, NULL, &secure), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_is_secure(p, &req, NULL), HSTSGUARD_NULL_ARGUMENT);
    req.method = str_of(NULL, 3);
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, buf, sizeof buf), HSTSGUARD_NULL_ARGUMENT);
    req = get_request("example.com", "/");
    req.target = str_of(NULL, 1);
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, buf, sizeof buf), HSTSGUARD_NULL_ARGUMENT);
    req = get_request("example.com", "/");
    req.host = str_of(NULL, 4);
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, buf, sizeof buf), HSTSGUARD_NULL_ARGUMENT);
    req = get_request("example.com", "/");
    req.peer = str_of(NULL, 8);
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, buf, sizeof buf), HSTSGUARD_NULL_ARGUMENT);
    req = get_request("example.com", "/");
    req.headers = NULL;
    req.headers_len = 2;
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, buf, sizeof buf), HSTSGUARD_NULL_ARGUMENT);
    {
        /* Header entries with a NULL view and a length are ignored (never read). */
        hstsguard_header h[2];
        req = get_request("example.com", "/");
        req.tls = false;
        req.peer = str_of(LIT("10.0.0.1"));
        h[0].name = str_of(NULL, 17);
        h[0].value = str_of(LIT("https"));
        h[1].name = str_of(LIT("X-Forwarded-Proto"));
        h[1].value = str_of(NULL, 5);
        req.headers = h;
        req.headers_len = 2;
        CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, buf, sizeof buf), HSTSGUARD_OK);
        CHECK(!d.secure && d.action == HSTSGUARD_ACTION_REDIRECT);
    }
    /* Absent (NULL, 0) views are fine: no host is a 400. */
    req = get_request(NULL, "/");
    req.method = str_of(NULL, 0);
    req.target = str_of(NULL, 0);
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, buf, sizeof buf), HSTSGUARD_OK);
    CHECK(d.action == HSTSGUARD_ACTION_REJECT && d.status == 400 &&
          strcmp(d.reason_code, "host.missing") == 0);

    /* Cookies. */
    CHECK_RC(hstsguard_policy_flag_set_cookie(NULL, LIT("a=1"), true, buf, sizeof buf, &ck, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, NULL, 3, true, buf, sizeof buf, &ck, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, LIT("a=1"), true, NULL, 5, &ck, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, LIT("a=1"), true, buf, sizeof buf, NULL, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, LIT("a=1"), true, buf, sizeof buf, &ck, NULL, 3),
             HSTSGUARD_NULL_ARGUMENT);
    /* The output buffer over the value itself: refused, nothing written. */
    memcpy(buf, "a=1", 3);
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, buf, 3, true, buf, sizeof buf, &ck, NULL, 0),
             HSTSGUARD_INVALID_ARGUMENT);
    CHECK(memcmp(buf, "a=1", 3) == 0);
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, buf + 1, 2, true, buf, 2, &ck, NULL, 0),
             HSTSGUARD_INVALID_ARGUMENT);

    /* Parsers. */
    CHECK_RC(hstsguard_sts_parse(NULL, 5, &sts, NULL, 0), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_sts_parse(NULL, 0, &sts, NULL, 0), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_sts_parse(LIT("max-age=1"), NULL, NULL, 0), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_sts_parse(LIT("max-age=1"), &sts, NULL, 4), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_sts_parse_fields(NULL, 2, &sts, NULL, 0), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_sts_parse_fields(NULL, 0, NULL, NULL, 0), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_sts_parse_fields(NULL, 0, &sts, NULL, 0), HSTSGUARD_OK);
    CHECK(!sts.valid && sts.issues_len == 1);
    CHECK_RC(hstsguard_sts_format(1, true, false, NULL, 0, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_sts_format(1, true, false, NULL, 8, &len), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_preload_check(NULL, 3, false, NULL, 0, &v, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_preload_check(LIT("max-age=1"), false, NULL, 0, NULL, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_preload_check(LIT("max-age=1"), false, NULL, 0, &v, NULL, 2),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_preload_check_domain(NULL, 3, &v, NULL, 0), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_preload_check_domain(LIT("a.com"), &v, NULL, 1), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_preload_check_domain(LIT("a.com"), NULL, NULL, 0), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_parse_duration(NULL, 2, &secs), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_parse_duration(LIT("1y"), NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_duration_from_double(1.0, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_pin_from_base64(NULL, 44, &pin), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_pin_from_base64(LIT("x"), NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_pin_of_certificate(NULL, 10, &pin), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_pin_of_certificate((const uint8_t *)"x", 1, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_hpkp_parse(NULL, 3, false, NULL, 0, &hp, NULL, 0, NULL, 0, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_hpkp_parse(LIT("max-age=1"), false, NULL, 0, NULL, NULL, 0, NULL, 0, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_hpkp_parse(LIT("max-age=1"), false, NULL, 0, &hp, NULL, 2, NULL, 0, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_hpkp_parse(LIT("max-age=1"), false, NULL, 0, &hp, NULL, 0, NULL, 9, NULL, 0),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_hpkp_parse(LIT("max-age=1"), false, NULL, 0, &hp, NULL, 0, NULL, 0, NULL, 3),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_hpkp_parse(LIT("max-age=1"), false, NULL, 0, &hp, NULL, 0, NULL, 0, NULL, 0),
             HSTSGUARD_OK);
    CHECK(!hp.valid && hp.has_max_age && hp.max_age == 1 && hp.issues_len >= 2);

    /* Static strings. */
    CHECK(strcmp(hstsguard_result_name(HSTSGUARD_OK), "ok") == 0);
    CHECK(strcmp(hstsguard_result_name(99999), "unknown") == 0);
    CHECK(strcmp(hstsguard_result_name(HSTSGUARD_CONFIG_INVALID), "config.invalid") == 0);
    CHECK(strcmp(hstsguard_version(), HSTSGUARD_VERSION) == 0);
}

/* ---- buffers of 0 and 1 bytes ------------------------------------------------------ */

static void small_buffers(hstsguard_policy *p) {
    hstsguard_request req = get_request("example.com", "/path?q=1");
    hstsguard_decision d;
    hstsguard_cookie ck;
    hstsguard_issue issues[1];
    hstsguard_sts sts;
    hstsguard_hpkp hp;
    hstsguard_pin pins[1];
    hstsguard_error *err = NULL;
    hstsguard_policy *bad = NULL;
    char guard[4] = {'#', '#', '#', '#'};
    size_t len = 99;
    const char *hpkp =
        "pin-sha256=\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\"; "
        "pin-sha256=\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\"; max-age=60; "
        "report-uri=\"https://example.com/r\"";

    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, NULL, 0), HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(d.action == HSTSGUARD_ACTION_REDIRECT && d.status == 301 &&
          d.location_len == strlen("https://example.com/path?q=1"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, guard, 0), HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, guard, 1), HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(guard[0] == '#' && guard[1] == '#');
    /* A pass needs no buffer at all. */
    req.tls = true;
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, NULL, 0), HSTSGUARD_OK);
    CHECK(d.action == HSTSGUARD_ACTION_PASS && d.location_len == 0 && d.headers_len == 1);

    CHECK_RC(hstsguard_policy_flag_set_cookie(p, LIT("a=1"), true, NULL, 0, &ck, NULL, 0),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(ck.len == strlen("a=1; Secure") && ck.changed);
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, LIT("a=1"), true, guard, 1, &ck, NULL, 0),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(guard[0] == '#');
    /* An unchanged empty-ish value fits in 0 bytes only when it is empty. */
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, "", 0, true, NULL, 0, &ck, issues, 1),
             HSTSGUARD_OK);
    CHECK(ck.len == 0 && !ck.changed && ck.issues_len == 1);
    /* Issue arrays: more issues than room. */
    CHECK_RC(hstsguard_sts_parse(LIT("max-age=1; max-age=2; a=b; c=d"), &sts, issues, 1),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(sts.issues_len > 1 && issues[0].code != NULL);
    CHECK_RC(hstsguard_sts_parse(LIT("max-age=1; a"), &sts, issues, 0),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK_RC(hstsguard_sts_format(31536000, true, true, guard, 1, &len), HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(len == strlen("max-age=31536000; includeSubDomains; preload") && guard[0] == '#');
    CHECK_RC(hstsguard_hpkp_parse(hpkp, strlen(hpkp), false, NULL, 0, &hp, pins, 1, guard, 1,
                                  NULL, 0),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(hp.pins_len == 2 && hp.has_report_uri && hp.report_uri_len == 21 && guard[0] == '#');
    CHECK(strlen(pins[0].base64) == 44);

    CHECK_RC(hstsguard_policy_from_toml(LIT("[hsts]\nmax_age = -1\nbogus = 1\n"), &bad, &err),
             HSTSGUARD_CONFIG_INVALID);
    CHECK_RC(hstsguard_error_message(err, NULL, 0, &len), HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(len > 20);
    CHECK_RC(hstsguard_error_message(err, guard, 1, &len), HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(guard[0] == '#');
    CHECK(hstsguard_error_details_len(err) == 2);
    {
        hstsguard_config_error ce;
        CHECK_RC(hstsguard_error_detail(err, 0, &ce), HSTSGUARD_OK);
        CHECK(ce.path.len == strlen("hsts.max_age") &&
              memcmp(ce.path.data, "hsts.max_age", ce.path.len) == 0 &&
              strcmp(ce.code, "duration.negative") == 0);
        CHECK_RC(hstsguard_error_detail(err, 2, &ce), HSTSGUARD_INVALID_ARGUMENT);
    }
    hstsguard_error_free(err);
}

/* ---- text that is not UTF-8, embedded NUL bytes -------------------------------------- */

static void bad_text(hstsguard_policy *p) {
    hstsguard_policy *pp = NULL;
    hstsguard_policy_builder *b = NULL;
    hstsguard_error *err = NULL;
    hstsguard_request req;
    hstsguard_decision d;
    hstsguard_cookie ck;
    hstsguard_sts sts;
    hstsguard_issue issues[4];
    char loc[256];
    uint64_t secs;

    CHECK_RC(hstsguard_policy_from_toml(LIT("[hsts]\nmax_age = \"1\xff\"\n"), &pp, &err),
             HSTSGUARD_INVALID_UTF8);
    CHECK(pp == NULL && err && strcmp(hstsguard_error_code(err), "argument.invalid_utf8") == 0);
    hstsguard_error_free(err);
    err = NULL;
    CHECK_RC(hstsguard_policy_from_json(LIT("{\"hsts\": {\"max_age\": \"1y\0\"}}"), &pp, &err),
             HSTSGUARD_CONFIG_SYNTAX);
    hstsguard_error_free(err);
    err = NULL;
    CHECK_RC(hstsguard_policy_from_file(LIT("/nonexistent/\xff\0policy.toml"), &pp, &err),
             HSTSGUARD_INVALID_ARGUMENT);
    hstsguard_error_free(err);
    err = NULL;
    CHECK_RC(hstsguard_policy_from_file(LIT("/nonexistent/\xff/policy.toml"), &pp, &err),
             HSTSGUARD_IO);
    CHECK(err && hstsguard_error_result(err) == HSTSGUARD_IO);
    hstsguard_error_free(err);
    err = NULL;

    CHECK_RC(hstsguard_policy_builder_new(&b), HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_builder_set_string(b, LIT("hsts.max_age"), LIT("1\xfe")),
             HSTSGUARD_INVALID_UTF8);
    CHECK_RC(hstsguard_policy_builder_set_bool(b, LIT("hsts.\xff"), true), HSTSGUARD_INVALID_UTF8);
    CHECK_RC(hstsguard_policy_builder_set_bool(b, LIT("hsts..preload"), true),
             HSTSGUARD_INVALID_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_bool(b, LIT(""), true), HSTSGUARD_INVALID_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_bool(b, LIT("hsts.pre\0load"), true), HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_builder_add_cookie_rule(b, LIT("*"), 7, 0, 0),
             HSTSGUARD_INVALID_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_add_cookie_rule(b, LIT("*"), 0, 0, 4),
             HSTSGUARD_INVALID_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_build(b, &pp, &err), HSTSGUARD_CONFIG_UNKNOWN_KEY);
    CHECK(pp == NULL && hstsguard_error_details_len(err) == 1);
    hstsguard_error_free(err);
    err = NULL;
    /* A table given a value, a second value for a key that holds one: both reported by
     * build with their paths (the deferred setters check the key's shape only). */
    hstsguard_policy_builder_free(b);
    CHECK_RC(hstsguard_policy_builder_new(&b), HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_builder_set_bool(b, LIT("redirect"), true), HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_builder_set_bool(b, LIT("redirect.enabled"), true), HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_builder_set_string(b, LIT("hsts.max_age"), LIT("1y")), HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_builder_set_string(b, LIT("hsts.max_age"), LIT("2y")), HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_builder_append_string(b, LIT("hsts.max_age[1]"), LIT("2y")),
             HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_builder_build(b, &pp, &err), HSTSGUARD_CONFIG_INVALID);
    CHECK(pp == NULL && hstsguard_error_details_len(err) == 2);
    hstsguard_error_free(err);
    err = NULL;
    /* set_text checks at once and leaves the builder unchanged on a problem. */
    CHECK_RC(hstsguard_policy_builder_set_text(b, LIT("hsts.max_agee"), LIT("1y"), &err),
             HSTSGUARD_CONFIG_UNKNOWN_KEY);
    CHECK(err && strstr(hstsguard_error_code(err), "config.unknown_key") != NULL);
    hstsguard_error_free(err);
    err = NULL;
    CHECK_RC(hstsguard_policy_builder_set_text(b, LIT("hsts.max_age"), LIT("-1"), NULL),
             HSTSGUARD_DURATION_NEGATIVE);
    CHECK_RC(hstsguard_policy_builder_set_text(NULL, LIT("hsts.max_age"), LIT("1y"), NULL),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_text(b, LIT("hsts.max_age"), NULL, 2, NULL),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_builder_set_text(b, LIT("hsts.max_age"), LIT("1\xfe"), NULL),
             HSTSGUARD_INVALID_UTF8);
    hstsguard_policy_builder_free(b);

    /* Per-key inheritance: a document laid over a file-like base keeps every key it does
     * not set (includeSubDomains stays off), lists are replaced as a whole. */
    {
        hstsguard_policy_builder *base = NULL, *over = NULL, *both = NULL;
        hstsguard_str v;
        CHECK_RC(hstsguard_policy_builder_from_text(
                     LIT("[hsts]\nmax_age = \"1y\"\ninclude_subdomains = false\n"
                         "[redirect]\nallowed_hosts = [\"a.example\", \"b.example\"]\n"),
                     &base, &err),
                 HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_new(&over), HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_set_text(over, LIT("hsts.max-age"), LIT("300"), NULL),
                 HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_set_text(over, LIT("redirect.allowed_hosts"),
                                                   LIT("c.example"), NULL),
                 HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_overlay(base, over, &both), HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_build(both, &pp, &err), HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_hsts_value(pp, &v), HSTSGUARD_OK);
        CHECK(v.len == 11 && memcmp(v.data, "max-age=300", 11) == 0);
        req = get_request("b.example", "/");
        CHECK_RC(hstsguard_policy_evaluate(pp, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
        CHECK(d.action == HSTSGUARD_ACTION_REJECT && strcmp(d.reason_code, "host.not_allowed") == 0);
        hstsguard_policy_free(pp);
        pp = NULL;
        hstsguard_policy_builder_free(both);
        both = NULL;
        CHECK_RC(hstsguard_policy_builder_overlay(NULL, over, &both), HSTSGUARD_NULL_ARGUMENT);
        CHECK(both == NULL);
        CHECK_RC(hstsguard_policy_builder_overlay(base, over, NULL), HSTSGUARD_NULL_ARGUMENT);
        CHECK_RC(hstsguard_policy_builder_from_text(LIT("[hsts]\nmax_age = -1\n"), &both, &err),
                 HSTSGUARD_DURATION_NEGATIVE);
        CHECK(both == NULL && err != NULL);
        hstsguard_error_free(err);
        err = NULL;
        CHECK_RC(hstsguard_policy_builder_from_file(LIT("/nonexistent/policy.toml"), &both, &err),
                 HSTSGUARD_IO);
        CHECK(both == NULL);
        hstsguard_error_free(err);
        err = NULL;
        CHECK_RC(hstsguard_policy_builder_from_text(NULL, 3, &both, NULL), HSTSGUARD_NULL_ARGUMENT);
        hstsguard_policy_builder_free(base);
        hstsguard_policy_builder_free(over);
    }

    /* A Host that is not UTF-8 or has a NUL byte is malformed: 400. */
    req = get_request("ex\xffmple.com", "/");
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
    CHECK(d.action == HSTSGUARD_ACTION_REJECT && d.status == 400 &&
          strcmp(d.reason_code, "host.malformed") == 0);
    req = get_request("example.com", "/");
    req.host = str_of(LIT("exa\0mple.com"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
    CHECK(d.action == HSTSGUARD_ACTION_REJECT && strcmp(d.reason_code, "host.malformed") == 0);
    /* ... but a secure request passes (the Host only matters for redirects). */
    req = get_request("ex\xffmple.com", "/");
    req.tls = true;
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
    CHECK(d.action == HSTSGUARD_ACTION_PASS && d.secure);

    /* A target that is not UTF-8 is percent-encoded; NUL too. */
    req = get_request("example.com", "/a\xff\xfe?b");
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
    CHECK(d.action == HSTSGUARD_ACTION_REDIRECT && d.location_len == 29 &&
          memcmp(loc, "https://example.com/a%FF%FE?b", 29) == 0);
    req.target = str_of(LIT("/a\0b"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
    CHECK(d.action == HSTSGUARD_ACTION_REDIRECT &&
          d.location_len == strlen("https://example.com/a%00b") &&
          memcmp(loc, "https://example.com/a%00b", d.location_len) == 0);
    CHECK(memchr(loc, '\0', d.location_len) == NULL);

    /* A method that is not UTF-8 is not GET: 308. */
    req = get_request("example.com", "/");
    req.method = str_of(LIT("G\xc3T"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
    CHECK(d.action == HSTSGUARD_ACTION_REDIRECT && d.status == 308);

    /* A header value that is not UTF-8 is ignored; the next field of that name counts. */
    {
        hstsguard_header h[2];
        req = get_request("example.com", "/");
        req.peer = str_of(LIT("10.1.2.3"));
        h[0].name = str_of(LIT("X-Forwarded-Proto"));
        h[0].value = str_of(LIT("https\xff"));
        req.headers = h;
        req.headers_len = 1;
        CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
        CHECK(!d.secure);
        h[1].name = str_of(LIT("x-forwarded-proto"));
        h[1].value = str_of(LIT("https"));
        req.headers_len = 2;
        CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
        CHECK(d.secure && d.action == HSTSGUARD_ACTION_PASS);
    }

    /* Peers: not an address, with a port, with a NUL, not UTF-8. */
    req = get_request("example.com", "/");
    req.peer = str_of(LIT("10.0.0.1:8080"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_INVALID_PEER);
    CHECK(d.action == HSTSGUARD_ACTION_NONE);
    req.peer = str_of(LIT("10.0.0.1\0"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_INVALID_PEER);
    req.peer = str_of(LIT("10.0.0.\xff"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_INVALID_PEER);
    req.peer = str_of(LIT("2001:db8::1"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);

    /* Cookies: not UTF-8 is flagged byte-wise (issue 15); a NUL is a control character,
     * left unchanged. */
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, LIT("a=\xff; Path=/\xe9"), true, loc, sizeof loc,
                                              &ck, NULL, 0),
             HSTSGUARD_OK);
    CHECK(ck.changed && ck.len == strlen("a=\xff; Path=/\xe9; Secure") &&
          memcmp(loc, "a=\xff; Path=/\xe9; Secure", ck.len) == 0);
    /* A nameless cookie is flagged like any other. */
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, LIT("abc"), true, loc, sizeof loc, &ck, issues, 4),
             HSTSGUARD_OK);
    CHECK(ck.changed && ck.len == strlen("abc; Secure") && memcmp(loc, "abc; Secure", ck.len) == 0 &&
          ck.issues_len == 1 && strcmp(issues[0].code, "cookie.nameless") == 0);
    /* Unchanged but too long for the buffer: success, nothing to write (issue 15). */
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, LIT("a=1234567890; Secure"), true, loc, 4, &ck,
                                              NULL, 0),
             HSTSGUARD_OK);
    CHECK(!ck.changed && ck.len == strlen("a=1234567890; Secure"));
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, LIT("a=1\0; Secure"), true, loc, sizeof loc, &ck,
                                              issues, 4),
             HSTSGUARD_OK);
    CHECK(!ck.changed && ck.len == 12 && ck.issues_len == 1 &&
          strcmp(issues[0].code, "cookie.malformed.control_character") == 0);

    /* Parsers. */
    CHECK_RC(hstsguard_sts_parse(LIT("max-age=1\xff"), &sts, issues, 4), HSTSGUARD_INVALID_UTF8);
    CHECK(!sts.valid);
    CHECK_RC(hstsguard_sts_parse(LIT("max-age=1\0"), &sts, issues, 4), HSTSGUARD_OK);
    CHECK(!sts.valid && strcmp(issues[0].code, "header.parse.syntax.invalid_character") == 0);
    CHECK_RC(hstsguard_parse_duration(LIT("1\0y"), &secs), HSTSGUARD_DURATION_UNKNOWN_UNIT);
    CHECK_RC(hstsguard_parse_duration(LIT("\xff"), &secs), HSTSGUARD_INVALID_UTF8);
    /* Lengths above PTRDIFF_MAX are refused before anything is read. */
    CHECK_RC(hstsguard_sts_parse("x", SIZE_MAX, &sts, NULL, 0), HSTSGUARD_INVALID_ARGUMENT);
    req = get_request("example.com", "/");
    req.headers = (const hstsguard_header *)&req;
    req.headers_len = SIZE_MAX / 2;
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_INVALID_ARGUMENT);
}

/* ---- lookup callbacks ------------------------------------------------------------- */

static bool always(void *userdata, hstsguard_str name, size_t index, hstsguard_str *value_out) {
    (void)name;
    (void)index;
    ++*(size_t *)userdata;
    *value_out = str_of(LIT("https"));
    return true;
}

static bool big_header(void *userdata, hstsguard_str name, size_t index, hstsguard_str *value_out) {
    const char *big = (const char *)userdata;
    (void)name;
    if (index > 0) {
        return false;
    }
    *value_out = str_of(big, strlen(big));
    return true;
}

static void callbacks(hstsguard_policy *p) {
    hstsguard_policy *right;
    hstsguard_request req = get_request("example.com", "/");
    hstsguard_decision d;
    hstsguard_header h[1];
    size_t calls = 0;
    char loc[64];

    req.peer = str_of(LIT("10.0.0.1"));
    req.lookup = always;
    req.lookup_userdata = &calls;
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
    CHECK(d.secure && calls == 1);
    /* Both an array and a callback: refused. */
    h[0].name = str_of(LIT("X-Forwarded-Proto"));
    h[0].value = str_of(LIT("https"));
    req.headers = h;
    req.headers_len = 1;
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, sizeof loc), HSTSGUARD_INVALID_ARGUMENT);
    /* The rightmost rule reads every field: a callback that never says "no" is bounded. */
    right = policy_from_toml("[proxy]\ntrusted = [\"10.0.0.0/8\"]\n"
                             "sources = [\"x-forwarded-proto\"]\nlist = \"rightmost\"\n");
    req.headers = NULL;
    req.headers_len = 0;
    calls = 0;
    CHECK_RC(hstsguard_policy_evaluate(right, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
    CHECK(d.secure && calls == 1024);
    /* Untrusted peers never reach the callback. */
    calls = 0;
    req.peer = str_of(LIT("192.0.2.1"));
    CHECK_RC(hstsguard_policy_evaluate(right, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
    CHECK(!d.secure && calls == 0 && d.action == HSTSGUARD_ACTION_REDIRECT);
    hstsguard_policy_free(right);
}

/* ---- 1 MiB inputs ------------------------------------------------------------------- */

#define MIB (1024 * 1024)

static void huge(hstsguard_policy *p) {
    char *big = malloc(MIB + 1), *loc = malloc(2 * MIB), *out = malloc(2 * MIB);
    hstsguard_request req = get_request("example.com", "/");
    hstsguard_decision d;
    hstsguard_header h[1];
    hstsguard_cookie ck;
    hstsguard_sts sts;
    size_t i;
    if (!big || !loc || !out) {
        exit(2);
    }
    /* A 1 MiB X-Forwarded-Proto list "http, http, ..., https" from a trusted proxy. */
    for (i = 0; i < MIB; i++) {
        big[i] = "http, "[i % 6];
    }
    memcpy(big + MIB - 7, ", https", 7);
    big[MIB] = '\0';
    req.peer = str_of(LIT("10.9.9.9"));
    h[0].name = str_of(LIT("X-Forwarded-Proto"));
    h[0].value = str_of(big, MIB);
    req.headers = h;
    req.headers_len = 1;
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, 2 * MIB), HSTSGUARD_OK);
    CHECK(!d.secure); /* leftmost: "http" */
    req.headers = NULL;
    req.headers_len = 0;
    req.lookup = big_header;
    req.lookup_userdata = big;
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, 2 * MIB), HSTSGUARD_OK);
    CHECK(!d.secure);

    /* A 1 MiB target: the Location is 1 MiB too. */
    memset(big, 'a', MIB);
    big[0] = '/';
    req = get_request("example.com", "/");
    req.target = str_of(big, MIB);
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, 100), HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(d.location_len == MIB + strlen("https://example.com"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, d.location_len), HSTSGUARD_OK);
    CHECK(memcmp(loc + d.location_len - 3, "aaa", 3) == 0);
    /* A 1 MiB Host is malformed or not allowed, never redirected. */
    req.host = str_of(big, MIB);
    req.target = str_of(LIT("/"));
    CHECK_RC(hstsguard_policy_evaluate(p, &req, &d, loc, 2 * MIB), HSTSGUARD_OK);
    CHECK(d.action == HSTSGUARD_ACTION_REJECT && d.status == 400);

    /* A 1 MiB cookie and STS value. */
    memcpy(big, "id=", 3);
    CHECK_RC(hstsguard_policy_flag_set_cookie(p, big, MIB, true, out, 2 * MIB, &ck, NULL, 0),
             HSTSGUARD_OK);
    CHECK(ck.changed && ck.len == MIB + strlen("; Secure"));
    memcpy(big, "max-age=", 8);
    for (i = 8; i < MIB; i++) {
        big[i] = '9';
    }
    CHECK_RC(hstsguard_sts_parse(big, MIB, &sts, NULL, 0), HSTSGUARD_OK);
    CHECK(sts.valid && sts.max_age == 9007199254740991ULL);
    free(big);
    free(loc);
    free(out);
}

/* ---- handles freed in any order ----------------------------------------------------- */

static void free_orders(void) {
    int order;
    for (order = 0; order < 6; order++) {
        hstsguard_policy_builder *b = NULL;
        hstsguard_policy *p1 = NULL, *p2 = NULL;
        hstsguard_error *err = NULL;
        hstsguard_request req = get_request("www.example.org", "/x");
        hstsguard_decision d;
        hstsguard_str hsts;
        char loc[128];
        void *handles[3];
        int kinds[3] = {0, 1, 2};
        int i;

        CHECK_RC(hstsguard_policy_builder_new(&b), HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_set_string(b, LIT("hsts.max_age"), LIT("2y")),
                 HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_set_bool(b, LIT("hsts.preload"), true), HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_append_string(b, LIT("redirect.allowed_hosts"),
                                                        LIT(".example.org")),
                 HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_add_cookie_rule(b, LIT("*"), HSTSGUARD_FLAG_ON,
                                                          HSTSGUARD_FLAG_ON,
                                                          HSTSGUARD_SAME_SITE_LAX),
                 HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_build(b, &p1, &err), HSTSGUARD_OK);
        CHECK(err == NULL);
        CHECK_RC(hstsguard_policy_builder_set_int(b, LIT("redirect.status_get_head"), 308),
                 HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_build(b, &p2, NULL), HSTSGUARD_OK);
        CHECK_RC(hstsguard_policy_builder_set_int(b, LIT("redirect.status_get_head"), 200),
                 HSTSGUARD_OK);
        {
            hstsguard_policy *p3 = (hstsguard_policy *)&order; /* overwritten with NULL */
            CHECK_RC(hstsguard_policy_builder_build(b, &p3, &err), HSTSGUARD_CONFIG_INVALID_VALUE);
            CHECK(p3 == NULL && err != NULL && hstsguard_error_details_len(err) == 1);
        }
        handles[0] = b;
        handles[1] = p1;
        handles[2] = err;
        /* The six orders of freeing the builder, a policy and an error; p2 is used after
         * each free and freed last. */
        kinds[0] = order % 3;
        kinds[1] = (order / 3 + 1 + kinds[0]) % 3;
        kinds[2] = 3 - kinds[0] - kinds[1];
        for (i = 0; i < 3; i++) {
            switch (kinds[i]) {
            case 0:
                hstsguard_policy_builder_free((hstsguard_policy_builder *)handles[0]);
                break;
            case 1:
                hstsguard_policy_free((hstsguard_policy *)handles[1]);
                break;
            default:
                hstsguard_error_free((hstsguard_error *)handles[2]);
                break;
            }
            CHECK_RC(hstsguard_policy_evaluate(p2, &req, &d, loc, sizeof loc), HSTSGUARD_OK);
            CHECK(d.action == HSTSGUARD_ACTION_REDIRECT && d.status == 308);
        }
        CHECK_RC(hstsguard_policy_hsts_value(p2, &hsts), HSTSGUARD_OK);
        CHECK(hsts.len == strlen("max-age=63072000; includeSubDomains; preload"));
        hstsguard_policy_free(p2);
    }
}

/* ---- 8 threads, one policy ------------------------------------------------------------ */

#define THREADS 8
#define ROUNDS 2000

typedef struct thread_arg {
    hstsguard_policy *policy;
    int id;
    int errors;
} thread_arg;

static void *evaluate_many(void *arg) {
    thread_arg *t = (thread_arg *)arg;
    char loc[256], target[64], cookie[128];
    int i;
    for (i = 0; i < ROUNDS; i++) {
        hstsguard_request req;
        hstsguard_decision d;
        hstsguard_header h[1];
        hstsguard_cookie ck;
        int n = snprintf(target, sizeof target, "/t%d/r%d?x", t->id, i);
        char expect[128];
        int elen = snprintf(expect, sizeof expect, "https://example.com%s", target);
        req = get_request("example.com", target);
        req.target.len = (size_t)n;
        if (hstsguard_policy_evaluate(t->policy, &req, &d, loc, sizeof loc) != HSTSGUARD_OK ||
            d.action != HSTSGUARD_ACTION_REDIRECT || d.location_len != (size_t)elen ||
            memcmp(loc, expect, (size_t)elen) != 0) {
            t->errors++;
        }
        req.peer = str_of(LIT("10.0.0.7"));
        h[0].name = str_of(LIT("X-Forwarded-Proto"));
        h[0].value = str_of(LIT("https"));
        req.headers = h;
        req.headers_len = 1;
        if (hstsguard_policy_evaluate(t->policy, &req, &d, NULL, 0) != HSTSGUARD_OK ||
            d.action != HSTSGUARD_ACTION_PASS || !d.secure || d.headers_len != 1 ||
            d.headers[0].value.len != strlen("max-age=63072000; includeSubDomains; preload")) {
            t->errors++;
        }
        if (hstsguard_policy_flag_set_cookie(t->policy, LIT("__Host-id=1; Domain=x"), true,
                                             cookie, sizeof cookie, &ck, NULL, 0) !=
                HSTSGUARD_OK ||
            !ck.changed) {
            t->errors++;
        }
    }
    return NULL;
}

static void threads(hstsguard_policy *p) {
    pthread_t tids[THREADS];
    thread_arg args[THREADS];
    int i, errors = 0;
    for (i = 0; i < THREADS; i++) {
        args[i].policy = p;
        args[i].id = i;
        args[i].errors = 0;
        CHECK(pthread_create(&tids[i], NULL, evaluate_many, &args[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        CHECK(pthread_join(tids[i], NULL) == 0);
        errors += args[i].errors;
    }
    CHECK(errors == 0);
}

/* The response path of a TLS request: one call, no request, no allocation. */
static void response_headers(hstsguard_policy *p) {
    hstsguard_response_header h[2];
    size_t n = 99;
    CHECK_RC(hstsguard_policy_response_headers(p, true, str_of(LIT("www.example.com")), 0, h, 2,
                                               &n),
             HSTSGUARD_OK);
    CHECK(n == 1 && h[0].name.len == 25 &&
          memcmp(h[0].name.data, "Strict-Transport-Security", 25) == 0 && !h[0].replace);
    /* IP literals and localhost are skipped; plain HTTP gets nothing. */
    CHECK_RC(hstsguard_policy_response_headers(p, true, str_of(LIT("127.0.0.1:8443")), 0, h, 2, &n),
             HSTSGUARD_OK);
    CHECK(n == 0);
    CHECK_RC(hstsguard_policy_response_headers(p, true, str_of(LIT("App.LOCALHOST.")), 0, h, 2, &n),
             HSTSGUARD_OK);
    CHECK(n == 0);
    CHECK_RC(hstsguard_policy_response_headers(p, false, str_of(LIT("www.example.com")), 0, h, 2,
                                               &n),
             HSTSGUARD_OK);
    CHECK(n == 0);
    /* No Host: sent (nothing says it is an IP). Bytes that are not UTF-8: not a name. */
    CHECK_RC(hstsguard_policy_response_headers(p, true, str_of(NULL, 0), 0, h, 2, &n),
             HSTSGUARD_OK);
    CHECK(n == 1);
    CHECK_RC(hstsguard_policy_response_headers(p, true, str_of(LIT("ex\xffmple.com")), 0, h, 2,
                                               &n),
             HSTSGUARD_OK);
    CHECK(n == 0);
    /* Too little room, NULLs. */
    CHECK_RC(hstsguard_policy_response_headers(p, true, str_of(LIT("example.com")), 0, NULL, 0, &n),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK_RC(hstsguard_policy_response_headers(p, true, str_of(LIT("example.com")), 0, NULL, 2, &n),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_response_headers(NULL, true, str_of(LIT("example.com")), 0, h, 2, &n),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_response_headers(p, true, str_of(LIT("example.com")), 0, h, 2, NULL),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_policy_response_headers(p, true, str_of(NULL, 5), 0, h, 2, &n),
             HSTSGUARD_NULL_ARGUMENT);
}

/* Whether a server may keep a Host's headers across seconds: only a ramp steps. The ramp's
 * value is shown to change between two times a week apart (a stage each week). */
static void depend_on_time(hstsguard_policy *p) {
    hstsguard_policy *ramp = policy_from_toml(
        "[hsts.ramp]\nstart = \"2026-12-01\"\nstages = [\"5m\", \"1w\", \"1y\"]\n"
        "step = \"1w\"\n");
    hstsguard_response_header a[2], b[2];
    size_t na = 0, nb = 0;
    bool depends = true;
    const uint64_t dec_2 = 1796169600, dec_9 = dec_2 + 7 * 86400;

    CHECK_RC(hstsguard_policy_headers_depend_on_time(p, &depends), HSTSGUARD_OK);
    CHECK(!depends);
    CHECK_RC(hstsguard_policy_headers_depend_on_time(ramp, &depends), HSTSGUARD_OK);
    CHECK(depends);
    CHECK_RC(hstsguard_policy_response_headers(ramp, true, str_of(LIT("example.com")), dec_2, a,
                                               2, &na),
             HSTSGUARD_OK);
    CHECK_RC(hstsguard_policy_response_headers(ramp, true, str_of(LIT("example.com")), dec_9, b,
                                               2, &nb),
             HSTSGUARD_OK);
    CHECK(na == 1 && nb == 1 &&
          !(a[0].value.len == b[0].value.len &&
            memcmp(a[0].value.data, b[0].value.data, a[0].value.len) == 0));
    depends = true;
    CHECK_RC(hstsguard_policy_headers_depend_on_time(NULL, &depends), HSTSGUARD_NULL_ARGUMENT);
    CHECK(!depends);
    CHECK_RC(hstsguard_policy_headers_depend_on_time(p, NULL), HSTSGUARD_NULL_ARGUMENT);
    hstsguard_policy_free(ramp);
}

int main(void) {
    hstsguard_policy *p = policy_from_toml(POLICY_TOML);
    response_headers(p);
    depend_on_time(p);
    nulls(p);
    small_buffers(p);
    bad_text(p);
    callbacks(p);
    huge(p);
    free_orders();
    threads(p);
    hstsguard_policy_free(p);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
