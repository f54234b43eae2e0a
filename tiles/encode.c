/* tiles/encode.c - PNG encoding of rendered tiles with libpng. Most tiles are a few symbols
 * on transparency: they have far fewer than 256 colours and go out as palette PNGs (with
 * tRNS, at the smallest bit depth), the same pixels in a third of the bytes; the rest as
 * RGBA. zlib level 3 without row filters, chosen by measurement (bench/RESULTS.md, "PNG
 * encoding"): filters cost time and, on flat symbols over transparency, bytes too. */
#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_tile.h"
#include "tile_int.h"

#define SP_PNG_LEVEL       3 /* zlib level */
#define SP_PNG_PALETTE_MAX 256
#define SP_PNG_HASH_SLOTS  1024 /* open addressing, > 2 x palette */

typedef struct out_buf {
    unsigned char *data;
    size_t len, cap;
    int failed;
} out_buf;

static void write_fn(png_structp png, png_bytep data, png_size_t len)
{
    out_buf *b = png_get_io_ptr(png);
    if (b->failed)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + len)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void flush_fn(png_structp png)
{
    (void)png;
}

/* Un-premultiplied RGBA of a Cairo ARGB32 pixel, packed as 0xRRGGBBAA. */
static uint32_t rgba_of(uint32_t argb)
{
    uint32_t a = argb >> 24;
    if (a == 0)
        return 0;
    uint32_t r = (argb >> 16) & 255, g = (argb >> 8) & 255, b = argb & 255;
    if (a != 255) {
        r = (r * 255 + a / 2) / a;
        g = (g * 255 + a / 2) / a;
        b = (b * 255 + a / 2) / a;
    }
    return r << 24 | g << 16 | b << 8 | a;
}

typedef struct palette {
    uint32_t color[SP_PNG_PALETTE_MAX];
    int n;
    uint32_t slot_color[SP_PNG_HASH_SLOTS];
    int16_t slot_index[SP_PNG_HASH_SLOTS]; /* -1: empty */
} palette;

/* Index of c in the palette, adding it; -1 when the palette is full. */
static int palette_index(palette *p, uint32_t c)
{
    uint32_t h = (c * 2654435761u) >> 22; /* 10 bits */
    for (;;) {
        if (p->slot_index[h] < 0) {
            if (p->n == SP_PNG_PALETTE_MAX)
                return -1;
            p->slot_index[h] = (int16_t)p->n;
            p->slot_color[h] = c;
            p->color[p->n] = c;
            return p->n++;
        }
        if (p->slot_color[h] == c)
            return p->slot_index[h];
        h = (h + 1) & (SP_PNG_HASH_SLOTS - 1);
    }
}

int sp_tile_encode_png(const unsigned char *src, int w, int h, int stride, unsigned char **out,
                       size_t *out_len, sp_err *err)
{
    *out = NULL;
    *out_len = 0;
    unsigned char *pix = malloc((size_t)w * h * 4); /* RGBA, or one index a pixel */
    palette *pal = calloc(1, sizeof *pal);
    if (!pix || !pal) {
        free(pix);
        free(pal);
        return sp_err_set(err, SP_ENOMEM, "out of memory encoding a tile");
    }
    memset(pal->slot_index, 0xff, sizeof pal->slot_index);
    int is_palette = 1;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(src + (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            uint32_t c = rgba_of(row[x]);
            unsigned char *o = pix + ((size_t)y * w + x) * 4;
            o[0] = (unsigned char)(c >> 24), o[1] = (unsigned char)(c >> 16);
            o[2] = (unsigned char)(c >> 8), o[3] = (unsigned char)c;
            if (is_palette && palette_index(pal, c) < 0)
                is_palette = 0;
        }
    }
    int depth = 8;
    if (is_palette) { /* RGBA to indices, in place (an index is written behind its read) */
        for (size_t i = 0; i < (size_t)w * h; i++) {
            const unsigned char *o = pix + i * 4;
            uint32_t c = (uint32_t)o[0] << 24 | (uint32_t)o[1] << 16 | (uint32_t)o[2] << 8 | o[3];
            pix[i] = (unsigned char)palette_index(pal, c);
        }
        depth = pal->n <= 2 ? 1 : pal->n <= 4 ? 2 : pal->n <= 16 ? 4 : 8;
    }
    out_buf b = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *rows = malloc((size_t)h * sizeof *rows);
    int rc = SP_OK;
    if (!png || !info || !rows) {
        rc = sp_err_set(err, SP_ENOMEM, "out of memory encoding a tile");
    } else if (setjmp(png_jmpbuf(png))) {
        rc = sp_err_set(err, SP_EINTERNAL, "libpng failed to encode a tile");
    } else {
        png_set_write_fn(png, &b, write_fn, flush_fn);
        png_set_compression_level(png, SP_PNG_LEVEL);
        png_set_filter(png, 0, PNG_FILTER_NONE);
        if (is_palette) {
            png_color colors[SP_PNG_PALETTE_MAX];
            png_byte alpha[SP_PNG_PALETTE_MAX];
            int last_translucent = -1;
            for (int i = 0; i < pal->n; i++) {
                uint32_t c = pal->color[i];
                colors[i] =
                    (png_color){(png_byte)(c >> 24), (png_byte)(c >> 16), (png_byte)(c >> 8)};
                alpha[i] = (png_byte)c;
                if (alpha[i] != 255)
                    last_translucent = i;
            }
            png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, PNG_COLOR_TYPE_PALETTE,
                         PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
            png_set_PLTE(png, info, colors, pal->n);
            if (last_translucent >= 0)
                png_set_tRNS(png, info, alpha, last_translucent + 1, NULL);
        } else {
            png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGBA,
                         PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        }
        png_write_info(png, info);
        if (is_palette && depth < 8)
            png_set_packing(png);
        for (int y = 0; y < h; y++)
            rows[y] = pix + (size_t)y * w * (is_palette ? 1 : 4);
        png_write_image(png, rows);
        png_write_end(png, info);
    }
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(rows);
    free(pix);
    free(pal);
    if (rc == SP_OK && b.failed)
        rc = sp_err_set(err, SP_ENOMEM, "out of memory encoding a tile");
    if (rc != SP_OK) {
        free(b.data);
        return rc;
    }
    *out = b.data;
    *out_len = b.len;
    return SP_OK;
}

/* The empty tiles: fully transparent, one per scale, encoded once. */
static unsigned char *empty_png[3];
static size_t empty_len[3];
static pthread_once_t empty_once = PTHREAD_ONCE_INIT;

static void make_empty(void)
{
    for (int scale = 1; scale <= 2; scale++) {
        int px = SP_TILE_SIZE * scale;
        unsigned char *clear = calloc((size_t)px * px, 4); /* ARGB32, all transparent */
        sp_err err = {0};
        if (!clear || sp_tile_encode_png(clear, px, px, px * 4, &empty_png[scale],
                                         &empty_len[scale], &err) != SP_OK)
            empty_png[scale] = NULL;
        free(clear);
    }
}

const unsigned char *sp_tile_empty_png(int scale, size_t *out_len)
{
    pthread_once(&empty_once, make_empty);
    scale = scale == 2 ? 2 : 1;
    *out_len = empty_len[scale];
    return empty_png[scale];
}
