/* model/dating.c - year range from a dating text as registers write it.
 * Registers give dating as free text ("1037", "1744–1767", "XI ст.", "кін. XIX – поч. XX ст.");
 * year_from/year_to make it filterable. Cyrillic Х and І are accepted in Roman numerals
 * because Ukrainian texts use them interchangeably with Latin X and I. */
#include <stdlib.h>
#include <string.h>

#include "sp_model.h"

/* Next character of s as a Roman digit (Latin or Cyrillic look-alike), else 0; *len bytes. */
static char roman_digit(const char *s, int *len)
{
    const unsigned char *p = (const unsigned char *)s;
    *len = 1;
    if (strchr("IVXLC", p[0]) && p[0])
        return (char)p[0];
    if (p[0] == 0xd0 && p[1] == 0xa5) { /* Х */
        *len = 2;
        return 'X';
    }
    if (p[0] == 0xd0 && p[1] == 0x86) { /* І */
        *len = 2;
        return 'I';
    }
    return 0;
}

static int roman_value(const char *r)
{
    int total = 0;
    for (size_t i = 0; r[i]; i++) {
        int v = r[i] == 'I' ? 1 : r[i] == 'V' ? 5 : r[i] == 'X' ? 10 : r[i] == 'L' ? 50 : 100;
        int next = r[i + 1] == 'I'   ? 1
                   : r[i + 1] == 'V' ? 5
                   : r[i + 1] == 'X' ? 10
                   : r[i + 1] == 'L' ? 50
                   : r[i + 1] == 'C' ? 100
                                     : 0;
        total += v < next ? -v : v;
    }
    return total;
}

static int is_letter_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Part of the century a qualifier just before position `at` names: 1 early, 2 mid, 3 late. */
static int qualifier(const char *start, const char *at)
{
    const char *from = at - 12 > start ? at - 12 : start;
    size_t n = (size_t)(at - from);
    char window[16];
    memcpy(window, from, n);
    window[n] = '\0';
    if (strstr(window, "поч") || strstr(window, "early") || strstr(window, "Early"))
        return 1;
    if (strstr(window, "сер") || strstr(window, "mid") || strstr(window, "Mid"))
        return 2;
    if (strstr(window, "кін") || strstr(window, "late") || strstr(window, "Late") ||
        strstr(window, "end"))
        return 3;
    return 0;
}

static void widen(int *from, int *to, int a, int b, int *found)
{
    if (!*found || a < *from)
        *from = a;
    if (!*found || b > *to)
        *to = b;
    *found = 1;
}

static void century(int c, int part, int *from, int *to, int *found)
{
    int base = (c - 1) * 100;
    static const int lo[] = {1, 1, 34, 67}, hi[] = {100, 33, 66, 100};
    widen(from, to, base + lo[part], base + hi[part], found);
}

int sp_dating_years(const char *dating, int *out_from, int *out_to)
{
    if (!dating)
        return 0;
    int from = 0, to = 0, found = 0;
    int has_century_word = strstr(dating, "ст") || strstr(dating, "centur") ||
                           strstr(dating, "Jh") || strstr(dating, "c.");
    /* Arabic years first: 3-4 digit numbers between 100 and 2100. */
    for (const char *p = dating; *p;) {
        if (*p >= '0' && *p <= '9') {
            char *end;
            long n = strtol(p, &end, 10);
            int digits = (int)(end - p);
            int ordinal = strncmp(end, "th", 2) == 0 || strncmp(end, "st", 2) == 0 ||
                          strncmp(end, "nd", 2) == 0 || strncmp(end, "rd", 2) == 0 ||
                          strncmp(end, "-th", 3) == 0;
            if (ordinal && n >= 1 && n <= 21 && has_century_word)
                century((int)n, qualifier(dating, p), &from, &to, &found);
            else if ((digits == 3 || digits == 4) && n >= 100 && n <= 2100)
                widen(&from, &to, (int)n, (int)n, &found);
            p = end;
        } else {
            p++;
        }
    }
    if (found) {
        *out_from = from;
        *out_to = to;
        return 1;
    }
    if (!has_century_word)
        return 0;
    for (const char *p = dating; *p;) {
        int len;
        if (roman_digit(p, &len) && (p == dating || !is_letter_byte((unsigned char)p[-1]))) {
            char r[16];
            int n = 0;
            const char *q = p;
            while (n < 15 && roman_digit(q, &len)) {
                r[n++] = roman_digit(q, &len);
                q += len;
            }
            r[n] = '\0';
            if (!is_letter_byte((unsigned char)*q)) {
                int c = roman_value(r);
                if (c >= 1 && c <= 21)
                    century(c, qualifier(dating, p), &from, &to, &found);
            }
            p = q;
        } else {
            p++;
        }
    }
    if (found) {
        *out_from = from;
        *out_to = to;
    }
    return found;
}
