/* common/sp_hash.h - FNV-1a 64: a fast non-cryptographic content fingerprint, used to tell
 * "unchanged" on re-import and to key imported reports. Not for anything an attacker picks. */
#ifndef SP_HASH_H
#define SP_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SP_FNV_INIT 1469598103934665603ULL

static inline uint64_t sp_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

#endif
