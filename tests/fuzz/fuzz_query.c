/* tests/fuzz/fuzz_query.c - query-parameter parsing over the real server: bbox, bbox-crs,
 * crs, limit, offset, datetime, filter, q, sortby, properties, f, the department's
 * questions, the tile filters. The first byte picks the request (monuments, condition
 * reports, one monument, a map tile, or a raw request where the rest is the whole request)
 * and a few headers (Accept HTML or CSV, gzip, a staff token); the rest is the query
 * string, %-encoded where it would break the request line. Any 5xx but 503 is a finding:
 * see fuzz_http.h. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_http.h"

static const char *const paths[] = {
    "/collections/monuments/items",
    "/collections/condition_reports/items",
    "/collections/monuments/items/1",
    "/tiles/monuments/12/2396/1381.png",
    NULL, /* raw: the rest is the request */
};
#define NPATHS ((int)(sizeof paths / sizeof paths[0]))

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    sp_fuzz_http_start();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *path = paths[data[0] % NPATHS];
    int headers = data[0] / NPATHS;
    if (!path) {
        sp_fuzz_http_send((const char *)data + 1, size - 1, data, size);
        return 0;
    }
    sp_strbuf req = {0};
    sp_strbuf_printf(&req, "GET %s?", path);
    sp_fuzz_http_target(&req, data + 1, size - 1);
    sp_strbuf_puts(&req, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if (headers & 1)
        sp_strbuf_puts(&req, "Accept: text/html,application/xhtml+xml\r\n");
    if (headers & 2)
        sp_strbuf_puts(&req, "Accept: text/csv\r\n");
    if (headers & 4)
        sp_strbuf_puts(&req, "Accept-Encoding: gzip\r\n");
    if (headers & 8)
        sp_strbuf_puts(&req, "Authorization: Bearer " SP_FUZZ_EDITOR "\r\n");
    sp_strbuf_puts(&req, "\r\n");
    sp_fuzz_http_send(req.data, req.len, data, size);
    sp_strbuf_free(&req);
    return 0;
}
