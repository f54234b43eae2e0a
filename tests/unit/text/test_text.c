/* tests/unit/text/test_text.c - text/: words as the search index splits them, the lemmas it
 * stores (Hunspell uk with Debian's hunspell-uk, Snowball en) and the terms of a q= word.
 * Against the real dictionary: cases that need it skip when it is not installed. */
#include <string.h>

#include "sp_test.h"
#include "sp_text.h"

/* The index words of text, without the leading space; a static buffer. */
static const char *index_words(const char *text)
{
    static char out[1024];
    sp_strbuf b = {0};
    SP_CHECK(sp_text_index_words(text, &b) == 0);
    snprintf(out, sizeof out, "%s", b.len ? sp_strbuf_cstr(&b) + 1 : "");
    sp_strbuf_free(&b);
    return out;
}

/* The terms of a q= word as "term*|term" (prefix terms end in '*'); a static buffer. */
static const char *terms(const char *word)
{
    static char out[1024];
    sp_text_terms t;
    sp_text_query_terms(word, strlen(word), &t);
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < t.n; i++)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%.*s%s", i ? "|" : "", (int)t.term[i].len,
                              t.term[i].s, t.term[i].is_prefix ? "*" : "");
    return out;
}

/* 1 when space-separated list has word. */
static int has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

static void test_text__words_split_like_the_index(void)
{
    const char *s = "  Києво-Печерська «лавра», №5; пам’ятка 'Лавра' St Andrew's";
    const char *want[] = {"Києво",    "Печерська", "лавра", "5",
                          "пам’ятка", "Лавра",     "St",    "Andrew's"};
    size_t len, i = 0;
    for (const char *w = sp_text_word(s, &len); w; w = sp_text_word(w + len, &len), i++) {
        SP_CHECK(i < sizeof want / sizeof want[0]);
        if (i < sizeof want / sizeof want[0])
            SP_CHECK(len == strlen(want[i]) && strncmp(w, want[i], len) == 0);
    }
    SP_CHECK(i == sizeof want / sizeof want[0]);
    SP_CHECK(sp_text_word("", &len) == NULL && len == 0);
    SP_CHECK(sp_text_word(" ,.;’ʼ'«» — ", &len) == NULL);
}

static void test_text__ukrainian_inflections_share_a_lemma(void)
{
    if (!sp_text_ready())
        SP_SKIP("no hunspell-uk dictionary in "
                "/usr/share/hunspell");
    SP_CHECK(has_word(index_words("Києво-Печерської лаври"), "лавра"));
    SP_CHECK(has_word(index_words("Києво-Печерської лаври"), "печерський"));
    SP_CHECK(has_word(index_words("Будинок Національної опери України"), "опера"));
    SP_CHECK(has_word(index_words("Будинок Національної опери України"), "національний"));
    SP_CHECK(has_word(index_words("Михайлівського собору"), "собор"));
    /* the word itself is not repeated; nominative words add nothing */
    SP_CHECK_STR(index_words("собор"), "");
    SP_CHECK(!has_word(index_words("лавра"), "лавра"));
    /* q= words: the stem they share with their lemmas, as a prefix */
    SP_CHECK_STR(terms("Лавра"), "лавр*");
    SP_CHECK_STR(terms("лаврі"), "лавр*");
    SP_CHECK_STR(terms("опера"), "опер*");
    SP_CHECK_STR(terms("оперу"), "опер*");
    SP_CHECK_STR(terms("собору"), "собор*");
    SP_CHECK_STR(terms("СОБОРУ"), "собор*");
    /* a lemma far from the word (і/о, і/е alternation) is matched whole */
    SP_CHECK_STR(terms("Києва"), "києва*|київ");
    SP_CHECK(has_word(index_words("у Києві"), "київ"));
    /* a word that is a lemma itself: its other readings are left out */
    SP_CHECK_STR(index_words("м. Київ"), "");
    SP_CHECK_STR(index_words("Рівне"), "");
    SP_CHECK_STR(terms("Київ"), "київ*");
    SP_CHECK(has_word(index_words("Лаври"), "лавр"));
}

static void test_text__english_plurals_stem(void)
{
    SP_CHECK_STR(terms("churches"), "church*");
    SP_CHECK_STR(terms("Churches"), "church*");
    SP_CHECK_STR(terms("church"), "church*");
    SP_CHECK_STR(terms("libraries"), "librari*");
    SP_CHECK(has_word(index_words("National Library"), "librari"));
    SP_CHECK(has_word(index_words("St Andrew's Church"), "andrews"));
    SP_CHECK(has_word(index_words("St Andrew's Church"), "andrew"));
    SP_CHECK_STR(index_words("Church"), "");
}

static void test_text__unknown_words_keep_their_form(void)
{
    /* proper names, transliterations, fragments typed so far: the word itself, a prefix */
    SP_CHECK_STR(terms("Хрещатик"), "хрещатик*");
    SP_CHECK_STR(terms("собо"), "собо*");
    SP_CHECK_STR(terms("Kyiv"), "kyiv*");
    SP_CHECK_STR(terms("Pechersk"), "pechersk*");
    SP_CHECK_STR(index_words("Хрещатик"), "");
    /* digits and short words are taken as written */
    SP_CHECK_STR(terms("15Б"), "15б*");
    SP_CHECK_STR(terms("Ки"), "ки*");
    SP_CHECK_STR(index_words("вул. Лаврська, 15Б"), index_words("Лаврська"));
}

static void test_text__apostrophes_fold(void)
{
    /* ’ ' ʼ and none: one word in the index and in q= */
    SP_CHECK(has_word(index_words("Пам’ятник Тарасові Шевченку"), "памятник"));
    SP_CHECK(has_word(index_words("Пам'ятник"), "памятник"));
    SP_CHECK(has_word(index_words("Памʼятник"), "памятник"));
    SP_CHECK_STR(terms("пам’ятник"), terms("пам'ятник"));
    SP_CHECK_STR(terms("памʼятник"), terms("пам'ятник"));
    SP_CHECK(strncmp(terms("Пам'ятника"), "памятник", strlen("памятник")) == 0);
    SP_CHECK_STR(terms("памятник"), "памятник*");
    /* quotes around a word are not part of it */
    size_t len;
    const char *w = sp_text_word("'собор'", &len);
    SP_CHECK(w && len == strlen("собор"));
}

static void test_text__odd_input(void)
{
    SP_CHECK_STR(index_words(""), "");
    SP_CHECK_STR(index_words("  ,,; — "), "");
    SP_CHECK_STR(index_words("12 345"), "");
    char long_word[400];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    SP_CHECK_STR(index_words(long_word), "");               /* too long to look up: as written */
    SP_CHECK(strlen(terms(long_word)) == sizeof long_word); /* itself, '*' added */
    /* bytes that are not UTF-8 (a row another program wrote): taken as written */
    SP_CHECK_STR(index_words("\xff\xfe\xd0"), "");
    SP_CHECK_STR(index_words("churches \xd0"), "church");
    /* the same word many times (the cache) gives the same answer */
    for (int i = 0; i < 3; i++)
        SP_CHECK_STR(terms("churches"), "church*");
}

int main(int argc, char **argv)
{
    static const sp_test_case cases[] = {
        {"test_text__words_split_like_the_index", test_text__words_split_like_the_index},
        {"test_text__ukrainian_inflections_share_a_lemma",
         test_text__ukrainian_inflections_share_a_lemma},
        {"test_text__english_plurals_stem", test_text__english_plurals_stem},
        {"test_text__unknown_words_keep_their_form", test_text__unknown_words_keep_their_form},
        {"test_text__apostrophes_fold", test_text__apostrophes_fold},
        {"test_text__odd_input", test_text__odd_input},
        {NULL, NULL},
    };
    return sp_test_main(argc, argv, cases);
}
