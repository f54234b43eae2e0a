/* tests/unit/model/test_model.c - field tables, folding, vocabularies, normalisation, dating. */
#include <stdlib.h>

#include "sp_model.h"
#include "sp_test.h"

static sp_vocab *small_vocab(void)
{
    sp_vocab *v = sp_vocab_new();
    sp_err err = {0};
    sp_vocab_add(v, "significance", "national", "національного значення", "national significance",
                 &err);
    sp_vocab_add(v, "significance", "local", "місцевого значення", "local significance", &err);
    sp_vocab_add(v, "kind", "archaeology", "археології", "archaeology", &err);
    sp_vocab_add(v, "kind", "history", "історії", "history", &err);
    sp_vocab_add(v, "kind", "architecture", "архітектури", "architecture", &err);
    sp_vocab_add(v, "significance", "national", "національного", NULL, &err); /* alias */
    return v;
}

static const sp_field *mf(int i)
{
    return &sp_model_entity(SP_ENT_MONUMENT)->fields[i];
}

static char *norm(int field, const char *raw, sp_err *err)
{
    sp_vocab *v = small_vocab();
    char *out = NULL;
    sp_err_clear(err);
    sp_model_normalize(mf(field), v, raw, &out, err);
    sp_vocab_free(v);
    return out;
}

static void test_model__field_tables_are_complete(void)
{
    for (int e = 0; e < SP_ENT_COUNT; e++) {
        const sp_entity *ent = sp_model_entity(e);
        SP_CHECK(ent && ent->nfields <= SP_MAX_FIELDS);
        for (int i = 0; i < ent->nfields; i++) {
            SP_CHECK(ent->fields[i].name != NULL);
            SP_CHECK(sp_model_field_index(ent, ent->fields[i].name) == i);
            SP_CHECK((ent->fields[i].vocab != NULL) == (ent->fields[i].type == SP_FT_VOCAB ||
                                                        ent->fields[i].type == SP_FT_VOCAB_SET));
        }
    }
    SP_CHECK(sp_model_entity_by_name("district")->id == SP_ENT_DISTRICT);
    SP_CHECK(sp_model_entity_by_name("castle") == NULL);
}

static void test_model__fold_cyrillic_and_apostrophes(void)
{
    char *a = sp_model_fold("  НАЦІОНАЛЬНОГО   Значення ");
    SP_CHECK_STR(a, "національного значення");
    free(a);
    a = sp_model_fold("ҐЄЇІ Солом'янський");
    SP_CHECK_STR(a, "ґєїі солом’янський");
    free(a);
    a = sp_model_fold("Солом\xca\xbcянський"); /* U+02BC modifier apostrophe */
    SP_CHECK_STR(a, "солом’янський");
    free(a);
}

static void test_model__vocab_by_code_label_or_alias(void)
{
    sp_err err;
    char *s = norm(SP_MF_SIGNIFICANCE, "Національного значення", &err);
    SP_CHECK_STR(s, "national");
    free(s);
    s = norm(SP_MF_SIGNIFICANCE, "LOCAL SIGNIFICANCE", &err);
    SP_CHECK_STR(s, "local");
    free(s);
    s = norm(SP_MF_SIGNIFICANCE, "національного", &err);
    SP_CHECK_STR(s, "national");
    free(s);
    s = norm(SP_MF_SIGNIFICANCE, "royal", &err);
    SP_CHECK(s == NULL && err.code == SP_EINVAL);
    SP_CHECK_CONTAINS(err.msg, "field 'significance': unknown significance value 'royal'");
}

static void test_model__vocab_set_is_canonical(void)
{
    sp_err err;
    char *s = norm(SP_MF_KINDS, "архітектури; history, archaeology|history", &err);
    SP_CHECK_STR(s, "archaeology;history;architecture");
    free(s);
    s = norm(SP_MF_KINDS, "history; dragons", &err);
    SP_CHECK(s == NULL);
    SP_CHECK_CONTAINS(err.msg, "unknown kind value 'dragons'");
}

/* The indexes hold across growth (500 entries: several rebuilds), keep domains apart (the
 * same code in two domains), and give a label shared by two entries to the first. */
static void test_model__vocab_large_and_domains_apart(void)
{
    sp_vocab *v = sp_vocab_new();
    sp_err err = {0};
    char domain[32], code[32], uk[64], en[64];
    for (int i = 0; i < 500; i++) {
        snprintf(domain, sizeof domain, "d%d", i % 20);
        snprintf(code, sizeof code, "c%d", i / 20);
        snprintf(uk, sizeof uk, "Значення %d", i);
        snprintf(en, sizeof en, "Shared %d", i % 40); /* each shared by two entries of a domain */
        SP_CHECK(sp_vocab_add(v, domain, code, uk, en, &err) == SP_OK);
    }
    SP_CHECK(sp_vocab_count(v) == 500);
    for (int i = 0; i < 500; i++) {
        snprintf(domain, sizeof domain, "d%d", i % 20);
        snprintf(code, sizeof code, "c%d", i / 20);
        snprintf(uk, sizeof uk, "ЗНАЧЕННЯ %d", i);
        const char *got = sp_vocab_resolve(v, domain, code);
        SP_CHECK(got && strcmp(got, code) == 0);
        got = sp_vocab_resolve(v, domain, uk);
        SP_CHECK(got && strcmp(got, code) == 0);
    }
    SP_CHECK(sp_vocab_resolve(v, "d3", "c25") == NULL);        /* no 25th code */
    SP_CHECK(sp_vocab_resolve(v, "d99", "c1") == NULL);        /* no such domain */
    SP_CHECK(sp_vocab_resolve(v, "d3", "Значення 4") == NULL); /* d4's label */
    /* "Shared 3" is entry 3 (d3, c0) and entry 43 (d3, c2): the first has it */
    SP_CHECK_STR(sp_vocab_resolve(v, "d3", "shared 3"), "c0");
    sp_vocab_free(v);
}

static void test_model__dates(void)
{
    sp_err err;
    struct {
        const char *in, *out;
    } ok[] = {{"2022-03-01", "2022-03-01"},
              {"01.03.2022", "2022-03-01"},
              {"2022/03/01", "2022-03-01"},
              {"2024-02-29", "2024-02-29"},
              {"1912", "1912"},
              {"2022-03-01T10:00:00Z", "2022-03-01"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *s = norm(SP_MF_REGISTER_DATE, ok[i].in, &err);
        SP_CHECK_STR(s, ok[i].out);
        free(s);
    }
    const char *bad[] = {"31.02.2020", "2023-02-29", "yesterday", "2022-13-01", "20220301"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *s = norm(SP_MF_REGISTER_DATE, bad[i], &err);
        SP_CHECK(s == NULL && err.code == SP_EINVAL);
        SP_CHECK_CONTAINS(err.msg, "register_date");
    }
}

static void test_model__ints_bools_wikidata_text(void)
{
    sp_err err;
    char *s = norm(SP_MF_YEAR_FROM, " 1037 ", &err);
    SP_CHECK_STR(s, "1037");
    free(s);
    s = norm(SP_MF_YEAR_FROM, "1037.0", &err);
    SP_CHECK_STR(s, "1037");
    free(s);
    SP_CHECK(norm(SP_MF_YEAR_FROM, "XI", &err) == NULL && err.code == SP_EINVAL);
    s = norm(SP_MF_LOCATION_SENSITIVE, "Так", &err);
    SP_CHECK_STR(s, "1");
    free(s);
    SP_CHECK(norm(SP_MF_LOCATION_SENSITIVE, "maybe", &err) == NULL && err.code == SP_EINVAL);
    s = norm(SP_MF_WIKIDATA, "q4102", &err);
    SP_CHECK_STR(s, "Q4102");
    free(s);
    SP_CHECK(norm(SP_MF_WIKIDATA, "4102", &err) == NULL && err.code == SP_EINVAL);
    SP_CHECK(norm(SP_MF_NAME_UK, "   ", &err) == NULL && err.code == SP_OK);
    SP_CHECK(norm(SP_MF_NAME_UK, "\xcf\xf0\xe8", &err) == NULL);
    SP_CHECK_CONTAINS(err.msg, "field 'name_uk': not valid UTF-8");
    char big[5000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    SP_CHECK(norm(SP_MF_NAME_UK, big, &err) == NULL);
    SP_CHECK_CONTAINS(err.msg, "longer than");
}

static void test_model__dating_years(void)
{
    struct {
        const char *text;
        int from, to;
    } cases[] = {
        {"1037", 1037, 1037},
        {"1744–1767", 1744, 1767},
        {"1900-1901", 1900, 1901},
        {"XI ст.", 1001, 1100},
        {"ХІХ ст.", 1801, 1900}, /* Cyrillic Х and І */
        {"кін. XIX – поч. XX ст.", 1867, 1933},
        {"12th century", 1101, 1200},
        {"1804-1808, 1999-2003", 1804, 2003},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int from = 0, to = 0;
        SP_CHECK(sp_dating_years(cases[i].text, &from, &to));
        if (from != cases[i].from || to != cases[i].to)
            fprintf(stderr, "  %s -> %d..%d\n", cases[i].text, from, to);
        SP_CHECK(from == cases[i].from && to == cases[i].to);
    }
    int from, to;
    SP_CHECK(!sp_dating_years("невідомо", &from, &to));
    SP_CHECK(!sp_dating_years("Історія", &from, &to));
    SP_CHECK(!sp_dating_years(NULL, &from, &to));
}

int main(int argc, char **argv)
{
    static const sp_test_case cases[] = {
        {"test_model__field_tables_are_complete", test_model__field_tables_are_complete},
        {"test_model__fold_cyrillic_and_apostrophes", test_model__fold_cyrillic_and_apostrophes},
        {"test_model__vocab_by_code_label_or_alias", test_model__vocab_by_code_label_or_alias},
        {"test_model__vocab_set_is_canonical", test_model__vocab_set_is_canonical},
        {"test_model__vocab_large_and_domains_apart", test_model__vocab_large_and_domains_apart},
        {"test_model__dates", test_model__dates},
        {"test_model__ints_bools_wikidata_text", test_model__ints_bools_wikidata_text},
        {"test_model__dating_years", test_model__dating_years},
        {NULL, NULL},
    };
    return sp_test_main(argc, argv, cases);
}
