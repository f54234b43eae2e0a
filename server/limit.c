/* server/limit.c - per-client rate limits for login attempts and citizens' reports.
 * The key is the client's whole address (IPv6 too), never a hash bucket shared with other
 * clients: a table of SP_LIMIT_SLOTS entries found by open addressing; a client's entry is
 * reused once idle for a whole window, and only when a probe run is full of active clients
 * is the least recently seen one evicted. Each entry counts events in SP_LIMIT_SPANS spans
 * of window/SP_LIMIT_SPANS seconds on a monotonic clock, and an event is allowed while the
 * spans covering the last window hold fewer than max: a burst at any moment is refused
 * after max, with no clock-minute boundary to straddle. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sp_limit.h"

#define SP_LIMIT_SPANS 16   /* a window's resolution: counts are kept per 1/16 of it */
#define SP_LIMIT_SLOTS 8192 /* clients tracked at once per limiter */
#define SP_LIMIT_PROBE 16   /* slots looked at for a client before one is evicted */

typedef struct sp_limit_slot {
    sp_addr addr;
    int is_used;
    int64_t span;                   /* the newest span counted (monotonic seconds / span) */
    uint32_t count[SP_LIMIT_SPANS]; /* events per span, indexed by span % SP_LIMIT_SPANS */
} sp_limit_slot;

struct sp_limiter {
    pthread_mutex_t lock;
    double span_s;
    int max;
    unsigned char key[crypto_shorthash_KEYBYTES]; /* clients pick addresses: keyed SipHash */
    sp_limit_slot slots[SP_LIMIT_SLOTS];
};

int sp_addr_parse(const char *text, sp_addr *out, sp_err *err)
{
    struct in_addr v4;
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, text, &v4) == 1) {
        out->b[10] = out->b[11] = 0xff;
        memcpy(out->b + 12, &v4, 4);
        return SP_OK;
    }
    if (inet_pton(AF_INET6, text, out->b) == 1)
        return SP_OK;
    return sp_err_set(err, SP_EINVAL, "'%.64s' is not an IPv4 or IPv6 address", text);
}

static int is_v4(const sp_addr *a)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a->b, mapped, sizeof mapped) == 0;
}

void sp_addr_format(const sp_addr *a, char *buf, int size)
{
    const char *ok = is_v4(a) ? inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)size)
                              : inet_ntop(AF_INET6, a->b, buf, (socklen_t)size);
    if (!ok && size > 0)
        buf[0] = '\0';
}

int sp_cidr_parse(const char *text, sp_cidr *out, sp_err *err)
{
    char addr[64];
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    if (n >= sizeof addr)
        return sp_err_set(err, SP_EINVAL, "'%.64s' is not an address block (CIDR)", text);
    memcpy(addr, text, n);
    addr[n] = '\0';
    if (sp_addr_parse(addr, &out->net, err) != SP_OK)
        return sp_err_prefix(err, "trusted proxy");
    int max_bits = is_v4(&out->net) && !strchr(addr, ':') ? 32 : 128;
    long bits = max_bits;
    if (slash) {
        char *end;
        bits = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end || bits < 0 || bits > max_bits)
            return sp_err_set(err, SP_EINVAL, "'%.64s': the prefix length after / must be 0 to %d",
                              text, max_bits);
    }
    out->bits = (int)bits + (max_bits == 32 ? 96 : 0);
    return SP_OK;
}

int sp_cidr_has(const sp_cidr *c, const sp_addr *a)
{
    int full = c->bits / 8, rest = c->bits % 8;
    if (memcmp(c->net.b, a->b, (size_t)full) != 0)
        return 0;
    if (!rest)
        return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (c->net.b[full] & mask) == (a->b[full] & mask);
}

int sp_limiter_new(int window_s, int max, sp_limiter **out, sp_err *err)
{
    *out = NULL;
    if (window_s < 1 || max < 1)
        return sp_err_set(err, SP_EINVAL, "a rate limit needs a window and a maximum >= 1");
    sp_limiter *l = calloc(1, sizeof *l);
    if (!l)
        return sp_err_set(err, SP_ENOMEM, "out of memory (rate limiter)");
    if (sodium_init() < 0) {
        free(l);
        return sp_err_set(err, SP_EINTERNAL, "libsodium: cannot initialise (rate limiter)");
    }
    crypto_shorthash_keygen(l->key);
    pthread_mutex_init(&l->lock, NULL);
    l->span_s = (double)window_s / SP_LIMIT_SPANS;
    l->max = max;
    *out = l;
    return SP_OK;
}

void sp_limiter_free(sp_limiter *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->lock);
    free(l);
}

/* Forgets the spans of s older than the window ending in span now. */
static void advance(sp_limit_slot *s, int64_t now)
{
    if (now - s->span >= SP_LIMIT_SPANS)
        memset(s->count, 0, sizeof s->count);
    else
        for (int64_t i = s->span + 1; i <= now; i++)
            s->count[i % SP_LIMIT_SPANS] = 0;
    if (now > s->span)
        s->span = now;
}

/* The slot of a: its own, else an unused or idle one, else the least recently seen. */
static sp_limit_slot *slot_of(sp_limiter *l, const sp_addr *a, int64_t now)
{
    unsigned char hash[crypto_shorthash_BYTES];
    crypto_shorthash(hash, a->b, sizeof a->b, l->key);
    uint64_t h;
    memcpy(&h, hash, sizeof h);
    sp_limit_slot *free_slot = NULL, *oldest = NULL;
    for (int i = 0; i < SP_LIMIT_PROBE; i++) {
        sp_limit_slot *s = &l->slots[(h + (uint64_t)i) % SP_LIMIT_SLOTS];
        if (s->is_used && memcmp(&s->addr, a, sizeof *a) == 0)
            return s;
        int is_idle = !s->is_used || now - s->span >= SP_LIMIT_SPANS;
        if (is_idle && !free_slot)
            free_slot = s;
        if (!oldest || s->span < oldest->span)
            oldest = s;
    }
    sp_limit_slot *s = free_slot ? free_slot : oldest;
    memset(s, 0, sizeof *s);
    s->addr = *a;
    s->is_used = 1;
    s->span = now;
    return s;
}

int sp_limiter_hit(sp_limiter *l, const sp_addr *a, double now_s, int *out_retry_s)
{
    int64_t now = (int64_t)floor(now_s / l->span_s);
    pthread_mutex_lock(&l->lock);
    sp_limit_slot *s = slot_of(l, a, now);
    advance(s, now);
    uint64_t total = 0;
    for (int i = 0; i < SP_LIMIT_SPANS; i++)
        total += s->count[i];
    int ok = total < (uint64_t)l->max;
    int64_t first = now - SP_LIMIT_SPANS + 1; /* the oldest span in the window */
    if (ok)
        s->count[now % SP_LIMIT_SPANS]++;
    else {
        /* Wait until enough of the oldest spans have left the window. */
        uint64_t excess = total - (uint64_t)l->max + 1;
        int64_t sp = first;
        for (; sp <= now && excess > 0; sp++) {
            uint32_t n = sp < 0 ? 0 : s->count[sp % SP_LIMIT_SPANS]; /* before the clock's 0 */
            excess = excess > n ? excess - n : 0;
        }
        double at = (double)(sp - 1 + SP_LIMIT_SPANS) * l->span_s; /* when span sp-1 leaves */
        *out_retry_s = (int)ceil(at - now_s);
        if (*out_retry_s < 1)
            *out_retry_s = 1;
    }
    pthread_mutex_unlock(&l->lock);
    return ok ? SP_OK : SP_ETOOLARGE;
}
