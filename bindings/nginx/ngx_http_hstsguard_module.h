/*
 * ngx_http_hstsguard_module: the types and functions its files share.
 *
 *   ngx_http_hstsguard_module.c     the module, its directives (from
 *                                   bindings/common/hsg_directives.h) and their handlers
 *   ngx_http_hstsguard_conf.c       block configurations: inheritance per key, the
 *                                   policy of each block, deploy warnings at start-up
 *   ngx_http_hstsguard_handler.c    the REWRITE-phase decision, fail closed
 *   ngx_http_hstsguard_filter.c     the header filter: the decision's headers, every
 *                                   Set-Cookie flagged, a competing HSTS header logged
 *   ngx_http_hstsguard_util.c       the request's views for the C API, messages
 */
#ifndef NGX_HTTP_HSTSGUARD_MODULE_H
#define NGX_HTTP_HSTSGUARD_MODULE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "hstsguard.h"
#include "hsg_settings.h"
#include "hsg_tls_memo.h"

#define NGX_HTTP_HSTSGUARD_ERR_LEN 2048

/*
 * Per request; survives internal redirects: a pointer to it is kept in a request
 * variable slot of the module's own (nginx clears the module contexts on an internal
 * redirect, not the variables), where ngx_http_hstsguard_get_ctx() finds it. A TLS
 * request allocates nothing: its context is its block's `tls`, made with the
 * configuration and never written to by a request.
 */
typedef struct {
    const hstsguard_policy     *policy;
    /* NULL for a TLS request, which always passes: the header filter asks the core for
     * the response's headers then. Otherwise the decision, kept for every response. */
    hstsguard_decision         *decision;
    ngx_str_t                   location;
    unsigned                    ok:1;
    /* The C API failed: the decision is the fail-closed answer made by the module. */
    unsigned                    failed:1;
    /* TLS: the policy's headers can change with the time (an [hsts.ramp]), so that a
     * Host's headers are kept for the second they were asked for only. */
    unsigned                    time:1;
} ngx_http_hstsguard_ctx_t;

/* Where a directive was read, for messages printed after the block was parsed. */
typedef struct {
    ngx_str_t   file;
    ngx_uint_t  line;       /* 0: not set */
} ngx_http_hstsguard_where_t;

typedef struct {
    ngx_flag_t                  enable;
    ngx_http_hstsguard_where_t  enable_where;   /* `hstsguard on|off` in this block */

    /* What this block's own directives set. */
    ngx_str_t                   policy_file;    /* hstsguard_policy */
    hstsguard_policy_builder   *file;           /* ... read, when the block has one */
    hstsguard_policy_builder   *own;            /* the keys of its inline directives */
    size_t                      rules;          /* cookie rules it added */
    unsigned                    set;            /* a bit per directive id it uses */
    ngx_http_hstsguard_where_t  where[HSG_NDIRECTIVES];  /* the last of each */
    ngx_http_hstsguard_where_t  first;          /* its first hstsguard directive */
    int                         last_id;        /* its last policy directive */

    /* add_header in this block (nginx inherits add_header lines only into blocks that
     * have none): any, and the last one that adds Strict-Transport-Security. */
    ngx_uint_t                  add_header;
    ngx_http_hstsguard_where_t  sts_header;

    /* Resolved when the blocks are merged. */
    ngx_uint_t                  resolved;
    hstsguard_policy_builder   *effective;      /* shared with the parent when the block
                                                 * sets nothing */
    hstsguard_policy           *policy;
    const hstsguard_policy     *shown;          /* whose warnings were printed for this
                                                 * block or one it is nested in */
    ngx_http_hstsguard_ctx_t    tls;            /* the context of its TLS requests */
} ngx_http_hstsguard_loc_conf_t;

/* Per configuration: the warnings printed at a file:line already (a file included by
 * two blocks is not warned about twice). */
typedef struct {
    ngx_array_t                 printed;        /* of ngx_http_hstsguard_printed_t */
    ngx_int_t                   ctx_slot;       /* the request variable that holds the
                                                 * context (see below) */
} ngx_http_hstsguard_main_conf_t;


/* The one exported symbol; the functions the files share stay inside the module. */
extern ngx_module_t  ngx_http_hstsguard_module;

#pragma GCC visibility push(hidden)

/* ngx_http_hstsguard_conf.c */
void *ngx_http_hstsguard_create_main_conf(ngx_conf_t *cf);
void *ngx_http_hstsguard_create_loc_conf(ngx_conf_t *cf);
char *ngx_http_hstsguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
ngx_int_t ngx_http_hstsguard_keep_builder(ngx_conf_t *cf, hstsguard_policy_builder *b);

/* ngx_http_hstsguard_handler.c */
ngx_int_t ngx_http_hstsguard_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_hstsguard_late_ctx(ngx_http_request_t *r,
    ngx_http_hstsguard_loc_conf_t *lcf, ngx_http_hstsguard_ctx_t **out);
ngx_int_t ngx_http_hstsguard_tls_ask(ngx_http_request_t *r,
    const ngx_http_hstsguard_ctx_t *ctx, const hstsguard_str *host, uint64_t now,
    hstsguard_decision *scratch, const hstsguard_response_header **headers, size_t *n,
    bool *secure);
void ngx_http_hstsguard_tls_cache_reset(void);

/* The core's last answers for TLS requests in this worker process, one per Host slot
 * (bindings/common/hsg_tls_memo.h), emptied for every configuration. */
extern hsg_tls_memo_set  ngx_http_hstsguard_tls_cache;

/* ngx_http_hstsguard_filter.c */
ngx_int_t ngx_http_hstsguard_filter_init(ngx_conf_t *cf);

/* ngx_http_hstsguard_util.c */
void ngx_http_hstsguard_where(ngx_conf_t *cf, ngx_http_hstsguard_where_t *w);
bool ngx_http_hstsguard_lookup(void *userdata, hstsguard_str name, size_t index,
    hstsguard_str *value_out);
void ngx_http_hstsguard_authority(ngx_http_request_t *r, hstsguard_str *host);

#pragma GCC visibility pop

/* The field is called `name` (len bytes, ASCII case-insensitively): the length and the
 * first letter first, so that most fields are passed over without a call. */
static ngx_inline ngx_uint_t
ngx_http_hstsguard_named(ngx_table_elt_t *h, const char *name, size_t len)
{
    return h->key.len == len && (h->key.data[0] | 0x20) == (name[0] | 0x20)
           && ngx_strncasecmp(h->key.data, (u_char *) name, len) == 0;
}

/* The request variable slot that holds the request's context (its value is marked
 * not_found, so that nothing else ever reads it as text; its name cannot be written in
 * a configuration). */
static ngx_inline ngx_http_variable_value_t *
ngx_http_hstsguard_ctx_slot(ngx_http_request_t *r)
{
    ngx_http_hstsguard_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_hstsguard_module);
    return &r->variables[mcf->ctx_slot];
}

/* The request's context: NULL until the handler (or the header filter) made one. */
static ngx_inline ngx_http_hstsguard_ctx_t *
ngx_http_hstsguard_get_ctx(ngx_http_request_t *r)
{
    return (ngx_http_hstsguard_ctx_t *) ngx_http_hstsguard_ctx_slot(r)->data;
}

/* Keeps the request's context in its slot. */
static ngx_inline void
ngx_http_hstsguard_set_ctx(ngx_http_variable_value_t *slot, ngx_http_hstsguard_ctx_t *ctx)
{
    ngx_http_variable_value_t  v;

    ngx_memzero(&v, sizeof(v));
    v.not_found = 1;
    v.data = (u_char *) ctx;
    *slot = v;
}

/* The Host the core is asked about: the authority of an absolute-form target, or the
 * Host header; data NULL: none. */
static ngx_inline void
ngx_http_hstsguard_host(ngx_http_request_t *r, hstsguard_str *host)
{
    if (r->host_start != NULL && r->host_end > r->host_start) {
        ngx_http_hstsguard_authority(r, host);
    } else if (r->headers_in.host != NULL) {
        host->data = (const char *) r->headers_in.host->value.data;
        host->len = r->headers_in.host->value.len;
    } else {
        host->data = NULL;
        host->len = 0;
    }
}

/* The headers of a TLS response (the header filter's): this worker's answer for the
 * policy and Host (and second, under a ramp), or the core's (into *scratch). NGX_ERROR
 * when memory runs out. */
static ngx_inline ngx_int_t
ngx_http_hstsguard_tls_headers(ngx_http_request_t *r, const ngx_http_hstsguard_ctx_t *ctx,
    hstsguard_decision *scratch, const hstsguard_response_header **headers, size_t *n,
    bool *secure)
{
    hstsguard_str  host;
    uint64_t       now = ctx->time ? (uint64_t) ngx_time() : 0;

    ngx_http_hstsguard_host(r, &host);
    *headers = hsg_tls_memo_set_find(&ngx_http_hstsguard_tls_cache, ctx->policy, now, host,
                                     n);
    if (*headers != NULL) {
        *secure = true;
        return NGX_OK;
    }
    return ngx_http_hstsguard_tls_ask(r, ctx, &host, now, scratch, headers, n, secure);
}

/* The connection to this server is TLS. */
static ngx_inline ngx_uint_t
ngx_http_hstsguard_is_tls(ngx_http_request_t *r)
{
#if (NGX_HTTP_SSL)
    return r->connection->ssl != NULL;
#else
    (void) r;
    return 0;
#endif
}

#endif /* NGX_HTTP_HSTSGUARD_MODULE_H */
