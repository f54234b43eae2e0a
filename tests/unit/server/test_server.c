/* tests/unit/server/test_server.c - the server's parts that need no socket: the rate limiter
 * (issue 21: keyed on the whole address, a sliding window with the time passed in, so no
 * case depends on where in a minute it runs) and address blocks for --trusted-proxy. */
#include "sp_limit.h"
#include "sp_test.h"

static sp_addr addr(const char *text)
{
    sp_addr a;
    sp_err err = {0};
    SP_CHECK(sp_addr_parse(text, &a, &err) == SP_OK);
    return a;
}

/* 127.0.0.2 and 127.0.0.6 fell in one slot of the old table (address mod 1024) and reset
 * each other: alternating, neither was ever limited. */
static void test_limit__issue21_addresses_do_not_share(void)
{
    sp_limiter *l = NULL;
    sp_err err = {0};
    SP_CHECK(sp_limiter_new(60, 10, &l, &err) == SP_OK);
    sp_addr a = addr("127.0.0.2"), b = addr("127.0.0.6");
    int retry = 0, refused_a = 0, refused_b = 0;
    for (int i = 0; i < 24; i++) {
        const sp_addr *who = i % 2 ? &b : &a;
        int rc = sp_limiter_hit(l, who, 1000.0 + i * 0.01, &retry);
        if (rc != SP_OK)
            *(i % 2 ? &refused_b : &refused_a) += 1;
    }
    SP_CHECK(refused_a == 2 && refused_b == 2); /* 12 each: the 11th and 12th refused */
    sp_limiter_free(l);
}

static void test_limit__issue21_ipv6_whole_address(void)
{
    sp_limiter *l = NULL;
    sp_err err = {0};
    SP_CHECK(sp_limiter_new(60, 1, &l, &err) == SP_OK);
    sp_addr a = addr("2001:db8::1"), b = addr("2001:db8::2");
    int retry = 0;
    SP_CHECK(sp_limiter_hit(l, &a, 5.0, &retry) == SP_OK);
    SP_CHECK(sp_limiter_hit(l, &b, 5.0, &retry) == SP_OK);
    SP_CHECK(sp_limiter_hit(l, &a, 5.0, &retry) == SP_ETOOLARGE);
    sp_limiter_free(l);
}

/* A burst straddling any boundary gets the limit once, not twice; at every offset within a
 * window, so the case holds wherever the clock is. */
static void test_limit__issue21_no_window_boundary(void)
{
    for (int off = 0; off < 120; off++) {
        sp_limiter *l = NULL;
        sp_err err = {0};
        SP_CHECK(sp_limiter_new(60, 10, &l, &err) == SP_OK);
        sp_addr a = addr("192.0.2.7");
        int allowed = 0, retry = 0;
        double t0 = 100000.0 + off * 0.5;
        for (int i = 0; i < 40; i++) /* 40 attempts in 20 s */
            allowed += sp_limiter_hit(l, &a, t0 + i * 0.5, &retry) == SP_OK;
        SP_CHECK(allowed == 10);
        SP_CHECK(retry >= 1 && retry <= 60);
        /* a window later, allowed again */
        SP_CHECK(sp_limiter_hit(l, &a, t0 + 20 + 61, &retry) == SP_OK);
        sp_limiter_free(l);
    }
}

static void test_limit__issue21_retry_after_is_honest(void)
{
    sp_limiter *l = NULL;
    sp_err err = {0};
    SP_CHECK(sp_limiter_new(60, 2, &l, &err) == SP_OK);
    sp_addr a = addr("192.0.2.8");
    int retry = 0;
    SP_CHECK(sp_limiter_hit(l, &a, 10.0, &retry) == SP_OK);
    SP_CHECK(sp_limiter_hit(l, &a, 30.0, &retry) == SP_OK);
    SP_CHECK(sp_limiter_hit(l, &a, 31.0, &retry) == SP_ETOOLARGE);
    SP_CHECK(retry > 0 && retry <= 60);
    SP_CHECK(sp_limiter_hit(l, &a, 31.0 + retry, &retry) == SP_OK);
    sp_limiter_free(l);
}

static void test_cidr__matches_blocks(void)
{
    sp_cidr c;
    sp_err err = {0};
    sp_addr a;
    SP_CHECK(sp_cidr_parse("10.0.0.0/8", &c, &err) == SP_OK);
    a = addr("10.200.1.1");
    SP_CHECK(sp_cidr_has(&c, &a));
    a = addr("11.0.0.1");
    SP_CHECK(!sp_cidr_has(&c, &a));
    SP_CHECK(sp_cidr_parse("127.0.0.1", &c, &err) == SP_OK);
    a = addr("127.0.0.1");
    SP_CHECK(sp_cidr_has(&c, &a));
    a = addr("127.0.0.2");
    SP_CHECK(!sp_cidr_has(&c, &a));
    SP_CHECK(sp_cidr_parse("2001:db8::/32", &c, &err) == SP_OK);
    a = addr("2001:db8:1::5");
    SP_CHECK(sp_cidr_has(&c, &a));
    SP_CHECK(sp_cidr_parse("10.0.0.0/33", &c, &err) == SP_EINVAL);
    SP_CHECK(sp_cidr_parse("proxy", &c, &err) == SP_EINVAL);
    char buf[64];
    a = addr("127.0.0.6");
    sp_addr_format(&a, buf, sizeof buf);
    SP_CHECK_STR(buf, "127.0.0.6");
}

int main(int argc, char **argv)
{
    static const sp_test_case cases[] = {
        {"test_limit__issue21_addresses_do_not_share", test_limit__issue21_addresses_do_not_share},
        {"test_limit__issue21_ipv6_whole_address", test_limit__issue21_ipv6_whole_address},
        {"test_limit__issue21_no_window_boundary", test_limit__issue21_no_window_boundary},
        {"test_limit__issue21_retry_after_is_honest", test_limit__issue21_retry_after_is_honest},
        {"test_cidr__matches_blocks", test_cidr__matches_blocks},
        {NULL, NULL},
    };
    return sp_test_main(argc, argv, cases);
}
