/*
 * Small things ngx_http_hstsguard_module's files share: where a directive is, the
 * request's header lookup and absolute-form authority for the C API, header names.
 */

#include "ngx_http_hstsguard_module.h"

/* The file and line of the directive being read. */
void
ngx_http_hstsguard_where(ngx_conf_t *cf, ngx_http_hstsguard_where_t *w)
{
    w->file = cf->conf_file->file.name;
    w->line = cf->conf_file->line;
}

/* The C API's header lookup over headers_in (only called for trusted proxies). */
bool
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
void
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

