/* tests/unit/common/test_common.c - UTF-8 validation, sp_err, sp_strbuf, sp_csv, sp_arena. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "sp_arena.h"
#include "sp_csv.h"
#include "sp_err.h"
#include "sp_keyset.h"
#include "sp_strbuf.h"
#include "sp_test.h"
#include "sp_utf8.h"

static void test_utf8__accepts_ukrainian(void)
{
    const char *s = "Києво-Печерська лавра, ґанок, їжак, Солом’янський";
    SP_CHECK(sp_utf8_valid(s, strlen(s)));
    SP_CHECK(sp_utf8_valid("", 0));
    SP_CHECK(sp_utf8_valid("\xf0\x9f\x8f\x9b", 4)); /* U+1F3DB classical building */
}

static void test_utf8__rejects_malformed(void)
{
    SP_CHECK(!sp_utf8_valid("\xcf\xf0\xe8", 3));        /* "При" in CP1251 */
    SP_CHECK(sp_utf8_invalid_at("ab\xc0\xaf", 4) == 2); /* overlong */
    SP_CHECK(!sp_utf8_valid("\xed\xa0\x80", 3));        /* surrogate */
    SP_CHECK(!sp_utf8_valid("\xf4\x90\x80\x80", 4));    /* > U+10FFFF */
    SP_CHECK(!sp_utf8_valid("\xd0", 1));                /* truncated */
    SP_CHECK(!sp_utf8_valid("\xe0\x80\x80", 3));        /* overlong 3-byte */
}

static void test_err__set_and_prefix(void)
{
    sp_err err = {0};
    SP_CHECK(sp_err_set(&err, SP_EINVAL, "field '%s' bad", "name_uk") == SP_EINVAL);
    SP_CHECK(sp_err_prefix(&err, "file %s", "x.csv") == SP_EINVAL);
    SP_CHECK_STR(err.msg, "file x.csv: field 'name_uk' bad");
    char long_prefix[600];
    memset(long_prefix, 'p', sizeof long_prefix - 1);
    long_prefix[sizeof long_prefix - 1] = '\0';
    sp_err_prefix(&err, "%s", long_prefix);
    SP_CHECK(strlen(err.msg) < SP_ERR_MSG_MAX);
}

static void test_strbuf__grows_and_formats(void)
{
    sp_strbuf b = {0};
    SP_CHECK_STR(sp_strbuf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        sp_strbuf_printf(&b, "%d,", i);
    SP_CHECK(!b.failed);
    SP_CHECK(b.len == strlen(b.data));
    SP_CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
    sp_strbuf_reset(&b);
    sp_strbuf_puts(&b, "Софія");
    SP_CHECK_STR(b.data, "Софія");
    sp_strbuf_free(&b);
}

static void test_keyset__finds_repeats_across_growth(void)
{
    sp_keyset *s = sp_keyset_new();
    long long first = -1;
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "key %d", i);
        SP_CHECK(sp_keyset_add(s, key, i, &first) == 1);
    }
    SP_CHECK(sp_keyset_count(s) == 5000);
    SP_CHECK(sp_keyset_add(s, "key 1234", 9999, &first) == 0 && first == 1234);
    SP_CHECK(sp_keyset_add(s, "ключ Київ", 1, &first) == 1);
    SP_CHECK(sp_keyset_add(s, "ключ Київ", 2, &first) == 0 && first == 1);
    SP_CHECK(sp_keyset_add(s, "", 3, &first) == 1);
    SP_CHECK(sp_keyset_add(s, "", 4, &first) == 0 && first == 3);
    sp_keyset_free(s);
    sp_keyset_free(NULL);
}

/* Issue 21: one rule for every CSV (items?f=csv and the export). */
static void test_csv__issue21_formulas_are_text(void)
{
    SP_CHECK(sp_csv_is_formula("=HYPERLINK(\"http://x\")"));
    SP_CHECK(sp_csv_is_formula("+cmd"));
    SP_CHECK(sp_csv_is_formula("-1+2"));
    SP_CHECK(sp_csv_is_formula("@SUM(A1)"));
    SP_CHECK(sp_csv_is_formula("\tx"));
    SP_CHECK(!sp_csv_is_formula("-500"));
    SP_CHECK(!sp_csv_is_formula("+3.5"));
    SP_CHECK(!sp_csv_is_formula("Лавра"));
    SP_CHECK(!sp_csv_is_formula(""));
    SP_CHECK(!sp_csv_is_formula(NULL));
    sp_strbuf b = {0};
    SP_CHECK(sp_csv_neutral("=1+1", &b) == SP_OK);
    SP_CHECK_STR(sp_strbuf_cstr(&b), "'=1+1");
    sp_strbuf_reset(&b);
    sp_csv_cell(&b, "=A1,\"x\"");
    SP_CHECK_STR(sp_strbuf_cstr(&b), "\"'=A1,\"\"x\"\"\"");
    sp_strbuf_free(&b);
}

static void test_arena__allocates_aligned_and_frees_once(void)
{
    sp_arena a;
    sp_arena_init(&a);
    char *first = sp_arena_strdup(&a, "Києво-Печерська лавра");
    SP_CHECK_STR(first, "Києво-Печерська лавра");
    for (int i = 0; i < 1000; i++) { /* many chunks */
        double *d = sp_arena_alloc(&a, (size_t)(1 + i % 40));
        SP_CHECK(d && (uintptr_t)d % alignof(max_align_t) == 0);
        *d = i;
    }
    char *big = sp_arena_alloc(&a, 3 * SP_ARENA_CHUNK); /* a chunk of its own */
    SP_CHECK(big != NULL);
    memset(big, 'x', 3 * SP_ARENA_CHUNK);
    SP_CHECK(sp_arena_strdup(&a, "") && *sp_arena_strdup(&a, "ї") != '\0');
    SP_CHECK_STR(first, "Києво-Печерська лавра"); /* nothing moved */
    sp_arena_free_all(&a);
    SP_CHECK(a.chunks == NULL);
    SP_CHECK(sp_arena_alloc(&a, 3 * SP_ARENA_CHUNK) && sp_arena_alloc(&a, 8)); /* usable again */
    sp_arena_free_all(&a);
}

int main(int argc, char **argv)
{
    static const sp_test_case cases[] = {
        {"test_csv__issue21_formulas_are_text", test_csv__issue21_formulas_are_text},
        {"test_utf8__accepts_ukrainian", test_utf8__accepts_ukrainian},
        {"test_utf8__rejects_malformed", test_utf8__rejects_malformed},
        {"test_err__set_and_prefix", test_err__set_and_prefix},
        {"test_strbuf__grows_and_formats", test_strbuf__grows_and_formats},
        {"test_keyset__finds_repeats_across_growth", test_keyset__finds_repeats_across_growth},
        {"test_arena__allocates_aligned_and_frees_once",
         test_arena__allocates_aligned_and_frees_once},
        {NULL, NULL},
    };
    return sp_test_main(argc, argv, cases);
}
