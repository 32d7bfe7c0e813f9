/*
 * ngx_http_hstsguard_module: HTTPS transport security for nginx, decided by the
 * hstsguard core through its C ABI (include/hstsguard.h). This file: the module, its
 * directives and their handlers. The other files are listed in
 * ngx_http_hstsguard_module.h.
 *
 *   hstsguard on|off;                  http, server, location (default off)
 *   hstsguard_policy FILE;             a TOML or JSON policy document (docs/POLICY.md)
 *   hstsguard_hsts ...;  hstsguard_redirect ...;  hstsguard_allowed_hosts ...;
 *   hstsguard_exempt ...;  hstsguard_trusted_proxy ...;  hstsguard_proxy_sources ...;
 *   hstsguard_cookies ...;  hstsguard_cookie ...;  hstsguard_strict_preload on|off;
 *                                      inline settings, one key each or more
 *                                      (bindings/common/hsg_directives.h)
 *
 * Configuration time: every directive is checked when it is read (the core's message,
 * with its file:line); each block keeps the keys its own directives set, and gets the
 * policy of the nearest policy file with the keys of every block from there down laid
 * over it, per key, built once when the blocks are merged (ngx_http_hstsguard_conf.c).
 *
 * Per request (ngx_http_hstsguard_handler.c, ngx_http_hstsguard_filter.c):
 * - REWRITE phase (after the location is found, before access checks, `return` in the
 *   location and content such as proxy_pass): the core decides pass / redirect (Location
 *   from the core) / reject (400, 403, 426). The decision is kept for the whole request,
 *   internal redirects included.
 * - header filter (every response of the main request, error pages and redirects
 *   included): the decision's headers (Strict-Transport-Security on secure requests,
 *   keep or replace an existing one), and every Set-Cookie flagged by the core.
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

#include "ngx_http_hstsguard_module.h"

static ngx_int_t ngx_http_hstsguard_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_hstsguard_init(ngx_conf_t *cf);
static char *ngx_http_hstsguard_switch(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_hstsguard_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_hstsguard_inline(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_hstsguard_add_header(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

#define HSG_CONF (NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF)

/* The directives, from the table both modules share; `offset` carries the directive's
 * id (HSG_D_*). */
#define HSG_NGX_ARGS_ONE        NGX_CONF_TAKE1
#define HSG_NGX_ARGS_MANY       NGX_CONF_1MORE
#define HSG_NGX_SET_SWITCH      ngx_http_hstsguard_switch
#define HSG_NGX_SET_FILE        ngx_http_hstsguard_policy
#define HSG_NGX_SET_SECTION     ngx_http_hstsguard_inline
#define HSG_NGX_SET_LIST        ngx_http_hstsguard_inline
#define HSG_NGX_SET_SOURCES     ngx_http_hstsguard_inline
#define HSG_NGX_SET_RULE        ngx_http_hstsguard_inline
#define HSG_NGX_SET_FLAG        ngx_http_hstsguard_inline
#define HSG_NGX_COMMAND(id, ngx, apache, kind, key, args, syntax)                        \
    { ngx_string(ngx), HSG_CONF | HSG_NGX_ARGS_##args, HSG_NGX_SET_##kind,              \
      NGX_HTTP_LOC_CONF_OFFSET, HSG_D_##id, NULL },

/*
 * add_header, as nginx's headers module declares it. The module sees every add_header
 * line on its way to the headers module, to notice `add_header Strict-Transport-Security`
 * in a block where hstsguard is on (a warning at nginx -t): nginx hands a directive to
 * the first module in its list that declares it, and this module comes before the
 * headers filter (config: ngx_module_order). The line is then passed on unchanged, to the
 * headers module's own handler with its own configuration, exactly as nginx's dispatch
 * would have (ngx_conf_handler). When the headers module's add_header is not declared
 * this way (another nginx), this entry is switched off at start-up and nginx hands the
 * line to the headers module directly.
 */
#define HSG_ADD_HEADER_TYPE                                                               \
    (NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_HTTP_LIF_CONF       \
     | NGX_CONF_TAKE23)

static ngx_command_t ngx_http_hstsguard_commands[] = {

    HSG_DIRECTIVE_TABLE(HSG_NGX_COMMAND)

    { ngx_string("add_header"),
      HSG_ADD_HEADER_TYPE,
      ngx_http_hstsguard_add_header,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};

static ngx_http_module_t ngx_http_hstsguard_module_ctx = {
    ngx_http_hstsguard_preconfiguration,   /* preconfiguration */
    ngx_http_hstsguard_init,               /* postconfiguration */
    ngx_http_hstsguard_create_main_conf,   /* create main configuration */
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

/* The headers module and its add_header, found at each configuration's start. */
static ngx_module_t   *ngx_http_hstsguard_headers_module;
static ngx_command_t  *ngx_http_hstsguard_headers_add_header;

/* ------------------------------------------------------------------------------------ */

/* Records that this block uses directive `id` at the current line. */
static void
ngx_http_hstsguard_note(ngx_conf_t *cf, ngx_http_hstsguard_loc_conf_t *lcf, int id)
{
    ngx_http_hstsguard_where_t  w;

    ngx_http_hstsguard_where(cf, &w);
    lcf->set |= 1u << id;
    lcf->where[id] = w;
    if (lcf->first.line == 0) {
        lcf->first = w;
    }
    if (id != HSG_D_SWITCH) {
        lcf->last_id = id;
    }
}

/* hstsguard on|off */
static char *
ngx_http_hstsguard_switch(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_hstsguard_loc_conf_t  *lcf = conf;
    ngx_str_t                      *value = cf->args->elts;

    if (lcf->enable != NGX_CONF_UNSET) {
        return "is duplicate";
    }
    if (ngx_strcasecmp(value[1].data, (u_char *) "on") == 0) {
        lcf->enable = 1;
    } else if (ngx_strcasecmp(value[1].data, (u_char *) "off") == 0) {
        lcf->enable = 0;
    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%s\" in \"%V\" directive, "
                           "it must be \"on\" or \"off\"", value[1].data, &cmd->name);
        return NGX_CONF_ERROR;
    }
    ngx_http_hstsguard_where(cf, &lcf->enable_where);
    ngx_http_hstsguard_note(cf, lcf, HSG_D_SWITCH);
    return NGX_CONF_OK;
}

/* hstsguard_policy FILE: read now, every problem of the file at this line. */
static char *
ngx_http_hstsguard_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_hstsguard_loc_conf_t  *lcf = conf;
    ngx_str_t                      *value, path;
    hstsguard_policy_builder       *b;
    char                            err[NGX_HTTP_HSTSGUARD_ERR_LEN];

    if (lcf->policy_file.data != NULL) {
        return "is duplicate";
    }
    value = cf->args->elts;
    path = value[1];
    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    if (hsg_read_file((const char *) path.data, path.len, &b, err, sizeof(err)) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%V: \"%V\": %s", &cmd->name, &path, err);
        return NGX_CONF_ERROR;
    }
    if (ngx_http_hstsguard_keep_builder(cf, b) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    lcf->policy_file = path;
    lcf->file = b;
    ngx_http_hstsguard_note(cf, lcf, (int) cmd->offset);
    return NGX_CONF_OK;
}

/* An inline directive: its keys set in the block's own builder, checked now. */
static char *
ngx_http_hstsguard_inline(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_hstsguard_loc_conf_t  *lcf = conf;
    ngx_str_t                      *value = cf->args->elts;
    hsg_word                       *words;
    ngx_uint_t                      i, n = cf->args->nelts - 1;
    char                            err[NGX_HTTP_HSTSGUARD_ERR_LEN];

    if (lcf->own == NULL) {
        if (hstsguard_policy_builder_new(&lcf->own) != HSTSGUARD_OK) {
            lcf->own = NULL;
            return "cannot create a policy builder";
        }
        if (ngx_http_hstsguard_keep_builder(cf, lcf->own) != NGX_OK) {
            lcf->own = NULL;
            return NGX_CONF_ERROR;
        }
    }
    words = ngx_palloc(cf->temp_pool, n * sizeof(hsg_word));
    if (words == NULL) {
        return NGX_CONF_ERROR;
    }
    for (i = 0; i < n; i++) {
        words[i].data = (const char *) value[i + 1].data;
        words[i].len = value[i + 1].len;
    }
    if (hsg_apply(lcf->own, &lcf->rules, (int) cmd->offset, words, n, err, sizeof(err))
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%V: %s", &cmd->name, err);
        return NGX_CONF_ERROR;
    }
    ngx_http_hstsguard_note(cf, lcf, (int) cmd->offset);
    return NGX_CONF_OK;
}

/* add_header NAME VALUE [always]: noted here, handled by the headers module. */
static char *
ngx_http_hstsguard_add_header(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_hstsguard_loc_conf_t  *lcf = conf;
    ngx_str_t                      *value = cf->args->elts;
    ngx_command_t                  *orig = ngx_http_hstsguard_headers_add_header;
    void                           *oconf = NULL, **confp;

    if (orig == NULL || ngx_http_hstsguard_headers_module == NULL) {
        /* not reached: the entry is switched off when they were not found */
        return "cannot be handled: nginx's headers module was not found";
    }
    lcf->add_header = 1;
    if (value[1].len == sizeof("Strict-Transport-Security") - 1
        && ngx_strncasecmp(value[1].data, (u_char *) "Strict-Transport-Security",
                           value[1].len) == 0)
    {
        ngx_http_hstsguard_where(cf, &lcf->sts_header);
    }
    /* The headers module's configuration of this block, found the way ngx_conf_handler
     * finds it for an http module's directive. */
    confp = *(void **) ((char *) cf->ctx + orig->conf);
    if (confp != NULL) {
        oconf = confp[ngx_http_hstsguard_headers_module->ctx_index];
    }
    return orig->set(cf, orig, oconf);
}

/*
 * Before the http block is read: find the headers module's add_header; if it is not
 * declared as HSG_ADD_HEADER_TYPE, this module's add_header entry takes no context, so
 * that nginx passes every add_header line to the headers module itself.
 */
/* The request variable whose slot holds the request's context. Its name has a hyphen,
 * which a `$name` in a configuration cannot spell, and its value is always not_found. */
static ngx_str_t  ngx_http_hstsguard_ctx_name = ngx_string("hstsguard-context");

static ngx_int_t
ngx_http_hstsguard_ctx_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    (void) r;
    (void) data;
    v->not_found = 1;   /* v->data is left as it is: it may hold the context */
    return NGX_OK;
}

/* Before the http block is read: the variable slot for the request context. */
static ngx_int_t
ngx_http_hstsguard_ctx_slot_init(ngx_conf_t *cf)
{
    ngx_http_variable_t             *var;
    ngx_http_hstsguard_main_conf_t  *mcf;

    var = ngx_http_add_variable(cf, &ngx_http_hstsguard_ctx_name, NGX_HTTP_VAR_NOHASH);
    if (var == NULL) {
        return NGX_ERROR;
    }
    var->get_handler = ngx_http_hstsguard_ctx_variable;
    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_hstsguard_module);
    mcf->ctx_slot = ngx_http_get_variable_index(cf, &ngx_http_hstsguard_ctx_name);
    return mcf->ctx_slot == NGX_ERROR ? NGX_ERROR : NGX_OK;
}

static ngx_int_t
ngx_http_hstsguard_preconfiguration(ngx_conf_t *cf)
{
    ngx_uint_t      i;
    ngx_command_t  *c, *ours = NULL;

    if (ngx_http_hstsguard_ctx_slot_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_hstsguard_headers_module = NULL;
    ngx_http_hstsguard_headers_add_header = NULL;
    for (c = ngx_http_hstsguard_commands; c->name.len; c++) {
        if (c->set == ngx_http_hstsguard_add_header) {
            ours = c;
        }
    }
    for (i = 0; cf->cycle->modules[i] != NULL; i++) {
        ngx_module_t  *m = cf->cycle->modules[i];
        if (m->type != NGX_HTTP_MODULE || m->commands == NULL
            || ngx_strcmp(m->name, "ngx_http_headers_filter_module") != 0)
        {
            continue;
        }
        for (c = m->commands; c->name.len; c++) {
            if (c->name.len == sizeof("add_header") - 1
                && ngx_strncmp(c->name.data, "add_header", c->name.len) == 0
                && c->type == HSG_ADD_HEADER_TYPE && c->set != NULL
                && c->conf == NGX_HTTP_LOC_CONF_OFFSET)
            {
                ngx_http_hstsguard_headers_module = m;
                ngx_http_hstsguard_headers_add_header = c;
            }
        }
    }
    if (ours != NULL) {
        ours->type = ngx_http_hstsguard_headers_add_header != NULL ? HSG_ADD_HEADER_TYPE : 0;
    }
    return NGX_OK;
}

static ngx_int_t
ngx_http_hstsguard_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    /* Pushed after the rewrite module's handler, so it runs before it. */
    *h = ngx_http_hstsguard_handler;

    /* A new configuration: no answer of an older one is reused. */
    ngx_http_hstsguard_tls_cache_reset();

    if (ngx_http_hstsguard_filter_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* The module's version (the header it was built with) and the core's (the linked
     * library), as packagers and the dist test look for them. */
    ngx_log_error(NGX_LOG_NOTICE, cf->log, 0, "hstsguard/%s (core %s)", HSTSGUARD_VERSION,
                  hstsguard_version());
    return NGX_OK;
}
