/* common/sp_arena.h - a request-scoped pool (h2o's h2o_mem_pool_t is the model): many small
 * allocations that all die together, freed once (sp_arena_free_all) instead of field by
 * field. Not thread-safe: one arena belongs to one request, served by one thread at a time. */
#ifndef SP_ARENA_H
#define SP_ARENA_H

#include <stddef.h>

#define SP_ARENA_CHUNK 4096 /* bytes of a chunk; larger allocations get one of their own */

typedef struct sp_arena_chunk sp_arena_chunk;
typedef struct sp_arena {
    sp_arena_chunk *chunks; /* newest first; NULL: nothing allocated yet */
    size_t used;            /* bytes used of the newest shared chunk */
} sp_arena;

void sp_arena_init(sp_arena *a);
/* n bytes aligned for any type, valid until sp_arena_free_all; NULL: out of memory. */
void *sp_arena_alloc(sp_arena *a, size_t n);
char *sp_arena_strdup(sp_arena *a, const char *s);
/* Frees everything allocated from a; a is empty (and usable) again. */
void sp_arena_free_all(sp_arena *a);

#endif
