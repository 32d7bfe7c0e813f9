/*
 * Hostile use of the client-side C API (hstsguard_known_hosts_*, hstsguard_preload_*):
 * NULL for each pointer argument, buffers of 0 and 1 bytes, hosts that are not UTF-8 or
 * longer than 253 bytes, huge STS values, malformed cache files, a store file that is a
 * directory, two stores saving one file, and 8 threads sharing one store (with a ninth
 * saving it meanwhile). Run under AddressSanitizer + UBSan and valgrind.
 * Prints each failed check and, last, "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "hstsguard.h"

/* A fixed time: 2027-01-15 08:00:00 UTC. */
#define NOW 1800000000ULL

static hstsguard_str sv(const char *s) {
    hstsguard_str v;
    v.data = s;
    v.len = strlen(s);
    return v;
}

static char tmpdir[64];

static void path_in_tmp(char *out, size_t cap, const char *name) {
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

static hstsguard_known_hosts *store_new(size_t capacity, int preload) {
    hstsguard_known_hosts_options o;
    hstsguard_known_hosts *s = NULL;
    hstsguard_known_hosts_options_default(&o);
    if (capacity) {
        o.capacity = capacity;
    }
    o.preload = preload != 0;
    if (hstsguard_known_hosts_new(&o, &s) != HSTSGUARD_OK || !s) {
        fprintf(stderr, "known_hosts_new failed\n");
        exit(2);
    }
    return s;
}

static hstsguard_result receive1(hstsguard_known_hosts *s, const char *host, const char *value,
                                 uint64_t now, hstsguard_receive *out) {
    hstsguard_str f = sv(value);
    return hstsguard_known_hosts_receive(s, host, strlen(host), &f, 1, true, now, out);
}

static int known(hstsguard_known_hosts *s, const char *host, uint64_t now) {
    bool up = false;
    if (hstsguard_known_hosts_should_upgrade(s, host, strlen(host), now, &up) != HSTSGUARD_OK) {
        return -1;
    }
    return up ? 1 : 0;
}

static void test_nulls(void) {
    hstsguard_known_hosts *s = store_new(0, 1);
    hstsguard_known_hosts *none = NULL;
    hstsguard_receive rcv;
    hstsguard_hsts_match m;
    hstsguard_url_upgrade up;
    hstsguard_preload_match pm;
    hstsguard_preload_info info;
    hstsguard_load_report lr;
    hstsguard_save_report sr;
    hstsguard_error *err = NULL;
    hstsguard_str f = sv("max-age=600");
    char buf[64];
    size_t len = 7;
    bool b = true;

    CHECK_RC(hstsguard_known_hosts_options_default(NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_new(NULL, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_new(NULL, &none), HSTSGUARD_OK);
    CHECK(none != NULL);
    hstsguard_known_hosts_free(none);
    hstsguard_known_hosts_free(NULL);

    CHECK_RC(hstsguard_known_hosts_receive(NULL, LIT("a.example"), &f, 1, true, NOW, &rcv),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK(rcv.result == HSTSGUARD_RECEIVE_RESULT_IGNORED && rcv.reason == NULL);
    CHECK_RC(hstsguard_known_hosts_receive(s, NULL, 9, &f, 1, true, NOW, &rcv),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_receive(s, LIT("a.example"), NULL, 1, true, NOW, &rcv),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_receive(s, LIT("a.example"), &f, 1, true, NOW, NULL),
             HSTSGUARD_NULL_ARGUMENT);
    /* No fields at all: ignored, the response had no STS field. */
    CHECK_RC(hstsguard_known_hosts_receive(s, LIT("a.example"), NULL, 0, true, NOW, &rcv),
             HSTSGUARD_OK);
    CHECK(rcv.result == HSTSGUARD_RECEIVE_RESULT_IGNORED && rcv.reason &&
          strcmp(rcv.reason, "response.no_header") == 0);
    CHECK(hstsguard_known_hosts_len(s) == 0);
    CHECK(hstsguard_known_hosts_len(NULL) == 0);

    CHECK_RC(hstsguard_known_hosts_lookup(NULL, LIT("a.example"), NOW, buf, sizeof buf, &m),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK(!m.matched && m.source == HSTSGUARD_SOURCE_NONE);
    CHECK_RC(hstsguard_known_hosts_lookup(s, NULL, 1, NOW, buf, sizeof buf, &m),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_lookup(s, LIT("a.example"), NOW, NULL, 5, &m),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_lookup(s, LIT("a.example"), NOW, buf, sizeof buf, NULL),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_should_upgrade(s, LIT("a.example"), NOW, NULL),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_should_upgrade(NULL, LIT("a.example"), NOW, &b),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK(b == false);

    CHECK_RC(hstsguard_known_hosts_upgrade_url(s, NULL, 3, NOW, buf, sizeof buf, &up),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_upgrade_url(s, LIT("http://a/"), NOW, buf, sizeof buf, NULL),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_upgrade_url(NULL, LIT("http://a/"), NOW, buf, 1, &up),
             HSTSGUARD_NULL_ARGUMENT);

    CHECK_RC(hstsguard_known_hosts_insert(NULL, LIT("a.example"), false, 0, NOW),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_insert(s, NULL, 0, false, 0, NOW), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_remove(s, NULL, 0, &b), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_remove(s, LIT("a.example"), NULL), HSTSGUARD_OK);
    CHECK_RC(hstsguard_known_hosts_clear(NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_purge_expired(NULL, NOW, &len), HSTSGUARD_NULL_ARGUMENT);
    CHECK(len == 0);
    CHECK_RC(hstsguard_known_hosts_count(NULL, NOW, NULL, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_to_cache_text(s, NOW, buf, sizeof buf, NULL),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_to_cache_text(NULL, NOW, buf, sizeof buf, &len),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_to_cache_text(s, NOW, NULL, 10, &len),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_load_text(s, NULL, 4, NOW, &lr), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_load_text(NULL, LIT("x"), NOW, &lr),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_preload_in_use(s, NOW, NULL), HSTSGUARD_NULL_ARGUMENT);

    CHECK_RC(hstsguard_known_hosts_load(s, NULL, 4, NOW, &lr, &err), HSTSGUARD_NULL_ARGUMENT);
    CHECK(err != NULL && hstsguard_error_result(err) == HSTSGUARD_NULL_ARGUMENT);
    hstsguard_error_free(err);
    CHECK_RC(hstsguard_known_hosts_load(NULL, LIT("/x"), NOW, NULL, NULL),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_save(s, NULL, 4, NOW, &sr, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_known_hosts_save(s, "", 0, NOW, &sr, &err), HSTSGUARD_INVALID_ARGUMENT);
    CHECK(err != NULL);
    hstsguard_error_free(err);
    CHECK_RC(hstsguard_known_hosts_save(s, LIT("a\0b"), NOW, &sr, NULL),
             HSTSGUARD_INVALID_ARGUMENT);

    CHECK_RC(hstsguard_preload_lookup(NULL, 3, false, buf, sizeof buf, &pm),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK(!pm.preloaded);
    CHECK_RC(hstsguard_preload_lookup(LIT("github.com"), false, buf, sizeof buf, NULL),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_preload_lookup(LIT("github.com"), false, NULL, 3, &pm),
             HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_preload_list_info(NOW, NULL), HSTSGUARD_NULL_ARGUMENT);
    CHECK_RC(hstsguard_preload_list_info(NOW, &info), HSTSGUARD_OK);
    CHECK(info.year >= 2024 && info.month >= 1 && info.month <= 12 && info.entries > 100000);
    CHECK(info.date_epoch_seconds > 1700000000ULL && info.size_bytes > 0);
    hstsguard_known_hosts_free(s);
}

static void test_buffers(void) {
    hstsguard_known_hosts *s = store_new(0, 1);
    hstsguard_receive rcv;
    hstsguard_hsts_match m;
    hstsguard_url_upgrade up;
    hstsguard_preload_match pm;
    char buf[128], text[1024];
    char one[1] = {'#'};
    size_t len = 0;

    CHECK_RC(receive1(s, "example.com", "max-age=31536000; includeSubDomains", NOW, &rcv),
             HSTSGUARD_OK);
    CHECK(rcv.result == HSTSGUARD_RECEIVE_RESULT_ADDED && rcv.reason == NULL);

    /* The entry name does not fit: the match is complete, the buffer untouched. */
    CHECK_RC(hstsguard_known_hosts_lookup(s, LIT("a.b.example.com"), NOW, one, 1, &m),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(m.matched && m.entry_len == 11 && m.include_subdomains && m.has_expires &&
          m.expires == NOW + 31536000ULL && m.remaining_seconds == 31536000ULL &&
          m.source == HSTSGUARD_SOURCE_DYNAMIC && one[0] == '#');
    /* Declining the name (NULL, 0) is fine. */
    CHECK_RC(hstsguard_known_hosts_lookup(s, LIT("example.com"), NOW, NULL, 0, &m),
             HSTSGUARD_OK);
    CHECK(m.matched && m.entry_len == 11);
    CHECK_RC(hstsguard_known_hosts_lookup(s, LIT("WWW.Example.COM."), NOW + 1, buf, 11, &m),
             HSTSGUARD_OK);
    CHECK(m.entry_len == 11 && memcmp(buf, "example.com", 11) == 0 &&
          m.remaining_seconds == 31535999ULL);

    /* An upgraded URL that does not fit. */
    CHECK_RC(hstsguard_known_hosts_upgrade_url(s, LIT("http://www.example.com:80/p?q#f"), NOW,
                                               one, 1, &up),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(up.upgraded && up.known_host && up.len == strlen("https://www.example.com/p?q#f") &&
          one[0] == '#');
    CHECK_RC(hstsguard_known_hosts_upgrade_url(s, LIT("http://www.example.com:80/p?q#f"), NOW,
                                               buf, up.len, &up),
             HSTSGUARD_OK);
    CHECK(memcmp(buf, "https://www.example.com/p?q#f", up.len) == 0);
    /* Not upgraded: the input is the URL to use, OK whatever the buffer. */
    CHECK_RC(hstsguard_known_hosts_upgrade_url(s, LIT("http://other.test:8080/"), NOW, one, 1,
                                               &up),
             HSTSGUARD_OK);
    CHECK(!up.upgraded && !up.known_host && up.len == strlen("http://other.test:8080/"));
    /* An https URL of a known host: not rewritten, but known. */
    CHECK_RC(hstsguard_known_hosts_upgrade_url(s, LIT("https://example.com/"), NOW, NULL, 0,
                                               &up),
             HSTSGUARD_OK);
    CHECK(!up.upgraded && up.known_host);
    CHECK_RC(hstsguard_known_hosts_upgrade_url(s, LIT("not a url"), NOW, buf, sizeof buf, &up),
             HSTSGUARD_UA_URL_INVALID);
    CHECK_RC(hstsguard_known_hosts_upgrade_url(s, LIT("/relative"), NOW, buf, sizeof buf, &up),
             HSTSGUARD_UA_URL_INVALID);
    CHECK_RC(hstsguard_known_hosts_upgrade_url(s, LIT("http://ex\xff.com/"), NOW, buf,
                                               sizeof buf, &up),
             HSTSGUARD_INVALID_UTF8);

    /* The cache text: length first, then a too-small buffer, then the text. */
    CHECK_RC(hstsguard_known_hosts_to_cache_text(s, NOW, NULL, 0, &len),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(len > 30 && len < sizeof text);
    CHECK_RC(hstsguard_known_hosts_to_cache_text(s, NOW, one, 1, &len),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(one[0] == '#');
    if (len < sizeof text) {
        static const char tail[] = ".example.com \"20280115 08:00:00\"\n";
        CHECK_RC(hstsguard_known_hosts_to_cache_text(s, NOW, text, len, &len), HSTSGUARD_OK);
        CHECK(len >= sizeof tail - 1 &&
              memcmp(text + len - (sizeof tail - 1), tail, sizeof tail - 1) == 0);
        CHECK(text[0] == '#');
    }

    /* The preload list. */
    CHECK_RC(hstsguard_preload_lookup(LIT("gist.github.com"), false, one, 1, &pm),
             HSTSGUARD_BUFFER_TOO_SMALL);
    CHECK(pm.preloaded && pm.include_subdomains && !pm.exact && pm.entry_len == 10 &&
          one[0] == '#');
    CHECK_RC(hstsguard_preload_lookup(LIT("gist.github.com"), false, buf, sizeof buf, &pm),
             HSTSGUARD_OK);
    CHECK(pm.entry_len == 10 && memcmp(buf, "github.com", 10) == 0);
    CHECK_RC(hstsguard_preload_lookup(LIT("app"), false, buf, sizeof buf, &pm), HSTSGUARD_OK);
    CHECK(!pm.preloaded && pm.entry_len == 0);
    CHECK_RC(hstsguard_preload_lookup(LIT("app"), true, buf, sizeof buf, &pm), HSTSGUARD_OK);
    CHECK(pm.preloaded && pm.exact && pm.entry_len == 3);
    CHECK_RC(hstsguard_preload_lookup(LIT("127.0.0.1"), true, buf, sizeof buf, &pm),
             HSTSGUARD_OK);
    CHECK(!pm.preloaded);
    hstsguard_known_hosts_free(s);
}

static void test_hostile_hosts_and_values(void) {
    hstsguard_known_hosts *s = store_new(0, 0);
    hstsguard_receive rcv;
    hstsguard_hsts_match m;
    hstsguard_preload_match pm;
    hstsguard_str fields[2];
    char buf[300], entry[300];
    char *big;
    size_t n = 1u << 20, i;
    bool b = true;

    /* Not UTF-8. */
    CHECK_RC(receive1(s, "\xff.example", "max-age=600", NOW, &rcv), HSTSGUARD_UA_HOST_NOT_UTF8);
    CHECK_RC(hstsguard_known_hosts_lookup(s, LIT("ex\xc3(.com"), NOW, buf, sizeof buf, &m),
             HSTSGUARD_UA_HOST_NOT_UTF8);
    CHECK_RC(hstsguard_known_hosts_should_upgrade(s, LIT("\x80"), NOW, &b),
             HSTSGUARD_UA_HOST_NOT_UTF8);
    CHECK(b == false);
    CHECK_RC(hstsguard_known_hosts_insert(s, LIT("\xfe\xff"), true, HSTSGUARD_EXPIRES_UNLIMITED,
                                          NOW),
             HSTSGUARD_UA_HOST_NOT_UTF8);
    CHECK_RC(hstsguard_known_hosts_remove(s, LIT("\xff"), &b), HSTSGUARD_UA_HOST_NOT_UTF8);
    CHECK_RC(hstsguard_preload_lookup(LIT("\xffgithub.com"), false, buf, sizeof buf, &pm),
             HSTSGUARD_UA_HOST_NOT_UTF8);
    /* An embedded NUL, a space, a slash. */
    CHECK_RC(receive1(s, "a", "max-age=600", NOW, &rcv), HSTSGUARD_OK);
    CHECK_RC(hstsguard_known_hosts_lookup(s, LIT("a\0.example"), NOW, buf, sizeof buf, &m),
             HSTSGUARD_UA_HOST_INVALID);
    CHECK_RC(hstsguard_known_hosts_lookup(s, LIT("a b.example"), NOW, buf, sizeof buf, &m),
             HSTSGUARD_UA_HOST_INVALID);
    CHECK_RC(hstsguard_preload_lookup(LIT("bad/host"), false, buf, sizeof buf, &pm),
             HSTSGUARD_UA_HOST_INVALID);
    CHECK_RC(hstsguard_known_hosts_lookup(s, "", 0, NOW, buf, sizeof buf, &m),
             HSTSGUARD_UA_HOST_INVALID);

    /* Over 253 bytes: 127 labels "a." and "bc" = 256 bytes. */
    for (i = 0; i < 127; i++) {
        buf[2 * i] = 'a';
        buf[2 * i + 1] = '.';
    }
    buf[254] = 'b';
    buf[255] = 'c';
    CHECK_RC(hstsguard_known_hosts_lookup(s, buf, 256, NOW, NULL, 0, &m),
             HSTSGUARD_UA_HOST_TOO_LONG);
    CHECK_RC(hstsguard_known_hosts_insert(s, buf, 256, false, NOW + 60, NOW),
             HSTSGUARD_UA_HOST_TOO_LONG);
    CHECK_RC(hstsguard_preload_lookup(buf, 256, false, NULL, 0, &pm), HSTSGUARD_UA_HOST_TOO_LONG);
    /* Exactly 253 bytes ("a.a. ... .a") is a host. */
    CHECK_RC(hstsguard_known_hosts_insert(s, buf, 253, false, NOW + 60, NOW), HSTSGUARD_OK);
    CHECK_RC(hstsguard_known_hosts_lookup(s, buf, 253, NOW, entry, sizeof entry, &m),
             HSTSGUARD_OK);
    CHECK(m.matched && m.entry_len == 253 && memcmp(entry, buf, 253) == 0);

    /* A 1 MiB host and a 1 MiB STS value: an error and an ignored field, no crash. */
    big = malloc(n);
    CHECK(big != NULL);
    if (big) {
        memset(big, 'a', n);
        CHECK_RC(hstsguard_known_hosts_lookup(s, big, n, NOW, buf, sizeof buf, &m),
                 HSTSGUARD_UA_HOST_TOO_LONG);
        memcpy(big, "max-age=600; x=\"", 16);
        fields[0].data = big;
        fields[0].len = n;
        fields[1] = sv("max-age=600");
        CHECK_RC(hstsguard_known_hosts_receive(s, LIT("big.example"), fields, 2, true, NOW, &rcv),
                 HSTSGUARD_OK);
        CHECK(rcv.result == HSTSGUARD_RECEIVE_RESULT_IGNORED && rcv.reason != NULL &&
              strncmp(rcv.reason, "header.", 7) == 0);
        free(big);
    }
    CHECK(known(s, "big.example", NOW) == 0);

    /* A field value that is not UTF-8: an argument error, nothing recorded. */
    fields[0] = sv("max-age=600; x=\xff");
    CHECK_RC(hstsguard_known_hosts_receive(s, LIT("latin.example"), fields, 1, true, NOW, &rcv),
             HSTSGUARD_INVALID_UTF8);
    CHECK(known(s, "latin.example", NOW) == 0);

    /* Plain HTTP and IP literals never count. */
    fields[0] = sv("max-age=600");
    CHECK_RC(hstsguard_known_hosts_receive(s, LIT("plain.example"), fields, 1, false, NOW, &rcv),
             HSTSGUARD_OK);
    CHECK(rcv.reason && strcmp(rcv.reason, "ua.receive.insecure_transport") == 0);
    CHECK_RC(hstsguard_known_hosts_receive(s, LIT("[::1]"), fields, 1, true, NOW, &rcv),
             HSTSGUARD_OK);
    CHECK(rcv.reason && strcmp(rcv.reason, "ua.receive.ip_literal") == 0);
    CHECK_RC(hstsguard_known_hosts_insert(s, LIT("10.0.0.1"), false, NOW + 60, NOW),
             HSTSGUARD_UA_HOST_INVALID);
    hstsguard_known_hosts_free(s);
}

static void test_capacity_and_clock(void) {
    hstsguard_known_hosts *s = store_new(3, 0);
    hstsguard_receive rcv;
    hstsguard_hsts_match m;
    char host[32];
    size_t i, known_n = 9, ko = 9, purged = 9;
    for (i = 0; i < 100; i++) {
        snprintf(host, sizeof host, "h%zu.example", i);
        CHECK_RC(receive1(s, host, "max-age=600", NOW + i, &rcv), HSTSGUARD_OK);
    }
    CHECK(hstsguard_known_hosts_len(s) == 3);
    CHECK(known(s, "h99.example", NOW + 100) == 1);
    CHECK(known(s, "h0.example", NOW + 100) == 0);
    CHECK_RC(hstsguard_known_hosts_count(s, NOW + 100, &known_n, &ko), HSTSGUARD_OK);
    CHECK(known_n == 3 && ko == 0);
    CHECK_RC(hstsguard_known_hosts_purge_expired(s, NOW + 10000, &purged), HSTSGUARD_OK);
    CHECK(purged == 3 && hstsguard_known_hosts_len(s) == 0);

    /* HSTSGUARD_NOW (0): the system clock, for receive and lookup alike. */
    CHECK_RC(receive1(s, "clock.example", "max-age=3600", HSTSGUARD_NOW, &rcv), HSTSGUARD_OK);
    CHECK_RC(hstsguard_known_hosts_lookup(s, LIT("clock.example"), HSTSGUARD_NOW, NULL, 0, &m),
             HSTSGUARD_OK);
    CHECK(m.matched && m.has_expires && m.remaining_seconds <= 3600 &&
          m.remaining_seconds > 3500 && m.expires > 1700000000ULL);
    hstsguard_known_hosts_free(s);

    /* A preload list older than the maximum age is not used. */
    {
        hstsguard_known_hosts_options o;
        hstsguard_known_hosts *p = NULL;
        hstsguard_preload_info info;
        bool in_use = false;
        hstsguard_preload_list_info(NOW, &info);
        hstsguard_known_hosts_options_default(&o);
        o.preload_max_age_set = true;
        o.preload_max_age = 70ULL * 86400;
        CHECK_RC(hstsguard_known_hosts_new(&o, &p), HSTSGUARD_OK);
        CHECK_RC(hstsguard_known_hosts_preload_in_use(p, info.date_epoch_seconds + 86400,
                                                      &in_use),
                 HSTSGUARD_OK);
        CHECK(in_use);
        CHECK(known(p, "github.com", info.date_epoch_seconds + 86400) == 1);
        CHECK_RC(hstsguard_known_hosts_preload_in_use(p, info.date_epoch_seconds + 71 * 86400,
                                                      &in_use),
                 HSTSGUARD_OK);
        CHECK(!in_use);
        CHECK(known(p, "github.com", info.date_epoch_seconds + 71 * 86400) == 0);
        hstsguard_known_hosts_free(p);
    }
}

static int write_file(const char *path, const char *text, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        return -1;
    }
    fwrite(text, 1, len, f);
    return fclose(f);
}

static void test_files(void) {
    hstsguard_known_hosts *s = store_new(0, 0), *t = store_new(0, 0), *u;
    hstsguard_receive rcv;
    hstsguard_load_report lr;
    hstsguard_save_report sr;
    hstsguard_error *err = NULL;
    char path[128], dir[128], missing[160], msg[512];
    size_t msg_len = 0, i;
    static const char text[] =
        "# curl's file\n"
        "keep.example \"20990101 00:00:00\"\n"
        "no quotes here\n"
        ".sub.example \"unlimited\"\n"
        "bad.date \"2099-01-01\"\n"
        "\xff\xfe.example \"unlimited\"\n"
        "10.0.0.1 \"unlimited\"\n"
        "old.example \"20000101 00:00:00\"\n"
        "keep.example \"20980101 00:00:00\"\n"
        "x\n"
        "y\n"
        "z\n"
        "w\n"
        "v\n";

    path_in_tmp(path, sizeof path, "hsts.txt");
    path_in_tmp(dir, sizeof dir, "a-directory");
    snprintf(missing, sizeof missing, "%s/no/such/dir/hsts.txt", tmpdir);
    CHECK(mkdir(dir, 0700) == 0);

    /* A malformed file: every bad line reported, the first 8 by number and code. */
    CHECK(write_file(path, text, sizeof text - 1) == 0);
    CHECK_RC(hstsguard_known_hosts_load(s, path, strlen(path), NOW, &lr, &err), HSTSGUARD_OK);
    CHECK(err == NULL);
    CHECK(lr.loaded == 2 && lr.expired == 1 && lr.duplicates == 1);
    CHECK(lr.skipped == 9 && lr.first_skipped_len == HSTSGUARD_LOAD_REPORT_SKIPPED_MAX);
    CHECK(lr.first_skipped[0].line == 3 &&
          strcmp(lr.first_skipped[0].code, "ua.cache.malformed_line") == 0);
    CHECK(lr.first_skipped[1].line == 5 &&
          strcmp(lr.first_skipped[1].code, "ua.cache.invalid_date") == 0);
    CHECK(lr.first_skipped[2].line == 6 &&
          strcmp(lr.first_skipped[2].code, "ua.cache.malformed_line") == 0);
    CHECK(lr.first_skipped[3].line == 7 &&
          strcmp(lr.first_skipped[3].code, "ua.cache.ip_literal") == 0);
    CHECK(known(s, "a.b.sub.example", NOW) == 1 && known(s, "keep.example", NOW) == 1);

    /* A store file that is a directory: an error naming it, the store unchanged. */
    CHECK_RC(hstsguard_known_hosts_load(s, dir, strlen(dir), NOW, &lr, &err),
             HSTSGUARD_UA_STORE_IS_DIRECTORY);
    CHECK(err != NULL && strcmp(hstsguard_error_code(err), "ua.store.is_directory") == 0);
    CHECK(hstsguard_error_message(err, msg, sizeof msg - 1, &msg_len) == HSTSGUARD_OK);
    msg[msg_len < sizeof msg ? msg_len : sizeof msg - 1] = '\0';
    CHECK(strstr(msg, "a-directory") != NULL);
    hstsguard_error_free(err);
    err = NULL;
    CHECK(lr.loaded == 0 && lr.skipped == 0);
    CHECK_RC(hstsguard_known_hosts_save(s, dir, strlen(dir), NOW, &sr, &err),
             HSTSGUARD_UA_STORE_IS_DIRECTORY);
    CHECK(err != NULL && hstsguard_error_result(err) == HSTSGUARD_UA_STORE_IS_DIRECTORY);
    hstsguard_error_free(err);
    err = NULL;
    CHECK_RC(hstsguard_known_hosts_save(s, missing, strlen(missing), NOW, &sr, &err),
             HSTSGUARD_UA_STORE_IO);
    CHECK(err != NULL && strcmp(hstsguard_error_code(err), "ua.store.io") == 0);
    hstsguard_error_free(err);
    err = NULL;
    CHECK(hstsguard_known_hosts_len(s) == 2);
    /* A missing file loads as an empty one. */
    CHECK_RC(hstsguard_known_hosts_load(t, missing, strlen(missing), NOW, &lr, NULL),
             HSTSGUARD_OK);
    CHECK(lr.loaded == 0);

    /* Two stores saving one file lose no entry. */
    CHECK(unlink(path) == 0);
    {
        hstsguard_known_hosts *a = store_new(0, 0), *b = store_new(0, 0);
        CHECK_RC(receive1(a, "one.example", "max-age=600", NOW, &rcv), HSTSGUARD_OK);
        CHECK_RC(receive1(a, "three.example", "max-age=900", NOW, &rcv), HSTSGUARD_OK);
        CHECK_RC(receive1(b, "two.example", "max-age=600; includeSubDomains", NOW, &rcv),
                 HSTSGUARD_OK);
        CHECK_RC(hstsguard_known_hosts_save(a, path, strlen(path), NOW, &sr, NULL),
                 HSTSGUARD_OK);
        CHECK(sr.written == 2 && sr.merged_from_file == 0);
        CHECK_RC(hstsguard_known_hosts_save(b, path, strlen(path), NOW, &sr, NULL),
                 HSTSGUARD_OK);
        CHECK(sr.written == 3 && sr.merged_from_file == 2);
        CHECK(known(b, "one.example", NOW) == 1);
        hstsguard_known_hosts_free(a);
        hstsguard_known_hosts_free(b);
    }
    u = store_new(0, 0);
    CHECK_RC(hstsguard_known_hosts_load(u, path, strlen(path), NOW, &lr, NULL), HSTSGUARD_OK);
    CHECK(lr.loaded == 3 && lr.skipped == 0);
    CHECK(known(u, "one.example", NOW) == 1 && known(u, "x.two.example", NOW) == 1 &&
          known(u, "three.example", NOW) == 1 && known(u, "x.one.example", NOW) == 0);
    hstsguard_known_hosts_free(u);

    /* A text that is not UTF-8 is refused as a whole by load_text. */
    CHECK_RC(hstsguard_known_hosts_load_text(t, LIT("\xff \"unlimited\"\n"), NOW, &lr),
             HSTSGUARD_INVALID_UTF8);
    CHECK_RC(hstsguard_known_hosts_load_text(t, LIT("a.example \"unlimited\"\nbad\n"), NOW, &lr),
             HSTSGUARD_OK);
    CHECK(lr.loaded == 1 && lr.skipped == 1 && lr.first_skipped_len == 1 &&
          lr.first_skipped[0].line == 2);
    for (i = lr.first_skipped_len; i < HSTSGUARD_LOAD_REPORT_SKIPPED_MAX; i++) {
        CHECK(lr.first_skipped[i].code == NULL && lr.first_skipped[i].line == 0);
    }

    unlink(path);
    snprintf(msg, sizeof msg, "%s.lock", path);
    unlink(msg);
    rmdir(dir);
    hstsguard_known_hosts_free(s);
    hstsguard_known_hosts_free(t);
}

/* ---- threads ------------------------------------------------------------------------- */

#define THREADS 8
#define PER_THREAD 200

typedef struct {
    hstsguard_known_hosts *store;
    int id;
    int errors;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    char host[64], url[96], buf[128], other[64];
    hstsguard_receive rcv;
    hstsguard_hsts_match m;
    hstsguard_url_upgrade up;
    hstsguard_str f = sv("max-age=86400; includeSubDomains");
    int i;
    for (i = 0; i < PER_THREAD; i++) {
        snprintf(host, sizeof host, "t%d-h%d.example", w->id, i);
        if (hstsguard_known_hosts_receive(w->store, host, strlen(host), &f, 1, true, NOW,
                                          &rcv) != HSTSGUARD_OK ||
            rcv.result != HSTSGUARD_RECEIVE_RESULT_ADDED) {
            w->errors++;
        }
        snprintf(url, sizeof url, "http://www.%s/p", host);
        if (hstsguard_known_hosts_upgrade_url(w->store, url, strlen(url), NOW, buf, sizeof buf,
                                              &up) != HSTSGUARD_OK ||
            !up.upgraded || strncmp(buf, "https://", 8) != 0) {
            w->errors++;
        }
        /* Another thread's host: known or not yet, never an error. */
        snprintf(other, sizeof other, "x.t%d-h%d.example", (w->id + 1) % THREADS, i);
        if (hstsguard_known_hosts_lookup(w->store, other, strlen(other), NOW, buf, sizeof buf,
                                         &m) != HSTSGUARD_OK) {
            w->errors++;
        }
    }
    return NULL;
}

typedef struct {
    hstsguard_known_hosts *store;
    const char *path;
    int errors;
} saver;

static void *save_loop(void *arg) {
    saver *s = arg;
    size_t len = 0;
    int i;
    for (i = 0; i < 5; i++) {
        if (hstsguard_known_hosts_save(s->store, s->path, strlen(s->path), NOW, NULL, NULL) !=
            HSTSGUARD_OK) {
            s->errors++;
        }
        if (hstsguard_known_hosts_to_cache_text(s->store, NOW, NULL, 0, &len) !=
            HSTSGUARD_BUFFER_TOO_SMALL) {
            s->errors++;
        }
    }
    return NULL;
}

static void test_threads(void) {
    hstsguard_known_hosts *s = store_new(0, 1), *back;
    pthread_t th[THREADS + 1];
    worker w[THREADS];
    saver sv_;
    hstsguard_load_report lr;
    char path[128], lock[160];
    int i, started = 0, all = 1;
    path_in_tmp(path, sizeof path, "shared.txt");
    sv_.store = s;
    sv_.path = path;
    sv_.errors = 0;
    for (i = 0; i < THREADS; i++) {
        w[i].store = s;
        w[i].id = i;
        w[i].errors = 0;
        if (pthread_create(&th[i], NULL, work, &w[i]) == 0) {
            started++;
        }
    }
    CHECK(started == THREADS);
    CHECK(pthread_create(&th[THREADS], NULL, save_loop, &sv_) == 0);
    for (i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        CHECK(w[i].errors == 0);
    }
    pthread_join(th[THREADS], NULL);
    CHECK(sv_.errors == 0);
    CHECK(hstsguard_known_hosts_len(s) == THREADS * PER_THREAD);
    CHECK_RC(hstsguard_known_hosts_save(s, path, strlen(path), NOW, NULL, NULL), HSTSGUARD_OK);
    back = store_new(0, 0);
    CHECK_RC(hstsguard_known_hosts_load(back, path, strlen(path), NOW, &lr, NULL), HSTSGUARD_OK);
    CHECK(lr.loaded == THREADS * PER_THREAD && lr.skipped == 0);
    for (i = 0; i < THREADS * PER_THREAD; i++) {
        char host[64];
        snprintf(host, sizeof host, "a.t%d-h%d.example", i / PER_THREAD, i % PER_THREAD);
        if (known(back, host, NOW) != 1) {
            all = 0;
        }
    }
    CHECK(all);
    hstsguard_known_hosts_free(back);
    hstsguard_known_hosts_free(s);
    unlink(path);
    snprintf(lock, sizeof lock, "%s.lock", path);
    unlink(lock);
}

int main(void) {
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/hsg-ua-XXXXXX", base && *base ? base : "/tmp");
    if (strlen(tmpdir) >= sizeof tmpdir - 1 || !mkdtemp(tmpdir)) {
        fprintf(stderr, "mkdtemp failed\n");
        return 2;
    }
    test_nulls();
    test_buffers();
    test_hostile_hosts_and_values();
    test_capacity_and_clock();
    test_files();
    test_threads();
    rmdir(tmpdir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
