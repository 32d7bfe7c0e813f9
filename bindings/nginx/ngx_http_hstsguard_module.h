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

#define NGX_HTTP_HSTSGUARD_ERR_LEN 2048

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
} ngx_http_hstsguard_loc_conf_t;

/* Per configuration: the warnings printed at a file:line already (a file included by
 * two blocks is not warned about twice). */
typedef struct {
    ngx_array_t                 printed;        /* of ngx_http_hstsguard_printed_t */
} ngx_http_hstsguard_main_conf_t;

/* Per request; survives internal redirects (it lives in a pool cleanup, as realip's). */
typedef struct {
    const hstsguard_policy     *policy;
    hstsguard_decision          decision;
    ngx_str_t                   location;
    ngx_uint_t                  ok;
    /* The C API failed: ctx->decision is the fail-closed answer made by the module. */
    ngx_uint_t                  failed;
} ngx_http_hstsguard_ctx_t;

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
ngx_http_hstsguard_ctx_t *ngx_http_hstsguard_get_ctx(ngx_http_request_t *r);
ngx_http_hstsguard_ctx_t *ngx_http_hstsguard_new_ctx(ngx_http_request_t *r);
ngx_int_t ngx_http_hstsguard_evaluate(ngx_http_request_t *r,
    ngx_http_hstsguard_loc_conf_t *lcf, ngx_http_hstsguard_ctx_t *ctx);

/* ngx_http_hstsguard_filter.c */
ngx_int_t ngx_http_hstsguard_filter_init(ngx_conf_t *cf);

/* ngx_http_hstsguard_util.c */
void ngx_http_hstsguard_where(ngx_conf_t *cf, ngx_http_hstsguard_where_t *w);
bool ngx_http_hstsguard_lookup(void *userdata, hstsguard_str name, size_t index,
    hstsguard_str *value_out);
void ngx_http_hstsguard_authority(ngx_http_request_t *r, hstsguard_str *host);
ngx_uint_t ngx_http_hstsguard_named(ngx_table_elt_t *h, const char *name, size_t len);

#pragma GCC visibility pop

#endif /* NGX_HTTP_HSTSGUARD_MODULE_H */
