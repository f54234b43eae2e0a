/* text/text.c - lemmas for search: Hunspell (hunspell-uk) for Ukrainian, Snowball for English.
 * Why here and how it is used: storage registers sp_search_words(), an SQLite function over
 * sp_text_index_words, on every connection it opens; the triggers and the bulk fill of the
 * search index (schemas/021_search_lemmas.sql, schemas/queries.sql) store a monument's words
 * with their lemmas in the index's own column, so a later delete removes exactly what was
 * indexed even if a newer dictionary would lemmatize differently. q= is turned into terms in
 * C (storage/items.c through sp_text_query_terms): no SQL calls the dictionary at query time.
 * Both libraries keep state while they work, so one lock guards them and the cache. The
 * dictionary takes ~0.4 s and ~30 MB to load, so it is loaded once per process, on the first
 * Ukrainian word; a Latin-only import (a German register) never loads it. Lemmas of words
 * already seen come from a small hash table (Hunspell costs ~25 us a word; an import meets
 * the same words again and again), emptied when three quarters full. */
#include "sp_text.h"

#include <glib.h>
#include <hunspell/hunspell.h>
#include <libstemmer.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_err.h"
#include "sp_hash.h"
#include "sp_log.h"

#ifndef SP_TEXT_DICT_DIR
#define SP_TEXT_DICT_DIR "/usr/share/hunspell" /* Debian's hunspell-uk */
#endif
#define SP_TEXT_WORD_MAX    96    /* bytes; longer words are taken as written */
#define SP_TEXT_LETTERS_MIN 3     /* shorter words are taken as written */
#define CACHE_SLOTS         65536 /* a power of two */
#define LEMMAS_MAX          512   /* bytes of one word's lemmas, NUL after each */

/* Bytes of the separator at p, as FTS5's unicode61 tokenizer splits (it keeps letters and
 * digits only): ASCII punctuation and space ('_' too), Latin-1 punctuation and the signs of
 * multiplication and division, U+02BC, the General Punctuation block (’ « » – — “ ”...), the
 * numero sign; else 0. A separator missed here reaches FTS5 inside a word, which then
 * refuses the query: answered as a bad q, never as an internal error. */
static size_t separator_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return (p[0] >= '0' && p[0] <= '9') || (p[0] >= 'A' && p[0] <= 'Z') ||
                       (p[0] >= 'a' && p[0] <= 'z')
                   ? 0
                   : 1;
    if (p[0] == 0xc2 && p[1] >= 0xa0 && p[1] <= 0xbf)
        return 2; /* U+00A0..U+00BF */
    if (p[0] == 0xc3 && (p[1] == 0x97 || p[1] == 0xb7))
        return 2; /* U+00D7, U+00F7 */
    if (p[0] == 0xca && p[1] == 0xbc)
        return 2; /* U+02BC modifier apostrophe */
    if (p[0] == 0xe2 && (p[1] == 0x80 || p[1] == 0x81) && p[2])
        return 3; /* U+2000..U+207F */
    if (p[0] == 0xe2 && p[1] == 0x84 && p[2] == 0x96)
        return 3; /* U+2116 numero sign */
    return 0;
}

/* Bytes of the apostrophe at p (' ’ ʼ, as Ukrainian is typed), else 0. */
static size_t apostrophe_len(const unsigned char *p)
{
    if (p[0] == '\'')
        return 1;
    if (p[0] == 0xca && p[1] == 0xbc)
        return 2;
    return p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0x99 ? 3 : 0;
}

const char *sp_text_word(const char *s, size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t sep;
    while (*p && (sep = separator_len(p)) > 0)
        p += sep;
    if (!*p) {
        *out_len = 0;
        return NULL;
    }
    const unsigned char *start = p;
    for (;;) {
        size_t a = apostrophe_len(p);
        if (a && p[a] && !separator_len(p + a))
            p += a; /* between letters: part of the word */
        else if (*p && !separator_len(p))
            p++;
        else
            break;
    }
    *out_len = (size_t)(p - start);
    return (const char *)start;
}

/* Copies word[0..len) without its apostrophes to out (NUL-terminated); its length. */
static size_t strip_apostrophes(const char *word, size_t len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t a = apostrophe_len((const unsigned char *)word + i);
        if (a) {
            i += a;
            continue;
        }
        out[n++] = word[i++];
    }
    out[n] = '\0';
    return n;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int hun_tried;              /* under lock */
static Hunhandle *hun;             /* under lock; NULL: no dictionary */
static struct sb_stemmer *english; /* under lock */
static struct {
    char *entry; /* the word, NUL, its lemmas each followed by NUL, then NUL */
    uint64_t hash;
} cache[CACHE_SLOTS]; /* under lock */
static int cache_used;

static void load_dictionary(void)
{
    if (hun_tried)
        return;
    hun_tried = 1;
    const char *aff = SP_TEXT_DICT_DIR "/uk_UA.aff", *dic = SP_TEXT_DICT_DIR "/uk_UA.dic";
    if (access(aff, R_OK) != 0 || access(dic, R_OK) != 0) {
        sp_log(SP_LOG_WARN,
               "msg=\"no Ukrainian dictionary: Ukrainian words are searched as "
               "written (install hunspell-uk)\" path=%s",
               dic);
        return;
    }
    hun = Hunspell_create(aff, dic);
}

static int has_cyrillic(const unsigned char *w, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (w[i] >= 0xd0 && w[i] <= 0xd3) /* lead bytes of U+0400..U+04FF */
            return 1;
    return 0;
}

/* Appends lemma (lowercased, without apostrophes) to the NUL-separated list out[0..*n) when
 * it is one word and not there yet. */
static void add_lemma(const char *lemma, char *out, size_t *n)
{
    char plain[SP_TEXT_WORD_MAX + 1];
    size_t len = strlen(lemma), wl;
    if (len > SP_TEXT_WORD_MAX)
        return;
    char *low = g_utf8_strdown(lemma, (gssize)len);
    len = strip_apostrophes(low, strlen(low), plain);
    g_free(low);
    if (!len || sp_text_word(plain, &wl) != plain || wl != len)
        return;
    for (size_t i = 0; i < *n; i += strlen(out + i) + 1)
        if (strcmp(out + i, plain) == 0)
            return;
    if (*n + len + 2 > LEMMAS_MAX)
        return;
    memcpy(out + *n, plain, len + 1);
    *n += len + 1;
}

/* The lemmas of word (raw, NUL-terminated; folded: its lowercase form without apostrophes)
 * into out, NUL after each; their bytes. Under lock. */
static size_t compute_lemmas(const char *word, size_t len, const char *folded, char *out)
{
    size_t n = 0;
    if (has_cyrillic((const unsigned char *)word, len)) {
        load_dictionary();
        if (!hun)
            return 0;
        char **list = NULL;
        int k = Hunspell_stem(hun, &list, word);
        for (int i = 0; i < k; i++)
            add_lemma(list[i], out, &n);
        Hunspell_free_list(hun, &list, k);
        return n;
    }
    if (!english && !(english = sb_stemmer_new("english", "UTF_8")))
        return 0;
    const sb_symbol *st = sb_stemmer_stem(english, (const sb_symbol *)folded, (int)strlen(folded));
    if (st)
        add_lemma((const char *)st, out, &n);
    return n;
}

/* The lemmas of word[0..len) into out (NUL after each, LEMMAS_MAX bytes); their bytes, 0
 * for none. folded: the word in lowercase without apostrophes (SP_TEXT_WORD_MAX + 1). The
 * word itself is among them when the dictionary has it as a lemma; the others are then
 * other readings of the same letters ("Київ": also a form of "кий", "Рівне" of "рівний"),
 * which the index leaves out and q= takes only for the stem they share (lemma_self). */
static size_t lemmas(const char *word, size_t len, char *folded, char *out)
{
    folded[0] = '\0';
    if (len > SP_TEXT_WORD_MAX || !g_utf8_validate(word, (gssize)len, NULL))
        return 0; /* taken as written (bad UTF-8 only where another program wrote the row) */
    char *low = g_utf8_strdown(word, (gssize)len);
    size_t low_len = strlen(low);
    strip_apostrophes(low, low_len > SP_TEXT_WORD_MAX ? 0 : low_len, folded);
    g_free(low);
    int letters = 0, digits = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)word[i];
        digits |= c >= '0' && c <= '9';
        letters += (c & 0xc0) != 0x80 && !apostrophe_len((const unsigned char *)word + i);
    }
    if (digits || letters < SP_TEXT_LETTERS_MIN || !folded[0])
        return 0;

    uint64_t h = sp_fnv1a(SP_FNV_INIT, word, len);
    size_t slot = h & (CACHE_SLOTS - 1), n = 0;
    pthread_mutex_lock(&lock);
    for (; cache[slot].entry; slot = (slot + 1) & (CACHE_SLOTS - 1)) {
        const char *e = cache[slot].entry;
        if (cache[slot].hash == h && strncmp(e, word, len) == 0 && e[len] == '\0') {
            const char *l = e + len + 1;
            while (l[n])
                n += strlen(l + n) + 1;
            memcpy(out, l, n);
            pthread_mutex_unlock(&lock);
            return n;
        }
    }
    char raw[SP_TEXT_WORD_MAX + 1];
    memcpy(raw, word, len);
    raw[len] = '\0';
    n = compute_lemmas(raw, len, folded, out);
    if (cache_used >= CACHE_SLOTS / 4 * 3) { /* full enough: start again */
        for (size_t i = 0; i < CACHE_SLOTS; i++) {
            free(cache[i].entry);
            cache[i].entry = NULL;
        }
        cache_used = 0;
        slot = h & (CACHE_SLOTS - 1);
    }
    char *e = malloc(len + 1 + n + 1);
    if (e) { /* without memory the lemmas are still right, only not kept */
        memcpy(e, word, len);
        e[len] = '\0';
        memcpy(e + len + 1, out, n);
        e[len + 1 + n] = '\0';
        cache[slot].entry = e;
        cache[slot].hash = h;
        cache_used++;
    }
    pthread_mutex_unlock(&lock);
    return n;
}

/* 1 when the word (folded) is one of its lemmas list[0..n). */
static int lemma_self(const char *folded, const char *list, size_t n)
{
    for (size_t i = 0; i < n; i += strlen(list + i) + 1)
        if (strcmp(list + i, folded) == 0)
            return 1;
    return 0;
}

int sp_text_index_words(const char *text, sp_strbuf *out)
{
    char folded[SP_TEXT_WORD_MAX + 1], list[LEMMAS_MAX];
    size_t len;
    for (const char *w = sp_text_word(text, &len); w; w = sp_text_word(w + len, &len)) {
        size_t n = lemmas(w, len, folded, list);
        for (size_t i = 0; i < len && folded[0]; i++) {
            if (apostrophe_len((const unsigned char *)w + i)) {
                sp_strbuf_puts(out, " ");
                sp_strbuf_puts(out, folded);
                break;
            }
        }
        for (size_t i = 0; i < n && !lemma_self(folded, list, n); i += strlen(list + i) + 1) {
            sp_strbuf_puts(out, " ");
            sp_strbuf_puts(out, list + i);
        }
    }
    return out->failed ? SP_ENOMEM : SP_OK;
}

/* Bytes of the longest common prefix of a and b, in whole characters. */
static size_t common_prefix(const char *a, const char *b)
{
    size_t i = 0, whole = 0;
    while (a[i] && a[i] == b[i]) {
        i++;
        if (((unsigned char)a[i] & 0xc0) != 0x80)
            whole = i;
    }
    return whole;
}

static void add_term(sp_text_terms *t, size_t *used, const char *s, size_t len, int is_prefix)
{
    if (t->n == SP_TEXT_MAX_TERMS || *used + len + 1 > sizeof t->buf)
        return;
    memcpy(t->buf + *used, s, len);
    t->buf[*used + len] = '\0';
    t->term[t->n++] = (sp_text_term){t->buf + *used, len, is_prefix};
    *used += len + 1;
}

void sp_text_query_terms(const char *word, size_t len, sp_text_terms *out)
{
    char folded[SP_TEXT_WORD_MAX + 1], list[LEMMAS_MAX];
    size_t n = lemmas(word, len, folded, list), used = 0;
    out->n = 0;
    if (!folded[0]) { /* too long to fold here (or not UTF-8): the word itself */
        char plain[SP_TEXT_TERMS_BYTES];
        size_t pl = len < sizeof plain ? strip_apostrophes(word, len, plain) : 0;
        if (pl)
            add_term(out, &used, plain, pl, 1);
        return;
    }
    size_t stem = strlen(folded);
    for (size_t i = 0; i < n; i += strlen(list + i) + 1) {
        size_t c = common_prefix(folded, list + i);
        if (c < stem && g_utf8_strlen(folded, (gssize)c) >= SP_TEXT_STEM_MIN)
            stem = c;
    }
    add_term(out, &used, folded, stem, 1);
    for (size_t i = 0; i < n && !lemma_self(folded, list, n); i += strlen(list + i) + 1)
        if (strncmp(list + i, folded, stem) != 0)
            add_term(out, &used, list + i, strlen(list + i), 0);
}

int sp_text_ready(void)
{
    pthread_mutex_lock(&lock);
    load_dictionary();
    int ok = hun != NULL;
    pthread_mutex_unlock(&lock);
    return ok;
}

int sp_text_fold(const char *s, size_t len, sp_strbuf *out)
{
    if (!g_utf8_validate(s, (gssize)len, NULL)) {
        sp_strbuf_append(out, s, len);
        return out->failed ? SP_ENOMEM : SP_OK;
    }
    for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
        gunichar c = g_unichar_tolower(g_utf8_get_char(p)), d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
        gsize n = c >= 0x80 ? g_unichar_fully_decompose(c, FALSE, d, G_N_ELEMENTS(d)) : 0;
        if (n > 1 && d[0] < 0x80 && g_ascii_isalpha((gchar)d[0]))
            c = d[0]; /* a Latin letter with marks: the letter */
        char buf[6];
        sp_strbuf_append(out, buf, (size_t)g_unichar_to_utf8(c, buf));
    }
    return out->failed ? SP_ENOMEM : SP_OK;
}
