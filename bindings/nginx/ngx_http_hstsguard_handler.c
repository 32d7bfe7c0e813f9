/*
 * The decision of ngx_http_hstsguard_module: a REWRITE-phase handler (after the location
 * is found, before access checks, `return` in the location and content such as
 * proxy_pass) asks the core about a plain-HTTP request and answers a redirect or a
 * refusal. A TLS request always passes: nothing is decided or allocated here (its
 * context is its block's), and the header filter asks the core for the response's
 * headers (one call, or none when this worker has the Host's answer already). The
 * context (the policy, and the decision of a plain request) is kept for the whole
 * request, internal redirects included (in a request variable slot, which nginx does not
 * clear), so that error pages get the decision's headers too.
 *
 * When the C API returns an error for a request, the module fails closed (see the top of
 * ngx_http_hstsguard_module.c): a peer address it cannot read is decided again as if
 * from an unknown peer; otherwise a plain-HTTP request gets 500, a TLS request the
 * policy's precomputed Strict-Transport-Security, and a line is logged.
 */

#include "ngx_http_hstsguard_module.h"

/* A Location of this many bytes beyond the Host and the target is written straight
 * into the request pool; a longer one (a long canonical host, many bytes that need
 * percent-encoding) is asked for again with its exact length. */
#define NGX_HTTP_HSTSGUARD_LOCATION_SLACK 48

/* A new context for a plain-HTTP request, with room for its decision. (A TLS request's
 * is its block's, lcf->tls: nothing allocated.) */
static ngx_inline ngx_http_hstsguard_ctx_t *
ngx_http_hstsguard_new_ctx(ngx_http_request_t *r, ngx_http_hstsguard_loc_conf_t *lcf)
{
    ngx_http_hstsguard_ctx_t  *ctx;

    ctx = ngx_palloc(r->pool, sizeof(ngx_http_hstsguard_ctx_t) + sizeof(hstsguard_decision));
    if (ctx == NULL) {
        return NULL;
    }
    ctx->policy = lcf->policy;
    /* the decision is written by hstsguard_policy_evaluate() */
    ctx->decision = (hstsguard_decision *) (ctx + 1);
    ctx->location.len = 0;
    ctx->location.data = NULL;
    ctx->ok = 0;
    ctx->failed = 0;
    ctx->time = 0;
    ngx_http_hstsguard_set_ctx(ngx_http_hstsguard_ctx_slot(r), ctx);
    return ctx;
}

/*
 * The fail-closed answer when the C API returned an error for the request (see the top
 * of this file): on TLS, pass with the policy's precomputed HSTS value; on plain HTTP, a
 * 500, never a pass.
 */
static void
ngx_http_hstsguard_fail_closed(ngx_http_request_t *r, const hstsguard_policy *policy,
    hstsguard_decision *d, hstsguard_result rc, ngx_uint_t tls)
{
    hsg_fail_closed_decision(policy, tls != 0, NGX_HTTP_INTERNAL_SERVER_ERROR, d);
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "hstsguard: the request could not be evaluated (%s); failing closed: %s",
                  hstsguard_result_name(rc),
                  tls ? "served over TLS with the policy's HSTS header"
                      : "answered with 500, not passed over plain HTTP");
}

/*
 * Asks the core about this request: the decision goes to *d, a redirect's Location
 * (written by the core straight into the request pool) to *location. A call that
 * failed gives the fail-closed answer (logged) and sets *failed. NGX_ERROR only when
 * memory runs out.
 */
static ngx_inline ngx_int_t
ngx_http_hstsguard_evaluate(ngx_http_request_t *r, const hstsguard_policy *policy,
    hstsguard_decision *d, ngx_str_t *location, ngx_uint_t *failed)
{
    hstsguard_request   req;
    hstsguard_result    rc;
    ngx_connection_t   *c = r->connection;
    u_char             *loc;
    size_t              cap;

    req.method.data = (const char *) r->method_name.data;
    req.method.len = r->method_name.data ? r->method_name.len : 0;
    req.tls = ngx_http_hstsguard_is_tls(r);
    ngx_http_hstsguard_host(r, &req.host);
    req.target.data = NULL;
    req.target.len = 0;
    req.peer.data = NULL;
    req.peer.len = 0;
    req.headers = NULL;
    req.headers_len = 0;
    req.now = (uint64_t) ngx_time();

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

    /* A TLS request never redirects: no room for a Location. */
    if (req.tls) {
        loc = NULL;
        cap = 0;
    } else {
        cap = req.host.len + req.target.len + NGX_HTTP_HSTSGUARD_LOCATION_SLACK;
        loc = ngx_pnalloc(r->pool, cap);
        if (loc == NULL) {
            return NGX_ERROR;
        }
    }
    rc = hstsguard_policy_evaluate(policy, &req, d, (char *) loc, cap);
    if (rc == HSTSGUARD_INVALID_PEER) {
        /* Decided again as if from an unknown peer: no proxy is believed. */
        ngx_log_error(NGX_LOG_WARN, c->log, 0,
                      "hstsguard: the peer address \"%V\" cannot be read; no proxy header "
                      "is believed for this request", &c->addr_text);
        req.peer.data = NULL;
        req.peer.len = 0;
        rc = hstsguard_policy_evaluate(policy, &req, d, (char *) loc, cap);
    }
    if (rc == HSTSGUARD_BUFFER_TOO_SMALL && d->action == HSTSGUARD_ACTION_REDIRECT) {
        cap = d->location_len;
        loc = ngx_pnalloc(r->pool, cap);
        if (loc == NULL) {
            return NGX_ERROR;
        }
        rc = hstsguard_policy_evaluate(policy, &req, d, (char *) loc, cap);
    }
    if (rc != HSTSGUARD_OK || d->action == HSTSGUARD_ACTION_NONE) {
        ngx_http_hstsguard_fail_closed(r, policy, d, rc, req.tls);
        *failed = 1;
        return NGX_OK;
    }
    if (d->action == HSTSGUARD_ACTION_REDIRECT) {
        location->data = loc;
        location->len = d->location_len;
    }
    return NGX_OK;
}

/* The core's last answers for TLS requests in this worker process: see
 * ngx_http_hstsguard_tls_headers() in ngx_http_hstsguard_module.h. */
hsg_tls_memo_set  ngx_http_hstsguard_tls_cache;

void
ngx_http_hstsguard_tls_cache_reset(void)
{
    hsg_tls_memo_set_clear(&ngx_http_hstsguard_tls_cache);
}

/* The headers of a TLS response that the cache did not have: from the core's decision
 * written to *scratch, which is kept when it can be. NGX_ERROR when memory runs out. */
ngx_int_t
ngx_http_hstsguard_tls_ask(ngx_http_request_t *r, const ngx_http_hstsguard_ctx_t *ctx,
    const hstsguard_str *host, uint64_t now, hstsguard_decision *scratch,
    const hstsguard_response_header **headers, size_t *n, bool *secure)
{
    ngx_str_t   no_location;
    ngx_uint_t  failed = 0;

    if (ngx_http_hstsguard_evaluate(r, ctx->policy, scratch, &no_location, &failed)
        != NGX_OK)
    {
        return NGX_ERROR;
    }
    *headers = scratch->headers;
    *n = scratch->headers_len;
    *secure = scratch->secure;
    if (!failed) {
        hsg_tls_memo_set_keep(&ngx_http_hstsguard_tls_cache, ctx->policy, now, *host,
                              scratch);
    }
    return NGX_OK;
}

/* Decides a plain-HTTP request into its context (ctx->decision). */
static ngx_int_t
ngx_http_hstsguard_decide(ngx_http_request_t *r, ngx_http_hstsguard_ctx_t *ctx)
{
    ngx_uint_t  failed = 0;

    if (ngx_http_hstsguard_evaluate(r, ctx->policy, ctx->decision, &ctx->location, &failed)
        != NGX_OK)
    {
        return NGX_ERROR;
    }
    ctx->failed = failed;
    ctx->ok = 1;
    return NGX_OK;
}

ngx_int_t
ngx_http_hstsguard_handler(ngx_http_request_t *r)
{
    ngx_http_hstsguard_loc_conf_t *lcf;
    ngx_http_hstsguard_ctx_t      *ctx;
    ngx_http_variable_value_t     *slot;
    hstsguard_decision            *d;
    ngx_table_elt_t               *h;

    if (r != r->main) {
        return NGX_DECLINED;
    }
    lcf = ngx_http_get_module_loc_conf(r, ngx_http_hstsguard_module);
    if (lcf->enable != 1 || lcf->policy == NULL) {
        return NGX_DECLINED;
    }
    slot = ngx_http_hstsguard_ctx_slot(r);
    if (slot->data != NULL) {
        /* decided already (a rewrite to another location, an internal redirect) */
        return NGX_DECLINED;
    }
    if (ngx_http_hstsguard_is_tls(r)) {
        /* Always passes; the header filter adds the headers (the context keeps the
         * policy for an internal redirect to a location where the module is off). */
        ngx_http_hstsguard_set_ctx(slot, &lcf->tls);
        return NGX_DECLINED;
    }
    ctx = ngx_http_hstsguard_new_ctx(r, lcf);
    if (ctx == NULL) {
        return NGX_ERROR;
    }
    if (ngx_http_hstsguard_decide(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }
    d = ctx->decision;

    switch (d->action) {

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
                       (ngx_uint_t) d->status, &ctx->location);
        return d->status;

    case HSTSGUARD_ACTION_REJECT:
        if (ctx->failed) {
            return d->status;  /* logged by ngx_http_hstsguard_fail_closed() */
        }
        if (d->reason_code != NULL
            && ngx_strcmp(d->reason_code, "proxy.sources_disagree") == 0)
        {
            /* A client added a proxy header that the trusted proxy passed through. */
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "hstsguard: request refused with %ui (%s): the trusted proxy's "
                          "headers disagree; the proxy must overwrite or strip every "
                          "header listed in hstsguard_proxy_sources",
                          (ngx_uint_t) d->status, d->reason_code);
            return d->status;
        }
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "hstsguard: request refused with %ui (%s)",
                      (ngx_uint_t) d->status, d->reason_code ? d->reason_code : "?");
        return d->status;

    default:
        return NGX_DECLINED;
    }
}

/* The decision of a request the header filter meets without one (a response made before
 * the REWRITE phase: an nginx error page, a server-level return). NGX_ERROR when memory
 * runs out. */
ngx_int_t
ngx_http_hstsguard_late_ctx(ngx_http_request_t *r, ngx_http_hstsguard_loc_conf_t *lcf,
    ngx_http_hstsguard_ctx_t **out)
{
    ngx_http_hstsguard_ctx_t  *ctx;

    if (ngx_http_hstsguard_is_tls(r)) {
        ngx_http_hstsguard_set_ctx(ngx_http_hstsguard_ctx_slot(r), &lcf->tls);
        *out = &lcf->tls;
        return NGX_OK;
    }
    ctx = ngx_http_hstsguard_new_ctx(r, lcf);
    if (ctx == NULL) {
        return NGX_ERROR;
    }
    *out = ctx;
    return ngx_http_hstsguard_decide(r, ctx);
}
