/* model/model.c - entity field tables, vocabulary resolution and value normalisation.
 * The field tables are the single list of what a monument, district, zone and report
 * hold; storage binds columns in this order and importers map source fields onto it. */
#include "sp_model.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_keyset.h"
#include "sp_utf8.h"

#define SP_TEXT_MAX       4000
#define SP_LONG_TEXT_MAX  65536
#define SP_SHORT_TEXT_MAX 400

/* clang-format off */
static const sp_field monument_fields[SP_MF_COUNT] = {
    [SP_MF_SOURCE_ID]         = {"source_id", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
    [SP_MF_PROTECTION_NO]     = {"protection_no", SP_FT_TEXT, NULL, 0, 64},
    [SP_MF_REGISTER_ACT]      = {"register_act", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
    [SP_MF_REGISTER_DATE]     = {"register_date", SP_FT_DATE, NULL, 0, 10},
    [SP_MF_SIGNIFICANCE]      = {"significance", SP_FT_VOCAB, "significance", 0, 64},
    [SP_MF_OBJECT_KIND]       = {"object_kind", SP_FT_VOCAB, "object_kind", 0, 64},
    [SP_MF_KINDS]             = {"kinds", SP_FT_VOCAB_SET, "kind", 0, 400},
    [SP_MF_NAME_UK]           = {"name_uk", SP_FT_TEXT, NULL, 1, SP_TEXT_MAX},
    [SP_MF_NAME_EN]           = {"name_en", SP_FT_TEXT, NULL, 0, SP_TEXT_MAX},
    [SP_MF_DATING]            = {"dating", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
    [SP_MF_YEAR_FROM]         = {"year_from", SP_FT_INT, NULL, 0, 8},
    [SP_MF_YEAR_TO]           = {"year_to", SP_FT_INT, NULL, 0, 8},
    [SP_MF_ADDRESS]           = {"address", SP_FT_TEXT, NULL, 0, SP_TEXT_MAX},
    [SP_MF_DISTRICT]          = {"district", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
    [SP_MF_CADASTRAL_NO]      = {"cadastral_no", SP_FT_TEXT, NULL, 0, 64},
    [SP_MF_PROTECTED_SUBJECT] = {"protected_subject", SP_FT_TEXT, NULL, 0, SP_LONG_TEXT_MAX},
    [SP_MF_AGREEMENT_NO]      = {"agreement_no", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
    [SP_MF_AGREEMENT_DATE]    = {"agreement_date", SP_FT_DATE, NULL, 0, 10},
    [SP_MF_PASSPORT_REF]      = {"passport_ref", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
    [SP_MF_WIKIDATA]          = {"wikidata", SP_FT_WIKIDATA, NULL, 0, 16},
    [SP_MF_WLM_ID]            = {"wlm_id", SP_FT_TEXT, NULL, 0, 64},
    [SP_MF_LOCATION_SENSITIVE]= {"location_sensitive", SP_FT_BOOL, NULL, 0, 1},
    [SP_MF_DESCRIPTION]       = {"description", SP_FT_TEXT, NULL, 0, SP_LONG_TEXT_MAX},
    [SP_MF_SOURCE]            = {"source", SP_FT_TEXT, NULL, 0, SP_TEXT_MAX},
};
static const sp_field district_fields[SP_DF_COUNT] = {
    [SP_DF_SOURCE_ID] = {"source_id", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
    [SP_DF_NAME_UK]   = {"name_uk", SP_FT_TEXT, NULL, 1, SP_SHORT_TEXT_MAX},
    [SP_DF_NAME_EN]   = {"name_en", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
};
static const sp_field zone_fields[SP_ZF_COUNT] = {
    [SP_ZF_SOURCE_ID]    = {"source_id", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
    [SP_ZF_ZONE_TYPE]    = {"zone_type", SP_FT_VOCAB, "zone_type", 1, 64},
    [SP_ZF_MONUMENT_ID]  = {"monument_id", SP_FT_ID, NULL, 0, 20},
    [SP_ZF_NAME_UK]      = {"name_uk", SP_FT_TEXT, NULL, 0, SP_TEXT_MAX},
    [SP_ZF_DECISION]     = {"decision", SP_FT_TEXT, NULL, 0, SP_TEXT_MAX},
    [SP_ZF_SOURCE]       = {"source", SP_FT_TEXT, NULL, 0, SP_TEXT_MAX},
};
static const sp_field report_fields[SP_RF_COUNT] = {
    [SP_RF_REPORT_TYPE]   = {"report_type", SP_FT_VOCAB, "report_type", 1, 64},
    [SP_RF_OBSERVED_ON]   = {"observed_on", SP_FT_DATE, NULL, 0, 10},
    [SP_RF_EVENT_DATE]    = {"event_date", SP_FT_DATE, NULL, 0, 10},
    [SP_RF_CONDITION]     = {"condition", SP_FT_VOCAB, "condition", 0, 64},
    [SP_RF_DAMAGE_LEVEL]  = {"damage_level", SP_FT_VOCAB, "damage_level", 0, 64},
    [SP_RF_DAMAGE_EXTENT] = {"damage_extent", SP_FT_VOCAB, "damage_extent", 0, 64},
    [SP_RF_CAUSES]        = {"causes", SP_FT_VOCAB_SET, "cause", 0, 400},
    [SP_RF_ELEMENTS]      = {"elements", SP_FT_VOCAB_SET, "element", 0, 400},
    [SP_RF_REPEAT_HIT]    = {"repeat_hit", SP_FT_BOOL, NULL, 0, 1},
    [SP_RF_PRIORITY]      = {"priority", SP_FT_VOCAB, "priority", 0, 8},
    [SP_RF_TREND]         = {"trend", SP_FT_VOCAB, "trend", 0, 64},
    [SP_RF_DESCRIPTION]   = {"description", SP_FT_TEXT, NULL, 0, SP_LONG_TEXT_MAX},
    [SP_RF_RECOMMENDED_ACTIONS] = {"recommended_actions", SP_FT_TEXT, NULL, 0, SP_LONG_TEXT_MAX},
    [SP_RF_REPORT_SOURCE] = {"source", SP_FT_VOCAB, "report_source", 0, 64},
    [SP_RF_VERIFICATION]  = {"verification", SP_FT_VOCAB, "verification", 0, 64},
    [SP_RF_AUTHOR]        = {"author", SP_FT_TEXT, NULL, 0, SP_SHORT_TEXT_MAX},
    [SP_RF_NEXT_DUE]      = {"next_due", SP_FT_DATE, NULL, 0, 10},
};
static const sp_entity entities[SP_ENT_COUNT] = {
    {SP_ENT_MONUMENT, "monument", monument_fields, SP_MF_COUNT, SP_MF_SOURCE_ID, 1},
    {SP_ENT_DISTRICT, "district", district_fields, SP_DF_COUNT, SP_DF_SOURCE_ID, 1},
    {SP_ENT_ZONE, "protection_zone", zone_fields, SP_ZF_COUNT, SP_ZF_SOURCE_ID, 1},
    {SP_ENT_REPORT, "condition_report", report_fields, SP_RF_COUNT, -1, 0},
};
/* clang-format on */

const sp_entity *sp_model_entity(sp_entity_id id)
{
    return id >= 0 && id < SP_ENT_COUNT ? &entities[id] : NULL;
}

const sp_entity *sp_model_entity_by_name(const char *name)
{
    for (int i = 0; i < SP_ENT_COUNT; i++)
        if (strcmp(entities[i].name, name) == 0)
            return &entities[i];
    return NULL;
}

int sp_model_field_index(const sp_entity *e, const char *name)
{
    for (int i = 0; i < e->nfields; i++)
        if (strcmp(e->fields[i].name, name) == 0)
            return i;
    return -1;
}

/* ---- case folding ------------------------------------------------------------------ */

static int decode(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0 && s[1]) {
        *cp = ((unsigned)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
        return 2;
    }
    if ((s[0] & 0xf0) == 0xe0 && s[1] && s[2]) {
        *cp = ((unsigned)(s[0] & 0x0f) << 12) | ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
        return 3;
    }
    *cp = s[0]; /* callers validate UTF-8 first; pass anything else through */
    return 1;
}

static size_t encode(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

static unsigned fold_cp(unsigned cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp >= 0x410 && cp <= 0x42f) /* А..Я */
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40f) /* Ѐ..Џ incl. Є І Ї */
        return cp + 0x50;
    if (cp == 0x490) /* Ґ */
        return 0x491;
    if (cp == '\'' || cp == 0x2bc || cp == 0x2018 || cp == 0x60 || cp == 0xb4)
        return 0x2019; /* apostrophe variants */
    if (cp == 0x2013 || cp == 0x2014)
        return '-';
    return cp;
}

char *sp_model_fold(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1); /* an apostrophe may grow from 1 to 3 bytes */
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    int pending_space = 0;
    while (*p) {
        unsigned cp;
        p += decode(p, &cp);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xa0) {
            pending_space = o > 0;
            continue;
        }
        if (pending_space)
            out[o++] = ' ';
        pending_space = 0;
        o += encode(fold_cp(cp), out + o);
    }
    out[o] = '\0';
    return out;
}

/* ---- vocabularies ------------------------------------------------------------------ */

typedef struct vocab_entry {
    char *domain, *code, *fold_code, *fold_uk, *fold_en;
} vocab_entry;

/* Entries in load order (each domain's codes in display order, then the aliases), with two
 * indexes from "domain<US>text" to the first entry that has it, so that resolving a value
 * costs the same however large the vocabularies: exact codes, and the folded code and
 * labels. Read-only once loaded (the server's threads share one). */
struct sp_vocab {
    vocab_entry *items;
    int n, cap;
    sp_keyset *codes, *folds;
};

#define SP_VOCAB_KEY_MAX 1024 /* a domain and a code or label; longer is no entry's */

/* "domain<US>text" into out; 0 when it does not fit. */
static int vocab_key(char out[SP_VOCAB_KEY_MAX], const char *domain, const char *text)
{
    size_t d = strlen(domain), t = strlen(text);
    if (d + 1 + t >= SP_VOCAB_KEY_MAX)
        return 0;
    memcpy(out, domain, d);
    out[d] = '\x1f';
    memcpy(out + d + 1, text, t + 1);
    return 1;
}

/* Indexes entry i under (its domain, text) unless an earlier entry has that key. */
static int vocab_index(sp_keyset *index, const vocab_entry *e, const char *text, int i)
{
    char key[SP_VOCAB_KEY_MAX];
    long long first;
    return vocab_key(key, e->domain, text) && sp_keyset_add(index, key, i, &first) >= 0 ? 0 : -1;
}

/* The first entry with (domain, text) in index, or -1. */
static int vocab_find(const sp_keyset *index, const char *domain, const char *text)
{
    char key[SP_VOCAB_KEY_MAX];
    long long i;
    return vocab_key(key, domain, text) && sp_keyset_get(index, key, &i) ? (int)i : -1;
}

sp_vocab *sp_vocab_new(void)
{
    sp_vocab *v = calloc(1, sizeof(sp_vocab));
    if (v && (!(v->codes = sp_keyset_new()) || !(v->folds = sp_keyset_new()))) {
        sp_keyset_free(v->codes);
        free(v);
        return NULL;
    }
    return v;
}

void sp_vocab_free(sp_vocab *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->n; i++) {
        free(v->items[i].domain);
        free(v->items[i].code);
        free(v->items[i].fold_code);
        free(v->items[i].fold_uk);
        free(v->items[i].fold_en);
    }
    free(v->items);
    sp_keyset_free(v->codes);
    sp_keyset_free(v->folds);
    free(v);
}

int sp_vocab_count(const sp_vocab *v)
{
    return v->n;
}

int sp_vocab_add(sp_vocab *v, const char *domain, const char *code, const char *label_uk,
                 const char *label_en, sp_err *err)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 64;
        vocab_entry *items = realloc(v->items, (size_t)cap * sizeof *items);
        if (!items)
            return sp_err_set(err, SP_ENOMEM, "out of memory loading vocabularies");
        v->items = items;
        v->cap = cap;
    }
    vocab_entry *e = &v->items[v->n];
    e->domain = strdup(domain);
    e->code = strdup(code);
    e->fold_code = sp_model_fold(code);
    e->fold_uk = sp_model_fold(label_uk ? label_uk : "");
    e->fold_en = sp_model_fold(label_en ? label_en : "");
    v->n++; /* counted before the checks so sp_vocab_free releases partial entries */
    int i = v->n - 1;
    if (!e->domain || !e->code || !e->fold_code || !e->fold_uk || !e->fold_en)
        return sp_err_set(err, SP_ENOMEM, "out of memory loading vocabularies");
    if (vocab_index(v->codes, e, e->code, i) || vocab_index(v->folds, e, e->fold_code, i) ||
        (e->fold_uk[0] && vocab_index(v->folds, e, e->fold_uk, i)) ||
        (e->fold_en[0] && vocab_index(v->folds, e, e->fold_en, i)))
        return sp_err_set(err, SP_ENOMEM,
                          "vocabulary %s: entry %.60s is too long to index, or out of memory",
                          domain, code);
    return SP_OK;
}

const char *sp_vocab_resolve(const sp_vocab *v, const char *domain, const char *text)
{
    int i = vocab_find(v->codes, domain, text); /* codes as they are: the common case */
    if (i >= 0)
        return v->items[i].code;
    char *f = sp_model_fold(text);
    if (!f)
        return NULL;
    i = vocab_find(v->folds, domain, f);
    free(f);
    return i >= 0 ? v->items[i].code : NULL;
}

/* Position of a code in its vocabulary, to store sets in a canonical order. */
static int vocab_rank(const sp_vocab *v, const char *domain, const char *code)
{
    return vocab_find(v->codes, domain, code);
}

/* ---- normalisation ----------------------------------------------------------------- */

static char *trimmed_dup(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* Accepts YYYY-MM-DD, YYYY/MM/DD (OGR's date text), DD.MM.YYYY (Ukrainian documents),
 * YYYY-MM-DDThh:mm... (date part), YYYY-MM and YYYY. */
static int normalize_date(const char *s, char *out, size_t outsz)
{
    int y = 0, m = 0, d = 0, used = 0;
    char sep1, sep2;
    if (sscanf(s, "%4d%c%2d%c%2d%n", &y, &sep1, &m, &sep2, &d, &used) == 5 && sep1 == sep2 &&
        (sep1 == '-' || sep1 == '/') && (s[used] == '\0' || s[used] == 'T' || s[used] == ' ')) {
    } else if (sscanf(s, "%2d.%2d.%4d%n", &d, &m, &y, &used) == 3 && s[used] == '\0') {
    } else if (sscanf(s, "%4d-%2d%n", &y, &m, &used) == 2 && s[used] == '\0' && used == 7) {
        if (m < 1 || m > 12)
            return 0;
        snprintf(out, outsz, "%04d-%02d", y, m);
        return 1;
    } else if (sscanf(s, "%4d%n", &y, &used) == 1 && s[used] == '\0' && used == 4) {
        snprintf(out, outsz, "%04d", y);
        return 1;
    } else {
        return 0;
    }
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return 0;
    snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
    return 1;
}

static int normalize_bool(const char *s)
{
    static const char *const yes[] = {"1", "true", "yes", "y", "так", "t", NULL};
    static const char *const no[] = {"0", "false", "no", "n", "ні", "f", NULL};
    char *f = sp_model_fold(s);
    int r = -1;
    for (int i = 0; f && yes[i]; i++)
        if (strcmp(f, yes[i]) == 0)
            r = 1;
    for (int i = 0; f && no[i]; i++)
        if (strcmp(f, no[i]) == 0)
            r = 0;
    free(f);
    return r;
}

static int normalize_set(const sp_field *f, const sp_vocab *v, const char *s, char **out,
                         sp_err *err)
{
    /* Split on ; , | and resolve each part; keep vocabulary order, drop repeats. */
    char *copy = strdup(s);
    const char *codes[64];
    int n = 0;
    if (!copy)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    for (char *save = NULL, *tok = strtok_r(copy, ";,|", &save); tok;
         tok = strtok_r(NULL, ";,|", &save)) {
        char *t = trimmed_dup(tok);
        if (!t) {
            free(copy);
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        }
        if (!t[0]) {
            free(t);
            continue;
        }
        const char *code = sp_vocab_resolve(v, f->vocab, t);
        if (!code) {
            sp_err_set(err, SP_EINVAL, "field '%s': unknown %s value '%s'", f->name, f->vocab, t);
            free(t);
            free(copy);
            return err->code;
        }
        free(t);
        int dup = 0;
        for (int i = 0; i < n; i++)
            dup |= strcmp(codes[i], code) == 0;
        if (!dup && n < 64)
            codes[n++] = code;
    }
    free(copy);
    if (n == 0) {
        *out = NULL;
        return SP_OK;
    }
    for (int i = 1; i < n; i++) /* insertion sort by vocabulary rank */
        for (int j = i;
             j > 0 && vocab_rank(v, f->vocab, codes[j - 1]) > vocab_rank(v, f->vocab, codes[j]);
             j--) {
            const char *t = codes[j];
            codes[j] = codes[j - 1];
            codes[j - 1] = t;
        }
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(codes[i]) + 1;
    char *joined = malloc(len);
    if (!joined)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    joined[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(joined, ";");
        strcat(joined, codes[i]);
    }
    *out = joined;
    return SP_OK;
}

int sp_model_normalize(const sp_field *f, const sp_vocab *v, const char *raw, char **out,
                       sp_err *err)
{
    *out = NULL;
    if (!raw)
        return SP_OK;
    size_t rawlen = strlen(raw);
    size_t bad = sp_utf8_invalid_at(raw, rawlen);
    if (bad != rawlen)
        return sp_err_set(err, SP_EINVAL, "field '%s': not valid UTF-8 (byte %zu)", f->name, bad);
    char *s = trimmed_dup(raw);
    if (!s)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    if (!s[0]) {
        free(s);
        return SP_OK;
    }
    if (strlen(s) > f->max_len && f->type == SP_FT_TEXT) {
        sp_err_set(err, SP_EINVAL, "field '%s': %zu bytes, longer than the %zu allowed", f->name,
                   strlen(s), f->max_len);
        free(s);
        return err->code;
    }
    char buf[32];
    int rc = SP_OK;
    switch (f->type) {
    case SP_FT_TEXT:
        *out = s;
        return SP_OK;
    case SP_FT_INT: {
        char *end;
        errno = 0;
        long long n = strtoll(s, &end, 10);
        if (*end == '.' && strspn(end + 1, "0") == strlen(end + 1)) /* "1037.0" from XLSX */
            end += strlen(end);
        if (errno || *end || n < -100000 || n > 100000)
            rc = sp_err_set(err, SP_EINVAL, "field '%s': '%s' is not a whole number", f->name, s);
        else
            snprintf(buf, sizeof buf, "%lld", n);
        break;
    }
    case SP_FT_ID: {
        char *end;
        errno = 0;
        long long n = strtoll(s, &end, 10);
        if (errno || *end || n < 1 || n > (1LL << 53))
            rc = sp_err_set(err, SP_EINVAL, "field '%s': '%s' is not a record id", f->name, s);
        else
            snprintf(buf, sizeof buf, "%lld", n);
        break;
    }
    case SP_FT_DATE:
        if (!normalize_date(s, buf, sizeof buf))
            rc =
                sp_err_set(err, SP_EINVAL,
                           "field '%s': '%s' is not a date (YYYY-MM-DD or DD.MM.YYYY)", f->name, s);
        break;
    case SP_FT_BOOL: {
        int b = normalize_bool(s);
        if (b < 0)
            rc = sp_err_set(err, SP_EINVAL, "field '%s': '%s' is not yes/no", f->name, s);
        else
            snprintf(buf, sizeof buf, "%d", b);
        break;
    }
    case SP_FT_WIKIDATA: {
        size_t digits = strspn(s + 1, "0123456789");
        if ((s[0] != 'Q' && s[0] != 'q') || digits == 0 || s[1 + digits] != '\0' || digits > 12)
            rc = sp_err_set(err, SP_EINVAL, "field '%s': '%s' is not a Wikidata id (Q123)", f->name,
                            s);
        else
            snprintf(buf, sizeof buf, "Q%s", s + 1);
        break;
    }
    case SP_FT_VOCAB: {
        const char *code = sp_vocab_resolve(v, f->vocab, s);
        if (!code)
            rc = sp_err_set(err, SP_EINVAL, "field '%s': unknown %s value '%s'", f->name, f->vocab,
                            s);
        else
            snprintf(buf, sizeof buf, "%s", code);
        break;
    }
    case SP_FT_VOCAB_SET:
        rc = normalize_set(f, v, s, out, err);
        free(s);
        return rc;
    }
    free(s);
    if (rc != SP_OK)
        return rc;
    *out = strdup(buf);
    return *out ? SP_OK : sp_err_set(err, SP_ENOMEM, "out of memory");
}
