/* tests/fuzz/fuzz_http.h - the real server for the HTTP fuzz targets (fuzz_query,
 * fuzz_multipart): started once in this process on a loopback port over a registry made
 * from data/sample (plus staff accounts with tokens, a condition report, a protection zone and a
 * citizen's report), with a
 * photo folder; each input becomes one request on a new connection. The product's rule is
 * that bad input gets a clear 4xx, so a 5xx answer is a finding (see is_server_error
 * in fuzz_http.c for the few that are not). */
#ifndef SP_FUZZ_HTTP_H
#define SP_FUZZ_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "sp_strbuf.h"

/* Written in a request where a staff token goes ("Authorization: Bearer @EDITOR@"), so
 * corpus files stay the same from run to run: an editor's (Part 4 edits, moderation) and an
 * inspector's (condition reports, photos). Roles are exact: neither may do the other's. */
#define SP_FUZZ_EDITOR    "@EDITOR@"
#define SP_FUZZ_INSPECTOR "@INSPECTOR@"

void sp_fuzz_http_start(void);
/* Appends bytes to a request target: those that would end it or are not printable ASCII
 * are %-encoded (the server sees them decoded, as from any client). */
void sp_fuzz_http_target(sp_strbuf *b, const uint8_t *s, size_t n);
/* Sends the request (the token marks replaced by the tokens) on a new connection from a
 * new loopback address (so per-address limits never block the fuzzer), half-closes it and
 * reads the first final answer. Returns its status, 0 when the server closed without one
 * (a request it could not parse). A 5xx that is a finding aborts, naming input. */
int sp_fuzz_http_send(const char *req, size_t len, const uint8_t *input, size_t input_size);

#endif
