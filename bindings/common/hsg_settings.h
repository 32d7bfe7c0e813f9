/*
 * What the nginx and Apache modules share: their directives as policy document keys,
 * and the policy of a block built from the blocks it is nested in. Server-neutral C over
 * include/hstsguard.h; no allocation of its own except the C API's builders and policies,
 * which the callers own (and free with a cleanup of their configuration pool).
 *
 * A block (nginx http, server, location; Apache server, virtual host, section) keeps:
 * - the keys its own inline directives set, in a builder of its own (`own`): each
 *   directive goes through hsg_apply(), which hands every word to
 *   hstsguard_policy_builder_set_text() and so is checked when it is read (unknown keys
 *   with the core's did-you-mean, wrong types), with the directive's file:line;
 * - the policy file it names, if any, read into a builder (hsg_read_file()).
 * Its policy is then the nearest policy file (its own or an outer block's) with the keys
 * of every block from that one down to this one laid over it in order
 * (hstsguard_policy_builder_overlay(): per key; a list an inner block sets replaces the
 * outer list as a whole; tables merge key by key), built once at configuration time.
 */
#ifndef HSG_SETTINGS_H
#define HSG_SETTINGS_H

#include <stddef.h>

#include "hstsguard.h"
#include "hsg_directives.h"

#pragma GCC visibility push(hidden)

/* The directives: HSG_D_SWITCH, HSG_D_POLICY, HSG_D_HSTS, ... (hsg_directives.h). */
#define HSG_ENUM_ROW(id, ngx, apache, kind, key, args, syntax) HSG_D_##id,
enum { HSG_DIRECTIVE_TABLE(HSG_ENUM_ROW) HSG_NDIRECTIVES };
#undef HSG_ENUM_ROW

enum {
    HSG_KIND_SWITCH,
    HSG_KIND_FILE,
    HSG_KIND_SECTION,
    HSG_KIND_LIST,
    HSG_KIND_SOURCES,
    HSG_KIND_RULE,
    HSG_KIND_FLAG
};

enum { HSG_ARGS_ONE, HSG_ARGS_MANY };

/* One row of the table. */
typedef struct {
    const char *nginx;
    const char *apache;
    int         kind;   /* HSG_KIND_* */
    const char *key;    /* "" for SWITCH and FILE */
    int         args;   /* HSG_ARGS_* */
    const char *syntax;
} hsg_directive;

extern const hsg_directive hsg_directives[HSG_NDIRECTIVES];

/* One word of a directive (not NUL-terminated). */
typedef struct {
    const char *data;
    size_t      len;
} hsg_word;

/*
 * Applies one occurrence of an inline directive `id` (kind SECTION, LIST, SOURCES, RULE or
 * FLAG) with its words (after the directive's name) to `own`, the builder of the keys its
 * block sets. `*rules` counts the entries the block's RULE directives added (a new one is
 * at that index). Returns 0; or -1 with a one-line, NUL-terminated message in err (err_cap
 * bytes, truncated when longer): the core's, with the key's path and the code, and what
 * happened when the server's configuration reader split a value at a space. The caller
 * names the directive and its file:line.
 */
int hsg_apply(hstsguard_policy_builder *own, size_t *rules, int id, const hsg_word *words,
              size_t nwords, char *err, size_t err_cap);

/* A policy file (path_len bytes, not NUL-terminated) read into a new builder. Returns 0,
 * or -1 with every problem of the file in err. */
int hsg_read_file(const char *path, size_t path_len, hstsguard_policy_builder **out,
                  char *err, size_t err_cap);

/* A new builder: `base` (NULL: the defaults) with `over` (NULL: nothing) laid over it.
 * Returns 0, or -1 with a message in err. */
int hsg_overlay(const hstsguard_policy_builder *base, const hstsguard_policy_builder *over,
                hstsguard_policy_builder **out, char *err, size_t err_cap);

/*
 * Builds the policy of a builder (NULL: the defaults). On success returns 0 and sets
 * *policy_out (free it with hstsguard_policy_free()). On failure returns -1 and writes
 * every problem, each with its path and code, into err; *blame is then the directive
 * that set the key of the first problem, among those `set` says the block used (a bit
 * per directive id), or -1 when none of them did.
 */
int hsg_build(const hstsguard_policy_builder *b, unsigned set, hstsguard_policy **policy_out,
              int *blame, char *err, size_t err_cap);

/* The one-line message of a core error object (every detail, "path: message [code]"),
 * NUL-terminated, into err. */
void hsg_error_text(const hstsguard_error *error, char *err, size_t err_cap);

/*
 * The index-th deploy warning of `policy` as "message [code]", NUL-terminated, into buf;
 * *code gets the code. Returns 1 when written; 0 when `shown` (the policy whose warnings
 * were printed already for an enclosing block, or NULL) has the same warning, so it is
 * not repeated; -1 past the last one.
 */
int hsg_warning(const hstsguard_policy *policy, const hstsguard_policy *shown, size_t index,
                char *buf, size_t cap, const char **code);

/* True when two words (or NUL-terminated s) are the same, ignoring ASCII case. */
int hsg_word_is(const hsg_word *w, const char *s);

/*
 * The fail-closed decision, made by the module when the C API returned an error for a
 * request (or no policy could be built): on TLS, pass with the policy's HSTS value (none
 * when `policy` is NULL or sends none); on plain HTTP, refuse with `status` (500), never
 * a pass. Writes all of *d.
 */
void hsg_fail_closed_decision(const hstsguard_policy *policy, int tls, uint16_t status,
                              hstsguard_decision *d);

#pragma GCC visibility pop

#endif /* HSG_SETTINGS_H */
