/*
 * hstsguard_policy_evaluate() timed through the C API; the Rust peer is
 * bindings/c/examples/bench_evaluate.rs, which times Policy::evaluate on the same
 * requests. scripts/bench-c.sh runs both, alternating, and prints the ratio.
 *
 * Usage: bench_evaluate POLICY_FILE CALLS ROUNDS [SCENARIO]
 * Prints one line per scenario (or only SCENARIO): "<name> <median ns per call over the
 * rounds>".
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hstsguard.h"

#define S(lit) {(lit), sizeof(lit) - 1}

static const hstsguard_header HEADERS[] = {
    {S("Accept"), S("text/html,application/xhtml+xml")},
    {S("Accept-Encoding"), S("gzip, deflate, br")},
    {S("Accept-Language"), S("en-US,en;q=0.9")},
    {S("Cache-Control"), S("no-cache")},
    {S("Cookie"), S("sid=0123456789abcdef; theme=dark")},
    {S("User-Agent"), S("Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0")},
    {S("X-Forwarded-For"), S("198.51.100.23")},
    {S("X-Forwarded-Proto"), S("https")},
};

typedef struct scenario {
    const char *name;
    hstsguard_request req;
} scenario;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    hstsguard_policy *policy = NULL;
    hstsguard_error *err = NULL;
    scenario sc[3];
    size_t calls, rounds, i, r, k, checksum = 0;
    double *samples;
    char location[512];

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s POLICY_FILE CALLS ROUNDS [SCENARIO]\n", argv[0]);
        return 2;
    }
    calls = strtoul(argv[2], NULL, 10);
    rounds = strtoul(argv[3], NULL, 10);
    if (hstsguard_policy_from_file(argv[1], strlen(argv[1]), &policy, &err) != HSTSGUARD_OK) {
        fprintf(stderr, "policy: %s\n", hstsguard_error_code(err));
        return 2;
    }
    memset(sc, 0, sizeof sc);
    /* A TLS request that passes with HSTS (the common case of a server). */
    sc[0].name = "pass_tls";
    sc[0].req.method = (hstsguard_str)S("GET");
    sc[0].req.tls = true;
    sc[0].req.host = (hstsguard_str)S("www.example.com");
    sc[0].req.target = (hstsguard_str)S("/articles/2024/hsts.html?utm_source=feed");
    sc[0].req.peer = (hstsguard_str)S("203.0.113.9");
    sc[0].req.headers = HEADERS;
    sc[0].req.headers_len = 7;
    /* A plain-HTTP request redirected to HTTPS (Location built and copied). */
    sc[1] = sc[0];
    sc[1].name = "redirect";
    sc[1].req.tls = false;
    /* Behind a trusted proxy that says https: headers are read. */
    sc[2] = sc[1];
    sc[2].name = "proxied";
    sc[2].req.peer = (hstsguard_str)S("10.0.0.7");
    sc[2].req.headers_len = 8;

    samples = malloc(rounds * sizeof *samples);
    if (!samples) {
        return 2;
    }
    for (k = 0; k < 3; k++) {
        if (argc == 5 && strcmp(argv[4], sc[k].name) != 0) {
            continue;
        }
        for (r = 0; r < rounds; r++) {
            double t0 = now_ns();
            for (i = 0; i < calls; i++) {
                hstsguard_decision d;
                if (hstsguard_policy_evaluate(policy, &sc[k].req, &d, location, sizeof location) !=
                    HSTSGUARD_OK) {
                    fprintf(stderr, "evaluate failed\n");
                    return 1;
                }
                checksum += d.location_len + d.headers_len + (size_t)d.action;
            }
            samples[r] = (now_ns() - t0) / (double)calls;
        }
        qsort(samples, rounds, sizeof *samples, cmp_double);
        printf("%s %.1f\n", sc[k].name, samples[rounds / 2]);
    }
    fprintf(stderr, "checksum %zu\n", checksum);
    free(samples);
    hstsguard_policy_free(policy);
    return 0;
}
