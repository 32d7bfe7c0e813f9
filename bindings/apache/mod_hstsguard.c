/*
 * mod_hstsguard: HTTPS transport security for Apache httpd 2.4, decided by the hstsguard
 * core through its C ABI (include/hstsguard.h).
 *
 *   HstsGuard On|Off                   server config, virtual host, <Directory>, <Location>
 *   HstsGuardPolicy FILE               a TOML or JSON policy document (docs/POLICY.md)
 *   HstsGuardHsts ..., HstsGuardRedirect ..., HstsGuardAllowedHosts ...,
 *   HstsGuardExempt ..., HstsGuardTrustedProxy ..., HstsGuardProxySources ...,
 *   HstsGuardCookies ..., HstsGuardCookie ..., HstsGuardStrictPreload On|Off
 *                                      inline settings, one key each or more
 *                                      (../common/hsg_directives.h)
 *
 * Configuration time: each directive is checked when it is read (apache2 -t names its
 * line). Each section keeps the keys its own directives set (../common/hsg_settings.h);
 * the policy of a request's configuration is the nearest policy file with the keys of
 * every section merged after it laid over it, per key (a list a later section sets
 * replaces the earlier list as a whole). The check_config hook builds the policy of every
 * virtual host, of every section on top of it (<Directory>, <Location>, <Files>, <If>,
 * <Proxy>, nested), and of every pair of sections that Apache can merge for one request
 * (hsg_check_sections()), with the directive's line and the sections involved, and prints
 * the deploy warnings of each: a policy that fails stops the server at start-up. Built
 * policies are kept in a process-wide cache keyed by the chain of settings in effect,
 * filled before the children fork; a longer combination (three sections or more that set
 * something, all matching one request) is built once per child, under a mutex.
 *
 * Per request:
 * - the decision, pass / redirect (Location from the core) / reject (400, 403, 426):
 *   first in translate_name when no section of the virtual host uses an HstsGuard
 *   directive (the vhost's configuration is then final: decided before mod_rewrite and
 *   mod_alias),
 *   otherwise in header_parser (after the per-directory configuration is merged and
 *   mod_proxy has claimed the request, before authentication and the handler).
 * - an output filter inserted on every response (insert_filter and insert_error_filter),
 *   running after mod_headers and before the HTTP header filter, on the final response
 *   (error responses included): the decision's headers go to headers_out (an existing
 *   field is kept or replaced as the policy says, and one that wins over the policy's is
 *   logged once per child) and every Set-Cookie in headers_out and err_headers_out
 *   (the application's, mod_proxy's) is flagged by the core.
 * - under mod_cache (CacheQuickHandler On, its default) cached pages are served by a
 *   quick handler before translate_name: the decision is made in a quick_handler hook that
 *   runs before mod_cache's. That needs the virtual host's configuration to be final, so a
 *   virtual host that uses HstsGuard directives in sections is refused at start-up
 *   (apache2 -t) when mod_cache is loaded.
 * - error pages: an ErrorDocument target (an internal redirect, possibly to a section
 *   where HstsGuard is Off) keeps the decision of the request, its headers and flagged
 *   cookies.
 * Memory: the request pool only.
 *
 * When something goes wrong (the C API returns an error for a request: a panic caught at
 * the boundary, a peer address it cannot read, an internal error; or no policy could be
 * built for a combination of sections at request time), the module fails closed, as
 * include/hstsguard.h's contract says: a peer address that cannot be read is decided
 * again as if from an unknown peer (the redirect still happens; mod_remoteip hands over
 * only addresses APR printed, so this is defence in depth); otherwise a plain-HTTP
 * request is answered with 500, never passed; a TLS request is served with the policy's
 * precomputed Strict-Transport-Security; an error-level line is logged.
 */

#include <string.h>

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "http_ssl.h"
#include "util_filter.h"

#include "apr_hash.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

#include "mod_proxy.h"

#include "hstsguard.h"
#include "hsg_settings.h"
#include "hsg_tls_memo.h"

#define HSG_ERR_LEN 2048

module AP_MODULE_DECLARE_DATA hstsguard_module;

typedef struct {
    const char *file;
    int         line;       /* 0: not set */
    const char *directive;
} hsg_where;

/* One link of the settings in effect: a policy file's keys or a section's own keys, laid
 * over the links before it (prev; NULL: the defaults). */
typedef struct hsg_chain {
    const struct hsg_chain         *prev;
    const hstsguard_policy_builder *keys;
    unsigned long                   hash;
    unsigned                        depth;
} hsg_chain;

struct hsg_entry;

typedef struct {
    int                       enable;        /* -1: not set */
    /* What this section's own directives set. */
    const char               *policy_file;   /* HstsGuardPolicy */
    hstsguard_policy_builder *file;          /* ... read */
    hstsguard_policy_builder *keys;          /* the keys of its inline directives */
    size_t                    rules;         /* cookie rules it added */
    unsigned                  set;           /* a bit per directive id it uses */
    hsg_where                 where[HSG_NDIRECTIVES]; /* the last of each */
    hsg_where                 first;         /* its first HstsGuard directive */
    int                       last_id;       /* its last policy directive */
    const hsg_chain          *self;          /* its own links (file, then keys) */
    /* In effect (in a merged configuration: the last section that sets something is
     * `set`, `where`, ...). */
    int                       own;           /* a policy directive is used here */
    const hsg_chain          *chain;         /* NULL: the defaults */
    hstsguard_policy         *policy;        /* once resolved */
    const struct hsg_entry   *entry;         /* ... and its cache entry */
} hsg_dir_conf;

/* Per server: does any <Directory>/<Location>/... section use an HstsGuard directive? If
 * not, the virtual host's configuration is final and requests are decided first thing in
 * translate_name, before mod_rewrite and mod_alias. */
typedef struct {
    int       sections;
    hsg_where first_section;    /* the first directive used in a section, for messages */
} hsg_srv_conf;

typedef struct {
    const hstsguard_policy *policy;
    const struct hsg_entry *entry;      /* the policy's precomputed pieces; NULL: none */
    /* NULL for a TLS request, which always passes: the output filter asks the core for
     * the response's headers then. Otherwise the decision, kept for every response. */
    hstsguard_decision     *decision;
    const char             *location;
    int                     ok;
    int                     failed;     /* the C API failed: decision is the fail-closed
                                         * answer made by the module */
} hsg_req_ctx;

/* Per connection: whether it is TLS (asked of mod_ssl once it is), and the core's last
 * answer for a TLS request on it (bindings/common/hsg_tls_memo.h; the second counts only
 * under a ramp, hsg_entry.time). Policies live as long as the child (or the
 * configuration, which no connection outlives). */
typedef struct {
    int           tls;
    hsg_tls_memo  memo;
} hsg_conn;

/* ------------------------------------------------------------------------------------ */
/* Policies by the chain of settings in effect (process-wide)                             */
/* ------------------------------------------------------------------------------------ */

typedef struct hsg_entry {
    struct hsg_entry                *next;
    unsigned long                    hash;
    unsigned                         depth;
    const hstsguard_policy_builder **keys;   /* the chain, outermost first */
    hstsguard_policy                *policy; /* NULL: building failed (logged) */
    /* The policy's Strict-Transport-Security value as the core gives it (a view into the
     * policy) and the same text NUL-terminated, for Apache's tables: made once. */
    const char                      *hsts_view;
    size_t                           hsts_len;
    const char                      *hsts;
    /* The policy's headers can change with the time (an [hsts.ramp]; the core says): a
     * connection keeps a Host's headers for the second they were asked for only. */
    int                              time;
    /* The context of every TLS request under this policy (nothing allocated per request;
     * never written to once made). */
    hsg_req_ctx                      tls;
} hsg_entry;

/* Buckets by the chain's hash: check_config adds an entry per combination of sections
 * that can merge, and requests look theirs up. */
#define HSG_CACHE_BUCKETS 256

static hsg_entry          *hsg_cache[HSG_CACHE_BUCKETS]; /* read without a lock, published
                                                          * atomically */
static apr_thread_mutex_t *hsg_cache_mutex; /* per child, for entries added at run time */
static apr_pool_t         *hsg_child_pool;

static ap_filter_rec_t *hsg_filter_handle;

/* mod_cache is loaded (set by check_config, before the children fork). */
static int hsg_mod_cache;

/* The warnings printed at a file:line during check_config (a file included by two
 * virtual hosts is not warned about twice). */
static apr_hash_t *hsg_printed;

/* A competing Strict-Transport-Security was logged by this child. */
static int hsg_competing_logged;

static apr_status_t
hsg_free_policy(void *data)
{
    hstsguard_policy_free(data);
    return APR_SUCCESS;
}

static apr_status_t
hsg_free_builder(void *data)
{
    hstsguard_policy_builder_free(data);
    return APR_SUCCESS;
}

static apr_status_t
hsg_reset_cache(void *data)
{
    int b;
    (void) data;
    for (b = 0; b < HSG_CACHE_BUCKETS; b++) {
        __atomic_store_n(&hsg_cache[b], NULL, __ATOMIC_RELEASE);
    }
    return APR_SUCCESS;
}

static hsg_chain *
hsg_link(apr_pool_t *p, const hsg_chain *prev, const hstsguard_policy_builder *keys)
{
    hsg_chain *l = apr_palloc(p, sizeof(*l));
    l->prev = prev;
    l->keys = keys;
    l->hash = (prev ? prev->hash * 31 : 17) + ((unsigned long) (apr_uintptr_t) keys >> 4);
    l->depth = prev ? prev->depth + 1 : 1;
    return l;
}

static int
hsg_entry_is(const hsg_entry *e, const hsg_chain *chain)
{
    unsigned i;
    if (chain == NULL) {
        return e->depth == 0;
    }
    if (e->hash != chain->hash || e->depth != chain->depth) {
        return 0;
    }
    for (i = e->depth; chain != NULL; chain = chain->prev) {
        if (e->keys[--i] != chain->keys) {
            return 0;
        }
    }
    return 1;
}

static hsg_entry *
hsg_cache_find(const hsg_chain *chain)
{
    hsg_entry *e;
    unsigned   b = chain ? (unsigned) (chain->hash % HSG_CACHE_BUCKETS) : 0;
    for (e = __atomic_load_n(&hsg_cache[b], __ATOMIC_ACQUIRE); e != NULL; e = e->next) {
        if (hsg_entry_is(e, chain)) {
            return e;
        }
    }
    return NULL;
}

/* Builds the policy of the chain keys[0..depth) (laid over each other, outermost first);
 * NULL on failure, with err and *blame (hsg_build()). */
static hstsguard_policy *
hsg_build_chain(const hstsguard_policy_builder *const *keys, unsigned depth, unsigned set,
                char *err, size_t err_cap, int *blame)
{
    hstsguard_policy_builder *acc = NULL, *next;
    hstsguard_policy         *policy = NULL;
    unsigned                  i;

    *blame = -1;
    for (i = 0; i < depth; i++) {
        if (hsg_overlay(acc, keys[i], &next, err, err_cap) != 0) {
            hstsguard_policy_builder_free(acc);
            return NULL;
        }
        hstsguard_policy_builder_free(acc);
        acc = next;
    }
    if (hsg_build(acc, set, &policy, blame, err, err_cap) != 0) {
        policy = NULL;
    }
    hstsguard_policy_builder_free(acc);
    return policy;
}

/* The links of a chain, outermost first, into a new array from p. */
static const hstsguard_policy_builder **
hsg_chain_keys(apr_pool_t *p, const hsg_chain *chain, unsigned *depth)
{
    const hstsguard_policy_builder **keys;
    unsigned                         i;

    *depth = chain ? chain->depth : 0;
    keys = apr_palloc(p, sizeof(*keys) * (*depth + 1));
    for (i = *depth; chain != NULL; chain = chain->prev) {
        keys[--i] = chain->keys;
    }
    return keys;
}

/* Builds the policy of a chain and adds it to the cache (caller holds the lock or is
 * single-threaded). The entry's policy is NULL when building failed; err and *blame then
 * say why. */
static hsg_entry *
hsg_cache_add(const hsg_chain *chain, unsigned set, apr_pool_t *p, char *err, size_t err_cap,
              int *blame)
{
    hsg_entry *e = apr_pcalloc(p, sizeof(*e));
    unsigned   b = chain ? (unsigned) (chain->hash % HSG_CACHE_BUCKETS) : 0;

    e->hash = chain ? chain->hash : 0;
    e->keys = hsg_chain_keys(p, chain, &e->depth);
    e->policy = hsg_build_chain(e->keys, e->depth, set, err, err_cap, blame);
    if (e->policy != NULL) {
        hstsguard_str hsts;
        bool          time = true;
        apr_pool_cleanup_register(p, e->policy, hsg_free_policy, apr_pool_cleanup_null);
        if (hstsguard_policy_headers_depend_on_time(e->policy, &time) != HSTSGUARD_OK) {
            time = true;
        }
        e->time = time;
        e->tls.policy = e->policy;
        e->tls.entry = e;
        e->tls.decision = NULL;
        e->tls.location = NULL;
        e->tls.ok = 1;
        e->tls.failed = 0;
        if (hstsguard_policy_hsts_value(e->policy, &hsts) == HSTSGUARD_OK && hsts.data != NULL) {
            e->hsts_view = hsts.data;
            e->hsts_len = hsts.len;
            e->hsts = apr_pstrmemdup(p, hsts.data, hsts.len);
        }
    }
    e->next = hsg_cache[b];
    __atomic_store_n(&hsg_cache[b], e, __ATOMIC_RELEASE);
    return e;
}

/* The effective policy of a (merged) configuration. At configuration time p is pconf and
 * err receives the message of a failure (*blame the directive of c that set its key, or
 * -1); at request time p is the child's pool. */
static hstsguard_policy *
hsg_resolve(hsg_dir_conf *c, apr_pool_t *p, char *err, size_t err_cap, int *blame)
{
    hsg_entry *e;

    *blame = -1;
    if (err_cap > 0) {
        err[0] = '\0';
    }
    if (c->policy != NULL) {
        return c->policy;
    }
    e = hsg_cache_find(c->chain);
    if (e == NULL) {
        if (hsg_cache_mutex != NULL) {
            apr_thread_mutex_lock(hsg_cache_mutex);
        }
        e = hsg_cache_find(c->chain);
        if (e == NULL) {
            e = hsg_cache_add(c->chain, c->set, p, err, err_cap, blame);
        }
        if (hsg_cache_mutex != NULL) {
            apr_thread_mutex_unlock(hsg_cache_mutex);
        }
    }
    if (e->policy == NULL && err_cap > 0 && err[0] == '\0') {
        /* built (and reported) before: build again for this configuration's message */
        hstsguard_policy *again =
            hsg_build_chain(e->keys, e->depth, c->set, err, err_cap, blame);
        hstsguard_policy_free(again);
    }
    c->policy = e->policy;
    c->entry = e;
    return c->policy;
}

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                         */
/* ------------------------------------------------------------------------------------ */

static void *
hsg_create_dir_conf(apr_pool_t *p, char *dir)
{
    hsg_dir_conf *c = apr_pcalloc(p, sizeof(*c));
    (void) dir;
    c->enable = -1;
    return c;
}

static void *
hsg_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    const hsg_dir_conf *base = basev;
    const hsg_dir_conf *add = addv;
    hsg_dir_conf       *c = apr_palloc(p, sizeof(*c));

    if (!add->own) {
        /* No policy directive here: the outer policy as it is (resolved, usually). */
        *c = *base;
        c->enable = add->enable != -1 ? add->enable : base->enable;
        if (add->first.line != 0) {
            c->first = add->first; /* HstsGuard On|Off alone */
        }
        return c;
    }

    *c = *add;
    c->enable = add->enable != -1 ? add->enable : base->enable;
    /* A policy file starts the chain again; inline keys are laid over what is inherited
     * (O(1): one link, from this request's pool when merged at request time). */
    c->chain = add->file != NULL ? add->self : hsg_link(p, base->chain, add->keys);
    c->policy = NULL; /* resolved from the cache */
    c->entry = NULL;
    return c;
}

static void *
hsg_create_srv_conf(apr_pool_t *p, server_rec *s)
{
    (void) s;
    return apr_pcalloc(p, sizeof(hsg_srv_conf));
}

static void *
hsg_merge_srv_conf(apr_pool_t *p, void *basev, void *addv)
{
    hsg_srv_conf *base = basev;
    hsg_srv_conf *add = addv;
    hsg_srv_conf *c = apr_palloc(p, sizeof(*c));
    c->sections = base->sections || add->sections;
    c->first_section = add->sections ? add->first_section : base->first_section;
    return c;
}

/* Notes that a directive was used inside a section (not at server level). */
static void
hsg_note_section(cmd_parms *cmd, void *dconf)
{
    if (dconf != ap_get_module_config(cmd->server->lookup_defaults, &hstsguard_module)) {
        hsg_srv_conf *sc = ap_get_module_config(cmd->server->module_config, &hstsguard_module);
        if (!sc->sections) {
            sc->first_section.file = cmd->directive->filename;
            sc->first_section.line = cmd->directive->line_num;
            sc->first_section.directive = cmd->cmd->name;
        }
        sc->sections = 1;
    }
}

/* Records that this section uses directive `id` at the current line; a policy directive
 * also (re)makes the section's own links. */
static void
hsg_note(cmd_parms *cmd, hsg_dir_conf *c, int id)
{
    hsg_where w;

    w.file = cmd->directive->filename;
    w.line = cmd->directive->line_num;
    w.directive = cmd->cmd->name;
    c->set |= 1u << id;
    c->where[id] = w;
    if (c->first.line == 0) {
        c->first = w;
    }
    hsg_note_section(cmd, c);
    if (id == HSG_D_SWITCH) {
        return;
    }
    c->last_id = id;
    c->own = 1;
    if (c->file != NULL) {
        c->self = hsg_link(cmd->pool, NULL, c->file);
        if (c->keys != NULL) {
            c->self = hsg_link(cmd->pool, c->self, c->keys);
        }
    } else {
        c->self = hsg_link(cmd->pool, NULL, c->keys);
    }
    /* Unmerged (the main server's configuration): its own links are the chain. */
    c->chain = c->self;
    c->policy = NULL;
    c->entry = NULL;
}

static const char *
hsg_cmd_enable(cmd_parms *cmd, void *dconf, int flag)
{
    hsg_dir_conf *c = dconf;
    c->enable = flag ? 1 : 0;
    hsg_note(cmd, c, HSG_D_SWITCH);
    return NULL;
}

static const char *
hsg_cmd_policy(cmd_parms *cmd, void *dconf, const char *arg)
{
    hsg_dir_conf *c = dconf;
    const char   *path;
    char          err[HSG_ERR_LEN];

    if (c->policy_file != NULL) {
        return apr_psprintf(cmd->pool, "%s is given twice in this section", cmd->cmd->name);
    }
    path = ap_server_root_relative(cmd->pool, arg);
    if (path == NULL) {
        return apr_psprintf(cmd->pool, "%s: invalid path \"%s\"", cmd->cmd->name, arg);
    }
    if (hsg_read_file(path, strlen(path), &c->file, err, sizeof(err)) != 0) {
        return apr_psprintf(cmd->pool, "%s: \"%s\": %s", cmd->cmd->name, path, err);
    }
    apr_pool_cleanup_register(cmd->pool, c->file, hsg_free_builder, apr_pool_cleanup_null);
    c->policy_file = path;
    hsg_note(cmd, c, (int) (apr_uintptr_t) cmd->info);
    return NULL;
}

/* An inline directive: its keys set in the section's own builder, checked now. */
static const char *
hsg_cmd_inline(cmd_parms *cmd, void *dconf, int argc, char *const argv[])
{
    hsg_dir_conf *c = dconf;
    int           id = (int) (apr_uintptr_t) cmd->info;
    hsg_word     *words;
    char          err[HSG_ERR_LEN];
    int           i;

    if (argc < 1) {
        return apr_psprintf(cmd->pool, "%s needs at least one argument", cmd->cmd->name);
    }
    if (hsg_directives[id].args == HSG_ARGS_ONE && argc != 1) {
        return apr_psprintf(cmd->pool, "%s takes one argument", cmd->cmd->name);
    }
    if (c->keys == NULL) {
        if (hstsguard_policy_builder_new(&c->keys) != HSTSGUARD_OK) {
            c->keys = NULL;
            return apr_psprintf(cmd->pool, "%s: cannot create a policy builder",
                                cmd->cmd->name);
        }
        apr_pool_cleanup_register(cmd->pool, c->keys, hsg_free_builder,
                                  apr_pool_cleanup_null);
    }
    words = apr_palloc(cmd->temp_pool, sizeof(hsg_word) * (apr_size_t) argc);
    for (i = 0; i < argc; i++) {
        words[i].data = argv[i];
        words[i].len = strlen(argv[i]);
    }
    if (hsg_apply(c->keys, &c->rules, id, words, (size_t) argc, err, sizeof(err)) != 0) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    hsg_note(cmd, c, id);
    return NULL;
}

/* The directives, from the table both modules share; `cmd->info` carries the id. */
#define HSG_AP_SWITCH(name, id, help)                                                     \
    AP_INIT_FLAG(name, hsg_cmd_enable, (void *) (apr_uintptr_t) (id),                     \
                 RSRC_CONF | ACCESS_CONF, help)
#define HSG_AP_FILE(name, id, help)                                                       \
    AP_INIT_TAKE1(name, hsg_cmd_policy, (void *) (apr_uintptr_t) (id),                    \
                  RSRC_CONF | ACCESS_CONF, help)
#define HSG_AP_INLINE(name, id, help)                                                     \
    AP_INIT_TAKE_ARGV(name, hsg_cmd_inline, (void *) (apr_uintptr_t) (id),                \
                      RSRC_CONF | ACCESS_CONF, help)
#define HSG_AP_SECTION HSG_AP_INLINE
#define HSG_AP_LIST    HSG_AP_INLINE
#define HSG_AP_SOURCES HSG_AP_INLINE
#define HSG_AP_RULE    HSG_AP_INLINE
#define HSG_AP_FLAG    HSG_AP_INLINE
#define HSG_AP_COMMAND(id, ngx, apache, kind, key, args, syntax)                          \
    HSG_AP_##kind(apache, HSG_D_##id, syntax),

static const command_rec hsg_cmds[] = {
    HSG_DIRECTIVE_TABLE(HSG_AP_COMMAND)
    {NULL}
};

/* Prints one line at startup (apache2 -t too): mod_hstsguard's warnings and errors. */
#define HSG_STARTUP(level, ...) ap_log_error(APLOG_MARK, APLOG_STARTUP | (level), 0, NULL, __VA_ARGS__)

/* True the first time (file, line, code) is asked about during check_config. */
static int
hsg_first_print(apr_pool_t *p, const hsg_where *w, const char *code)
{
    const char *k = apr_psprintf(p, "%s:%d:%s", w->file ? w->file : "", w->line, code);
    if (hsg_printed == NULL) {
        return 1;
    }
    if (apr_hash_get(hsg_printed, k, APR_HASH_KEY_STRING) != NULL) {
        return 0;
    }
    apr_hash_set(hsg_printed, k, APR_HASH_KEY_STRING, "");
    return 1;
}

/* The deploy warnings of a configuration where HstsGuard is On, at its first HstsGuard
 * directive: each warning of its policy that `shown` (the policy of the configuration it
 * is nested in, whose warnings were printed) did not have. */
static void
hsg_warn(apr_pool_t *ptemp, hsg_dir_conf *c, const hstsguard_policy *shown,
         const char *section)
{
    size_t      i;
    int         rc;
    const char *code;
    char        buf[HSG_ERR_LEN];

    if (c->enable != 1 || c->policy == NULL || c->policy == shown || c->first.line == 0) {
        return;
    }
    for (i = 0; (rc = hsg_warning(c->policy, shown, i, buf, sizeof(buf), &code)) >= 0; i++) {
        if (rc == 1 && hsg_first_print(ptemp, &c->first, code)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, NULL,
                         "mod_hstsguard: %s on line %d of %s (%s): %s", c->first.directive,
                         c->first.line, c->first.file, section, buf);
        }
    }
}

/* What the configuration shows to an inner one: its policy's warnings are printed when
 * HstsGuard is On there, else those of the configuration it is nested in. */
static const hstsguard_policy *
hsg_shown(const hsg_dir_conf *c, const hstsguard_policy *outer)
{
    return c->enable == 1 && c->policy != NULL ? c->policy : outer;
}

/* Builds (or finds) the policy of one configuration and reports what is wrong with it.
 * section: where the configuration comes from, for the message; shown: as for
 * hsg_warn(), or NULL with warn == 0 for no warnings (a pair of sections); hint: appended
 * to the message of a policy that cannot be built, or "". */
static int
hsg_check_one(apr_pool_t *pconf, apr_pool_t *ptemp, hsg_dir_conf *c, const char *section,
              int warn, const hstsguard_policy *shown, const char *hint)
{
    char             err[HSG_ERR_LEN];
    int              blame;
    const hsg_where *w;

    if (hsg_resolve(c, pconf, err, sizeof(err), &blame) == NULL) {
        /* At the directive of the (last) section that set the key of the problem, else
         * its policy file or last directive. */
        if (blame < 0 || c->where[blame].line == 0) {
            blame = c->file != NULL ? HSG_D_POLICY : c->last_id;
        }
        w = &c->where[blame];
        if (w->line != 0) {
            HSG_STARTUP(APLOG_EMERG, "mod_hstsguard: %s on line %d of %s (%s): %s%s",
                        w->directive, w->line, w->file, section, err, hint);
        } else {
            HSG_STARTUP(APLOG_EMERG, "mod_hstsguard: %s: %s%s", section, err, hint);
        }
        return !OK;
    }
    if (warn) {
        hsg_warn(ptemp, c, shown, section);
    }
    return OK;
}

/* "example.com:443", or the name alone for the main server (port 0). */
static const char *
hsg_server_label(apr_pool_t *p, server_rec *s)
{
    const char *name = s->server_hostname ? s->server_hostname : "(unnamed)";
    return s->port ? apr_psprintf(p, "%s:%u", name, (unsigned) s->port) : name;
}

/*
 * The sections of one virtual host, as Apache merges them per request. A request's
 * configuration is the virtual host's, then every matching <Directory> (or, for a proxy
 * request, every matching <Proxy>) in their sorted order, then the matching <Files>
 * (the server's, then those inside each <Directory>), then the matching <Location>s in
 * config order, then the matching <If>s (those of the server, of each section above in
 * that order, then <If>s nested in <If>s). Which sections match is only known per
 * request, so check_config builds every section on its own over the virtual host (with
 * the sections it is nested in), and every pair of sections that can apply to one request,
 * in merge order. Each section's keys were checked when they were read; what only the
 * whole policy shows involves keys that are usually set together or in two sections (a
 * strict preload check in one, the max-age in another), so a longer chain of sections
 * that all set something rarely fails where its pairs did not. It could (a rule over three
 * keys, each set in a different section): longer chains are built per child at request
 * time (hsg_policy_for()), and one that fails is answered closed (500 over plain HTTP,
 * the policy's HSTS over TLS) and logged, never passed.
 *
 * Two sections are kept apart only when they can never match one request: two
 * <Directory>s of plain paths neither of which contains the other, two <Location>s of
 * plain URL-paths neither of which is a prefix of the other (as location_walk compares
 * them), two <Files> of different plain names, and a <Proxy> with a <Directory> or
 * <Files> (a proxy request has no directory walk). Regular expressions and wildcards
 * are assumed to match anything.
 */
enum { HSG_SEC_DIR, HSG_SEC_FILES, HSG_SEC_LOC, HSG_SEC_IF, HSG_SEC_PROXY };

static const char *const hsg_sec_kind[] = {"<Directory>", "<Files>", "<Location>", "<If>",
                                           "<Proxy>"};

typedef struct {
    hsg_dir_conf *conf;     /* the section's own HstsGuard settings (own: it sets some) */
    int           type;     /* HSG_SEC_* */
    const char   *path;     /* the core's d: path, URL-path, file name or URL; or NULL */
    int           literal;  /* matched by comparing path (no regex, no wildcard) */
    int           parent;   /* the index of the section this one is nested in, or -1 */
    const char   *label;    /* for messages */
} hsg_sec;

static void
hsg_add_secs(apr_pool_t *p, apr_array_header_t *out, apr_array_header_t *vecs, int type,
             int parent, server_rec *s)
{
    ap_conf_vector_t **v;
    int                i;

    if (vecs == NULL) {
        return;
    }
    v = (ap_conf_vector_t **) vecs->elts;
    for (i = 0; i < vecs->nelts; i++) {
        core_dir_config *core = ap_get_core_module_config(v[i]);
        hsg_sec         *sec = apr_array_push(out);
        const char      *in = parent >= 0 ? ((hsg_sec *) out->elts)[parent].label : NULL;

        sec->conf = ap_get_module_config(v[i], &hstsguard_module);
        sec->type = type;
        sec->path = (core != NULL && type != HSG_SEC_IF) ? core->d : NULL;
        sec->literal = core != NULL && core->r == NULL && !core->d_is_fnmatch;
        sec->parent = parent;
        sec->label = apr_psprintf(p, "a %s section%s%s%s%s%s", hsg_sec_kind[type],
                                  sec->path ? " \"" : "", sec->path ? sec->path : "",
                                  sec->path ? "\"" : "", in ? " in " : "", in ? in : "");
        if (parent < 0) {
            sec->label = apr_psprintf(p, "%s of %s", sec->label, hsg_server_label(p, s));
        }
    }
}

/* The core_dir_config of a collected section (for the sections nested in it). */
static core_dir_config *
hsg_sec_core(apr_array_header_t *vecs, int i)
{
    return ap_get_core_module_config(((ap_conf_vector_t **) vecs->elts)[i]);
}

/* True when plain path a is b or contains it, component-wise (directory_walk). */
static int
hsg_dir_within(const char *a, const char *b)
{
    size_t n = strlen(a);
    return strncmp(a, b, n) == 0 && (n == 0 || a[n - 1] == '/' || b[n] == '/' || b[n] == '\0');
}

/* True when some URL-path matches both plain <Location> paths a and b (location_walk: a
 * prefix, ending at a '/' or at the end unless the section's path ends with '/'). */
static int
hsg_loc_overlap(const char *a, const char *b)
{
    if (strlen(a) > strlen(b)) {
        const char *t = a;
        a = b;
        b = t;
    }
    return hsg_dir_within(a, b);
}

/* True when sections x and y (different, neither nested in the other) never both apply. */
static int
hsg_sec_exclusive(const hsg_sec *x, const hsg_sec *y)
{
    if ((x->type == HSG_SEC_PROXY && (y->type == HSG_SEC_DIR || y->type == HSG_SEC_FILES))
        || (y->type == HSG_SEC_PROXY && (x->type == HSG_SEC_DIR || x->type == HSG_SEC_FILES)))
    {
        return 1;
    }
    if (x->type != y->type || !x->literal || !y->literal || x->path == NULL || y->path == NULL) {
        return 0;
    }
    switch (x->type) {
    case HSG_SEC_DIR:
        return !hsg_dir_within(x->path, y->path) && !hsg_dir_within(y->path, x->path);
    case HSG_SEC_FILES:
        return strcmp(x->path, y->path) != 0;
    case HSG_SEC_LOC:
        return !hsg_loc_overlap(x->path, y->path);
    default:
        return 0;
    }
}

/* True when a is b or nested (at any depth) in b. */
static int
hsg_sec_in(const hsg_sec *secs, int a, int b)
{
    for (; a >= 0; a = secs[a].parent) {
        if (a == b) {
            return 1;
        }
    }
    return 0;
}

/* True when sections a and b can apply to one request: no section of a's nesting chain
 * excludes one of b's. */
static int
hsg_sec_together(const hsg_sec *secs, int a, int b)
{
    int x, y;
    for (x = a; x >= 0; x = secs[x].parent) {
        for (y = b; y >= 0; y = secs[y].parent) {
            if (x != y && !hsg_sec_in(secs, x, y) && !hsg_sec_in(secs, y, x)
                && hsg_sec_exclusive(&secs[x], &secs[y]))
            {
                return 0;
            }
        }
    }
    return 1;
}

/* The configuration of a request that matches sections a and b (b < 0: a alone) and the
 * sections they are nested in: the virtual host's, merged with each of them in order
 * (the array is in merge order). */
static hsg_dir_conf *
hsg_sec_merge(apr_pool_t *p, hsg_dir_conf *base, const hsg_sec *secs, int a, int b)
{
    int i, n = (a > b ? a : b) + 1;
    for (i = 0; i < n; i++) {
        if ((hsg_sec_in(secs, a, i) || (b >= 0 && hsg_sec_in(secs, b, i)))
            && secs[i].conf != NULL && secs[i].conf->own)
        {
            base = hsg_merge_dir_conf(p, base, secs[i].conf);
        }
    }
    return base;
}

/* Every section of server s over its configuration c, and every pair that can merge.
 * Policies (and the cache entries) go to pconf; the rest, merged configurations
 * included, to ptemp. */
static int
hsg_check_sections(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s, hsg_dir_conf *c,
                   module *proxy, const hstsguard_policy *shown)
{
    core_server_config *core = ap_get_core_module_config(s->module_config);
    core_dir_config    *sd = ap_get_core_module_config(s->lookup_defaults);
    apr_array_header_t *arr = apr_array_make(ptemp, 16, sizeof(hsg_sec));
    apr_array_header_t *vecs = apr_array_make(ptemp, 16, sizeof(ap_conf_vector_t *));
    hsg_sec            *secs;
    int                 i, j, n;
    char                err[HSG_ERR_LEN];

    /* Collected in merge order, with the config vectors alongside (for nesting). */
#define HSG_COLLECT(list, type, parent)                                                   \
    do {                                                                                  \
        if ((list) != NULL) {                                                             \
            hsg_add_secs(ptemp, arr, (list), (type), (parent), s);                       \
            apr_array_cat(vecs, (list));                                                  \
        }                                                                                 \
    } while (0)

    HSG_COLLECT(core->sec_dir, HSG_SEC_DIR, -1);
    if (proxy != NULL) {
        proxy_server_conf *pc = ap_get_module_config(s->module_config, proxy);
        if (pc != NULL) {
            HSG_COLLECT(pc->sec_proxy, HSG_SEC_PROXY, -1);
        }
    }
    n = arr->nelts;
    if (sd != NULL) {
        HSG_COLLECT(sd->sec_file, HSG_SEC_FILES, -1);
    }
    for (i = 0; i < n; i++) {
        core_dir_config *dc = hsg_sec_core(vecs, i);
        if (dc != NULL) {
            HSG_COLLECT(dc->sec_file, HSG_SEC_FILES, i);
        }
    }
    HSG_COLLECT(core->sec_url, HSG_SEC_LOC, -1);
    n = arr->nelts;
    if (sd != NULL) {
        HSG_COLLECT(sd->sec_if, HSG_SEC_IF, -1);
    }
    for (i = 0; i < arr->nelts; i++) {
        /* The <If>s inside every section so far, then inside those <If>s, and so on. */
        core_dir_config *dc = hsg_sec_core(vecs, i);
        if (dc != NULL && (i < n || ((hsg_sec *) arr->elts)[i].type == HSG_SEC_IF)) {
            HSG_COLLECT(dc->sec_if, HSG_SEC_IF, i);
        }
    }
#undef HSG_COLLECT

    secs = (hsg_sec *) arr->elts;
    for (i = 0; i < arr->nelts; i++) {
        const hstsguard_policy *outer = shown;
        if (secs[i].conf == NULL || !secs[i].conf->own) {
            continue;
        }
        if (secs[i].parent >= 0) {
            /* the policy of the sections it is nested in, whose warnings came first */
            hsg_dir_conf *mp = hsg_sec_merge(ptemp, c, secs, secs[i].parent, -1);
            int           blame;
            if (hsg_resolve(mp, pconf, err, sizeof(err), &blame) != NULL) {
                outer = hsg_shown(mp, shown);
            }
        }
        if (hsg_check_one(pconf, ptemp, hsg_sec_merge(ptemp, c, secs, i, -1), secs[i].label,
                          1, outer, "") != OK)
        {
            return !OK;
        }
    }
    for (i = 0; i < arr->nelts; i++) {
        if (secs[i].conf == NULL || !secs[i].conf->own) {
            continue;
        }
        for (j = i + 1; j < arr->nelts; j++) {
            hsg_dir_conf    *m;
            const hsg_where *wi = &secs[i].conf->where[secs[i].conf->last_id];
            int              blame;
            if (secs[j].conf == NULL || !secs[j].conf->own || hsg_sec_in(secs, j, i)
                || !hsg_sec_together(secs, i, j))
            {
                continue;
            }
            m = hsg_sec_merge(ptemp, c, secs, i, j);
            if (hsg_resolve(m, pconf, err, sizeof(err), &blame) != NULL) {
                continue; /* the common case: no message to make */
            }
            if (hsg_check_one(pconf, ptemp, m,
                              apr_psprintf(ptemp, "%s, merged at request time over %s on line "
                                           "%d of %s in %s, as Apache does for a request "
                                           "that matches both",
                                           secs[j].label, wi->directive, wi->line, wi->file,
                                           secs[i].label),
                              0, NULL,
                              " (set that key in the later section too, or keep the two "
                              "sections from matching one request)") != OK)
            {
                return !OK;
            }
        }
    }
    return OK;
}

/* After the whole configuration is read (also for apache2 -t): every virtual host, every
 * section over it (<Directory>, <Location>, <Files>, <If>, <Proxy>, nested ones
 * included) and every pair of sections that Apache can merge for one request gets its
 * policy now, before fork: a policy that cannot be built stops the server here, it never
 * reaches a child. */
static int
hsg_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    module                 *proxy = ap_find_linked_module("mod_proxy.c");
    module                 *cache = ap_find_linked_module("mod_cache.c");
    hsg_dir_conf           *main = NULL;
    const hstsguard_policy *main_shown = NULL;

    (void) plog;

    hsg_mod_cache = cache != NULL;

    hsg_reset_cache(NULL);
    apr_pool_cleanup_register(pconf, NULL, hsg_reset_cache, apr_pool_cleanup_null);
    hsg_printed = apr_hash_make(ptemp);

    for (; s != NULL; s = s->next) {
        hsg_dir_conf *c = ap_get_module_config(s->lookup_defaults, &hstsguard_module);
        hsg_srv_conf *sc = ap_get_module_config(s->module_config, &hstsguard_module);
        const char   *name = apr_pstrcat(pconf, "server ", hsg_server_label(pconf, s), NULL);

        /* The main server first: a virtual host's warnings are those it adds. */
        if (hsg_check_one(pconf, ptemp, c, name, 1, main_shown, "") != OK
            || hsg_check_sections(pconf, ptemp, s, c, proxy, hsg_shown(c, main_shown)) != OK)
        {
            hsg_printed = NULL;
            return !OK;
        }
        if (main == NULL) {
            main = c;
            main_shown = hsg_shown(c, NULL);
        }
        if (cache != NULL && sc != NULL && sc->sections && c->enable == 1) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, NULL,
                         "mod_hstsguard: %s on line %d of %s (a section of %s) cannot be used "
                         "while mod_cache is loaded: mod_cache's quick handler serves cached "
                         "pages before sections apply, so plain-HTTP requests could be served "
                         "without the redirect. Put the HstsGuard settings at the virtual "
                         "host level, or unload mod_cache",
                         sc->first_section.directive ? sc->first_section.directive : "?",
                         sc->first_section.line,
                         sc->first_section.file ? sc->first_section.file : "?", name);
            hsg_printed = NULL;
            return !OK;
        }
    }
    hsg_printed = NULL;
    return OK;
}

static void
hsg_child_init(apr_pool_t *pchild, server_rec *s)
{
    /* Our own pool: policies built at run time are allocated under our mutex only. */
    if (apr_pool_create(&hsg_child_pool, pchild) != APR_SUCCESS
        || apr_thread_mutex_create(&hsg_cache_mutex, APR_THREAD_MUTEX_DEFAULT, pchild)
               != APR_SUCCESS)
    {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "mod_hstsguard: cannot create a pool or a mutex; policies of nested "
                     "sections will not be built at run time");
        hsg_cache_mutex = NULL;
    }
}

/* ------------------------------------------------------------------------------------ */
/* Requests                                                                              */
/* ------------------------------------------------------------------------------------ */

/* The policy of a merged configuration that has none yet (nested sections whose
 * combination check_config did not meet): built in this child, once. */
static const hsg_entry *
hsg_policy_build(request_rec *r, hsg_dir_conf *c)
{
    char              err[HSG_ERR_LEN];
    hstsguard_policy *p;
    const hsg_where  *w = &c->where[c->last_id];
    int               blame;

    if (hsg_cache_mutex == NULL) {
        return NULL; /* not in a child process (or no mutex): never build concurrently */
    }
    if (hsg_cache_find(c->chain) == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "mod_hstsguard: building the policy of nested sections (last: %s on "
                      "line %d of %s) in this child",
                      w->directive ? w->directive : "?", w->line, w->file ? w->file : "?");
    }
    p = hsg_resolve(c, hsg_child_pool, err, sizeof(err), &blame);
    if (p == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "mod_hstsguard: no policy for %s (line %d of %s): %s; failing closed",
                      w->directive ? w->directive : "this section", w->line,
                      w->file ? w->file : "?", err);
        return NULL;
    }
    return c->entry;
}

/* The policy (its cache entry) of a merged configuration; NULL: none can be built. */
static APR_INLINE const hsg_entry *
hsg_policy_for(request_rec *r, hsg_dir_conf *c)
{
    return c->policy != NULL ? c->entry : hsg_policy_build(r, c);
}

/* The C API's header lookup over headers_in (only called for trusted proxies). Apache
 * keeps one value per name (repeated fields joined with ", "): index 0 only. */
static bool
hsg_lookup(void *userdata, hstsguard_str name, size_t index, hstsguard_str *value_out)
{
    request_rec              *r = userdata;
    const apr_array_header_t *arr = apr_table_elts(r->headers_in);
    const apr_table_entry_t  *e = (const apr_table_entry_t *) arr->elts;
    int                       i;

    for (i = 0; i < arr->nelts; i++) {
        if (e[i].key == NULL || e[i].val == NULL || strlen(e[i].key) != name.len
            || strncasecmp(e[i].key, name.data, name.len) != 0)
        {
            continue;
        }
        if (index == 0) {
            value_out->data = e[i].val;
            value_out->len = strlen(e[i].val);
            return true;
        }
        index--;
    }
    return false;
}

static APR_INLINE hstsguard_str
hsg_view(const char *s)
{
    hstsguard_str v;
    v.data = s;
    v.len = s ? strlen(s) : 0;
    return v;
}

/* The connection's state, made on its first request. */
static hsg_conn * __attribute__((noinline))
hsg_conn_new(conn_rec *c)
{
    /* zeroed: not TLS (yet), and an empty memo */
    hsg_conn *hc = apr_pcalloc(c->pool, sizeof(*hc));
    ap_set_module_config(c->conn_config, &hstsguard_module, hc);
    return hc;
}

/* The connection's state. */
static APR_INLINE hsg_conn *
hsg_conn_of(conn_rec *c)
{
    hsg_conn *hc = ap_get_module_config(c->conn_config, &hstsguard_module);
    return hc != NULL ? hc : hsg_conn_new(c);
}

/* The connection is TLS. Asked of mod_ssl until it is: a connection that was upgraded to
 * TLS stays so. */
static APR_INLINE int
hsg_is_tls(conn_rec *c)
{
    hsg_conn *hc = hsg_conn_of(c);
    if (!hc->tls) {
        hc->tls = ap_ssl_conn_is_ssl(c) != 0;
    }
    return hc->tls;
}

/* The fail-closed answer when the C API returned an error for r, or no policy could be
 * built (see the top of this file): on TLS, pass with the policy's precomputed HSTS value;
 * on plain HTTP, 500, never a pass. */
static void
hsg_fail_closed(request_rec *r, const hstsguard_policy *policy, hstsguard_decision *d,
                const char *why)
{
    int tls = hsg_is_tls(r->connection);

    hsg_fail_closed_decision(policy, tls, HTTP_INTERNAL_SERVER_ERROR, d);
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                  "mod_hstsguard: the request could not be evaluated (%s); failing closed: %s",
                  why, tls ? "served over TLS with the policy's HSTS header"
                           : "answered with 500, not passed over plain HTTP");
}

/* The authority of an absolute-form target from apr_uri_parse: an IPv6 literal gets its
 * brackets back (apr_uri_parse strips them), and the port its colon. */
static const char *
hsg_authority(request_rec *r)
{
    const char *host = r->parsed_uri.hostname;
    const char *port = r->parsed_uri.port_str;

    if (strchr(host, ':') != NULL) {
        host = apr_pstrcat(r->pool, "[", host, "]", NULL);
    }
    return port ? apr_pstrcat(r->pool, host, ":", port, NULL) : host;
}

/* The Host the core is asked about: the authority of an absolute-form target (it wins
 * over Host, RFC 9112 §3.2.2), or the Host header; data NULL: none. */
static APR_INLINE hstsguard_str
hsg_host(request_rec *r)
{
    return hsg_view(r->parsed_uri.hostname != NULL ? hsg_authority(r)
                                                   : apr_table_get(r->headers_in, "Host"));
}

/* Asks the core about r (its connection is TLS when tls is set): the decision goes to
 * *d, a redirect's Location (written by the core straight into the request pool, then
 * NUL-terminated) to *location. Returns 1 when the call failed (the fail-closed answer
 * is in *d, logged). */
static int
hsg_evaluate(request_rec *r, const hstsguard_policy *policy, int tls, hstsguard_decision *d,
             const char **location)
{
    hstsguard_request req;
    hstsguard_result  rc;
    char             *loc;
    size_t            cap;

    req.headers = NULL;
    req.headers_len = 0;
    req.now = (uint64_t) apr_time_sec(r->request_time);
    req.method = hsg_view(r->method);
    req.tls = tls != 0;
    req.host = hsg_host(r);
    if (r->parsed_uri.hostname != NULL) {
        req.target = hsg_view(apr_pstrcat(
            r->pool, r->parsed_uri.path ? r->parsed_uri.path : "/",
            r->parsed_uri.query ? "?" : "", r->parsed_uri.query ? r->parsed_uri.query : "",
            NULL));
    } else {
        req.target = hsg_view(r->unparsed_uri);
    }
    req.peer = hsg_view(r->useragent_ip);
    req.lookup = hsg_lookup;
    req.lookup_userdata = r;

    /* A TLS request never redirects: no room for a Location. */
    if (req.tls) {
        loc = NULL;
        cap = 0;
    } else {
        cap = req.host.len + req.target.len + 48;
        loc = apr_palloc(r->pool, cap + 1);
    }
    rc = hstsguard_policy_evaluate(policy, &req, d, loc, cap);
    if (rc == HSTSGUARD_INVALID_PEER) {
        /* Decided again as if from an unknown peer: no proxy is believed. */
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "mod_hstsguard: the peer address \"%s\" cannot be read; no proxy "
                      "header is believed for this request",
                      r->useragent_ip ? r->useragent_ip : "");
        req.peer = hsg_view(NULL);
        rc = hstsguard_policy_evaluate(policy, &req, d, loc, cap);
    }
    if (rc == HSTSGUARD_BUFFER_TOO_SMALL && d->action == HSTSGUARD_ACTION_REDIRECT) {
        cap = d->location_len;
        loc = apr_palloc(r->pool, cap + 1);
        rc = hstsguard_policy_evaluate(policy, &req, d, loc, cap);
    }
    if (rc != HSTSGUARD_OK || d->action == HSTSGUARD_ACTION_NONE) {
        hsg_fail_closed(r, policy, d, hstsguard_result_name(rc));
        return 1;
    }
    if (d->action == HSTSGUARD_ACTION_REDIRECT) {
        loc[d->location_len] = '\0';
        *location = loc;
    }
    return 0;
}

/* The decision of this request, or of the one it was internally redirected from. */
static hsg_req_ctx *
hsg_find_ctx(request_rec *r)
{
    for (; r != NULL; r = r->prev) {
        hsg_req_ctx *ctx = ap_get_module_config(r->request_config, &hstsguard_module);
        if (ctx != NULL) {
            return ctx;
        }
    }
    return NULL;
}

/* A new context for r with configuration c (whose policy is looked up, or built), kept
 * in r's request_config: a TLS request is not decided now (it always passes); a plain
 * one is, into ctx->decision. */
static hsg_req_ctx *
hsg_new_ctx(request_rec *r, hsg_dir_conf *c)
{
    const hsg_entry *e = hsg_policy_for(r, c);
    int              tls = hsg_is_tls(r->connection);
    hsg_req_ctx     *ctx;

    if (e != NULL && e->policy != NULL && tls) {
        /* TLS always passes: the policy's shared context, read-only */
        ctx = (hsg_req_ctx *) &e->tls;
        ap_set_module_config(r->request_config, &hstsguard_module, ctx);
        return ctx;
    }
    ctx = apr_palloc(r->pool, sizeof(*ctx));
    ctx->entry = e;
    ctx->policy = e != NULL ? e->policy : NULL;
    ctx->decision = NULL;
    ctx->location = NULL;
    ctx->ok = 1;
    ctx->failed = 0;
    ap_set_module_config(r->request_config, &hstsguard_module, ctx);
    if (e == NULL) {
        ctx->decision = apr_palloc(r->pool, sizeof(*ctx->decision));
        hsg_fail_closed(r, NULL, ctx->decision, "no policy for this section");
        ctx->failed = 1;
    } else if (!tls) {
        ctx->decision = apr_palloc(r->pool, sizeof(*ctx->decision));
        ctx->failed = hsg_evaluate(r, ctx->policy, 0, ctx->decision, &ctx->location);
    }
    return ctx;
}

/* Decides r with configuration c: pass (DECLINED), redirect or reject (the status). */
static int
hsg_decide(request_rec *r, hsg_dir_conf *c)
{
    hsg_req_ctx        *ctx;
    hstsguard_decision *d;

    if (c == NULL || c->enable != 1) {
        return DECLINED;
    }
    ctx = hsg_new_ctx(r, c);
    d = ctx->decision;
    if (d == NULL) {
        return DECLINED; /* TLS: always passes; the output filter adds the headers */
    }
    switch (d->action) {
    case HSTSGUARD_ACTION_REDIRECT:
        apr_table_setn(r->headers_out, "Location", ctx->location);
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "mod_hstsguard: redirect %d to %s",
                      (int) d->status, ctx->location);
        return d->status;
    case HSTSGUARD_ACTION_REJECT:
        if (ctx->failed) {
            return d->status; /* logged by hsg_fail_closed() */
        }
        if (d->reason_code != NULL && strcmp(d->reason_code, "proxy.sources_disagree") == 0) {
            /* A client added a proxy header that the trusted proxy passed through. */
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          "mod_hstsguard: request refused with %d (%s): the trusted proxy's "
                          "headers disagree; the proxy must overwrite or strip every header "
                          "listed in HstsGuardProxySources",
                          (int) d->status, d->reason_code);
            return d->status;
        }
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "mod_hstsguard: request refused with %d (%s)",
                      (int) d->status, d->reason_code ? d->reason_code : "?");
        return d->status;
    default:
        return DECLINED;
    }
}

/* Early: when no section of this server uses an HstsGuard directive, the virtual host's
 * configuration is final, so decide first thing in translate_name (before mod_rewrite and
 * mod_alias redirects, and before the directory walk). Not in post_read_request: a
 * response made there ends the keep-alive connection. */
static int
hsg_translate_name(request_rec *r)
{
    hsg_srv_conf *sc;

    if (r->main != NULL || r->prev != NULL
        || ap_get_module_config(r->request_config, &hstsguard_module) != NULL)
    {
        return DECLINED; /* decided already (in the quick handler) */
    }
    sc = ap_get_module_config(r->server->module_config, &hstsguard_module);
    if (sc == NULL || sc->sections) {
        return DECLINED;
    }
    return hsg_decide(r, ap_get_module_config(r->server->lookup_defaults, &hstsguard_module));
}

/* Earlier still, when mod_cache is loaded: its quick handler serves cached pages before
 * translate_name, so decide in a quick handler that runs before it (the virtual host's
 * configuration is final: check_config refuses sections with HstsGuard directives when
 * mod_cache is loaded). A redirect or a refusal is answered here; a pass goes on to
 * mod_cache, whose response still gets the headers (its quick handler runs the
 * insert_filter hook). */
static int
hsg_quick_handler(request_rec *r, int lookup)
{
    hsg_srv_conf *sc;

    if (lookup || r->main != NULL || r->prev != NULL
        || ap_get_module_config(r->request_config, &hstsguard_module) != NULL)
    {
        return DECLINED;
    }
    sc = ap_get_module_config(r->server->module_config, &hstsguard_module);
    if (!hsg_mod_cache || sc == NULL || sc->sections) {
        return DECLINED;
    }
    /* DECLINED (pass), or the status of a redirect or a refusal, which the core answers
     * with ap_die() as for translate_name. */
    return hsg_decide(r, ap_get_module_config(r->server->lookup_defaults, &hstsguard_module));
}

/* Otherwise after the per-directory configuration is merged (and mod_proxy has claimed
 * the request), before authentication and the handler. */
static int
hsg_header_parser(request_rec *r)
{
    if (r->main != NULL || r->prev != NULL
        || ap_get_module_config(r->request_config, &hstsguard_module) != NULL)
    {
        return DECLINED;
    }
    return hsg_decide(r, ap_get_module_config(r->per_dir_config, &hstsguard_module));
}

/* Adds one header of the decision to headers_out: an existing field of that name (in
 * either table) is kept, or replaced when the policy says so. The output filter runs on
 * the final response (an error response gets the filter again, after Apache swapped its
 * tables), just before the HTTP header filter merges err_headers_out into headers_out:
 * headers_out is sent in every case, and an err_headers_out left empty is not merged.
 * The policy's HSTS value and the usual names are C strings made once; anything else is
 * copied. */
static APR_INLINE void
hsg_set_header(request_rec *r, const hsg_req_ctx *ctx, const hstsguard_response_header *rh)
{
    static const char sts[] = "Strict-Transport-Security";
    /* The core's own text of that name (static in the library), once seen: then one
     * pointer compare instead of a memcmp. */
    static const char *sts_view;
    const hsg_entry  *e = ctx->entry;
    const char       *name;
    const char       *value = (e != NULL && rh->value.data == e->hsts_view
                               && rh->value.len == e->hsts_len)
                                  ? e->hsts
                                  : apr_pstrmemdup(r->pool, rh->value.data, rh->value.len);
    const char       *existing;
    int               err;

    if (rh->name.data == __atomic_load_n(&sts_view, __ATOMIC_RELAXED)
        && rh->name.len == sizeof(sts) - 1)
    {
        name = sts;
    } else if (rh->name.len == sizeof(sts) - 1
               && memcmp(rh->name.data, sts, sizeof(sts) - 1) == 0)
    {
        name = sts;
        __atomic_store_n(&sts_view, rh->name.data, __ATOMIC_RELAXED);
    } else {
        name = apr_pstrmemdup(r->pool, rh->name.data, rh->name.len);
    }

    err = !apr_is_empty_table(r->err_headers_out);
    existing = apr_table_get(r->headers_out, name);
    if (existing == NULL && err) {
        existing = apr_table_get(r->err_headers_out, name);
    }
    if (existing == NULL) {
        apr_table_addn(r->headers_out, name, value);
        return;
    }
    if (!rh->replace) {
        if (name == sts && strcmp(existing, value) != 0
            && !__atomic_exchange_n(&hsg_competing_logged, 1, __ATOMIC_RELAXED))
        {
            /* Once per child (a warn line naming both values), not per response. */
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          "mod_hstsguard: the response already has "
                          "\"Strict-Transport-Security: %s\" (from Header, a proxied "
                          "backend or the application), which hsts.existing=keep lets "
                          "win over the policy's \"%s\"; remove it, or set "
                          "existing=replace (logged once per child process)",
                          existing, value);
        }
        return;
    }
    if (err) {
        apr_table_unset(r->err_headers_out, name);
    }
    apr_table_setn(r->headers_out, name, value);
}

/* Flags every Set-Cookie of a table that has one (hsg_flag_table()). Out of line: its
 * buffer (and the stack check that comes with it) is paid only by a response that sets
 * a cookie. */
static void __attribute__((noinline))
hsg_flag_cookies(request_rec *r, apr_table_t *t, const hstsguard_policy *policy, bool secure)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    apr_table_entry_t        *e = (apr_table_entry_t *) arr->elts;
    hstsguard_cookie          cookie;
    hstsguard_result          rc;
    char                      buf[1024];
    char                     *p;
    int                       i;

    for (i = 0; i < arr->nelts; i++) {
        size_t len;
        if (e[i].key == NULL || e[i].val == NULL || (e[i].key[0] | 0x20) != 's'
            || strcasecmp(e[i].key, "Set-Cookie") != 0)
        {
            continue;
        }
        len = strlen(e[i].val);
        /* A changed value is written into the stack buffer and then copied to the pool;
         * an unchanged one (a cookie already right) allocates nothing. */
        p = buf;
        rc = hstsguard_policy_flag_set_cookie(policy, e[i].val, len, secure, buf,
                                              sizeof(buf) - 1, &cookie, NULL, 0);
        /* BUFFER_TOO_SMALL means "changed, and longer than the buffer" (an unchanged
         * value that does not fit is HSTSGUARD_OK): ask again with room for it. */
        if (rc == HSTSGUARD_BUFFER_TOO_SMALL && cookie.changed) {
            p = apr_palloc(r->pool, cookie.len + 1);
            rc = hstsguard_policy_flag_set_cookie(policy, e[i].val, len, secure, p,
                                                  cookie.len, &cookie, NULL, 0);
        }
        if (rc != HSTSGUARD_OK) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "mod_hstsguard: a Set-Cookie field was left as it is (%s)",
                          hstsguard_result_name(rc));
            continue;
        }
        if (cookie.changed) {
            if (p == buf) {
                p = apr_pstrmemdup(r->pool, buf, cookie.len);
            } else {
                p[cookie.len] = '\0';
            }
            e[i].val = p;
        }
    }
}

/* Flags every Set-Cookie of one table, in place (order and other fields untouched); a
 * changed value is written by the core straight into the request pool. Most responses
 * have none: the table's index finds that without a walk. */
static APR_INLINE void
hsg_flag_table(request_rec *r, apr_table_t *t, const hstsguard_policy *policy, bool secure)
{
    if (apr_table_get(t, "Set-Cookie") != NULL) {
        hsg_flag_cookies(r, t, policy, secure);
    }
}

/* Flags the cookies of r's response and adds the headers of its decision. */
static APR_INLINE void
hsg_add_to_response(request_rec *r, const hsg_req_ctx *ctx,
                    const hstsguard_response_header *headers, size_t n, bool secure)
{
    size_t i;

    /* Cookies first: the table the headers go to is then looked at only when it has
     * fields. */
    if (ctx->policy != NULL) {
        if (!apr_is_empty_table(r->headers_out)) {
            hsg_flag_table(r, r->headers_out, ctx->policy, secure);
        }
        if (!apr_is_empty_table(r->err_headers_out)) {
            hsg_flag_table(r, r->err_headers_out, ctx->policy, secure);
        }
    }
    for (i = 0; i < n && i < HSTSGUARD_MAX_RESPONSE_HEADERS; i++) {
        hsg_set_header(r, ctx, &headers[i]);
    }
}

/* The response r of a TLS request (first, as the client sent it) whose policy and Host
 * (and second, under a ramp) the connection has no answer for: the core's answer, kept
 * for the next request. Out of line, with the decision it is written to: the usual
 * response (the connection's answer) pays for neither. */
static void __attribute__((noinline))
hsg_apply_tls_asked(request_rec *r, request_rec *first, const hsg_req_ctx *ctx, hsg_conn *hc,
                    hstsguard_str host, uint64_t now)
{
    hstsguard_decision d;
    const char        *unused = NULL;

    if (hsg_evaluate(first, ctx->policy, 1, &d, &unused) == 0) {
        hsg_tls_memo_keep(&hc->memo, ctx->policy, now, host, &d);
    }
    hsg_add_to_response(r, ctx, d.headers, d.headers_len, d.secure);
}

/* The output filter's work: the decision's headers and flagged cookies on r's response.
 * A TLS request's are the connection's answer for the policy and the Host (and, under a
 * ramp, the second), else the core's. */
static void
hsg_apply_response(request_rec *r)
{
    hsg_dir_conf                    *c;
    hsg_req_ctx                     *ctx;
    const hstsguard_response_header *kept;
    hsg_conn                        *hc;
    hstsguard_str                    host;
    uint64_t                         now;
    request_rec                     *first;
    size_t                           n;

    if (r->main != NULL) {
        return;
    }
    /* A request decided already keeps its decision wherever its response comes from: an
     * ErrorDocument or other internal redirect to a section where HstsGuard is Off still
     * gets the decision's headers and flagged cookies. */
    ctx = hsg_find_ctx(r);
    if (ctx == NULL) {
        c = ap_get_module_config(r->per_dir_config, &hstsguard_module);
        if (c == NULL || c->enable != 1) {
            return;
        }
        /* a response made before header_parser ran (a malformed request, ...) */
        ctx = hsg_new_ctx(r, c);
    }
    if (!ctx->ok) {
        return;
    }
    if (ctx->decision != NULL) {
        hsg_add_to_response(r, ctx, ctx->decision->headers, ctx->decision->headers_len,
                            ctx->decision->secure);
        return;
    }
    /* TLS. The request as the client sent it: an ErrorDocument or other internal
     * redirect has a local URI, without the absolute-form request's host. */
    for (first = r; first->prev != NULL; first = first->prev) {
    }
    hc = hsg_conn_of(first->connection);
    host = hsg_host(first);
    now = ctx->entry == NULL || ctx->entry->time
              ? (uint64_t) apr_time_sec(first->request_time) : 0;
    kept = hsg_tls_memo_find(&hc->memo, ctx->policy, now, host, &n);
    if (kept != NULL) {
        hsg_add_to_response(r, ctx, kept, n, true);
    } else {
        hsg_apply_tls_asked(r, first, ctx, hc, host, now);
    }
}

static apr_status_t
hsg_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    hsg_apply_response(f->r);
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* The output filter, for every response of a request the module decides or decided
 * (insert_filter: once per request, before its handler). */
static void
hsg_insert_filter(request_rec *r)
{
    hsg_dir_conf *c;

    if (r->main != NULL) {
        return;
    }
    c = ap_get_module_config(r->per_dir_config, &hstsguard_module);
    if ((c == NULL || c->enable != 1) && hsg_find_ctx(r) == NULL) {
        return;
    }
    ap_add_output_filter_handle(hsg_filter_handle, NULL, r, r->connection);
}

/* The same for an error response (insert_error_filter), unless the filter of the
 * request's response is still there (an error after the handler started). */
static void
hsg_insert_error_filter(request_rec *r)
{
    ap_filter_t *f;

    for (f = r->output_filters; f != NULL; f = f->next) {
        if (f->frec == hsg_filter_handle && f->r == r) {
            return;
        }
    }
    hsg_insert_filter(r);
}

/* One start-up line with the module's version (the header it was built with) and the
 * core's (the linked library). Apache runs post_config twice at start; the first pass
 * only checks the configuration. NOTICE is logged whatever the LogLevel. */
static int
hsg_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    (void) pconf;
    (void) plog;
    (void) ptemp;
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, "hstsguard/%s (core %s)",
                     HSTSGUARD_VERSION, hstsguard_version());
    }
    return OK;
}

static void
hsg_register_hooks(apr_pool_t *p)
{
    (void) p;
    ap_hook_post_config(hsg_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(hsg_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(hsg_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_quick_handler(hsg_quick_handler, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_translate_name(hsg_translate_name, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_header_parser(hsg_header_parser, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_insert_filter(hsg_insert_filter, NULL, NULL, APR_HOOK_LAST);
    ap_hook_insert_error_filter(hsg_insert_error_filter, NULL, NULL, APR_HOOK_LAST);
    /* After mod_headers (AP_FTYPE_CONTENT_SET), before the HTTP header filter. */
    hsg_filter_handle = ap_register_output_filter("HSTSGUARD", hsg_out_filter, NULL,
                                                  AP_FTYPE_PROTOCOL - 1);
}

AP_DECLARE_MODULE(hstsguard) = {
    STANDARD20_MODULE_STUFF,
    hsg_create_dir_conf,  /* per-directory config */
    hsg_merge_dir_conf,   /* merge per-directory */
    hsg_create_srv_conf,  /* per-server config */
    hsg_merge_srv_conf,   /* merge per-server */
    hsg_cmds,             /* directives */
    hsg_register_hooks,
    AP_MODULE_FLAG_NONE
};
