/*
 * The header filter of ngx_http_hstsguard_module: on every response of the main request
 * (error pages and redirects included) the decision's headers are added, or replace or
 * leave a field the response has (hsts.existing), and every Set-Cookie is flagged by the
 * core. A Strict-Transport-Security that the response brings (add_header, the upstream)
 * and that wins over the policy's under existing=keep is logged, once per worker.
 */

#include "ngx_http_hstsguard_module.h"

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;

/* The competing Strict-Transport-Security was logged by this worker process. */
static ngx_uint_t  ngx_http_hstsguard_competing_logged;

/* Flags one Set-Cookie field in place (a changed value is written by the core straight
 * into the request pool; an unchanged one is left where it is, with nothing allocated). */
static ngx_int_t
ngx_http_hstsguard_flag(ngx_http_request_t *r, const hstsguard_policy *policy,
    bool secure, ngx_table_elt_t *h)
{
    hstsguard_cookie  cookie;
    hstsguard_result  rc;
    u_char            buf[1024];
    u_char           *p = buf;

    rc = hstsguard_policy_flag_set_cookie(policy, (const char *) h->value.data,
                                          h->value.len, secure, (char *) buf,
                                          sizeof(buf), &cookie, NULL, 0);
    /* BUFFER_TOO_SMALL means "changed, and longer than buf" (an unchanged value that
     * does not fit is HSTSGUARD_OK): ask again with room for it. */
    if (rc == HSTSGUARD_BUFFER_TOO_SMALL && cookie.changed) {
        p = ngx_pnalloc(r->pool, cookie.len);
        if (p == NULL) {
            return NGX_ERROR;
        }
        rc = hstsguard_policy_flag_set_cookie(policy, (const char *) h->value.data,
                                              h->value.len, secure, (char *) p,
                                              cookie.len, &cookie, NULL, 0);
    }
    if (rc != HSTSGUARD_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "hstsguard: a Set-Cookie field was left as it is (%s)",
                      hstsguard_result_name(rc));
        return NGX_OK;
    }
    if (!cookie.changed) {
        return NGX_OK;
    }
    if (p == buf) {
        p = ngx_pnalloc(r->pool, cookie.len);
        if (p == NULL) {
            return NGX_ERROR;
        }
        ngx_memcpy(p, buf, cookie.len);
    }
    h->value.data = p;
    h->value.len = cookie.len;
    return NGX_OK;
}

/*
 * The response already has a Strict-Transport-Security that differs from the policy's
 * and hsts.existing=keep lets it win: said once per worker process (a warn line naming
 * both values), not per response.
 */
static void
ngx_http_hstsguard_competing(ngx_http_request_t *r, ngx_table_elt_t *h,
    const hstsguard_response_header *rh)
{
    ngx_str_t  ours;

    if (ngx_http_hstsguard_competing_logged
        || !(rh->name.len == sizeof("Strict-Transport-Security") - 1
             && ngx_strncasecmp((u_char *) rh->name.data,
                                (u_char *) "Strict-Transport-Security", rh->name.len) == 0)
        || (h->value.len == rh->value.len
            && ngx_strncmp(h->value.data, rh->value.data, rh->value.len) == 0))
    {
        return;
    }
    ngx_http_hstsguard_competing_logged = 1;
    ours.data = (u_char *) rh->value.data;
    ours.len = rh->value.len;
    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "hstsguard: the response already has \"Strict-Transport-Security: %V\" "
                  "(from add_header, the upstream or the application), which "
                  "hsts.existing=keep lets win over the policy's \"%V\"; remove it, or set "
                  "existing=replace (logged once per worker process)", &h->value, &ours);
}

/*
 * One pass over the response's fields: every Set-Cookie is flagged, and the fields the
 * decision names are found; then each header of the decision is added, or replaces the
 * field found, or leaves it (an existing field is kept unless the policy says replace).
 */
static ngx_int_t
ngx_http_hstsguard_header_filter(ngx_http_request_t *r)
{
    ngx_http_hstsguard_loc_conf_t    *lcf;
    ngx_http_hstsguard_ctx_t         *ctx;
    ngx_list_part_t                  *part;
    ngx_table_elt_t                  *h, *found[HSTSGUARD_MAX_RESPONSE_HEADERS];
    const hstsguard_response_header  *rh, *headers;
    hstsguard_decision                scratch;
    ngx_uint_t                        i, j, n;
    size_t                            len;
    bool                              secure;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    /* A request decided already keeps its decision wherever its response comes from: an
     * error_page or other internal redirect to a location outside `hstsguard on` still
     * gets the decision's headers and flagged cookies. */
    ctx = ngx_http_hstsguard_get_ctx(r);
    if (ctx == NULL) {
        lcf = ngx_http_get_module_loc_conf(r, ngx_http_hstsguard_module);
        if (lcf->enable != 1 || lcf->policy == NULL) {
            return ngx_http_next_header_filter(r);
        }
        /* A response made before the REWRITE phase (an nginx error page, a server-level
         * return): decide now. */
        if (ngx_http_hstsguard_late_ctx(r, lcf, &ctx) != NGX_OK) {
            return NGX_ERROR;
        }
        if (ctx->failed && ctx->decision->action == HSTSGUARD_ACTION_REJECT
            && r->headers_out.status < NGX_HTTP_BAD_REQUEST)
        {
            /* Fail closed: a plain-HTTP response made before the decision is replaced
             * by a 500 (whose own pass through this filter finds the context). */
            return ngx_http_filter_finalize_request(r, &ngx_http_hstsguard_module,
                                                    NGX_HTTP_INTERNAL_SERVER_ERROR);
        }
    }
    if (!ctx->ok) {
        return ngx_http_next_header_filter(r);
    }

    if (ctx->decision == NULL) {
        /* TLS: the response's headers, now (this worker's answer for the Host, or one
         * call; a failure is the fail-closed answer, logged). */
        if (ngx_http_hstsguard_tls_headers(r, ctx, &scratch, &headers, &len, &secure)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    } else {
        headers = ctx->decision->headers;
        len = ctx->decision->headers_len;
        secure = ctx->decision->secure;
    }

    n = ngx_min(len, HSTSGUARD_MAX_RESPONSE_HEADERS);
    for (j = 0; j < n; j++) {
        found[j] = NULL;
    }

    part = &r->headers_out.headers.part;
    h = part->elts;
    for (i = 0; /* void */; i++) {
        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }
            part = part->next;
            h = part->elts;
            i = 0;
            if (part->nelts == 0) {
                continue;
            }
        }
        if (h[i].hash == 0) {
            continue;
        }
        if (ngx_http_hstsguard_named(&h[i], "Set-Cookie", sizeof("Set-Cookie") - 1)) {
            if (ngx_http_hstsguard_flag(r, ctx->policy, secure, &h[i]) != NGX_OK) {
                return NGX_ERROR;
            }
            continue;
        }
        for (j = 0; j < n; j++) {
            rh = &headers[j];
            if (!ngx_http_hstsguard_named(&h[i], rh->name.data, rh->name.len)) {
                continue;
            }
            if (found[j] == NULL) {
                found[j] = &h[i];
            } else if (rh->replace) {
                h[i].hash = 0;  /* a second field of the name: ours is the one sent */
            }
            break;
        }
    }

    for (j = 0; j < n; j++) {
        rh = &headers[j];
        if (rh->name.len == sizeof("Connection") - 1
            && ngx_strncasecmp((u_char *) rh->name.data, (u_char *) "Connection",
                               rh->name.len) == 0)
        {
            continue;  /* nginx writes Connection itself (keep-alive or close) */
        }
        if (found[j] != NULL) {
            if (rh->replace) {
                found[j]->value.data = (u_char *) rh->value.data;
                found[j]->value.len = rh->value.len;
            } else {
                ngx_http_hstsguard_competing(r, found[j], rh);
            }
            continue;
        }
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }
        h->hash = 1;
#if (nginx_version >= 1023000)
        h->next = NULL;
#endif
        /* Views into the policy (or static): they live as long as the configuration. */
        h->key.data = (u_char *) rh->name.data;
        h->key.len = rh->name.len;
        h->value.data = (u_char *) rh->value.data;
        h->value.len = rh->value.len;
        h->lowcase_key = NULL;
    }

    return ngx_http_next_header_filter(r);
}


ngx_int_t
ngx_http_hstsguard_filter_init(ngx_conf_t *cf)
{
    (void) cf;
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_hstsguard_header_filter;
    return NGX_OK;
}
