/* server/sp_limit.h - per-client rate limits (login attempts, citizens' reports) and the
 * client's address they key on. Kept apart from the router: the limiter is plain data and
 * time, so its unit test passes the time in and never depends on the wall clock. */
#ifndef SP_LIMIT_H
#define SP_LIMIT_H

#include <stdint.h>

#include "sp_err.h"

/* A client address: IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one key type
 * serves both and the whole address is the key. */
typedef struct sp_addr {
    uint8_t b[16];
} sp_addr;

/* An address block: "10.0.0.0/8", "2001:db8::/32", or one address (all bits). */
typedef struct sp_cidr {
    sp_addr net;
    int bits; /* of the 128; an IPv4 /n is 96 + n */
} sp_cidr;

int sp_addr_parse(const char *text, sp_addr *out, sp_err *err);
int sp_cidr_parse(const char *text, sp_cidr *out, sp_err *err);
int sp_cidr_has(const sp_cidr *c, const sp_addr *a);        /* 1 when a is in c */
void sp_addr_format(const sp_addr *a, char *buf, int size); /* "127.0.0.2", "2001:db8::1" */

/* At most max events per client in any window_s seconds: a sliding window of
 * SP_LIMIT_SPANS spans, relative to a monotonic clock (no clock-minute boundary). */
typedef struct sp_limiter sp_limiter;
int sp_limiter_new(int window_s, int max, sp_limiter **out, sp_err *err);
void sp_limiter_free(sp_limiter *l); /* NULL is fine */
/* Counts one event of a at time now_s (monotonic seconds) when allowed: SP_OK; otherwise
 * SP_ETOOLARGE (nothing counted) and *out_retry_s the seconds until one is allowed again. */
int sp_limiter_hit(sp_limiter *l, const sp_addr *a, double now_s, int *out_retry_s);

#endif
