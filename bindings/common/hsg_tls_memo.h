/*
 * What the nginx and Apache modules share for a TLS request: the core's last answer, kept
 * by the module (nginx: one per Host slot in each worker process, see hsg_tls_memo_set;
 * Apache: one per connection).
 *
 * A TLS request always passes, and the core's answer (the response's headers) depends
 * only on the policy, the Host and, under an [hsts.ramp] only
 * (hstsguard_policy_headers_depend_on_time(), asked at configuration time), the time in
 * seconds: a request with the same Host (and second) gets the same headers without a
 * call. A call that failed is never kept, so a failure is met (and logged, and answered
 * closed) on every request it happens to. The header views point into the policy: a
 * memo must not outlive the policies it names (nginx empties its memo for every
 * configuration; Apache's policies outlive every connection).
 *
 * Header-only: the lookup is inlined into each module's response path.
 */
#ifndef HSG_TLS_MEMO_H
#define HSG_TLS_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hstsguard.h"

/* The longest Host kept (a longer one is asked about every time). */
#define HSG_TLS_MEMO_HOST 128

typedef struct {
    const hstsguard_policy     *policy;     /* NULL: empty */
    uint64_t                    now;        /* 0 when the policy's headers never change */
    size_t                      host_len;
    int                         no_host;
    size_t                      headers_len;
    hstsguard_response_header   headers[2];
    unsigned char               host[HSG_TLS_MEMO_HOST];
} hsg_tls_memo;

/* The same len bytes at a and b: two overlapping 8-byte words for 8 to 16 bytes (the
 * usual Host), else memcmp. */
static inline bool
hsg_same_bytes(const unsigned char *a, const unsigned char *b, size_t len)
{
    uint64_t  a0, a1, b0, b1;

    if (len >= 8 && len <= 16) {
        memcpy(&a0, a, 8);
        memcpy(&b0, b, 8);
        memcpy(&a1, a + len - 8, 8);
        memcpy(&b1, b + len - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    return len == 0 || memcmp(a, b, len) == 0;
}

/* The headers kept for this policy, second (0 unless the policy has a ramp) and Host
 * (data NULL: none), their number in *n; NULL when the memo has another answer. */
static inline const hstsguard_response_header *
hsg_tls_memo_find(const hsg_tls_memo *m, const hstsguard_policy *policy, uint64_t now,
                  hstsguard_str host, size_t *n)
{
    if (m->policy == policy && m->now == now && m->host_len == host.len
        && m->no_host == (host.data == NULL)
        && hsg_same_bytes(m->host, (const unsigned char *) host.data, host.len))
    {
        *n = m->headers_len;
        return m->headers;
    }
    return NULL;
}

/* Keeps the core's answer d for a TLS request (a call that succeeded) when it can be
 * given again: a pass of a secure request, with a Host that fits. */
static inline void
hsg_tls_memo_keep(hsg_tls_memo *m, const hstsguard_policy *policy, uint64_t now,
                  hstsguard_str host, const hstsguard_decision *d)
{
    if (d->action != HSTSGUARD_ACTION_PASS || !d->secure || d->headers_len > 2
        || host.len > HSG_TLS_MEMO_HOST)
    {
        return;
    }
    m->policy = policy;
    m->now = now;
    m->host_len = host.len;
    m->no_host = host.data == NULL;
    if (host.len) {
        memcpy(m->host, host.data, host.len);
    }
    m->headers_len = d->headers_len;
    memcpy(m->headers, d->headers, d->headers_len * sizeof(hstsguard_response_header));
}

/* A set of memos (nginx: one per worker process). A worker serving several sites (Hosts
 * in turn) keeps an answer for each: a Host's slot is chosen by its bytes and the
 * policy, and two Hosts of the same slot take turns in it (each answer is checked
 * whole, so that only costs a call). The slot that answered last is tried first, so a
 * worker serving one site pays one comparison, as with a single memo. */
#define HSG_TLS_MEMO_SLOT_BITS 3
#define HSG_TLS_MEMO_SLOTS     (1u << HSG_TLS_MEMO_SLOT_BITS)
#if HSG_TLS_MEMO_SLOT_BITS < 1 || HSG_TLS_MEMO_SLOT_BITS > 16
#error "HSG_TLS_MEMO_SLOT_BITS must be 1 to 16"
#endif

typedef struct {
    hsg_tls_memo  *last; /* the slot that answered, or was given an answer to keep,
                          * last (which it may have turned down); NULL: none */
    hsg_tls_memo   slot[HSG_TLS_MEMO_SLOTS];
} hsg_tls_memo_set;

/* The slot of this policy and Host (data NULL: none): a multiplicative hash of the
 * policy's address, the length and the first and last 8 bytes (the last rotated, so that
 * an 8-byte Host's two equal words do not cancel; of a Host under 8 bytes: its first,
 * middle and last byte), its top bits. */
static inline hsg_tls_memo *
hsg_tls_memo_slot(hsg_tls_memo_set *s, const hstsguard_policy *policy, hstsguard_str host)
{
    const unsigned char *p = (const unsigned char *) host.data;
    uint64_t             w0 = 0, w1 = 0;

    if (host.len >= 8) {
        memcpy(&w0, p, 8);
        memcpy(&w1, p + host.len - 8, 8);
    } else if (host.len > 0) {
        w0 = p[0] | ((uint64_t) p[host.len / 2] << 8);
        w1 = p[host.len - 1];
    }
    w0 ^= ((w1 << 29) | (w1 >> 35)) ^ host.len ^ (uint64_t) (uintptr_t) policy;
    return &s->slot[(w0 * 0x9e3779b97f4a7c15ULL) >> (64 - HSG_TLS_MEMO_SLOT_BITS)];
}

/* The set's answer for this policy, second and Host, as hsg_tls_memo_find(): the last
 * slot's, else the Host's slot's (which becomes the last). */
static inline const hstsguard_response_header *
hsg_tls_memo_set_find(hsg_tls_memo_set *s, const hstsguard_policy *policy, uint64_t now,
                      hstsguard_str host, size_t *n)
{
    const hstsguard_response_header *found;
    hsg_tls_memo                    *m = s->last;

    if (m != NULL) {
        found = hsg_tls_memo_find(m, policy, now, host, n);
        if (found != NULL) {
            return found;
        }
    }
    m = hsg_tls_memo_slot(s, policy, host);
    found = hsg_tls_memo_find(m, policy, now, host, n);
    if (found != NULL) {
        s->last = m;
    }
    return found;
}

/* Keeps the core's answer d in the Host's slot, as hsg_tls_memo_keep() (which turns
 * down what cannot be given again); the slot becomes the last either way. */
static inline void
hsg_tls_memo_set_keep(hsg_tls_memo_set *s, const hstsguard_policy *policy, uint64_t now,
                      hstsguard_str host, const hstsguard_decision *d)
{
    hsg_tls_memo *m = hsg_tls_memo_slot(s, policy, host);

    hsg_tls_memo_keep(m, policy, now, host, d);
    s->last = m;
}

/* Empties every slot (a new configuration: the policies the slots name are gone). */
static inline void
hsg_tls_memo_set_clear(hsg_tls_memo_set *s)
{
    size_t i;

    for (i = 0; i < HSG_TLS_MEMO_SLOTS; i++) {
        s->slot[i].policy = NULL;
    }
    s->last = NULL;
}

#endif /* HSG_TLS_MEMO_H */
