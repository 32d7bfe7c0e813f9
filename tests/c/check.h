/*
 * The checks of the C tests (one program per file of tests/c): CHECK(cond) and
 * CHECK_RC(call, result) count a pass or print the failure with its line and count it;
 * each program prints "N passed, N failed" last and exits non-zero on any failure.
 */
#ifndef HSTSGUARD_TEST_CHECK_H
#define HSTSGUARD_TEST_CHECK_H

#include <stdio.h>

#include "hstsguard.h"

static int passed, failed;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (cond) {                                                                        \
            passed++;                                                                      \
        } else {                                                                           \
            failed++;                                                                      \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                \
        }                                                                                  \
    } while (0)

#define CHECK_RC(expr, want)                                                               \
    do {                                                                                   \
        hstsguard_result rc_ = (expr);                                                     \
        if (rc_ == (want)) {                                                               \
            passed++;                                                                      \
        } else {                                                                           \
            failed++;                                                                      \
            fprintf(stderr, "FAIL %s:%d: %s returned %s, expected %s\n", __FILE__,         \
                    __LINE__, #expr, hstsguard_result_name(rc_), hstsguard_result_name(want)); \
        }                                                                                  \
    } while (0)

/* A string literal as (pointer, length). */
#define LIT(s) (s), (sizeof(s) - 1)

#endif /* HSTSGUARD_TEST_CHECK_H */
