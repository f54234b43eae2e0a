/* storage/items.c - features of the public collections, paged and filtered, for the OGC API.
 * A query is composed from the fragments in schemas/queries.sql: the collection's select,
 * then one condition per filter (values always bound), then order and paging; the composed
 * text depends only on which filters are present, so the statement cache reuses it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "sp_db_items.h"
#include "sp_text.h"

/* clang-format off */
static const sp_collection_info collections[SP_COL_COUNT] = {
    {"monuments", "Пам’ятки культурної спадщини", "Cultural heritage monuments",
     "Пам’ятки реєстру під охороною з їхнім останнім станом; datetime відбирає за датуванням "
     "(year_from..year_to)",
     "Protected monuments of the registry with their latest condition; datetime filters "
     "their dating (year_from..year_to)", "dating"},
    {"protection_zones", "Зони охорони", "Protection zones",
     "Охоронні зони, зони регулювання забудови та історичні ареали",
     "Protection zones, building regulation zones and historic areas", "updated_at"},
    {"condition_reports", "Звіти про стан", "Condition reports",
     "Затверджені огляди, акти технічного стану та звіти про пошкодження",
     "Approved inspections, technical acts and damage reports", "observed_on"},
};

#define GEOM(rtree, rowid, sql) {"geometry", sql, SP_QT_GEOMETRY, rtree, rowid}
static const sp_queryable monument_q[] = {
    {"name_uk", "m.name_uk", SP_QT_TEXT, NULL, NULL},
    {"name_en", "m.name_en", SP_QT_TEXT, NULL, NULL},
    {"significance", "m.significance", SP_QT_TEXT, NULL, NULL},
    {"object_kind", "m.object_kind", SP_QT_TEXT, NULL, NULL},
    /* as monument_v joins them (001_init.sql); the counts read monument, which has no kinds.
     * PostgreSQL: group_concat is schemas/pg/001_init.sql's, and a FROM subquery needs a name */
    {"kinds",
     "(SELECT group_concat(kind, ';') FROM (SELECT mk.kind FROM monument_kind mk "
     "JOIN vocab_kind vk ON vk.code = mk.kind WHERE mk.monument_id = m.id ORDER BY vk.sort) k)",
     SP_QT_TEXT, NULL, NULL},
    {"protection_no", "m.protection_no", SP_QT_TEXT, NULL, NULL},
    {"dating", "m.dating", SP_QT_TEXT, NULL, NULL},
    {"year_from", "m.year_from", SP_QT_INT, NULL, NULL},
    {"year_to", "m.year_to", SP_QT_INT, NULL, NULL},
    {"address", "m.address", SP_QT_TEXT, NULL, NULL},
    {"description", "m.description", SP_QT_TEXT, NULL, NULL}, /* q= leaves it out (015) */
    {"district", "m.district", SP_QT_TEXT, NULL, NULL},
    {"condition", "m.condition", SP_QT_TEXT, NULL, NULL},
    {"last_inspected", "m.last_inspected", SP_QT_DATE, NULL, NULL},
    {"register_date", "m.register_date", SP_QT_DATE, NULL, NULL},
    {"agreement_no", "m.agreement_no", SP_QT_TEXT, NULL, NULL},
    {"agreement_date", "m.agreement_date", SP_QT_DATE, NULL, NULL},
    {"wikidata", "m.wikidata", SP_QT_TEXT, NULL, NULL},
    {"location_sensitive", "m.location_sensitive", SP_QT_BOOL, NULL, NULL},
    {"version", "m.version", SP_QT_INT, NULL, NULL},
    {"created_at", "m.created_at", SP_QT_DATE, NULL, NULL},
    {"updated_at", "m.updated_at", SP_QT_DATE, NULL, NULL},
    /* sensitive sites at their published point only (019_published_location.sql) */
    GEOM("idx_monument_pub", "m.id", "m.pub_geom"),
};
static const sp_queryable zone_q[] = {
    {"zone_type", "m.zone_type", SP_QT_TEXT, NULL, NULL},
    {"name_uk", "m.name_uk", SP_QT_TEXT, NULL, NULL},
    {"monument_id", "m.monument_id", SP_QT_INT, NULL, NULL},
    {"updated_at", "m.updated_at", SP_QT_DATE, NULL, NULL},
    /* As published (016): no R*Tree prefilter, whose boxes are the exact ones; zones are a
     * few thousand at most, tested one by one. */
    GEOM(NULL, NULL, "m.pub_geom"),
};
static const sp_queryable report_q[] = {
    {"report_type", "m.report_type", SP_QT_TEXT, NULL, NULL},
    {"condition", "m.condition", SP_QT_TEXT, NULL, NULL},
    {"damage_level", "m.damage_level", SP_QT_TEXT, NULL, NULL},
    {"observed_on", "m.observed_on", SP_QT_DATE, NULL, NULL},
    {"event_date", "m.event_date", SP_QT_DATE, NULL, NULL},
    {"monument_id", "m.monument_id", SP_QT_INT, NULL, NULL},
    {"verification", "m.verification", SP_QT_TEXT, NULL, NULL},
    {"report_source", "m.source", SP_QT_TEXT, NULL, NULL},
    {"repeat_hit", "m.repeat_hit", SP_QT_BOOL, NULL, NULL},
    {"next_due", "m.next_due", SP_QT_DATE, NULL, NULL},
    {"created_at", "m.created_at", SP_QT_DATE, NULL, NULL},
    GEOM("idx_monument_pub", "mo.id", "mo.pub_marker"),
};

typedef struct col_sql {
    enum sp_q select, count, bbox, time_from, time_to;
    const sp_queryable *q;
    int nq;
} col_sql;

static const col_sql sqls[SP_COL_COUNT] = {
    {SP_Q_FRAG_MONUMENTS_SELECT, SP_Q_FRAG_MONUMENTS_COUNT, SP_Q_FRAG_MONUMENTS_BBOX,
     SP_Q_FRAG_MONUMENTS_TIME_FROM, SP_Q_FRAG_MONUMENTS_TIME_TO,
     monument_q, sizeof monument_q / sizeof monument_q[0]},
    {SP_Q_FRAG_ZONES_SELECT, SP_Q_FRAG_ZONES_COUNT, SP_Q_FRAG_ZONES_BBOX,
     SP_Q_FRAG_ZONES_TIME_FROM, SP_Q_FRAG_ZONES_TIME_TO,
     zone_q, sizeof zone_q / sizeof zone_q[0]},
    {SP_Q_FRAG_REPORTS_SELECT, SP_Q_FRAG_REPORTS_COUNT, SP_Q_FRAG_REPORTS_BBOX,
     SP_Q_FRAG_REPORTS_TIME_FROM, SP_Q_FRAG_REPORTS_TIME_TO,
     report_q, sizeof report_q / sizeof report_q[0]},
};
/* clang-format on */

const sp_collection_info *sp_db_collection(sp_collection c)
{
    return c >= 0 && c < SP_COL_COUNT ? &collections[c] : NULL;
}

int sp_db_collection_by_name(const char *name)
{
    for (int i = 0; i < SP_COL_COUNT; i++)
        if (strcmp(collections[i].name, name) == 0)
            return i;
    return -1;
}

const sp_queryable *sp_db_queryables(sp_collection c, int *out_n)
{
    *out_n = sqls[c].nq;
    return sqls[c].q;
}

static int add_text(sp_db_params *p, const char *s, sp_err *err)
{
    return sp_db_params_text(p, NULL, s, s ? strlen(s) : 0, err);
}

/* The box of a bbox fragment: :minx, :miny, :maxx, :maxy. */
static int add_bbox(sp_db_params *p, const double b[4], sp_err *err)
{
    static const char *const names[4] = {":minx", ":miny", ":maxx", ":maxy"};
    for (int i = 0; i < 4; i++)
        if (sp_db_params_real(p, names[i], b[i], err) != SP_OK)
            return err->code;
    return SP_OK;
}

/* Prefix indexes of monument_fts cover 1 to this many characters (013_search_prefix.sql);
 * a longer prefix is searched by its first this many, or FTS5 would merge lists again. */
#define SP_FTS_PREFIX_MAX 10

/* Bytes of the first n characters of the UTF-8 text p[0..len). */
static size_t utf8_prefix(const char *p, size_t len, int n)
{
    size_t i = 0;
    for (int k = 0; i < len && k < n; k++)
        do
            i++;
        while (i < len && ((unsigned char)p[i] & 0xC0) == 0x80);
    return i;
}

/* The words of a q= search as an FTS5 query: words as the index splits them (sp_text_word),
 * each any of its terms (sp_text_query_terms: its stem or itself as a prefix, lemmas whole;
 * issue 22), every term quoted (no FTS syntax gets in: a word has no '"'), a prefix cut to
 * SP_FTS_PREFIX_MAX characters: ("києво"*) AND ("печерськ"*) AND ("лавр"*), and for
 * "Києва" ("києва"* OR "київ"). */
static int fts_query(const sp_db *db, const char *text, sp_strbuf *out, sp_err *err)
{
    if (strlen(text) > SP_ITEMS_Q_MAX_BYTES)
        return sp_err_set(err, SP_EINVAL, "q: longer than %d bytes", SP_ITEMS_Q_MAX_BYTES);
    int words = 0;
    size_t len;
    for (const char *w = sp_text_word(text, &len); w; w = sp_text_word(w + len, &len)) {
        sp_text_terms t;
        sp_text_query_terms(w, len, &t);
        if (!t.n)
            continue;
        if (++words > SP_ITEMS_Q_MAX_WORDS)
            return sp_err_set(err, SP_EINVAL, "q: more than %d words", SP_ITEMS_Q_MAX_WORDS);
        sp_strbuf_puts(out, words > 1 ? (db->pg ? " & (" : " AND (") : "(");
        for (int i = 0; i < t.n; i++) {
            const sp_text_term *term = &t.term[i];
            size_t n =
                term->is_prefix ? utf8_prefix(term->s, term->len, SP_FTS_PREFIX_MAX) : term->len;
            if (db->pg) { /* a tsquery: 'lexeme' or 'lexeme':*, folded as the index is */
                sp_strbuf lexeme = {0};
                sp_text_fold(term->s, n, &lexeme);
                sp_strbuf_puts(out, i ? " | '" : "'");
                for (const char *c = sp_strbuf_cstr(&lexeme); *c; c++)
                    sp_strbuf_append(out,
                                     *c == '\''   ? "''"
                                     : *c == '\\' ? "\\\\"
                                                  : c,
                                     *c == '\'' || *c == '\\' ? 2 : 1);
                sp_strbuf_puts(out, term->is_prefix ? "':*" : "'");
                out->failed |= lexeme.failed;
                sp_strbuf_free(&lexeme);
                continue;
            }
            sp_strbuf_puts(out, i ? " OR \"" : "\"");
            sp_strbuf_append(out, term->s, n);
            sp_strbuf_puts(out, term->is_prefix ? "\"*" : "\"");
        }
        sp_strbuf_puts(out, ")");
    }
    if (!words)
        return sp_err_set(err, SP_EINVAL, "q: no words to search for");
    return out->failed ? sp_err_set(err, SP_ENOMEM, "out of memory") : SP_OK;
}

/* 1 when q asks for live monuments with no condition but a bbox and/or q= (any order). */
static int is_place_or_words(const sp_items_query *q)
{
    return q->collection == SP_COL_MONUMENTS && !q->updated_since && q->id <= 0 &&
           !q->datetime[0] && !q->datetime[1] && q->neq == 0 && !q->filter && !q->damaged_since &&
           !q->act_overdue && !q->hit_again && !q->has_photo && !q->has_agreement;
}

/* 1 when q is a search of monuments and nothing else, in the default order: the FTS index
 * drives the page (frag_monuments_from_fts) and numberMatched is its count (fast_count). */
static int is_search_only(const sp_items_query *q)
{
    return is_place_or_words(q) && q->q && !q->has_bbox && !q->sortby;
}

/* The conditions of q after the collection's select, with their values. */
static int conditions(const sp_db *db, const sp_items_query *q, sp_strbuf *sql, sp_db_params *p,
                      sp_err *err)
{
    const col_sql *cs = &sqls[q->collection];
    if (q->collection == SP_COL_REPORTS) {
        if (q->updated_since) {
            sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_REPORTS_SINCE));
            if (add_text(p, q->updated_since, err))
                return err->code;
        }
    } else if (q->updated_since) { /* tombstones too */
        sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_CHANGED_SINCE));
        if (add_text(p, q->updated_since, err) || add_text(p, q->updated_since, err))
            return err->code;
    } else {
        sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_NOT_DELETED));
    }
    if (q->id > 0) {
        sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_MONUMENTS_ID));
        if (sp_db_params_int(p, NULL, q->id, err))
            return err->code;
    }
    if (q->has_bbox) {
        sp_strbuf_puts(sql, sp_db_sql(db, cs->bbox));
        if (add_bbox(p, q->bbox, err))
            return err->code;
    }
    for (int k = 0; k < 2; k++) {
        if (!q->datetime[k])
            continue;
        sp_strbuf_puts(sql, sp_db_sql(db, k == 0 ? cs->time_from : cs->time_to));
        if (add_text(p, q->datetime[k], err))
            return err->code;
    }
    for (int i = 0; i < q->neq; i++) {
        const sp_queryable *found = NULL;
        for (int j = 0; j < cs->nq && !found; j++)
            if (strcmp(cs->q[j].name, q->eq_name[i]) == 0 && cs->q[j].type != SP_QT_GEOMETRY)
                found = &cs->q[j];
        if (!found)
            return sp_err_set(err, SP_EINVAL, "%s: not a filter of %s", q->eq_name[i],
                              collections[q->collection].name);
        if (q->collection == SP_COL_MONUMENTS && strcmp(found->name, "kinds") == 0) {
            sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_MONUMENTS_KIND));
        } else {
            sp_strbuf_puts(sql, " AND ");
            sp_strbuf_puts(sql, found->sql);
            sp_strbuf_puts(sql, " = ?");
        }
        if (add_text(p, q->eq_value[i], err))
            return err->code;
    }
    int asks =
        q->damaged_since || q->act_overdue || q->hit_again || q->has_photo || q->has_agreement;
    if (asks && q->collection != SP_COL_MONUMENTS)
        return sp_err_set(err, SP_EINVAL, "the department's questions are about monuments");
    if (q->damaged_since) {
        sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_DAMAGED_SINCE));
        if (add_text(p, q->damaged_since, err))
            return err->code;
    }
    if (q->act_overdue)
        sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_ACT_OVERDUE));
    if (q->hit_again)
        sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_HIT_AGAIN));
    if (q->has_photo)
        sp_strbuf_puts(
            sql, sp_db_sql(db, q->has_photo == SP_YES ? SP_Q_FRAG_HAS_PHOTO : SP_Q_FRAG_NO_PHOTO));
    if (q->has_agreement)
        sp_strbuf_puts(sql, sp_db_sql(db, q->has_agreement == SP_YES ? SP_Q_FRAG_HAS_AGREEMENT
                                                                     : SP_Q_FRAG_NO_AGREEMENT));
    if (q->q) {
        if (q->collection != SP_COL_MONUMENTS)
            return sp_err_set(err, SP_EINVAL, "q: full-text search covers monuments only");
        sp_strbuf match = {0};
        int rc = fts_query(db, q->q, &match, err);
        if (rc == SP_OK) {
            sp_strbuf_puts(sql, sp_db_sql(db, is_search_only(q) ? SP_Q_FRAG_MONUMENTS_Q_DRIVING
                                                                : SP_Q_FRAG_MONUMENTS_Q));
            rc = add_text(p, sp_strbuf_cstr(&match), err);
        }
        sp_strbuf_free(&match);
        if (rc != SP_OK)
            return rc;
    }
    if (q->filter) {
        sp_strbuf_puts(sql, " AND ");
        if (sp_db_cql_where(q->filter, cs->q, cs->nq, db->pg ? SP_DB_SQL_PG : SP_DB_SQL_SQLITE, sql,
                            p, err) != SP_OK)
            return err->code;
    }
    return sql->failed ? sp_err_set(err, SP_ENOMEM, "out of memory") : SP_OK;
}

/* ORDER BY for sortby ("+a,-b"): each key a queryable (not the geometry); then the id. */
static int order_by(const sp_db *db, const sp_items_query *q, sp_strbuf *sql, sp_err *err)
{
    const col_sql *cs = &sqls[q->collection];
    if (!q->sortby) {
        sp_strbuf_puts(
            sql, sp_db_sql(db, is_search_only(q) ? SP_Q_FRAG_ORDER_BY_HIT : SP_Q_FRAG_ORDER_BY_ID));
        return SP_OK;
    }
    sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_ORDER_BY));
    int keys = 0;
    for (const char *p = q->sortby; *p;) {
        size_t n = strcspn(p, ",");
        int is_desc = *p == '-';
        const char *name = (*p == '-' || *p == '+' || *p == ' ') ? p + 1 : p;
        size_t len = n - (size_t)(name - p);
        const sp_queryable *found = NULL;
        for (int j = 0; j < cs->nq && !found; j++)
            if (strlen(cs->q[j].name) == len && strncmp(cs->q[j].name, name, len) == 0 &&
                cs->q[j].type != SP_QT_GEOMETRY)
                found = &cs->q[j];
        if (!found || ++keys > 8)
            return sp_err_set(err, SP_EINVAL, "sortby: '%.*s' is not a sortable property of %s",
                              (int)(len > 60 ? 60 : len), name, collections[q->collection].name);
        for (int k = 0; k < 2; k++) {
            sp_strbuf_puts(sql, " ");
            sp_strbuf_puts(sql, found->sql);
            sp_strbuf_puts(sql, sp_db_sql(db, k == 0    ? SP_Q_FRAG_IS_NULL
                                              : is_desc ? SP_Q_FRAG_DESC
                                                        : SP_Q_FRAG_ASC));
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!keys)
        return sp_err_set(err, SP_EINVAL, "sortby: no property given");
    sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_THEN_ID));
    return SP_OK;
}

/* numberMatched without reading monument rows, when the only conditions are a bbox and/or
 * q= on live monuments (the usual map and search pages), or none (the first page of the
 * collection): 1 with the statement in sql and its values in p; 0 when the general count
 * must be used. */
static int fast_count(const sp_db *db, const sp_items_query *q, sp_strbuf *sql, sp_db_params *p,
                      sp_err *err)
{
    if (!is_place_or_words(q))
        return 0;
    if (!q->has_bbox && !q->q) {
        sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_MONUMENTS_COUNT_ALL));
        return sql->failed ? (sp_err_set(err, SP_ENOMEM, "out of memory"), -1) : 1;
    }
    sp_strbuf match = {0};
    int rc = q->q ? fts_query(db, q->q, &match, err) : SP_OK;
    if (rc == SP_OK && q->has_bbox) {
        sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_MONUMENTS_COUNT_RTREE));
        rc = add_bbox(p, q->bbox, err);
        if (rc == SP_OK && q->q) {
            sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_COUNT_RTREE_Q));
            rc = add_text(p, sp_strbuf_cstr(&match), err);
        }
    } else if (rc == SP_OK) {
        sp_strbuf_puts(sql, sp_db_sql(db, SP_Q_FRAG_MONUMENTS_COUNT_FTS));
        rc = add_text(p, sp_strbuf_cstr(&match), err);
    }
    sp_strbuf_free(&match);
    if (rc == SP_OK && sql->failed)
        rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    return rc == SP_OK ? 1 : -1;
}

/* A failed step: FTS5 refusing the words of q is the client's error (400), the rest ours. */
static int items_err(sp_db *db, const sp_items_query *q, sp_err *err, const char *what)
{
    const char *msg = sp_db_errmsg(db);
    if (q->q && strncmp(msg, "fts5:", 5) == 0)
        return sp_err_set(err, SP_EINVAL,
                          "q: cannot be searched as written (%s): use words "
                          "separated by spaces",
                          msg);
    return sp_db_sqlerr(db, err, what);
}

static sp_db_param_type value_type(int sqlite_type)
{
    switch (sqlite_type) {
    case SP_COL_INTEGER:
        return SP_DB_P_INT;
    case SP_COL_FLOAT:
        return SP_DB_P_REAL;
    case SP_COL_NULL:
        return SP_DB_P_NULL;
    default:
        return SP_DB_P_TEXT;
    }
}

int sp_db_items(sp_db *db, const sp_items_query *q, sp_db_feature_fn fn, void *ctx,
                long long *out_matched, sp_err *err)
{
    const col_sql *cs = &sqls[q->collection];
    sp_strbuf cond = {0}, sql = {0};
    sp_db_params params = {0};
    int rc = conditions(db, q, &cond, &params, err);
    *out_matched = -1;
    if (rc == SP_OK && q->want_matched) {
        sp_db_params count_params = {0};
        int fast = fast_count(db, q, &sql, &count_params, err);
        if (fast < 0)
            rc = err->code;
        if (fast == 0) {
            sp_strbuf_puts(&sql, sp_db_sql(db, cs->count));
            sp_strbuf_append(&sql, sp_strbuf_cstr(&cond), cond.len);
        }
        sp_stmt *st = NULL;
        if (rc == SP_OK &&
            !(st = sql.failed ? NULL : sp_db_stmt_sql(db, sp_strbuf_cstr(&sql), err)))
            rc = err->code ? err->code : sp_err_set(err, SP_ENOMEM, "out of memory");
        if (rc == SP_OK &&
            (rc = sp_db_params_bind(fast ? &count_params : &params, st, err)) == SP_OK) {
            if (sp_stmt_step(st) == SP_STMT_ROW)
                *out_matched = sp_stmt_column_int64(st, 0);
            else
                rc = items_err(db, q, err, "count items");
            sp_stmt_reset(st);
        }
        sp_db_params_free(&count_params);
    }
    if (rc == SP_OK) {
        sp_strbuf_reset(&sql);
        sp_strbuf_puts(&sql, sp_db_sql(db, cs->select));
        if (q->collection == SP_COL_MONUMENTS) /* the others' select names its table */
            sp_strbuf_puts(&sql, sp_db_sql(db, is_search_only(q) ? SP_Q_FRAG_MONUMENTS_FROM_FTS
                                                                 : SP_Q_FRAG_MONUMENTS_FROM));
        sp_strbuf_append(&sql, sp_strbuf_cstr(&cond), cond.len);
        rc = order_by(db, q, &sql, err);
        if (rc == SP_OK &&
            (sp_db_params_int(&params, ":limit", q->limit, err) ||
             sp_db_params_int(&params, ":offset", q->offset, err) ||
             sp_db_params_int(&params, ":srid", q->out_srid ? q->out_srid : 4326, err) ||
             sp_db_params_int(&params, ":swap", q->out_swap, err) ||
             sp_db_params_int(&params, ":decimals", q->out_decimals ? q->out_decimals : 7, err)))
            rc = err->code;
    }
    sp_stmt *st = NULL;
    if (rc == SP_OK && !(st = sql.failed ? NULL : sp_db_stmt_sql(db, sp_strbuf_cstr(&sql), err)))
        rc = err->code ? err->code : sp_err_set(err, SP_ENOMEM, "out of memory");
    if (rc == SP_OK)
        rc = sp_db_params_bind(&params, st, err);
    if (rc == SP_OK) {
        int ncols = sp_stmt_column_count(st) - 1; /* the last column is the geometry */
        const char *names[64], *values[64];
        sp_db_param_type types[64];
        if (ncols > 64)
            ncols = 64;
        int step, is_first = 1;
        while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
            /* Names only after the first step: binding a GLOB/LIKE pattern makes SQLite
             * re-prepare the statement there, which frees earlier column names. */
            for (int i = 0; is_first && i < ncols; i++)
                names[i] = sp_stmt_column_name(st, i);
            is_first = 0;
            for (int i = 0; i < ncols; i++) {
                types[i] = value_type(sp_stmt_column_type(st, i));
                values[i] = (const char *)sp_stmt_column_text(st, i);
            }
            sp_db_feature f = {sp_stmt_column_int64(st, 0),
                               ncols,
                               names,
                               values,
                               types,
                               (const char *)sp_stmt_column_text(st, ncols)};
            rc = fn(ctx, &f, err);
        }
        if (rc == SP_OK && step != SP_STMT_DONE)
            rc = items_err(db, q, err, "items");
        sp_stmt_reset(st);
    }
    sp_strbuf_free(&cond);
    sp_strbuf_free(&sql);
    sp_db_params_free(&params);
    return rc;
}

int sp_db_collection_extent(sp_db *db, sp_collection c, double out_bbox[4], int *out_has_bbox,
                            char out_tmin[32], char out_tmax[32], sp_err *err)
{
    *out_has_bbox = 0;
    out_tmin[0] = out_tmax[0] = '\0';
    sp_stmt *st =
        sp_db_stmt(db, c == SP_COL_ZONES ? SP_Q_ZONES_EXTENT : SP_Q_MONUMENTS_EXTENT, err);
    if (!st)
        return err->code;
    double b[4];
    if (sp_stmt_step(st) == SP_STMT_ROW &&
        sp_db_rtree_root_bounds(sp_stmt_column_blob(st, 0), sp_stmt_column_bytes(st, 0), b)) {
        memcpy(out_bbox, b, sizeof b);
        *out_has_bbox = 1;
    }
    sp_stmt_reset(st);
    if (c != SP_COL_MONUMENTS)
        return SP_OK;
    if (!(st = sp_db_stmt(db, SP_Q_MONUMENTS_TIME_EXTENT, err)))
        return err->code;
    if (sp_stmt_step(st) == SP_STMT_ROW) {
        if (sp_stmt_column_type(st, 0) != SP_COL_NULL)
            snprintf(out_tmin, 32, "%04d-01-01T00:00:00Z", sp_stmt_column_int(st, 0));
        if (sp_stmt_column_type(st, 1) != SP_COL_NULL)
            snprintf(out_tmax, 32, "%04d-12-31T23:59:59Z", sp_stmt_column_int(st, 1));
    }
    sp_stmt_reset(st);
    return SP_OK;
}

/* Points enough to find where most monuments are; a larger registry is sampled evenly. */
#define SP_DENSEST_SAMPLE 50000

int sp_db_monuments_densest(sp_db *db, double cell_deg, double out_lonlat[2], int64_t *out_count,
                            sp_err *err)
{
    *out_count = 0;
    int64_t n = 0;
    if (sp_db_query_int(db, SP_Q_MONUMENTS_PUB_COUNT, &n, err) != SP_OK)
        return err->code;
    sp_stmt *st = sp_db_stmt(db, SP_Q_MONUMENTS_DENSEST_CELL, err);
    if (!st || sp_db_bind_double(st, ":cell", cell_deg, err) != SP_OK ||
        sp_db_bind_int(st, ":step", n > SP_DENSEST_SAMPLE ? n / SP_DENSEST_SAMPLE : 1, err) !=
            SP_OK)
        return err->code;
    int rc = sp_stmt_step(st);
    if (rc == SP_STMT_ROW) {
        out_lonlat[0] = sp_stmt_column_double(st, 0);
        out_lonlat[1] = sp_stmt_column_double(st, 1);
        *out_count = sp_stmt_column_int64(st, 2);
    }
    sp_stmt_reset(st);
    return rc == SP_STMT_ROW || rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "densest cell");
}

int sp_db_bbox_to_4326(sp_db *db, int srid, const double in[4], double out[4], sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_BBOX_TO_4326, err);
    if (!st)
        return err->code;
    for (int i = 0; i < 4; i++)
        sp_stmt_bind_double(st, i + 1, in[i]);
    sp_stmt_bind_int(st, 5, srid);
    int rc = sp_stmt_step(st);
    int ok = rc == SP_STMT_ROW && sp_stmt_column_type(st, 0) != SP_COL_NULL;
    for (int i = 0; ok && i < 4; i++)
        out[i] = sp_stmt_column_double(st, i);
    sp_stmt_reset(st);
    if (rc != SP_STMT_ROW)
        return sp_db_sqlerr(db, err, "transform bbox");
    return ok ? SP_OK : sp_err_set(err, SP_EINVAL, "bbox cannot be transformed to EPSG:4326");
}

int sp_db_data_version(sp_db *db, int64_t *out, sp_err *err)
{
    return sp_db_version(db, SP_DB_SEEN_DATA, SP_Q_DATA_VERSION, out, err);
}

int sp_db_stats(sp_db *db, sp_db_stat_fn fn, void *ctx, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_STATS, err);
    if (!st)
        return err->code;
    int step, rc = SP_OK;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW)
        rc = fn(ctx, (const char *)sp_stmt_column_text(st, 0),
                (const char *)sp_stmt_column_text(st, 1), (const char *)sp_stmt_column_text(st, 2),
                (const char *)sp_stmt_column_text(st, 3), sp_stmt_column_int64(st, 4), err);
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "stats");
    sp_stmt_reset(st);
    return rc;
}
