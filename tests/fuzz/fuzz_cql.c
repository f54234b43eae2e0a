/* tests/fuzz/fuzz_cql.c - the `filter=` path of OGC API Part 3 on any bytes: the CQL2 parser
 * (cql/), its canonical text, and storage's compilation to SQL (storage/cql_sql.c) run as
 * sp_db_items runs it on each collection of a registry made from data/sample. A filter may
 * be refused (SP_EINVAL, the client's 400) anywhere; everything else is a finding: a crash, a
 * canonical text that does not read back to itself, or SQL that SQLite cannot prepare or
 * run (a 500 for the client). The input is the filter text as it arrives, bytes as they are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sp_cql.h"
#include "sp_db_items.h"

#define ITEMS_LIMIT 5

static sp_db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char path[512];
    sp_fuzz_quiet();
    sp_fuzz_path("cql.sqlite", path, sizeof path);
    db = sp_fuzz_sample_db(path);
    return 0;
}

static int count_feature(void *ctx, const sp_db_feature *f, sp_err *err)
{
    (void)f, (void)err;
    (*(int *)ctx)++;
    return SP_OK;
}

/* The canonical text of e; parsing it again must give the same text. */
static void check_round_trip(const sp_cql_expr *e, const uint8_t *data, size_t size)
{
    sp_strbuf text = {0}, again = {0};
    sp_cql_expr *e2 = NULL;
    sp_err err = {0};
    if (sp_cql_to_text(e, &text) != SP_OK)
        sp_fuzz_fail(data, size, "sp_cql_to_text failed");
    if (sp_cql_parse(text.data, text.len, &e2, &err) != SP_OK)
        sp_fuzz_fail(data, size, "canonical text \"%s\" does not parse: %s", text.data, err.msg);
    if (sp_cql_to_text(e2, &again) != SP_OK || strcmp(text.data, again.data) != 0)
        sp_fuzz_fail(data, size, "canonical text \"%s\" reads back as \"%s\"", text.data,
                     sp_strbuf_cstr(&again));
    sp_cql_free(e2);
    sp_strbuf_free(&text);
    sp_strbuf_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_cql_expr *e = NULL;
    sp_err err = {0};
    if (sp_cql_parse((const char *)data, size, &e, &err) != SP_OK) {
        if (e || err.code != SP_EINVAL || !err.msg[0])
            sp_fuzz_fail(data, size, "parse failed with %s \"%s\"", sp_err_name(err.code), err.msg);
        return 0;
    }
    check_round_trip(e, data, size);
    for (int c = 0; c < SP_COL_COUNT; c++) {
        /* The fragment alone, as storage/items.c asks for it ... */
        int nq;
        const sp_queryable *q = sp_db_queryables((sp_collection)c, &nq);
        sp_strbuf sql = {0};
        sp_db_params params = {0};
        sp_err_clear(&err);
        int rc = sp_db_cql_where(e, q, nq, SP_DB_SQL_SQLITE, &sql, &params, &err);
        if (rc != SP_OK && (rc != SP_EINVAL || sql.len || params.n))
            sp_fuzz_fail(data, size, "sp_db_cql_where on %s: %s \"%s\"",
                         sp_db_collection((sp_collection)c)->name, sp_err_name(rc), err.msg);
        sp_strbuf_free(&sql);
        sp_db_params_free(&params);
        if (rc != SP_OK)
            continue;
        /* ... and the query it ends in, with the count numberMatched needs. */
        sp_items_query iq = {0};
        iq.collection = (sp_collection)c;
        iq.limit = ITEMS_LIMIT;
        iq.filter = e;
        iq.want_matched = 1;
        long long matched = 0;
        int n = 0;
        sp_err_clear(&err);
        rc = sp_db_items(db, &iq, count_feature, &n, &matched, &err);
        if (rc != SP_OK && rc != SP_EINVAL)
            sp_fuzz_fail(data, size, "sp_db_items on %s: %s \"%s\"",
                         sp_db_collection((sp_collection)c)->name, sp_err_name(rc), err.msg);
        if (rc == SP_OK && (n > ITEMS_LIMIT || matched < n))
            sp_fuzz_fail(data, size, "sp_db_items on %s: %d features of %lld matched",
                         sp_db_collection((sp_collection)c)->name, n, matched);
    }
    sp_cql_free(e);
    return 0;
}
