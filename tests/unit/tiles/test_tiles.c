/* tests/unit/tiles/test_tiles.c - tile addresses (z/x/y, @2x, every refusal), bounds, and
 * the PNG encoder: palette and RGBA output both decode to exactly the pixels drawn. */
#include <math.h>
#include <cairo.h>
#include <png.h>

#include "sp_test.h"
#include "sp_tile.h"
#include "tile_int.h"

static void test_tiles__parse_addresses(void)
{
    sp_tile_req t = {0};
    sp_err err = {0};
    SP_CHECK(sp_tile_parse_zxy("16", "38322", "22097.png", &t, &err) == SP_OK);
    SP_CHECK(t.z == 16 && t.x == 38322 && t.y == 22097 && t.scale == 1);
    SP_CHECK(sp_tile_parse_zxy("0", "0", "0@2x.png", &t, &err) == SP_OK);
    SP_CHECK(t.z == 0 && t.x == 0 && t.y == 0 && t.scale == 2);
    SP_CHECK(sp_tile_parse_zxy("19", "524287", "524287.png", &t, &err) == SP_OK);
    static const char *const bad[][4] = {
        {"20", "0", "0.png", "zoom '20'"},
        {"-1", "0", "0.png", "zoom '-1'"},
        {"1", "2", "0.png", "x '2'"},
        {"1", "0", "2.png", "y '2.png'"},
        {"1", "0", "1.jpg", "tile '1.jpg'"},
        {"1", "0", "1.png.exe", "tile '1.png.exe'"},
        {"1", "0", "1@3x.png", "tile '1@3x.png'"},
        {"1", "0x1", "1.png", "x '0x1'"},
        {"", "0", "0.png", "zoom ''"},
        {"12", "99999999999", "0.png", "x '99999999999'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = (sp_err){0};
        SP_CHECK(sp_tile_parse_zxy(bad[i][0], bad[i][1], bad[i][2], &t, &err) == SP_EINVAL);
        SP_CHECK_CONTAINS(err.msg, bad[i][3]);
    }
}

static void test_tiles__bounds(void)
{
    double b[4];
    sp_tile_bounds(0, 0, 0, b);
    SP_CHECK(fabs(b[0] + 180) < 1e-9 && fabs(b[2] - 180) < 1e-9);
    SP_CHECK(fabs(b[3] - 85.0511287798) < 1e-9 && fabs(b[1] + 85.0511287798) < 1e-9);
    sp_tile_bounds(16, 38322, 22097, b); /* holds St Sophia's Cathedral, Kyiv */
    SP_CHECK(b[0] < 30.5143 && 30.5143 < b[2] && b[1] < 50.4529 && 50.4529 < b[3]);
    SP_CHECK(sp_tile_layer_by_name("damage") == SP_TILE_DAMAGE);
    SP_CHECK(sp_tile_layer_by_name("roads") == -1);
    SP_CHECK_STR(sp_tile_legend_of(SP_TILE_MONUMENTS)[0].code, "good");
}

/* Issue 20: a significance nobody established is drawn as unknown, never at local's size. */
static void test_tiles__unknown_significance_is_not_local(void)
{
    const sp_tile_size *local = sp_tile_size_of("local");
    SP_CHECK_STR(local->code, "local");
    SP_CHECK_STR(sp_tile_size_of("national")->code, "national");
    SP_CHECK(sp_tile_size_of("newly_identified")->is_ring);
    const char *unknown[] = {NULL, "not_established", "no_such_code"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const sp_tile_size *s = sp_tile_size_of(unknown[i]);
        SP_CHECK_STR(s->code, "unknown");
        SP_CHECK_STR(s->label_uk, "значення не встановлено");
        SP_CHECK(s->radius < local->radius && !s->is_ring);
    }
    int n = 0;
    while (sp_tile_sizes()[n].code)
        n++;
    SP_CHECK(n == 5 && sp_tile_size_of(NULL) == &sp_tile_sizes()[n - 1]);
}

/* Encodes the surface, decodes the PNG as RGBA and compares with the surface's pixels. */
static int roundtrip(cairo_surface_t *s, int *out_color_type, size_t *out_len)
{
    unsigned char *png = NULL;
    size_t len = 0;
    sp_err err = {0};
    if (sp_tile_encode_png(cairo_image_surface_get_data(s), cairo_image_surface_get_width(s),
                           cairo_image_surface_get_height(s), cairo_image_surface_get_stride(s),
                           &png, &len, &err) != SP_OK)
        return 0;
    *out_len = len;
    *out_color_type = png[25]; /* IHDR colour type */
    png_image img = {.version = PNG_IMAGE_VERSION};
    int ok = png_image_begin_read_from_memory(&img, png, len);
    img.format = PNG_FORMAT_RGBA;
    unsigned char *px = ok ? malloc(PNG_IMAGE_SIZE(img)) : NULL;
    ok = px && png_image_finish_read(&img, NULL, px, 0, NULL);
    int w = cairo_image_surface_get_width(s), stride = cairo_image_surface_get_stride(s);
    const unsigned char *src = cairo_image_surface_get_data(s);
    for (int y = 0; ok && y < w; y++)
        for (int x = 0; ok && x < w; x++) {
            uint32_t argb = ((const uint32_t *)(src + y * stride))[x];
            unsigned a = argb >> 24;
            const unsigned char *o = px + ((size_t)y * w + x) * 4;
            if (a == 0) {
                ok = o[3] == 0;
                continue;
            }
            unsigned r = (((argb >> 16) & 255) * 255 + a / 2) / a;
            ok = o[0] == r && o[3] == a;
        }
    free(px);
    free(png);
    return ok;
}

static void test_tiles__png_palette_and_rgba_keep_every_pixel(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 256, 256);
    cairo_t *cr = cairo_create(s);
    cairo_arc(cr, 128, 128, 40, 0, 2 * M_PI); /* anti-aliased: tens of colours */
    cairo_set_source_rgb(cr, 0.84, 0.37, 0.0);
    cairo_fill(cr);
    cairo_surface_flush(s);
    int type = -1;
    size_t len_palette = 0, len_rgba = 0;
    SP_CHECK(roundtrip(s, &type, &len_palette));
    SP_CHECK(type == PNG_COLOR_TYPE_PALETTE);
    for (int i = 0; i < 600; i++) { /* a gradient of more than 256 colours */
        cairo_set_source_rgba(cr, i / 600.0, 0.5, 1 - i / 600.0, 1);
        cairo_rectangle(cr, i % 256, i / 256 * 20, 1, 20);
        cairo_fill(cr);
    }
    cairo_surface_flush(s);
    SP_CHECK(roundtrip(s, &type, &len_rgba));
    SP_CHECK(type == PNG_COLOR_TYPE_RGBA);
    SP_CHECK(len_palette < len_rgba);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    size_t len = 0;
    const unsigned char *e = sp_tile_empty_png(1, &len);
    SP_CHECK(e && len < 200 && memcmp(e + 1, "PNG", 3) == 0);
    const unsigned char *e2 = sp_tile_empty_png(2, &len);
    SP_CHECK(e2 && e2 != e && e2[19] == 0 && e2[18] == 2); /* 512 px wide */
}

/* Issue 21: the hot tiles' key holds user-supplied filters; two keys sharing a hash (here
 * forced: the same h for both) are still two tiles, and neither is served for the other. */
static void test_tiles__hot_keys_with_one_hash_are_not_confused(void)
{
    sp_tile_hot *hot = sp_tile_hot_new();
    SP_CHECK(hot != NULL);
    const uint64_t h = 42;
    const char *ka = "monuments|1|0|12|2390|1380|1|||||",
               *kb = "monuments|1|0|12|2390|1380|1||||Подільський|";
    const unsigned char pa[] = "tile a", pb[] = "tile b";
    unsigned char *out = NULL;
    size_t len = 0;
    char hash[17];
    int is_empty = 0;
    sp_tile_hot_put(hot, h, ka, 7, pa, sizeof pa, "aaaaaaaaaaaaaaaa", 0);
    SP_CHECK(!sp_tile_hot_get(hot, h, kb, 7, &out, &len, hash, &is_empty));
    sp_tile_hot_put(hot, h, kb, 7, pb, sizeof pb, "bbbbbbbbbbbbbbbb", 0);
    SP_CHECK(sp_tile_hot_get(hot, h, ka, 7, &out, &len, hash, &is_empty));
    SP_CHECK(len == sizeof pa && memcmp(out, pa, len) == 0 &&
             strcmp(hash, "aaaaaaaaaaaaaaaa") == 0);
    free(out);
    SP_CHECK(sp_tile_hot_get(hot, h, kb, 7, &out, &len, hash, &is_empty));
    SP_CHECK(len == sizeof pb && memcmp(out, pb, len) == 0 &&
             strcmp(hash, "bbbbbbbbbbbbbbbb") == 0);
    free(out);
    SP_CHECK(!sp_tile_hot_get(hot, h, kb, 8, &out, &len, hash, &is_empty)); /* stale version */
    sp_tile_hot_free(hot);
}

int main(int argc, char **argv)
{
    static const sp_test_case cases[] = {
        {"test_tiles__parse_addresses", test_tiles__parse_addresses},
        {"test_tiles__bounds", test_tiles__bounds},
        {"test_tiles__unknown_significance_is_not_local",
         test_tiles__unknown_significance_is_not_local},
        {"test_tiles__png_palette_and_rgba_keep_every_pixel",
         test_tiles__png_palette_and_rgba_keep_every_pixel},
        {"test_tiles__hot_keys_with_one_hash_are_not_confused",
         test_tiles__hot_keys_with_one_hash_are_not_confused},
        {NULL, NULL},
    };
    return sp_test_main(argc, argv, cases);
}
