/* text/sp_text.h - words and their lemmas for the search index and q= (issue 22).
 * Ukrainian words (any Cyrillic letter) go to Hunspell with Debian's hunspell-uk dictionary,
 * other words with a Latin letter to the English Snowball stemmer; words with a digit and
 * words under three letters are taken as written. A word the dictionary does not know keeps
 * its own form. Every output is lowercase and without apostrophes (’ ' ʼ are dropped, so
 * "пам’ятка", "пам'ятка" and "памятка" are one word); the search index folds case again.
 * Thread-safe: the dictionary (loaded on first use, about 0.4 s) and a cache of the lemmas
 * of recent words are shared by all threads under one lock. */
#ifndef SP_TEXT_H
#define SP_TEXT_H

#include <stddef.h>

#include "sp_strbuf.h"

/* The word of s from its first letter or digit: its start, or NULL when only separators are
 * left; *out_len its bytes. Separators are those of SQLite FTS5's unicode61 tokenizer that
 * people type (punctuation, spaces, quotes, dashes, the numero sign), except apostrophes
 * between letters, which stay in the word. Go on at start + *out_len. */
const char *sp_text_word(const char *s, size_t *out_len);

/* Appends the word s[0..len) as SQLite FTS5's unicode61 tokenizer (remove_diacritics 2)
 * indexes and searches it: lowercase, a Latin letter with a diacritic as its ASCII letter
 * ("Café" is "cafe"; Cyrillic letters keep theirs: "й", "ї"). PostgreSQL's search index
 * holds words so folded, and q= looks for them so (storage/). SP_OK, or SP_ENOMEM. */
int sp_text_fold(const char *s, size_t len, sp_strbuf *out);
/* Appends to out, each after a space, what the index holds for the words of text besides
 * text itself: a word's form without its apostrophes when it has any, and its lemmas when
 * it is not one itself ("лаври": "лавра" and "лавр"; "Київ", "Рівне": nothing, though they
 * are also forms of "кий", "рівний"). SP_OK, or SP_ENOMEM (out->failed). */
int sp_text_index_words(const char *text, sp_strbuf *out);

#define SP_TEXT_MAX_TERMS   8 /* terms of one q= word: its stem and exact lemmas */
#define SP_TEXT_TERMS_BYTES 1024

typedef struct sp_text_term {
    const char *s; /* into the sp_text_terms' buffer; one word, lowercase */
    size_t len;
    int is_prefix; /* 1: matches every word that begins so; 0: this word only */
} sp_text_term;

typedef struct sp_text_terms {
    int n;
    sp_text_term term[SP_TEXT_MAX_TERMS];
    char buf[SP_TEXT_TERMS_BYTES];
} sp_text_terms;

/* What one word of a search matches (sp_text_word gives the words), any of out's terms: the
 * longest prefix the word shares with its lemmas when that has at least SP_TEXT_STEM_MIN
 * letters (so "лаврі" is "лавр"*, which finds "лаври", "Лавра" and "Лаврська"), else the word
 * itself as a prefix for type-ahead ("собо"*), and each lemma that prefix does not cover, as
 * a whole word ("Києва" also matches "київ", the index's word for "Київ" and "Києві") unless
 * the word is a lemma itself (then the others are other readings of its letters: "Київ" is
 * not also "кий"). */
#define SP_TEXT_STEM_MIN 4
void sp_text_query_terms(const char *word, size_t len, sp_text_terms *out);

/* Loads the dictionary now rather than on the first Ukrainian word (a server about to be
 * searched); 0 when there is none: Ukrainian words are then taken as written. */
int sp_text_ready(void);

#endif
