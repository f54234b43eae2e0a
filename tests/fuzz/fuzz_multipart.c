/* tests/fuzz/fuzz_multipart.c - multipart/form-data over the real server, as the two forms
 * that take it send it: a citizen's damage report with photos (POST /reports, no account)
 * and a photo with its metadata (POST /collections/monuments/items/1/photos, staff). The
 * first byte picks the form (or a raw image body for the photo route) and the boundary's
 * spelling; the rest is the body, whose boundary is XyZ. Parts go through libmicrohttpd's
 * post processor into server/routes_photos.c and the photos module (a real decode of every
 * `file`). Any 5xx but 503 is a finding: see fuzz_http.h. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_http.h"

static const struct {
    const char *path;
    const char *content_type; /* NULL: multipart, with the boundary below */
    int is_staff;             /* an inspector's */
} forms[] = {
    {"/reports", NULL, 0},
    {"/collections/monuments/items/1/photos", NULL, 1},
    {"/collections/monuments/items/1/photos", "image/jpeg", 1},
};
#define NFORMS ((int)(sizeof forms / sizeof forms[0]))
static const char *const boundaries[] = {"boundary=XyZ", "boundary=\"XyZ\"",
                                         "charset=utf-8; boundary=XyZ"};
#define NBOUNDARIES ((int)(sizeof boundaries / sizeof boundaries[0]))

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
    int form = data[0] % NFORMS;
    const char *boundary = boundaries[(data[0] / NFORMS) % NBOUNDARIES];
    sp_strbuf req = {0};
    sp_strbuf_printf(&req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
                     forms[form].path);
    if (forms[form].content_type)
        sp_strbuf_printf(&req, "Content-Type: %s\r\n", forms[form].content_type);
    else
        sp_strbuf_printf(&req, "Content-Type: multipart/form-data; %s\r\n", boundary);
    if (forms[form].is_staff)
        sp_strbuf_puts(&req, "Authorization: Bearer " SP_FUZZ_INSPECTOR "\r\n");
    sp_strbuf_printf(&req, "Content-Length: %zu\r\n\r\n", size - 1);
    sp_strbuf_append(&req, (const char *)data + 1, size - 1);
    sp_fuzz_http_send(req.data, req.len, data, size);
    sp_strbuf_free(&req);
    return 0;
}
