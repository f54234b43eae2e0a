/* common/keyset.c - string set with open addressing and linear probing; see sp_keyset.h. */
#include "sp_keyset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_hash.h"

#define SP_KEYSET_MIN_SLOTS 1024

typedef struct slot {
    uint64_t hash;
    char *key; /* NULL: empty */
    long long value;
} slot;

struct sp_keyset {
    slot *slots;
    size_t cap; /* a power of two */
    long long count;
};

sp_keyset *sp_keyset_new(void)
{
    sp_keyset *s = calloc(1, sizeof *s);
    if (s && !(s->slots = calloc(SP_KEYSET_MIN_SLOTS, sizeof(slot)))) {
        free(s);
        return NULL;
    }
    if (s)
        s->cap = SP_KEYSET_MIN_SLOTS;
    return s;
}

void sp_keyset_free(sp_keyset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i].key);
    free(s->slots);
    free(s);
}

long long sp_keyset_count(const sp_keyset *s)
{
    return s->count;
}

static slot *find(slot *slots, size_t cap, uint64_t hash, const char *key)
{
    size_t i = (size_t)hash & (cap - 1);
    while (slots[i].key && (slots[i].hash != hash || strcmp(slots[i].key, key) != 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(sp_keyset *s)
{
    size_t cap = s->cap * 2;
    slot *slots = calloc(cap, sizeof(slot));
    if (!slots)
        return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].key)
            *find(slots, cap, s->slots[i].hash, s->slots[i].key) = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

int sp_keyset_get(const sp_keyset *s, const char *key, long long *out_value)
{
    const slot *sl = find(s->slots, s->cap, sp_fnv1a(SP_FNV_INIT, key, strlen(key)), key);
    if (sl->key)
        *out_value = sl->value;
    return sl->key != NULL;
}

int sp_keyset_add(sp_keyset *s, const char *key, long long value, long long *out_value)
{
    uint64_t hash = sp_fnv1a(SP_FNV_INIT, key, strlen(key));
    slot *sl = find(s->slots, s->cap, hash, key);
    if (sl->key) {
        *out_value = sl->value;
        return 0;
    }
    if ((size_t)(s->count + 1) * 2 > s->cap) {
        if (grow(s) != 0)
            return -1;
        sl = find(s->slots, s->cap, hash, key);
    }
    if (!(sl->key = strdup(key)))
        return -1;
    sl->hash = hash;
    sl->value = value;
    s->count++;
    return 1;
}
