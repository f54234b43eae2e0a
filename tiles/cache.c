/* tiles/cache.c - tiles from the cache, or drawn and kept there, always fresh.
 *
 * Freshness: every write that can change pixels leaves its box in the registry's map_change
 * log (schemas/004_map_change.sql). Before answering, the cache applies the rows it has not
 * seen: at every zoom it drops the cached tiles over the box widened by the symbol margin
 * (and, where labels are drawn, out to whole label metatiles, since moving one label can move
 * another in its block). A tile is kept only if no change was applied after the one it was
 * drawn at, so a tile drawn from older data never outlives the change that made it stale.
 * Size: PNGs are stored once by content hash; past the byte bound, the least recently used
 * quarter of the tiles goes. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp_db_tilecache.h"
#include "sp_hash.h"
#include "sp_tile.h"
#include "tile_int.h"

/* The last change this process applied: a hint that spares the cache database a look when
 * nothing changed; the cache's own `seen` decides. */
static atomic_int_fast64_t applied;

typedef struct sync_ctx {
    sp_db *cache;
    int64_t last;
} sync_ctx;

static int drop_box(void *ctx, int64_t id, const double *b, sp_err *err)
{
    sync_ctx *s = ctx;
    s->last = id;
    if (!b)
        return sp_db_tile_drop_all(s->cache, err);
    for (int z = 0; z <= SP_TILE_MAX_ZOOM; z++) {
        double world = ldexp(SP_TILE_SIZE, z);
        double m = SP_TILE_MARGIN_PX + SP_TILE_CELL_PX;
        long n = 1L << z;
        double wx0, wy0, wx1, wy1; /* north-west and south-east corners */
        sp_tile_to_world(b[0], b[3], world, &wx0, &wy0);
        sp_tile_to_world(b[2], b[1], world, &wx1, &wy1);
        long x0 = (long)floor((wx0 - m) / SP_TILE_SIZE), x1 = (long)floor((wx1 + m) / SP_TILE_SIZE);
        long y0 = (long)floor((wy0 - m) / SP_TILE_SIZE), y1 = (long)floor((wy1 + m) / SP_TILE_SIZE);
        if (z >= SP_TILE_BLOCKS_FROM) { /* whole label blocks */
            x0 = x0 / SP_TILE_META * SP_TILE_META;
            y0 = y0 / SP_TILE_META * SP_TILE_META;
            x1 = x1 / SP_TILE_META * SP_TILE_META + SP_TILE_META - 1;
            y1 = y1 / SP_TILE_META * SP_TILE_META + SP_TILE_META - 1;
        }
        x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
        x1 = x1 >= n ? n - 1 : x1, y1 = y1 >= n ? n - 1 : y1;
        if (sp_db_tile_drop(s->cache, z, (int)x0, (int)y0, (int)x1, (int)y1, err) != SP_OK)
            return err->code;
    }
    return SP_OK;
}

int sp_tile_cache_sync(sp_db *db, sp_db *cache, int64_t *out_version, sp_err *err)
{
    int64_t seen = 0, newest = 0;
    if (sp_db_map_change_max(db, &newest, err) != SP_OK)
        return err->code;
    *out_version = newest;
    if (newest <= atomic_load(&applied))
        return SP_OK;
    if (sp_db_begin(cache, err) != SP_OK)
        return err->code;
    sync_ctx s = {cache, 0};
    int rc = sp_db_tile_seen(cache, &seen, err);
    s.last = seen;
    if (rc == SP_OK && seen < newest)
        rc = sp_db_map_changes(db, seen, drop_box, &s, err);
    if (rc == SP_OK && s.last > seen)
        rc = sp_db_tile_set_seen(cache, s.last, err);
    if (rc == SP_OK)
        rc = sp_db_commit(cache, err);
    if (rc != SP_OK) {
        sp_db_rollback(cache);
        return rc;
    }
    int64_t cur = atomic_load(&applied);
    while (s.last > cur && !atomic_compare_exchange_weak(&applied, &cur, s.last))
        ;
    if (s.last > *out_version)
        *out_version = s.last;
    return SP_OK;
}

/* ---- the hot tiles, in memory ---------------------------------------------------------
 * In front of the cache database: the tiles asked for most recently, in two-way sets by a
 * hash of their key, each valid only for the map_change version it was stored at (any change
 * makes them all stale at once; the database keeps the exact invalidation). A hit compares
 * the whole key (it holds user-supplied filters: a hash alone could be forged to collide)
 * and costs one look at the registry's change log and a copy. Owned by a server. */
#define SP_HOT_SLOTS     131072              /* a city's tiles over several zooms */
#define SP_HOT_MAX_BYTES (64 * 1024)         /* bigger tiles are not kept */
#define SP_HOT_TOTAL     (64L * 1024 * 1024) /* bytes of PNGs kept in memory at most */

typedef struct hot_slot {
    char *key; /* the whole key; NULL: empty */
    int64_t version;
    uint64_t stamp; /* last use, for the choice of the slot to reuse */
    unsigned char *png;
    size_t len;
    char hash[17];
    int is_empty;
} hot_slot;

struct sp_tile_hot {
    pthread_mutex_t lock; /* guards what follows */
    long bytes;
    uint64_t clock;
    hot_slot slots[SP_HOT_SLOTS];
};

sp_tile_hot *sp_tile_hot_new(void)
{
    sp_tile_hot *c = calloc(1, sizeof *c);
    if (c)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

void sp_tile_hot_free(sp_tile_hot *c)
{
    if (!c)
        return;
    for (int i = 0; i < SP_HOT_SLOTS; i++) {
        free(c->slots[i].key);
        free(c->slots[i].png);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static hot_slot *hot_set(sp_tile_hot *c, uint64_t h)
{
    return &c->slots[(h % (SP_HOT_SLOTS / 2)) * 2];
}

int sp_tile_hot_get(sp_tile_hot *c, uint64_t h, const char *key, int64_t version,
                    unsigned char **out, size_t *out_len, char hash[17], int *is_empty)
{
    hot_slot *set = hot_set(c, h);
    int hit = 0;
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < 2 && !hit; i++) {
        hot_slot *e = &set[i];
        if (e->png && e->version == version && strcmp(e->key, key) == 0 &&
            (*out = malloc(e->len + 1))) {
            memcpy(*out, e->png, e->len);
            *out_len = e->len;
            memcpy(hash, e->hash, 17);
            *is_empty = e->is_empty;
            e->stamp = ++c->clock;
            hit = 1;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void sp_tile_hot_put(sp_tile_hot *c, uint64_t h, const char *key, int64_t version,
                     const unsigned char *png, size_t len, const char hash[17], int is_empty)
{
    unsigned char *copy = len <= SP_HOT_MAX_BYTES ? malloc(len ? len : 1) : NULL;
    char *key_copy = copy ? strdup(key) : NULL;
    if (!key_copy) {
        free(copy);
        return;
    }
    memcpy(copy, png, len);
    hot_slot *set = hot_set(c, h);
    pthread_mutex_lock(&c->lock);
    hot_slot *e = set[0].key && strcmp(set[0].key, key) == 0   ? &set[0]
                  : set[1].key && strcmp(set[1].key, key) == 0 ? &set[1]
                  : set[0].stamp <= set[1].stamp               ? &set[0]
                                                               : &set[1];
    long after = c->bytes - (e->png ? (long)e->len : 0) + (long)len;
    if (after > SP_HOT_TOTAL) { /* full: the tile stays in the cache database only */
        pthread_mutex_unlock(&c->lock);
        free(copy);
        free(key_copy);
        return;
    }
    c->bytes = after;
    free(e->png);
    free(e->key);
    *e =
        (hot_slot){key_copy, version, ++c->clock, copy, len, "", is_empty}; /* the slot owns both */
    memcpy(e->hash, hash, 17);
    pthread_mutex_unlock(&c->lock);
}

/* The cache key's filter: the filters in a fixed order, then the labels' language (each
 * language is cached on its own). */
static void filter_key(const sp_tile_req *req, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s|%s|%s|%s|%s|%s", req->significance ? req->significance : "",
             req->kind ? req->kind : "", req->condition ? req->condition : "",
             req->district ? req->district : "", req->damaged_since ? req->damaged_since : "",
             req->lang && strcmp(req->lang, "en") == 0 ? "en" : "uk");
}

static void hash_hex(const unsigned char *png, size_t len, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)sp_fnv1a(SP_FNV_INIT, png, len));
}

int sp_tile_get(sp_db *db, sp_db *cache, sp_tile_hot *hot, const sp_tile_req *req,
                int64_t max_bytes, unsigned char **out_png, size_t *out_len, char out_hash[17],
                int *out_is_empty, sp_err *err)
{
    *out_png = NULL;
    *out_len = 0;
    *out_is_empty = 0;
    int64_t version = 0, now = (int64_t)time(NULL);
    int day = req->layer == SP_TILE_DAMAGE ? (int)(now / 86400) : 0;
    char filter[3 * 48 + 160], key[sizeof filter + 96];
    filter_key(req, filter, sizeof filter);
    snprintf(key, sizeof key, "%s|%d|%d|%d|%d|%d|%d|%s", sp_tile_layer_name(req->layer),
             SP_TILE_STYLE_REV, day, req->z, req->x, req->y, req->scale, filter);
    uint64_t h = sp_fnv1a(SP_FNV_INIT, key, strlen(key));
    if (cache) {
        if (sp_tile_cache_sync(db, cache, &version, err) != SP_OK)
            return err->code;
        if (hot && sp_tile_hot_get(hot, h, key, version, out_png, out_len, out_hash, out_is_empty))
            return SP_OK;
    }
    sp_db_tile_key k = {sp_tile_layer_name(req->layer),
                        SP_TILE_STYLE_REV,
                        filter,
                        day,
                        req->z,
                        req->x,
                        req->y,
                        req->scale};
    size_t elen = 0;
    const unsigned char *empty = sp_tile_empty_png(req->scale, &elen);
    if (!empty)
        return sp_err_set(err, SP_EINTERNAL, "cannot encode the empty tile");
    if (cache) {
        if (sp_db_tile_get(cache, &k, now, out_png, out_len, out_hash, err) != SP_OK)
            return err->code;
        if (*out_png) {
            *out_is_empty = *out_len == elen && memcmp(*out_png, empty, elen) == 0;
            if (hot)
                sp_tile_hot_put(hot, h, key, version, *out_png, *out_len, out_hash, *out_is_empty);
            return SP_OK;
        }
    }
    unsigned char *png = NULL;
    size_t len = 0;
    int is_empty = 0;
    if (sp_tile_render(db, req, &png, &len, &is_empty, err) != SP_OK)
        return err->code;
    if (is_empty) {
        if (!(png = malloc(elen)))
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        memcpy(png, empty, elen);
        len = elen;
    }
    hash_hex(png, len, out_hash);
    int kept = 0;
    int64_t bytes = 0;
    if (cache && (sp_db_tile_put(cache, &k, png, len, out_hash, now, version, &kept, err) ||
                  sp_db_tile_bytes(cache, &bytes, err) ||
                  (bytes > max_bytes && sp_db_tile_evict(cache, err)))) {
        free(png);
        return err->code;
    }
    if (kept && hot)
        sp_tile_hot_put(hot, h, key, version, png, len, out_hash, is_empty);
    *out_png = png;
    *out_len = len;
    *out_is_empty = is_empty;
    return SP_OK;
}
