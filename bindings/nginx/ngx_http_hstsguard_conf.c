/*
 * Block configurations of ngx_http_hstsguard_module: inheritance per key, one policy per
 * block built when the blocks are merged, and the deploy warnings printed at start-up
 * (nginx -t).
 *
 * Each block (http, server, location, if) keeps the keys its own directives set
 * (bindings/common/hsg_settings.h). Its policy is the nearest policy file (its own
 * hstsguard_policy or an outer block's) with the keys of every block from there down to
 * this one laid over it in order: an inner block inherits every key it does not set, and
 * a list it sets (allowed hosts, exemptions, trusted proxies, proxy sources, cookie rules)
 * replaces the outer list as a whole. A block that sets nothing shares its parent's
 * policy. nginx merges a parent before its children, so the parent's policy is there.
 */

#include "ngx_http_hstsguard_module.h"

typedef struct {
    ngx_str_t    file;
    ngx_uint_t   line;
    const char  *code;
} ngx_http_hstsguard_printed_t;

static void
ngx_http_hstsguard_free_policy(void *data)
{
    hstsguard_policy_free(data);
}

static void
ngx_http_hstsguard_free_builder(void *data)
{
    hstsguard_policy_builder_free(data);
}

/* A builder lives as long as the configuration (the cycle's pool); freed on failure. */
ngx_int_t
ngx_http_hstsguard_keep_builder(ngx_conf_t *cf, hstsguard_policy_builder *b)
{
    ngx_pool_cleanup_t  *cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        hstsguard_policy_builder_free(b);
        return NGX_ERROR;
    }
    cln->handler = ngx_http_hstsguard_free_builder;
    cln->data = b;
    return NGX_OK;
}

/* The policy lives as long as the configuration: decisions point into it. */
static ngx_int_t
ngx_http_hstsguard_keep_policy(ngx_conf_t *cf, hstsguard_policy *policy)
{
    ngx_pool_cleanup_t  *cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        hstsguard_policy_free(policy);
        return NGX_ERROR;
    }
    cln->handler = ngx_http_hstsguard_free_policy;
    cln->data = policy;
    return NGX_OK;
}

void *
ngx_http_hstsguard_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_hstsguard_main_conf_t  *mcf;

    mcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_hstsguard_main_conf_t));
    if (mcf == NULL) {
        return NULL;
    }
    if (ngx_array_init(&mcf->printed, cf->pool, 8, sizeof(ngx_http_hstsguard_printed_t))
        != NGX_OK)
    {
        return NULL;
    }
    return mcf;
}

void *
ngx_http_hstsguard_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_hstsguard_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_hstsguard_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }
    /* set by ngx_pcalloc(): every builder and policy NULL, set = 0, line = 0, ... */
    conf->enable = NGX_CONF_UNSET;
    return conf;
}

/* True the first time (file, line, code) is asked about in this configuration. */
static ngx_uint_t
ngx_http_hstsguard_first_print(ngx_conf_t *cf, ngx_http_hstsguard_where_t *w,
    const char *code)
{
    ngx_http_hstsguard_main_conf_t  *mcf;
    ngx_http_hstsguard_printed_t    *p;
    ngx_uint_t                       i;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_hstsguard_module);
    if (mcf == NULL) {
        return 1;
    }
    p = mcf->printed.elts;
    for (i = 0; i < mcf->printed.nelts; i++) {
        if (p[i].line == w->line && p[i].file.len == w->file.len
            && ngx_strncmp(p[i].file.data, w->file.data, w->file.len) == 0
            && ngx_strcmp(p[i].code, code) == 0)
        {
            return 0;
        }
    }
    p = ngx_array_push(&mcf->printed);
    if (p != NULL) {
        p->file = w->file;
        p->line = w->line;
        p->code = code;
    }
    return 1;
}

/*
 * The deploy warnings of a block where hstsguard is on, as [warn] lines at the block's
 * `hstsguard on` (or its first hstsguard directive): each warning of its policy that the
 * policy of the block it is nested in did not show already; and an add_header
 * Strict-Transport-Security in effect here.
 */
static void
ngx_http_hstsguard_warn(ngx_conf_t *cf, ngx_http_hstsguard_loc_conf_t *conf,
    const hstsguard_policy *shown)
{
    ngx_http_hstsguard_where_t  *where;
    size_t                       i;
    int                          rc;
    const char                  *code;
    char                         buf[NGX_HTTP_HSTSGUARD_ERR_LEN];

    conf->shown = shown;
    if (conf->enable != 1) {
        return;
    }
    where = conf->enable_where.line ? &conf->enable_where : &conf->first;
    if (conf->policy != shown && where->line != 0) {
        for (i = 0; (rc = hsg_warning(conf->policy, shown, i, buf, sizeof(buf), &code)) >= 0;
             i++)
        {
            if (rc == 1 && ngx_http_hstsguard_first_print(cf, where, code)) {
                ngx_log_error(NGX_LOG_WARN, cf->log, 0, "hstsguard: %s in %V:%ui", buf,
                              &where->file, where->line);
            }
        }
    }
    conf->shown = conf->policy;

    if (conf->sts_header.line != 0
        && ngx_http_hstsguard_first_print(cf, &conf->sts_header, "add_header"))
    {
        ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                      "hstsguard: \"add_header Strict-Transport-Security\" in a block where "
                      "hstsguard is on: the module sends that header itself, on every "
                      "response; with hsts.existing=keep (the default) this add_header "
                      "value wins over the policy's, with existing=replace it is replaced. "
                      "Remove the add_header line in %V:%ui",
                      &conf->sts_header.file, conf->sts_header.line);
    }
}

/* The context every TLS request of the block gets (read-only once made): the policy, and
 * whether its headers can change with the time (the core says; if it cannot, they are
 * taken to). */
static void
ngx_http_hstsguard_tls_ctx(ngx_http_hstsguard_loc_conf_t *conf)
{
    bool  time = true;

    if (hstsguard_policy_headers_depend_on_time(conf->policy, &time) != HSTSGUARD_OK) {
        time = true;
    }
    conf->tls.policy = conf->policy;
    conf->tls.decision = NULL;
    conf->tls.ok = 1;
    conf->tls.failed = 0;
    conf->tls.time = time;
}

/* Builds the block's policy, once: see the top of this file. parent: NULL for the http
 * block. */
static ngx_int_t
ngx_http_hstsguard_resolve(ngx_conf_t *cf, ngx_http_hstsguard_loc_conf_t *conf,
    ngx_http_hstsguard_loc_conf_t *parent)
{
    const hstsguard_policy_builder  *base;
    hstsguard_policy_builder        *effective;
    hstsguard_policy                *policy;
    ngx_http_hstsguard_where_t      *w;
    int                              blame;
    unsigned                         policy_bits = conf->set & ~(1u << HSG_D_SWITCH);
    char                             err[NGX_HTTP_HSTSGUARD_ERR_LEN];

    if (conf->resolved) {
        return conf->policy != NULL ? NGX_OK : NGX_ERROR;
    }
    conf->resolved = 1;

    if (parent != NULL && policy_bits == 0) {
        /* Nothing set here: the parent's policy, shared. */
        conf->effective = parent->effective;
        conf->policy = parent->policy;
        ngx_http_hstsguard_tls_ctx(conf);
        ngx_http_hstsguard_warn(cf, conf, parent->shown);
        return NGX_OK;
    }

    base = conf->file != NULL ? conf->file : (parent != NULL ? parent->effective : NULL);
    if (conf->own == NULL && base != NULL) {
        effective = (hstsguard_policy_builder *) base;
    } else {
        if (hsg_overlay(base, conf->own, &effective, err, sizeof(err)) != 0) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "hstsguard: %s", err);
            return NGX_ERROR;
        }
        if (ngx_http_hstsguard_keep_builder(cf, effective) != NGX_OK) {
            return NGX_ERROR;
        }
    }
    conf->effective = effective;

    if (hsg_build(effective, policy_bits, &policy, &blame, err, sizeof(err)) != 0) {
        /* A problem only the whole policy shows (require_preloadable, a ramp without its
         * start, ...): at the directive of this block that set its key, else at the
         * block's policy file or last directive. */
        if (blame < 0 || conf->where[blame].line == 0) {
            blame = conf->file != NULL ? HSG_D_POLICY : conf->last_id;
        }
        w = &conf->where[blame];
        if (w->line != 0) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s: %s in %V:%ui",
                          hsg_directives[blame].nginx, err, &w->file, w->line);
        } else {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "hstsguard: %s", err);
        }
        return NGX_ERROR;
    }
    if (ngx_http_hstsguard_keep_policy(cf, policy) != NGX_OK) {
        return NGX_ERROR;
    }
    conf->policy = policy;
    ngx_http_hstsguard_tls_ctx(conf);
    ngx_http_hstsguard_warn(cf, conf, parent != NULL ? parent->shown : NULL);
    return NGX_OK;
}

char *
ngx_http_hstsguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_hstsguard_loc_conf_t  *prev = parent;
    ngx_http_hstsguard_loc_conf_t  *conf = child;

    /* The http block has no parent: it is resolved when its first server is merged. */
    if (!prev->resolved && ngx_http_hstsguard_resolve(cf, prev, NULL) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    if (prev->policy == NULL) {
        return NGX_CONF_ERROR;  /* reported when it failed */
    }

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    if (!conf->add_header) {
        /* nginx inherits add_header lines only into a block that has none */
        conf->sts_header = prev->sts_header;
    }
    if (ngx_http_hstsguard_resolve(cf, conf, prev) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    return NGX_CONF_OK;
}
