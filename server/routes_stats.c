/* server/routes_stats.c - GET /stats: the counts the department reports upwards and the public
 * overview (/overview) draws, as JSON or CSV (f=csv): live monuments in all, by district, by
 * condition and by significance (codes with Ukrainian and English labels), how many answer
 * each standing question (emergency condition, technical act overdue, damaged more than once,
 * no photo, no protection agreement), and damage events by month since 2022-02-24. Each
 * question links to the items query that lists those monuments; group= keeps one group (a
 * chart's own CSV). */
#include <stdio.h>
#include <string.h>

#include "http_int.h"
#include "sp_db_items.h"
#include "sp_json.h"
#include "sp_log.h"

typedef struct stats_ctx {
    sp_http_req *r;
    const char *only; /* group=: that group's rows alone; NULL: all */
    char group[16];   /* the group being written (JSON) */
} stats_ctx;

static const char *const stat_groups[] = {"total",    "district",     "condition", "significance",
                                          "question", "damage_month", NULL};

/* The items query that lists the monuments behind a question. */
static const char *question_query(const char *key)
{
    static const char *const q[][2] = {{"emergency", "condition=emergency"},
                                       {"act_overdue", "act_overdue=true"},
                                       {"hit_again", "hit_again=true"},
                                       {"no_photo", "has_photo=false"},
                                       {"no_agreement", "has_agreement=false"}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if (strcmp(q[i][0], key) == 0)
            return q[i][1];
    return NULL;
}

static void csv_text(sp_strbuf *b, const char *s)
{
    sp_strbuf_puts(b, "\"");
    for (const char *p = s ? s : ""; *p; p++) {
        sp_strbuf_append(b, p, 1);
        if (*p == '"') /* RFC 4180: a quote inside is doubled */
            sp_strbuf_append(b, p, 1);
    }
    sp_strbuf_puts(b, "\"");
}

static int stat_row(void *ctx, const char *group, const char *key, const char *label_uk,
                    const char *label_en, long long count, sp_err *err)
{
    stats_ctx *x = ctx;
    sp_strbuf *b = &x->r->body;
    if (x->only && strcmp(x->only, group) != 0)
        return SP_OK;
    if (x->r->format == SP_FMT_CSV) {
        sp_strbuf_printf(b, "%s,", group);
        csv_text(b, key);
        sp_strbuf_puts(b, ",");
        csv_text(b, label_uk);
        sp_strbuf_puts(b, ",");
        csv_text(b, label_en);
        sp_strbuf_printf(b, ",%lld\r\n", count);
    } else if (strcmp(group, "total") == 0) {
        sp_strbuf_printf(b, "\"total\":%lld", count);
        snprintf(x->group, sizeof x->group, "total");
    } else {
        if (strcmp(x->group, group) != 0) {
            sp_strbuf_printf(b, "%s\"%s\":[",
                             !x->group[0]                     ? ""
                             : strcmp(x->group, "total") == 0 ? ","
                                                              : "],",
                             group);
            snprintf(x->group, sizeof x->group, "%s", group);
        } else {
            sp_strbuf_puts(b, ",");
        }
        sp_strbuf_puts(b, "{\"key\":");
        sp_json_str(b, key);
        sp_strbuf_puts(b, ",\"label\":");
        sp_json_str(b, sp_http_in_lang(x->r, label_uk, label_en));
        sp_strbuf_puts(b, ",\"label_uk\":");
        sp_json_str(b, label_uk);
        sp_strbuf_puts(b, ",\"label_en\":");
        sp_json_str(b, label_en);
        sp_strbuf_printf(b, ",\"count\":%lld", count);
        const char *q = strcmp(group, "question") == 0 ? question_query(key) : NULL;
        if (q) {
            sp_strbuf url = {0};
            sp_http_link_url(x->r, &url, "/collections/monuments/items", q);
            sp_strbuf_puts(b, ",\"href\":");
            sp_json_str(b, sp_strbuf_cstr(&url));
            sp_strbuf_free(&url);
        }
        sp_strbuf_puts(b, "}");
    }
    return b->failed ? sp_err_set(err, SP_ENOMEM, "out of memory") : SP_OK;
}

int sp_route_stats(sp_http_req *r)
{
    int rc = SP_OK;
    static const char *const args[] = {"lang", "group", NULL};
    if ((rc = sp_http_check_args(r, args)) != SP_OK)
        return rc;
    const char *only = sp_http_arg_get(r, "group");
    int known = !only;
    for (int i = 0; !known && stat_groups[i]; i++)
        known = strcmp(only, stat_groups[i]) == 0;
    if (!known)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "group=%.40s: one of total, district, condition, significance, "
                             "question, damage_month",
                             only);
    if (r->format == SP_FMT_HTML)
        r->format = SP_FMT_JSON; /* a browser gets the JSON */
    stats_ctx x = {r, only, ""};
    sp_err err = {0};
    if (r->format == SP_FMT_CSV)
        sp_strbuf_puts(&r->body, "group,key,label_uk,label_en,count\r\n");
    else
        sp_strbuf_puts(&r->body, "{");
    if (sp_db_stats(r->db, stat_row, &x, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    if (r->format == SP_FMT_CSV) {
        r->content_type = "text/csv; charset=utf-8; header=present";
        snprintf(r->disposition, sizeof r->disposition, "inline; filename=\"stats%s%s.csv\"",
                 only ? "-" : "", only ? only : "");
        return SP_OK;
    }
    char ts[32];
    sp_log_utc_now(ts);
    sp_strbuf_printf(&r->body, "%s%s\"timeStamp\":\"%s\"}",
                     x.group[0] && strcmp(x.group, "total") != 0 ? "]" : "", x.group[0] ? "," : "",
                     ts);
    return SP_OK;
}
