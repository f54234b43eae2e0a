/* common/sp_keyset.h - a set of strings with a number each (open addressing, FNV-1a).
 * Used by the importer to find keys repeated inside one import, and by the vocabularies to
 * resolve a value; the set owns copies of its keys. Memory is the keys themselves plus 24 bytes a
 * slot, at most half the slots used. */
#ifndef SP_KEYSET_H
#define SP_KEYSET_H

typedef struct sp_keyset sp_keyset;

sp_keyset *sp_keyset_new(void);    /* NULL on allocation failure */
void sp_keyset_free(sp_keyset *s); /* NULL is fine */
/* 1: added; 0: already there, *out_value is the number stored with it; -1: out of memory. */
int sp_keyset_add(sp_keyset *s, const char *key, long long value, long long *out_value);
/* 1 with *out_value when key is there, else 0; does not change the set. */
int sp_keyset_get(const sp_keyset *s, const char *key, long long *out_value);
long long sp_keyset_count(const sp_keyset *s);

#endif
