/* common/sp_csv.h - the one rule for CSV cells that a spreadsheet could run as a formula
 * (CSV injection): items?f=csv and the CSV export both go through it (issue 21). */
#ifndef SP_CSV_H
#define SP_CSV_H

#include "sp_strbuf.h"

/* 1 when a spreadsheet would take v as a formula: it begins with = + - @, a tab or a
 * carriage return, and is not a plain number ("-12", "+3.5" stay numbers). */
int sp_csv_is_formula(const char *v);
/* v as a spreadsheet shows it as text: a formula gets a leading ' (OWASP's advice), the
 * rest is unchanged. Into out (cleared first); SP_ENOMEM when it cannot grow. */
int sp_csv_neutral(const char *v, sp_strbuf *out);
/* v as one RFC 4180 cell, neutralised, appended to b (NULL: an empty cell). */
void sp_csv_cell(sp_strbuf *b, const char *v);

#endif
