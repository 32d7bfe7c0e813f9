/*
 * The decision of ngx_http_hstsguard_module: a REWRITE-phase handler (after the location
 * is found, before access checks, `return` in the location and content such as
 * proxy_pass) asks the core about the request and answers a redirect or a refusal; the
 * decision is kept for the whole request, internal redirects included (it lives in a
 * pool cleanup, as realip's context does), so that error pages get its headers too.
 *
 * When the C API returns an error for a request, the module fails closed (see the top of
 * ngx_http_hstsguard_module.c): a peer address it cannot read is decided again as if
 * from an unknown peer; otherwise a plain-HTTP request gets 500, a TLS request the
 * policy's precomputed Strict-Transport-Security, and a line is logged.
 */

#include "ngx_http_hstsguard_module.h"

static void
ngx_http_hstsguard_ctx_cleanup(void *data)
{
    /* Nothing to free: the pool owns the context. The handler marks it as ours. */
    (void) data;
}

ngx_http_hstsguard_ctx_t *
ngx_http_hstsguard_get_ctx(ngx_http_request_t *r)
{
    ngx_http_hstsguard_ctx_t *ctx;
    ngx_pool_cleanup_t       *cln;

    ctx = ngx_http_get_module_ctx(r, ngx_http_hstsguard_module);
    if (ctx != NULL || !(r->internal || r->filter_finalize)) {
        return ctx;
    }
    /* An internal redirect cleared the module contexts: find ours in the pool. */
    for (cln = r->pool->cleanup; cln != NULL; cln = cln->next) {
        if (cln->handler == ngx_http_hstsguard_ctx_cleanup) {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_http_hstsguard_module);
            return ctx;
        }
    }
    return NULL;
}

ngx_http_hstsguard_ctx_t *
ngx_http_hstsguard_new_ctx(ngx_http_request_t *r)
{
    ngx_http_hstsguard_ctx_t *ctx;
    ngx_pool_cleanup_t       *cln;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_hstsguard_ctx_t));
    if (cln == NULL) {
        return NULL;
    }
    ctx = cln->data;
    /* ctx->decision is written by hstsguard_policy_evaluate() */
    ctx->policy = NULL;
    ctx->location.len = 0;
    ctx->location.data = NULL;
    ctx->ok = 0;
    ctx->failed = 0;
    cln->handler = ngx_http_hstsguard_ctx_cleanup;
    ngx_http_set_ctx(r, ctx, ngx_http_hstsguard_module);
    return ctx;
}

/*
 * The fail-closed answer when the C API returned an error for the request (see the top
 * of this file): on TLS, pass with the policy's precomputed HSTS value; on plain HTTP, a
 * 500, never a pass.
 */
static void
ngx_http_hstsguard_fail_closed(ngx_http_request_t *r, ngx_http_hstsguard_ctx_t *ctx,
    hstsguard_result rc, ngx_uint_t tls)
{
    hstsguard_str  hsts;

    ngx_memzero(&ctx->decision, sizeof(ctx->decision));
    ctx->failed = 1;
    ctx->ok = 1;
    if (tls) {
        ctx->decision.action = HSTSGUARD_ACTION_PASS;
        ctx->decision.secure = true;
        if (hstsguard_policy_hsts_value(ctx->policy, &hsts) == HSTSGUARD_OK
            && hsts.data != NULL)
        {
            ctx->decision.headers[0].name.data = "Strict-Transport-Security";
            ctx->decision.headers[0].name.len = sizeof("Strict-Transport-Security") - 1;
            ctx->decision.headers[0].value = hsts;
            ctx->decision.headers[0].replace = false;
            ctx->decision.headers_len = 1;
        }
    } else {
        ctx->decision.action = HSTSGUARD_ACTION_REJECT;
        ctx->decision.status = NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "hstsguard: the request could not be evaluated (%s); failing closed: %s",
                  hstsguard_result_name(rc),
                  tls ? "served over TLS with the policy's HSTS header"
                      : "answered with 500, not passed over plain HTTP");
}

/* Asks the core about this request; the decision goes to ctx. */
ngx_int_t
ngx_http_hstsguard_evaluate(ngx_http_request_t *r, ngx_http_hstsguard_loc_conf_t *lcf,
    ngx_http_hstsguard_ctx_t *ctx)
{
    hstsguard_request   req;
    hstsguard_result    rc;
    ngx_connection_t   *c = r->connection;
    u_char              buf[512];
    u_char             *loc;

    req.method.data = (const char *) r->method_name.data;
    req.method.len = r->method_name.data ? r->method_name.len : 0;
#if (NGX_HTTP_SSL)
    req.tls = c->ssl != NULL;
#else
    req.tls = false;
#endif
    req.host.data = NULL;
    req.host.len = 0;
    req.target.data = NULL;
    req.target.len = 0;
    req.peer.data = NULL;
    req.peer.len = 0;
    req.headers = NULL;
    req.headers_len = 0;
    req.now = (uint64_t) ngx_time();

    if (r->host_start != NULL && r->host_end > r->host_start) {
        ngx_http_hstsguard_authority(r, &req.host);
    } else if (r->headers_in.host != NULL) {
        req.host.data = (const char *) r->headers_in.host->value.data;
        req.host.len = r->headers_in.host->value.len;
    }

    if (r->unparsed_uri.data != NULL) {
        req.target.data = (const char *) r->unparsed_uri.data;
        req.target.len = r->unparsed_uri.len;
    }

    /* The peer as nginx prints it (after realip): an IPv4 or IPv6 address, or "unix:" on
     * a unix-domain listener. The core reads it only for a plain request under a policy
     * with trusted proxies; "unix:" is then HSTSGUARD_INVALID_PEER, and the request is
     * decided again with no proxy believed (below), which is logged. */
    if (c->addr_text.data != NULL) {
        req.peer.data = (const char *) c->addr_text.data;
        req.peer.len = c->addr_text.len;
    }

    req.lookup = ngx_http_hstsguard_lookup;
    req.lookup_userdata = r;

    ctx->policy = lcf->policy;
    rc = hstsguard_policy_evaluate(lcf->policy, &req, &ctx->decision, (char *) buf,
                                   sizeof(buf));
    if (rc == HSTSGUARD_INVALID_PEER) {
        /* Decided again as if from an unknown peer: no proxy is believed. */
        ngx_log_error(NGX_LOG_WARN, c->log, 0,
                      "hstsguard: the peer address \"%V\" cannot be read; no proxy header "
                      "is believed for this request", &c->addr_text);
        req.peer.data = NULL;
        req.peer.len = 0;
        rc = hstsguard_policy_evaluate(lcf->policy, &req, &ctx->decision, (char *) buf,
                                       sizeof(buf));
    }
    loc = buf;
    if (rc == HSTSGUARD_BUFFER_TOO_SMALL
        && ctx->decision.action == HSTSGUARD_ACTION_REDIRECT)
    {
        loc = ngx_pnalloc(r->pool, ctx->decision.location_len);
        if (loc == NULL) {
            return NGX_ERROR;
        }
        rc = hstsguard_policy_evaluate(lcf->policy, &req, &ctx->decision, (char *) loc,
                                       ctx->decision.location_len);
    }
    if (rc != HSTSGUARD_OK || ctx->decision.action == HSTSGUARD_ACTION_NONE) {
        ngx_http_hstsguard_fail_closed(r, ctx, rc, req.tls);
        return NGX_OK;
    }

    if (ctx->decision.action == HSTSGUARD_ACTION_REDIRECT) {
        if (loc == buf) {
            loc = ngx_pnalloc(r->pool, ctx->decision.location_len);
            if (loc == NULL) {
                return NGX_ERROR;
            }
            ngx_memcpy(loc, buf, ctx->decision.location_len);
        }
        ctx->location.data = loc;
        ctx->location.len = ctx->decision.location_len;
    }
    ctx->ok = 1;
    return NGX_OK;
}

ngx_int_t
ngx_http_hstsguard_handler(ngx_http_request_t *r)
{
    ngx_http_hstsguard_loc_conf_t *lcf;
    ngx_http_hstsguard_ctx_t      *ctx;
    ngx_table_elt_t               *h;
    ngx_int_t                      rc;

    if (r != r->main) {
        return NGX_DECLINED;
    }
    lcf = ngx_http_get_module_loc_conf(r, ngx_http_hstsguard_module);
    if (lcf->enable != 1 || lcf->policy == NULL) {
        return NGX_DECLINED;
    }
    if (ngx_http_hstsguard_get_ctx(r) != NULL) {
        /* decided already (a rewrite to another location, an internal redirect) */
        return NGX_DECLINED;
    }
    ctx = ngx_http_hstsguard_new_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    rc = ngx_http_hstsguard_evaluate(r, lcf, ctx);
    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }
    if (rc != NGX_OK) {
        return NGX_DECLINED;
    }

    switch (ctx->decision.action) {

    case HSTSGUARD_ACTION_REDIRECT:
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }
        h->hash = 1;
#if (nginx_version >= 1023000)
        h->next = NULL;
#endif
        ngx_str_set(&h->key, "Location");
        h->value = ctx->location;
        h->lowcase_key = NULL;
        ngx_http_clear_location(r);
        r->headers_out.location = h;
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "hstsguard: redirect %ui to \"%V\"",
                       (ngx_uint_t) ctx->decision.status, &ctx->location);
        return ctx->decision.status;

    case HSTSGUARD_ACTION_REJECT:
        if (ctx->failed) {
            return ctx->decision.status;  /* logged by ngx_http_hstsguard_fail_closed() */
        }
        if (ctx->decision.reason_code != NULL
            && ngx_strcmp(ctx->decision.reason_code, "proxy.sources_disagree") == 0)
        {
            /* A client added a proxy header that the trusted proxy passed through. */
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "hstsguard: request refused with %ui (%s): the trusted proxy's "
                          "headers disagree; the proxy must overwrite or strip every "
                          "header listed in hstsguard_proxy_sources",
                          (ngx_uint_t) ctx->decision.status, ctx->decision.reason_code);
            return ctx->decision.status;
        }
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "hstsguard: request refused with %ui (%s)",
                      (ngx_uint_t) ctx->decision.status,
                      ctx->decision.reason_code ? ctx->decision.reason_code : "?");
        return ctx->decision.status;

    default:
        return NGX_DECLINED;
    }
}

