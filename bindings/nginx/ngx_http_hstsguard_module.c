/*
 * ngx_http_hstsguard_module: HTTPS transport security for nginx, decided by the
 * hstsguard core through its C ABI (include/hstsguard.h).
 *
 *   hstsguard on|off;                  http, server, location (default off)
 *   hstsguard_policy FILE;             a TOML or JSON policy document (docs/POLICY.md)
 *   hstsguard_hsts ...;  hstsguard_redirect ...;  hstsguard_allowed_hosts ...;
 *   hstsguard_exempt ...;  hstsguard_trusted_proxy ...;  hstsguard_proxy_sources ...;
 *   hstsguard_cookies ...;  hstsguard_cookie ...;  hstsguard_strict_preload on|off;
 *                                      inline settings (hsg_settings.h)
 *
 * Configuration time: every directive is checked when it is read (its file:line in the
 * message), and each block that sets something gets one immutable policy, built when the
 * blocks are merged; blocks that set nothing share their parent's.
 *
 * Per request:
 * - REWRITE phase (after the location is found, before access checks, `return` in the
 *   location and content such as proxy_pass): the core decides pass / redirect (Location
 *   from the core) / reject (400, 403, 426). The decision is kept for the whole request,
 *   internal redirects included.
 * - header filter (every response of the main request, error pages and redirects
 *   included): the decision's headers (Strict-Transport-Security on secure requests,
 *   keep or replace an existing one), and every Set-Cookie flagged by the core.
 * - error pages: an error_page target (an internal redirect, possibly to a location
 *   where hstsguard is off) keeps the decision of the request, so it still gets the
 *   decision's headers and flagged cookies.
 * Memory: the request pool only.
 *
 * When something goes wrong (the C API returns an error for a request: a panic caught at
 * the boundary, a peer address it cannot read, an internal error), the module fails
 * closed, as include/hstsguard.h's contract says:
 * - a peer address that cannot be read ("unix:" on a unix-domain listener, under a policy
 *   with trusted proxies): the request is decided again as if from an unknown peer (no
 *   proxy is believed), which still gives the redirect, and a warning is logged;
 * - otherwise a plain-HTTP request is never passed: it is answered with 500;
 * - a TLS request is served with the policy's precomputed Strict-Transport-Security;
 * - an error-level line is logged. A Set-Cookie the core cannot flag is left as it is and
 *   logged.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "hstsguard.h"
#include "hsg_settings.h"

#define HSG_ERR_LEN 2048

/* Where a directive was read, for messages printed after the block was parsed. */
typedef struct {
    ngx_str_t   file;
    ngx_uint_t  line;
    const char *directive;
} ngx_http_hstsguard_where_t;

typedef struct {
    ngx_flag_t                  enable;
    /* hstsguard_policy: the path and the policy built from it when it was read. */
    ngx_str_t                   policy_file;
    hstsguard_policy           *file_policy;
    /* Inline settings: per group an array of hsg_line, NULL when not set. */
    ngx_array_t                *group[HSG_NGROUPS];
    /* The last policy directive of the innermost block that had one. */
    ngx_http_hstsguard_where_t  where;
    /* This block sets the policy (hstsguard_policy or an inline directive). */
    ngx_uint_t                  own;
    /* The effective policy, once resolved (shared with the parent when own == 0). */
    ngx_uint_t                  resolved;
    hstsguard_policy           *policy;
} ngx_http_hstsguard_loc_conf_t;

/* Per request; survives internal redirects (it lives in a pool cleanup, as realip's). */
typedef struct {
    const hstsguard_policy     *policy;
    hstsguard_decision          decision;
    ngx_str_t                   location;
    ngx_uint_t                  ok;
    /* The C API failed: ctx->decision is the fail-closed answer made by the module. */
    ngx_uint_t                  failed;
} ngx_http_hstsguard_ctx_t;

static void *ngx_http_hstsguard_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_hstsguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static ngx_int_t ngx_http_hstsguard_init(ngx_conf_t *cf);
static char *ngx_http_hstsguard_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_hstsguard_group(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

#define HSG_CONF (NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF)

static ngx_command_t ngx_http_hstsguard_commands[] = {

    { ngx_string("hstsguard"),
      HSG_CONF | NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_hstsguard_loc_conf_t, enable),
      NULL },

    { ngx_string("hstsguard_policy"),
      HSG_CONF | NGX_CONF_TAKE1,
      ngx_http_hstsguard_policy,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    /* The inline directives: `offset` carries the group (hsg_settings.h). */
    { ngx_string("hstsguard_hsts"),
      HSG_CONF | NGX_CONF_1MORE,
      ngx_http_hstsguard_group,
      NGX_HTTP_LOC_CONF_OFFSET,
      HSG_HSTS,
      NULL },

    { ngx_string("hstsguard_redirect"),
      HSG_CONF | NGX_CONF_1MORE,
      ngx_http_hstsguard_group,
      NGX_HTTP_LOC_CONF_OFFSET,
      HSG_REDIRECT,
      NULL },

    { ngx_string("hstsguard_allowed_hosts"),
      HSG_CONF | NGX_CONF_1MORE,
      ngx_http_hstsguard_group,
      NGX_HTTP_LOC_CONF_OFFSET,
      HSG_ALLOWED_HOSTS,
      NULL },

    { ngx_string("hstsguard_exempt"),
      HSG_CONF | NGX_CONF_1MORE,
      ngx_http_hstsguard_group,
      NGX_HTTP_LOC_CONF_OFFSET,
      HSG_EXEMPT,
      NULL },

    { ngx_string("hstsguard_trusted_proxy"),
      HSG_CONF | NGX_CONF_1MORE,
      ngx_http_hstsguard_group,
      NGX_HTTP_LOC_CONF_OFFSET,
      HSG_TRUSTED,
      NULL },

    { ngx_string("hstsguard_proxy_sources"),
      HSG_CONF | NGX_CONF_1MORE,
      ngx_http_hstsguard_group,
      NGX_HTTP_LOC_CONF_OFFSET,
      HSG_SOURCES,
      NULL },

    { ngx_string("hstsguard_cookies"),
      HSG_CONF | NGX_CONF_1MORE,
      ngx_http_hstsguard_group,
      NGX_HTTP_LOC_CONF_OFFSET,
      HSG_COOKIES,
      NULL },

    { ngx_string("hstsguard_cookie"),
      HSG_CONF | NGX_CONF_1MORE,
      ngx_http_hstsguard_group,
      NGX_HTTP_LOC_CONF_OFFSET,
      HSG_COOKIE_RULES,
      NULL },

    { ngx_string("hstsguard_strict_preload"),
      HSG_CONF | NGX_CONF_TAKE1,
      ngx_http_hstsguard_group,
      NGX_HTTP_LOC_CONF_OFFSET,
      HSG_STRICT_PRELOAD,
      NULL },

      ngx_null_command
};

static ngx_http_module_t ngx_http_hstsguard_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_hstsguard_init,               /* postconfiguration */
    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */
    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */
    ngx_http_hstsguard_create_loc_conf,    /* create location configuration */
    ngx_http_hstsguard_merge_loc_conf      /* merge location configuration */
};

ngx_module_t ngx_http_hstsguard_module = {
    NGX_MODULE_V1,
    &ngx_http_hstsguard_module_ctx,        /* module context */
    ngx_http_hstsguard_commands,           /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};

static ngx_http_output_header_filter_pt ngx_http_next_header_filter;

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                         */
/* ------------------------------------------------------------------------------------ */

static void
ngx_http_hstsguard_free_policy(void *data)
{
    hstsguard_policy_free(data);
}

/* The policy lives as long as the configuration (the cycle's pool). */
static ngx_int_t
ngx_http_hstsguard_keep(ngx_conf_t *cf, hstsguard_policy *policy)
{
    ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        hstsguard_policy_free(policy);
        return NGX_ERROR;
    }
    cln->handler = ngx_http_hstsguard_free_policy;
    cln->data = policy;
    return NGX_OK;
}

static void *
ngx_http_hstsguard_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_hstsguard_loc_conf_t *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_hstsguard_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }
    /* set by ngx_pcalloc(): policy_file = { 0, NULL }, group[] = NULL, own = 0, ... */
    conf->enable = NGX_CONF_UNSET;
    return conf;
}

static void
ngx_http_hstsguard_set_where(ngx_conf_t *cf, ngx_http_hstsguard_loc_conf_t *conf,
    const char *directive)
{
    conf->where.file = cf->conf_file->file.name;
    conf->where.line = cf->conf_file->line;
    conf->where.directive = directive;
    conf->own = 1;
}

static void
ngx_http_hstsguard_settings(ngx_http_hstsguard_loc_conf_t *conf, hsg_settings *s)
{
    int g;

    for (g = 0; g < HSG_NGROUPS; g++) {
        s->group[g].line = conf->group[g] ? conf->group[g]->elts : NULL;
        s->group[g].nline = conf->group[g] ? conf->group[g]->nelts : 0;
    }
}

static ngx_uint_t
ngx_http_hstsguard_has_inline(ngx_http_hstsguard_loc_conf_t *conf)
{
    int g;

    for (g = 0; g < HSG_NGROUPS; g++) {
        if (conf->group[g] != NULL) {
            return 1;
        }
    }
    return 0;
}

static char *
ngx_http_hstsguard_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_hstsguard_loc_conf_t *lcf = conf;
    ngx_str_t                     *value, path;
    hstsguard_policy              *policy = NULL;
    hstsguard_error               *error = NULL;
    hstsguard_result               rc;
    size_t                         i;
    char                           err[HSG_ERR_LEN];

    if (lcf->policy_file.data != NULL) {
        return "is duplicate";
    }
    if (ngx_http_hstsguard_has_inline(lcf)) {
        return "cannot be combined with inline hstsguard_* settings in the same block "
               "(the policy file is the whole policy)";
    }

    value = cf->args->elts;
    path = value[1];
    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    rc = hstsguard_policy_from_file((const char *) path.data, path.len, &policy, &error);
    if (rc != HSTSGUARD_OK) {
        if (error != NULL) {
            hsg_error_text(error, err, sizeof(err));
            hstsguard_error_free(error);
        } else {
            ngx_snprintf((u_char *) err, sizeof(err) - 1, "%s%Z", hstsguard_result_name(rc));
        }
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "hstsguard_policy: \"%V\": %s", &path, err);
        return NGX_CONF_ERROR;
    }
    if (ngx_http_hstsguard_keep(cf, policy) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; hsg_proxy_warning(policy, i, err, sizeof(err)); i++) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0, "hstsguard_policy: \"%V\": %s", &path, err);
    }

    lcf->policy_file = path;
    lcf->file_policy = policy;
    ngx_http_hstsguard_set_where(cf, lcf, "hstsguard_policy");
    return NGX_CONF_OK;
}

static char *
ngx_http_hstsguard_group(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_hstsguard_loc_conf_t *lcf = conf;
    int                            g = (int) cmd->offset;
    ngx_str_t                     *value;
    hsg_line                      *line;
    hsg_word                      *words;
    hsg_settings                   alone;
    hstsguard_policy              *policy;
    ngx_uint_t                     i;
    char                           err[HSG_ERR_LEN];

    if (lcf->policy_file.data != NULL) {
        return "cannot be combined with hstsguard_policy in the same block "
               "(the policy file is the whole policy)";
    }

    value = cf->args->elts;
    if (g == HSG_STRICT_PRELOAD
        && ngx_strcasecmp(value[1].data, (u_char *) "on") != 0
        && ngx_strcasecmp(value[1].data, (u_char *) "off") != 0)
    {
        return "must be \"on\" or \"off\"";
    }

    if (lcf->group[g] == NULL) {
        lcf->group[g] = ngx_array_create(cf->pool, 2, sizeof(hsg_line));
        if (lcf->group[g] == NULL) {
            return NGX_CONF_ERROR;
        }
    }
    line = ngx_array_push(lcf->group[g]);
    words = ngx_palloc(cf->pool, (cf->args->nelts - 1) * sizeof(hsg_word));
    if (line == NULL || words == NULL) {
        return NGX_CONF_ERROR;
    }
    for (i = 1; i < cf->args->nelts; i++) {
        words[i - 1].data = (const char *) value[i].data;
        words[i - 1].len = value[i].len;
    }
    line->word = words;
    line->nword = cf->args->nelts - 1;
    ngx_http_hstsguard_set_where(cf, lcf, hsg_group_directive(g, 0));

    /* Check the group on its own now, so that the message points at this line.
     * hstsguard_strict_preload is checked with the rest of the policy at merge time. */
    if (g != HSG_STRICT_PRELOAD) {
        ngx_memzero(&alone, sizeof(alone));
        alone.group[g].line = lcf->group[g]->elts;
        alone.group[g].nline = lcf->group[g]->nelts;
        if (hsg_build(&alone, &policy, err, sizeof(err)) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%V: %s", &cmd->name, err);
            return NGX_CONF_ERROR;
        }
        hstsguard_policy_free(policy);
    }
    return NGX_CONF_OK;
}

/* Builds the block's policy from its (merged) settings, once. */
static ngx_int_t
ngx_http_hstsguard_resolve(ngx_conf_t *cf, ngx_http_hstsguard_loc_conf_t *conf)
{
    hsg_settings      s;
    hstsguard_policy *policy;
    size_t            i;
    char              err[HSG_ERR_LEN];

    if (conf->resolved) {
        return conf->policy != NULL ? NGX_OK : NGX_ERROR;
    }
    conf->resolved = 1;

    if (conf->policy_file.data != NULL) {
        conf->policy = conf->file_policy;
        return NGX_OK;
    }

    ngx_http_hstsguard_settings(conf, &s);
    if (hsg_build(&s, &policy, err, sizeof(err)) != 0) {
        if (conf->where.directive != NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s: %s in %V:%ui",
                          conf->where.directive, err, &conf->where.file, conf->where.line);
        } else {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "hstsguard: %s", err);
        }
        return NGX_ERROR;
    }
    if (ngx_http_hstsguard_keep(cf, policy) != NGX_OK) {
        return NGX_ERROR;
    }
    /* Deploy warnings about proxy trust: several headers read, every address trusted. */
    for (i = 0; hsg_proxy_warning(policy, i, err, sizeof(err)); i++) {
        if (conf->where.directive != NULL) {
            ngx_log_error(NGX_LOG_WARN, cf->log, 0, "%s: %s in %V:%ui", conf->where.directive,
                          err, &conf->where.file, conf->where.line);
        } else {
            ngx_log_error(NGX_LOG_WARN, cf->log, 0, "hstsguard: %s", err);
        }
    }
    conf->policy = policy;
    return NGX_OK;
}

static char *
ngx_http_hstsguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_hstsguard_loc_conf_t *prev = parent;
    ngx_http_hstsguard_loc_conf_t *conf = child;
    int                            g;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);

    if (!conf->own) {
        /* Nothing set here: the parent's policy, shared. */
        if (ngx_http_hstsguard_resolve(cf, prev) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
        conf->policy_file = prev->policy_file;
        conf->file_policy = prev->file_policy;
        for (g = 0; g < HSG_NGROUPS; g++) {
            conf->group[g] = prev->group[g];
        }
        conf->where = prev->where;
        conf->policy = prev->policy;
        conf->resolved = 1;
        return NGX_CONF_OK;
    }

    if (conf->policy_file.data == NULL) {
        if (prev->policy_file.data != NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "%s cannot add to the policy file \"%V\" of an outer block "
                          "(put the setting in the file, or use hstsguard_policy with "
                          "another file here) in %V:%ui",
                          conf->where.directive, &prev->policy_file, &conf->where.file,
                          conf->where.line);
            return NGX_CONF_ERROR;
        }
        /* Each group not set here is inherited as a whole. */
        for (g = 0; g < HSG_NGROUPS; g++) {
            if (conf->group[g] == NULL) {
                conf->group[g] = prev->group[g];
            }
        }
    }
    /* else: a policy file here replaces everything an outer block set inline. */

    if (ngx_http_hstsguard_resolve(cf, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    return NGX_CONF_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Requests                                                                              */
/* ------------------------------------------------------------------------------------ */

static void
ngx_http_hstsguard_ctx_cleanup(void *data)
{
    /* Nothing to free: the pool owns the context. The handler marks it as ours. */
    (void) data;
}

static ngx_http_hstsguard_ctx_t *
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

static ngx_http_hstsguard_ctx_t *
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

/* The C API's header lookup over headers_in (only called for trusted proxies). */
static bool
ngx_http_hstsguard_lookup(void *userdata, hstsguard_str name, size_t index,
    hstsguard_str *value_out)
{
    ngx_http_request_t *r = userdata;
    ngx_list_part_t    *part = &r->headers_in.headers.part;
    ngx_table_elt_t    *h = part->elts;
    ngx_uint_t          i;

    for (i = 0; /* void */; i++) {
        if (i >= part->nelts) {
            if (part->next == NULL) {
                return false;
            }
            part = part->next;
            h = part->elts;
            i = 0;
            if (part->nelts == 0) {
                continue;
            }
        }
        if (h[i].key.len != name.len
            || ngx_strncasecmp(h[i].key.data, (u_char *) name.data, name.len) != 0)
        {
            continue;
        }
        if (index == 0) {
            value_out->data = (const char *) h[i].value.data;
            value_out->len = h[i].value.len;
            return true;
        }
        index--;
    }
}

/*
 * The authority of an absolute-form target (RFC 9112 §3.2.2: it wins over Host):
 * host_start..host_end, then ":digits" found by scanning forward. host_start and host_end
 * are moved with the request line when nginx copies a long one into a large header buffer
 * (port_end was not, below 1.25.4, and newer nginx has no port_end at all), so nothing
 * else of the parser's is read.
 */
static void
ngx_http_hstsguard_authority(ngx_http_request_t *r, hstsguard_str *host)
{
    u_char *p, *end;

    end = r->request_end;
    if (r->uri_start != NULL && r->uri_start > r->host_end
        && (end == NULL || r->uri_start < end))
    {
        end = r->uri_start;
    }
    p = r->host_end;
    if (end != NULL && p < end && *p == ':') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            p++;
        }
    }
    host->data = (const char *) r->host_start;
    host->len = p - r->host_start;
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
static ngx_int_t
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

static ngx_int_t
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

static ngx_uint_t
ngx_http_hstsguard_named(ngx_table_elt_t *h, const char *name, size_t len)
{
    return h->key.len == len && ngx_strncasecmp(h->key.data, (u_char *) name, len) == 0;
}

/* Flags one Set-Cookie field in place (the new value from the request pool). */
static ngx_int_t
ngx_http_hstsguard_flag(ngx_http_request_t *r, ngx_http_hstsguard_ctx_t *ctx,
    ngx_table_elt_t *h)
{
    hstsguard_cookie  cookie;
    hstsguard_result  rc;
    u_char            buf[1024];
    u_char           *p = buf;

    rc = hstsguard_policy_flag_set_cookie(ctx->policy, (const char *) h->value.data,
                                          h->value.len, ctx->decision.secure, (char *) buf,
                                          sizeof(buf), &cookie, NULL, 0);
    /* BUFFER_TOO_SMALL means "changed, and longer than buf" (an unchanged value that
     * does not fit is HSTSGUARD_OK): ask again with room for it. */
    if (rc == HSTSGUARD_BUFFER_TOO_SMALL && cookie.changed) {
        p = ngx_pnalloc(r->pool, cookie.len);
        if (p == NULL) {
            return NGX_ERROR;
        }
        rc = hstsguard_policy_flag_set_cookie(ctx->policy, (const char *) h->value.data,
                                              h->value.len, ctx->decision.secure, (char *) p,
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
    const hstsguard_response_header  *rh;
    ngx_uint_t                        i, j, n;

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
        ctx = ngx_http_hstsguard_new_ctx(r);
        if (ctx == NULL) {
            return NGX_ERROR;
        }
        if (ngx_http_hstsguard_evaluate(r, lcf, ctx) == NGX_ERROR) {
            return NGX_ERROR;
        }
        if (ctx->failed && ctx->decision.action == HSTSGUARD_ACTION_REJECT
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

    n = ngx_min(ctx->decision.headers_len, HSTSGUARD_MAX_RESPONSE_HEADERS);
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
            if (ngx_http_hstsguard_flag(r, ctx, &h[i]) != NGX_OK) {
                return NGX_ERROR;
            }
            continue;
        }
        for (j = 0; j < n; j++) {
            rh = &ctx->decision.headers[j];
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
        rh = &ctx->decision.headers[j];
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

static ngx_int_t
ngx_http_hstsguard_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt       *h;
    ngx_http_core_main_conf_t *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    /* Pushed after the rewrite module's handler, so it runs before it. */
    *h = ngx_http_hstsguard_handler;

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_hstsguard_header_filter;

    /* The module's version (the header it was built with) and the core's (the linked
     * library), as packagers and the dist test look for them. */
    ngx_log_error(NGX_LOG_NOTICE, cf->log, 0, "hstsguard/%s (core %s)", HSTSGUARD_VERSION,
                  hstsguard_version());
    return NGX_OK;
}
