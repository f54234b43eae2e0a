/* common/arena.c - the request arena (sp_arena.h): chunks in a list, bump allocation in the
 * newest one. */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "sp_arena.h"

struct sp_arena_chunk {
    sp_arena_chunk *next;
    size_t size; /* bytes of data */
    alignas(max_align_t) unsigned char data[];
};

#define SP_ARENA_ALIGN (alignof(max_align_t))

void sp_arena_init(sp_arena *a)
{
    a->chunks = NULL;
    a->used = 0;
}

static sp_arena_chunk *chunk_new(size_t size, sp_arena_chunk *next)
{
    sp_arena_chunk *c = malloc(sizeof *c + size);
    if (c) {
        c->next = next;
        c->size = size;
    }
    return c;
}

void *sp_arena_alloc(sp_arena *a, size_t n)
{
    n = (n + SP_ARENA_ALIGN - 1) / SP_ARENA_ALIGN * SP_ARENA_ALIGN;
    if (n == 0)
        n = SP_ARENA_ALIGN;
    if (n > SP_ARENA_CHUNK / 4) { /* its own chunk, behind the shared one */
        sp_arena_chunk *c = chunk_new(n, NULL);
        if (!c)
            return NULL;
        if (a->chunks) {
            c->next = a->chunks->next;
            a->chunks->next = c;
        } else {
            a->chunks = c;
            a->used = n;
        }
        return c->data;
    }
    if (!a->chunks || a->chunks->size < SP_ARENA_CHUNK || a->used + n > a->chunks->size) {
        sp_arena_chunk *c = chunk_new(SP_ARENA_CHUNK, a->chunks);
        if (!c)
            return NULL;
        a->chunks = c;
        a->used = 0;
    }
    void *p = a->chunks->data + a->used;
    a->used += n;
    return p;
}

char *sp_arena_strdup(sp_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sp_arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void sp_arena_free_all(sp_arena *a)
{
    for (sp_arena_chunk *c = a->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    sp_arena_init(a);
}
