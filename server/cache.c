/* server/cache.c - the response cache: a finished 200 response kept by the request that made
 * it (path, query, format, language) and the data version it was made from. After a strike many
 * people open the same pages at once; a hit costs a copy instead of a query. Any change to the
 * registry changes the version, so a stale page is never served. Direct-mapped slots under
 * one lock, compared by their whole key; bodies over SP_CACHE_MAX_BODY are not kept, so memory
 * stays bounded. Each server has its own. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "sp_hash.h"

#define SP_CACHE_SLOTS    256
#define SP_CACHE_MAX_BODY (512 * 1024) /* at most 128 MiB in all */

typedef struct slot {
    char *key; /* NULL: empty */
    int64_t version;
    char *body;
    size_t len;
    const char *content_type, *cache_control, *content_crs, *route; /* static strings */
    char etag_tag[24];
    int is_localized; /* the body is in the key's language (Content-Language) */
} slot;

struct sp_http_cache {
    pthread_mutex_t lock; /* guards slots */
    slot slots[SP_CACHE_SLOTS];
};

sp_http_cache *sp_http_cache_new(void)
{
    sp_http_cache *c = calloc(1, sizeof *c);
    if (c)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

void sp_http_cache_free(sp_http_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < SP_CACHE_SLOTS; i++) {
        free(c->slots[i].key);
        free(c->slots[i].body);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static void key_of(const sp_http_req *r, sp_strbuf *k)
{
    sp_strbuf_printf(k, "%d|%s|%s?", (int)r->format, r->lang ? r->lang : "", r->path);
    sp_strbuf_append(k, sp_strbuf_cstr(&r->query), r->query.len);
}

int sp_http_cache_get(sp_http_req *r)
{
    sp_strbuf k = {0};
    key_of(r, &k);
    if (k.failed) {
        sp_strbuf_free(&k);
        return 0;
    }
    slot *s = &r->cache->slots[sp_fnv1a(SP_FNV_INIT, k.data, k.len) % SP_CACHE_SLOTS];
    int hit = 0;
    pthread_mutex_lock(&r->cache->lock);
    if (s->key && s->version == r->data_version && strcmp(s->key, k.data) == 0) {
        sp_strbuf_reset(&r->body);
        sp_strbuf_append(&r->body, s->body, s->len);
        r->content_type = s->content_type;
        r->cache_control = s->cache_control;
        r->content_crs = s->content_crs;
        r->is_localized = s->is_localized;
        r->route = s->route;
        memcpy(r->etag_tag, s->etag_tag, sizeof r->etag_tag);
        hit = !r->body.failed;
    }
    pthread_mutex_unlock(&r->cache->lock);
    sp_strbuf_free(&k);
    return hit;
}

void sp_http_cache_put(const sp_http_req *r)
{
    if (r->status != 200 || !r->has_etag || r->file_fd >= 0 || r->body.len > SP_CACHE_MAX_BODY)
        return;
    sp_strbuf k = {0};
    key_of(r, &k);
    char *body = malloc(r->body.len ? r->body.len : 1);
    if (k.failed || !body) {
        sp_strbuf_free(&k);
        free(body);
        return;
    }
    if (r->body.len) /* an empty body (a CSV of no rows) may have no buffer at all */
        memcpy(body, r->body.data, r->body.len);
    slot *s = &r->cache->slots[sp_fnv1a(SP_FNV_INIT, k.data, k.len) % SP_CACHE_SLOTS];
    pthread_mutex_lock(&r->cache->lock);
    free(s->key);
    free(s->body);
    s->key = k.data; /* the slot owns both now */
    s->body = body;
    s->len = r->body.len;
    s->version = r->data_version;
    s->content_type = r->content_type;
    s->cache_control = r->cache_control;
    s->content_crs = r->content_crs;
    s->is_localized = r->is_localized;
    s->route = r->route;
    memcpy(s->etag_tag, r->etag_tag, sizeof s->etag_tag);
    pthread_mutex_unlock(&r->cache->lock);
}
