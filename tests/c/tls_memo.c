/*
 * The modules' memo of the core's answers for TLS requests (bindings/common/hsg_tls_memo.h):
 * whatever the order of policies, Hosts and seconds, an answer given from the memo is the
 * one the core gives for that request (the same headers: names and values byte for byte,
 * and the replace flag). Hosts of every shape are asked in turn (names, IP literals,
 * localhost, ports, no Host, names that differ only inside, the longest Host kept and one
 * byte longer), so that slots are shared, taken over and found again. Run under
 * AddressSanitizer + UBSan and valgrind.
 * Prints each failed check and, last, "N passed, N failed".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsg_tls_memo.h"
#include "check.h"

static hstsguard_policy *policy_from_toml(const char *toml) {
    hstsguard_policy *p = NULL;
    hstsguard_error *err = NULL;
    if (hstsguard_policy_from_toml(toml, strlen(toml), &p, &err) != HSTSGUARD_OK) {
        fprintf(stderr, "policy failed: %s\n", toml);
        exit(2);
    }
    return p;
}

/* The core's answer for a TLS GET of / with this Host at this second. */
static void core_answer(const hstsguard_policy *p, hstsguard_str host, uint64_t now,
                        hstsguard_decision *d) {
    hstsguard_request r;
    memset(&r, 0, sizeof r);
    r.method.data = "GET";
    r.method.len = 3;
    r.target.data = "/";
    r.target.len = 1;
    r.host = host;
    r.tls = true;
    r.now = now;
    if (hstsguard_policy_evaluate(p, &r, d, NULL, 0) != HSTSGUARD_OK) {
        fprintf(stderr, "evaluate failed\n");
        exit(2);
    }
}

static int same_str(hstsguard_str a, hstsguard_str b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static int hits, asks;

/* The core's answers for two Hosts differ (HSTS for one, none for the other), so an
 * answer kept for one is wrong for the other: checked for every pair the test relies
 * on. */
static void answers_differ(const hstsguard_policy *p, const char *a, size_t alen,
                           const char *b, size_t blen) {
    hstsguard_decision da, db;
    hstsguard_str ha, hb;
    ha.data = a;
    ha.len = alen;
    hb.data = b;
    hb.len = blen;
    core_answer(p, ha, 0, &da);
    core_answer(p, hb, 0, &db);
    CHECK(da.headers_len != db.headers_len);
    if (da.headers_len == db.headers_len) {
        fprintf(stderr, "  \"%.*s\" and \"%.*s\" have the same answer\n", (int) alen, a,
                (int) blen, b);
    }
}

/* What a module does: the memo's answer (a set's, as nginx asks it, or one memo's, as
 * Apache asks its connection's), else the core's, kept. Checked against the core's
 * answer asked directly. */
static void ask(hsg_tls_memo_set *set, hsg_tls_memo *one, const hstsguard_policy *p,
                const char *host_text, size_t host_len, uint64_t now) {
    hstsguard_str host;
    hstsguard_decision direct, asked;
    const hstsguard_response_header *h;
    size_t n = 0, i;

    host.data = host_text;
    host.len = host_text == NULL ? 0 : host_len;
    asks++;
    if (one != NULL) {
        h = hsg_tls_memo_find(one, p, now, host, &n);
    } else {
        h = hsg_tls_memo_set_find(set, p, now, host, &n);
    }
    if (h != NULL) {
        hits++;
    } else {
        core_answer(p, host, now, &asked);
        if (one != NULL) {
            hsg_tls_memo_keep(one, p, now, host, &asked);
        } else {
            hsg_tls_memo_set_keep(set, p, now, host, &asked);
        }
        h = asked.headers;
        n = asked.headers_len;
    }
    core_answer(p, host, now, &direct);
    CHECK(n == direct.headers_len);
    if (n != direct.headers_len) {
        fprintf(stderr, "  Host \"%.*s\" (%zu bytes), now %llu: %zu headers, the core %zu\n",
                (int) host.len, host.data ? host.data : "", host.len,
                (unsigned long long) now, n, direct.headers_len);
        return;
    }
    for (i = 0; i < n; i++) {
        CHECK(same_str(h[i].name, direct.headers[i].name));
        CHECK(same_str(h[i].value, direct.headers[i].value));
        CHECK(h[i].replace == direct.headers[i].replace);
    }
}

int main(void) {
    hstsguard_policy *policies[3];
    static hsg_tls_memo_set set; /* zeroed: every slot empty */
    char long_name[HSG_TLS_MEMO_HOST + 2];
    char inside[2][18];
    const char *hosts[] = {
        "example.com", "www.example.com", "a.example.com", "b.example.com", "127.0.0.1",
        "[::1]", "[::1]:443", "localhost", "LOCALHOST", "localhost.", "Example.COM:443",
        "example.com.", "a", "ab", "x.y", "1.2.3.4:8443", "10.0.0.1", "sub.localhost",
        "0x7f.1", "exa mple.com", "example.com:", "shop.example.org", "mail.example.net",
        "e.example.com", "f.example.com", "g.example.com", "h.example.com",
    };
    size_t nhosts = sizeof hosts / sizeof hosts[0];
    size_t round, i, used = 0;
    int slot_used[HSG_TLS_MEMO_SLOTS];
    uint64_t now;

    policies[0] = policy_from_toml("[hsts]\nmax_age = \"1y\"\n");
    policies[1] = policy_from_toml("[hsts]\nmax_age = \"2y\"\npreload = true\n");
    policies[2] = policy_from_toml("[hsts]\nmax_age = \"1y\"\n"
                                   "[hsts.ramp]\nstart = \"2026-01-01\"\n"
                                   "stages = [\"5m\", \"1d\"]\nstep = \"1w\"\n");

    /* The longest Host kept: labels of 31 bytes under localhost (no HSTS); one byte more
     * ("...localhostx") is a name with HSTS. */
    for (i = 0; i < HSG_TLS_MEMO_HOST - 10; i++) {
        long_name[i] = i % 32 == 31 ? '.' : 'a';
    }
    memcpy(long_name + HSG_TLS_MEMO_HOST - 10, ".localhost", 10);
    long_name[HSG_TLS_MEMO_HOST] = 'x';
    long_name[HSG_TLS_MEMO_HOST + 1] = '\0';
    answers_differ(policies[0], long_name, HSG_TLS_MEMO_HOST, long_name, HSG_TLS_MEMO_HOST + 1);
    /* The same first and last 8 bytes, one byte apart inside: the same slot. */
    memcpy(inside[0], "abcdefg.localhost", 18);
    memcpy(inside[1], "abcdefg.1ocalhost", 18);
    answers_differ(policies[0], inside[0], 17, inside[1], 17);
    CHECK(hsg_tls_memo_slot(&set, policies[0], (hstsguard_str){inside[0], 17})
          == hsg_tls_memo_slot(&set, policies[0], (hstsguard_str){inside[1], 17}));
    /* The same bytes, shorter: another Host. */
    answers_differ(policies[0], "localhost.com", 9, "localhost.com", 13);

    /* Rounds over every policy, Host and second, forwards and backwards, each Host
     * asked twice in a row too (the second must come from the memo), and Hosts of the
     * same slot in turn. The ramp policy is asked at three seconds (a new stage at
     * 2026-01-08): another second is another answer for it. */
    for (round = 0; round < 4; round++) {
        size_t p;
        for (p = 0; p < 3; p++) {
            size_t q = (p + 1) % 3;
            for (i = 0; i < nhosts; i++) {
                const char *h = hosts[round % 2 ? nhosts - 1 - i : i];
                /* As a module asks: 0 unless the policy has a ramp. */
                uint64_t ramp = 1767225600u + 86400u * 7u * (uint64_t) (i % 3);
                int before;
                now = p == 2 ? ramp : 0;
                ask(&set, NULL, policies[p], h, strlen(h), now);
                before = hits;
                ask(&set, NULL, policies[p], h, strlen(h), now);
                CHECK(hits == before + 1);
                ask(&set, NULL, policies[q], h, strlen(h), q == 2 ? ramp : 0);
            }
            now = p == 2 ? 1767225600u : 0;
            ask(&set, NULL, policies[p], NULL, 0, now);
            ask(&set, NULL, policies[p], long_name, HSG_TLS_MEMO_HOST, now); /* kept */
            {
                int before = hits; /* one byte longer: never kept, so never found */
                ask(&set, NULL, policies[p], long_name, HSG_TLS_MEMO_HOST + 1, now);
                ask(&set, NULL, policies[p], long_name, HSG_TLS_MEMO_HOST + 1, now);
                CHECK(hits == before);
            }
            ask(&set, NULL, policies[p], long_name, HSG_TLS_MEMO_HOST, now);
            ask(&set, NULL, policies[p], inside[0], 17, now);
            ask(&set, NULL, policies[p], inside[1], 17, now);
            ask(&set, NULL, policies[p], inside[0], 17, now);
            ask(&set, NULL, policies[p], "localhost.com", 9, now);
            ask(&set, NULL, policies[p], "localhost.com", 13, now);
            ask(&set, NULL, policies[p], "localhost.com", 9, now);
        }
    }
    CHECK(hits > 0 && hits < asks);

    /* One memo (Apache's, per connection), on the heap so that a copy past its end is
     * seen: Hosts asked in turn that differ in one part of the memo's key only, each
     * pair with two answers (HSTS or none), so an answer kept for the first is wrong for
     * the second. */
    {
        struct {
            const char *a, *b;
        } pairs[] = {
            {"localhost:443", "localhost.com"}, /* 9 to 16 bytes: the last 8 differ */
            {"localhost", "1ocalhost"},         /* the first 8 differ */
            {"1.2.3.4", "a.b.c.d"},             /* under 8 bytes */
            {"127.0.0.1:8443", "127.0.0.x:8443"},
            {"[::1]", "a.b.c"},
            {"abcdefg.localhost", "abcdefg.1ocalhost"}, /* 17 bytes: byte 8 only */
        };
        const char *padded = "example.com.example.com.example.com";
        hsg_tls_memo *one = calloc(1, sizeof *one);
        uint64_t start = 1767225600u; /* 2026-01-01, the ramp's start */
        hstsguard_decision d0, d1;
        hstsguard_str plain;

        if (one == NULL) {
            return 2;
        }
        plain.data = "example.com";
        plain.len = 11;
        for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
            hstsguard_str a, b;
            a.data = pairs[i].a;
            a.len = strlen(a.data);
            b.data = pairs[i].b;
            b.len = strlen(b.data);
            core_answer(policies[0], a, 0, &d0);
            core_answer(policies[0], b, 0, &d1);
            CHECK(d0.headers_len != d1.headers_len); /* the pair tells answers apart */
            ask(NULL, one, policies[0], a.data, a.len, 0);
            ask(NULL, one, policies[0], b.data, b.len, 0);
            ask(NULL, one, policies[0], a.data, a.len, 0);
        }
        /* Another policy, another answer. */
        ask(NULL, one, policies[0], plain.data, plain.len, 0);
        ask(NULL, one, policies[1], plain.data, plain.len, 0);
        /* No Host, and an empty one. */
        ask(NULL, one, policies[0], NULL, 0, 0);
        ask(NULL, one, policies[0], "", 0, 0);
        ask(NULL, one, policies[0], NULL, 0, 0);
        /* Under the ramp, another stage (a week later) is another answer. */
        core_answer(policies[2], plain, start, &d0);
        core_answer(policies[2], plain, start + 86400u * 7u, &d1);
        CHECK(d0.headers_len == 1 && d1.headers_len == 1
              && !same_str(d0.headers[0].value, d1.headers[0].value));
        ask(NULL, one, policies[2], plain.data, plain.len, start);
        ask(NULL, one, policies[2], plain.data, plain.len, start + 86400u * 7u);
        /* The same first bytes, longer: another Host (and over 16 bytes). */
        ask(NULL, one, policies[0], "localhost", 9, 0);
        ask(NULL, one, policies[0], "localhost.example.com", 21, 0);
        ask(NULL, one, policies[0], padded, 35, 0);
        ask(NULL, one, policies[0], "localhost", 9, 0);
        /* The longest Host kept, then one byte longer (not kept: not copied either). */
        ask(NULL, one, policies[0], long_name, HSG_TLS_MEMO_HOST, 0);
        ask(NULL, one, policies[0], long_name, HSG_TLS_MEMO_HOST + 1, 0);
        ask(NULL, one, policies[0], long_name, HSG_TLS_MEMO_HOST, 0);
        free(one);
    }

    /* Several sites served in turn do not all share one slot. */
    memset(slot_used, 0, sizeof slot_used);
    for (i = 0; i < nhosts; i++) {
        hstsguard_str host;
        host.data = hosts[i];
        host.len = strlen(hosts[i]);
        slot_used[hsg_tls_memo_slot(&set, policies[0], host) - set.slot] = 1;
    }
    for (i = 0; i < HSG_TLS_MEMO_SLOTS; i++) {
        used += (size_t) slot_used[i];
    }
    CHECK(used >= HSG_TLS_MEMO_SLOTS / 2);

    /* Two sites in turn, in slots of their own: after the first answer for each, every
     * answer comes from the set. */
    {
        hstsguard_str a, b;
        size_t j;
        int before;
        a.data = hosts[0];
        a.len = strlen(a.data);
        b = a;
        for (j = 1; j < nhosts && hsg_tls_memo_slot(&set, policies[1], b)
                                      == hsg_tls_memo_slot(&set, policies[1], a); j++) {
            b.data = hosts[j];
            b.len = strlen(b.data);
        }
        CHECK(hsg_tls_memo_slot(&set, policies[1], b)
              != hsg_tls_memo_slot(&set, policies[1], a));
        ask(&set, NULL, policies[1], a.data, a.len, 0);
        ask(&set, NULL, policies[1], b.data, b.len, 0);
        before = hits;
        for (j = 0; j < 10; j++) {
            ask(&set, NULL, policies[1], a.data, a.len, 0);
            ask(&set, NULL, policies[1], b.data, b.len, 0);
        }
        CHECK(hits == before + 20);
    }

    /* Emptied: no slot answers any more (the last Host asked has its answer before). */
    for (i = 0; i < nhosts; i++) {
        ask(&set, NULL, policies[0], hosts[i], strlen(hosts[i]), 0);
    }
    {
        hstsguard_str host;
        size_t n = 0;
        host.data = hosts[nhosts - 1];
        host.len = strlen(host.data);
        CHECK(hsg_tls_memo_find(hsg_tls_memo_slot(&set, policies[0], host), policies[0], 0,
                                host, &n)
              != NULL);
    }
    hsg_tls_memo_set_clear(&set);
    CHECK(set.last == NULL);
    for (i = 0; i < HSG_TLS_MEMO_SLOTS; i++) {
        CHECK(set.slot[i].policy == NULL);
    }
    for (i = 0; i < nhosts; i++) {
        hstsguard_str host;
        size_t n = 0;
        host.data = hosts[i];
        host.len = strlen(hosts[i]);
        CHECK(hsg_tls_memo_set_find(&set, policies[0], 0, host, &n) == NULL);
    }

    for (i = 0; i < 3; i++) {
        hstsguard_policy_free(policies[i]);
    }
    printf("tls_memo: %d asks, %d from the memo; %d passed, %d failed\n", asks, hits, passed,
           failed);
    return failed == 0 ? 0 : 1;
}
