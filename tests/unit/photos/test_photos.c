/* tests/unit/photos/test_photos.c - photo uploads end to end on a real folder: every format
 * accepted with its size and media type, EXIF date, GPS and orientation read, derivatives
 * small enough and free of metadata, the same bytes stored once, every bad input refused
 * with its code and message and nothing left on disk, the sweep, and uploads from several
 * threads at once. Test images are made here (libvips, libpng, libexif); the real camera
 * photos of ../shared/data/photos_exif are used too when this checkout sits beside shared/
 * (they are not in a user's clone: those cases then skip, and ctest runs them as a test of
 * their own, unit_test_photos_shared, which it reports skipped). */
#include <dirent.h>
#include <libexif/exif-data.h>
#include <math.h>
#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "sp_photo.h"
#include "sp_test.h"

#define SHARED_PHOTOS SP_SOURCE_DIR "/../shared/data/photos_exif"
#define CHUNK         4096 /* upload write size, as a server would pass a network buffer */
#define BIG_LIMIT     (64LL * 1024 * 1024)
#define GPS_EPS       1e-7
#define THREADS       4

static char tmpdir[512];
static int store_seq;

/* ---- helpers ---------------------------------------------------------------------------- */

/* A fresh store in its own folder under the test's temp folder; its path in dir. */
static sp_photo_store *new_store(char dir[600])
{
    snprintf(dir, 600, "%s/store%d", tmpdir, ++store_seq);
    sp_photo_store *s = NULL;
    sp_err err = {0};
    if (sp_photo_store_open(dir, &s, &err) != SP_OK)
        fprintf(stderr, "  store: %s\n", err.msg);
    return s;
}

/* Streams data into an upload in CHUNK pieces and finishes it; returns the first error. */
static int upload(sp_photo_store *s, const void *data, size_t len, long long max_bytes,
                  sp_photo_info *info, sp_err *err)
{
    sp_photo_upload *u = NULL;
    int rc = sp_photo_upload_begin(s, max_bytes, &u, err);
    if (rc != SP_OK)
        return rc;
    const unsigned char *p = data;
    for (size_t at = 0; at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        rc = sp_photo_upload_write(u, p + at, n, err);
        if (rc != SP_OK) {
            sp_photo_upload_abort(u);
            return rc;
        }
    }
    return sp_photo_upload_finish(u, info, err);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static int upload_file(sp_photo_store *s, const char *path, sp_photo_info *info, sp_err *err)
{
    size_t len = 0;
    unsigned char *data = read_file(path, &len);
    if (!data)
        return sp_err_set(err, SP_ENOTFOUND, "cannot read %s", path);
    int rc = upload(s, data, len, BIG_LIMIT, info, err);
    free(data);
    return rc;
}

/* Regular files anywhere under dir. */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            n += count_files(path);
        else
            n++;
    }
    closedir(d);
    return n;
}

/* 1 when ../shared/data/photos_exif is there (only a checkout beside shared/ has it). */
static int have_shared(void)
{
    struct stat st;
    return stat(SHARED_PHOTOS "/SOURCE.txt", &st) == 0;
}

#define SP_SKIP_WITHOUT_SHARED()                                                                   \
    do {                                                                                           \
        if (!have_shared())                                                                        \
            SP_SKIP(SHARED_PHOTOS " is absent (only a checkout beside shared/ has it)");           \
    } while (0)

/* A w x h RGB (or RGBA) test picture: a colour ramp, not flat, so JPEGs have real data. */
static VipsImage *picture(int w, int h, int with_alpha)
{
    VipsImage *xy = NULL, *rem = NULL, *rgb = NULL, *out = NULL;
    if (vips_xyz(&xy, w, h, NULL) || vips_remainder_const1(xy, &rem, 256, NULL) ||
        vips_bandjoin_const1(rem, &rgb, 128, NULL))
        return NULL;
    VipsImage *src = rgb, *rgba = NULL;
    if (with_alpha && !vips_bandjoin_const1(rgb, &rgba, 200, NULL))
        src = rgba;
    if (vips_cast_uchar(src, &out, NULL))
        out = NULL;
    else
        out->Type = VIPS_INTERPRETATION_sRGB;
    g_object_unref(xy);
    g_object_unref(rem);
    g_object_unref(rgb);
    if (rgba)
        g_object_unref(rgba);
    return out;
}

typedef enum {
    ENC_JPEG,
    ENC_JPEG_PROGRESSIVE,
    ENC_PNG,
    ENC_PNG_INTERLACED,
    ENC_WEBP,
    ENC_HEIC
} enc;

/* The picture encoded; g_free the result. NULL when this libvips cannot write the format. */
static void *encode(enc e, int w, int h, int with_alpha, size_t *len)
{
    VipsImage *im = picture(w, h, with_alpha);
    if (!im)
        return NULL;
    void *buf = NULL;
    int rc = -1;
    switch (e) {
    case ENC_JPEG:
        rc = vips_jpegsave_buffer(im, &buf, len, "strip", TRUE, NULL);
        break;
    case ENC_JPEG_PROGRESSIVE:
        rc = vips_jpegsave_buffer(im, &buf, len, "strip", TRUE, "interlace", TRUE, NULL);
        break;
    case ENC_PNG:
        rc = vips_pngsave_buffer(im, &buf, len, NULL);
        break;
    case ENC_PNG_INTERLACED:
        rc = vips_pngsave_buffer(im, &buf, len, "interlace", TRUE, NULL);
        break;
    case ENC_WEBP:
        rc = vips_webpsave_buffer(im, &buf, len, NULL);
        break;
    case ENC_HEIC:
        rc = vips_heifsave_buffer(im, &buf, len, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_HEVC,
                                  NULL);
        break;
    }
    g_object_unref(im);
    if (rc != 0) {
        vips_error_clear();
        return NULL;
    }
    return buf;
}

/* ---- EXIF made with libexif, and JPEG markers -------------------------------------------- */

static ExifEntry *exif_add(ExifData *d, ExifIfd ifd, ExifTag tag, ExifFormat fmt, unsigned long n)
{
    ExifMem *mem = exif_mem_new_default();
    ExifEntry *e = exif_entry_new_mem(mem);
    e->size = exif_format_get_size(fmt) * n;
    e->data = exif_mem_alloc(mem, e->size);
    e->tag = tag;
    e->format = fmt;
    e->components = n;
    exif_content_add_entry(d->ifd[ifd], e);
    exif_entry_unref(e);
    exif_mem_unref(mem);
    return e;
}

static void exif_ascii(ExifData *d, ExifIfd ifd, ExifTag tag, const char *s)
{
    ExifEntry *e = exif_add(d, ifd, tag, EXIF_FORMAT_ASCII, strlen(s) + 1);
    memcpy(e->data, s, strlen(s) + 1);
}

static void exif_dms(ExifData *d, ExifTag tag, const ExifRational dms[3])
{
    ExifEntry *e = exif_add(d, EXIF_IFD_GPS, tag, EXIF_FORMAT_RATIONAL, 3);
    for (int i = 0; i < 3; i++)
        exif_set_rational(e->data + i * sizeof(ExifRational), EXIF_BYTE_ORDER_INTEL, dms[i]);
}

/* A w x h JPEG with an APP1 EXIF block: orientation, camera make, DateTimeOriginal, and GPS
 * 50 27' 10.44" N, 30 30' 51.48" W (St Sophia's latitude; a western longitude for the sign). */
static unsigned char *jpeg_with_exif(int w, int h, int orientation, size_t *len)
{
    size_t jlen = 0;
    unsigned char *jpeg = encode(ENC_JPEG, w, h, 0, &jlen);
    ExifData *d = exif_data_new();
    if (!jpeg || !d)
        return NULL;
    exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_set_byte_order(d, EXIF_BYTE_ORDER_INTEL);
    ExifEntry *o = exif_add(d, EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, 1);
    exif_set_short(o->data, EXIF_BYTE_ORDER_INTEL, (ExifShort)orientation);
    exif_ascii(d, EXIF_IFD_0, EXIF_TAG_MAKE, "SpadokCam");
    exif_ascii(d, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, "2024:05:04 10:12:03");
    exif_ascii(d, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF, "N");
    exif_ascii(d, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF, "W");
    const ExifRational lat[3] = {{50, 1}, {27, 1}, {1044, 100}};
    const ExifRational lon[3] = {{30, 1}, {30, 1}, {5148, 100}};
    exif_dms(d, (ExifTag)EXIF_TAG_GPS_LATITUDE, lat);
    exif_dms(d, (ExifTag)EXIF_TAG_GPS_LONGITUDE, lon);
    unsigned char *exif = NULL;
    unsigned int elen = 0;
    exif_data_save_data(d, &exif, &elen);
    exif_data_unref(d);
    /* SOI, APP1 (length counts itself), then the rest of the JPEG after its SOI. */
    *len = jlen + 4 + elen;
    unsigned char *out = malloc(*len);
    memcpy(out, jpeg, 2);
    out[2] = 0xFF;
    out[3] = 0xE1;
    out[4] = (unsigned char)((elen + 2) >> 8);
    out[5] = (unsigned char)((elen + 2) & 0xFF);
    memcpy(out + 6, exif, elen);
    memcpy(out + 6 + elen, jpeg + 2, jlen - 2);
    free(exif);
    g_free(jpeg);
    return out;
}

/* 1 when the file is a JPEG without any APPn (EXIF, XMP, ICC, IPTC...) or COM segment. */
static int jpeg_without_metadata(const char *path)
{
    size_t len = 0;
    unsigned char *d = read_file(path, &len);
    int ok = d && len > 4 && d[0] == 0xFF && d[1] == 0xD8;
    for (size_t i = 2; ok && i + 4 <= len;) {
        if (d[i] != 0xFF) {
            ok = 0;
            break;
        }
        unsigned char m = d[i + 1];
        if (m == 0xDA) /* start of scan: no more headers */
            break;
        if ((m >= 0xE0 && m <= 0xEF && m != 0xE0) || m == 0xFE)
            ok = 0; /* APP0 (JFIF) carries no personal data; every other APPn and COM do */
        i += 2 + (size_t)((d[i + 2] << 8) | d[i + 3]);
    }
    free(d);
    return ok;
}

/* Width and height of a stored file (libvips header read). */
static int dims_of(const char *path, int *w, int *h)
{
    VipsImage *im = vips_image_new_from_file(path, NULL);
    if (!im) {
        vips_error_clear();
        return 0;
    }
    *w = vips_image_get_width(im);
    *h = vips_image_get_height(im);
    g_object_unref(im);
    return 1;
}

/* The derivatives of a stored photo: JPEG, no metadata (checked by markers and by libexif),
 * and fitted into their sizes from a displayed w x h. */
static void check_derivatives(sp_photo_store *s, const sp_photo_info *info)
{
    static const struct {
        sp_photo_variant v;
        int size;
    } variants[] = {{SP_PHOTO_THUMB, SP_PHOTO_THUMB_SIZE}, {SP_PHOTO_WEB, SP_PHOTO_WEB_SIZE}};
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        char path[1200];
        sp_err err = {0};
        SP_CHECK(sp_photo_path(s, info->sha256, variants[i].v, path, sizeof path, &err) == SP_OK);
        int w = 0, h = 0;
        SP_CHECK(dims_of(path, &w, &h));
        int longest = info->width > info->height ? info->width : info->height;
        int want = longest < variants[i].size ? longest : variants[i].size;
        SP_CHECK((w > h ? w : h) == want);
        /* the aspect ratio kept, to a pixel */
        SP_CHECK(fabs((double)w / h - (double)info->width / info->height) < 2.0 / (w < h ? w : h));
        SP_CHECK(jpeg_without_metadata(path));
        ExifData *d = exif_data_new_from_file(path);
        if (d) {
            SP_CHECK(exif_content_get_entry(d->ifd[EXIF_IFD_0], EXIF_TAG_MAKE) == NULL);
            SP_CHECK(exif_content_get_entry(d->ifd[EXIF_IFD_GPS], (ExifTag)EXIF_TAG_GPS_LATITUDE) ==
                     NULL);
            exif_data_unref(d);
        }
    }
}

/* ---- formats ---------------------------------------------------------------------------- */

static void test_photos__formats_accepted(void)
{
    char dir[600];
    sp_photo_store *s = new_store(dir);
    /* wider than the web size, distinct bytes each time; 3300 and 6500 px JPEGs are loaded
     * at 1/2 and 1/4 scale by libjpeg for the web copy */
    static const struct {
        enc e;
        int alpha, w;
        const char *type;
    } cases[] = {
        {ENC_JPEG, 0, 1800, "image/jpeg"}, {ENC_JPEG, 0, 3300, "image/jpeg"},
        {ENC_JPEG, 0, 6500, "image/jpeg"}, {ENC_JPEG_PROGRESSIVE, 0, 1801, "image/jpeg"},
        {ENC_PNG, 0, 1802, "image/png"},   {ENC_PNG_INTERLACED, 0, 1803, "image/png"},
        {ENC_PNG, 1, 1804, "image/png"},   {ENC_WEBP, 0, 1805, "image/webp"},
        {ENC_WEBP, 1, 1806, "image/webp"}, {ENC_HEIC, 0, 1807, "image/heic"},
    };
    int stored = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int w = cases[i].w, h = 1000;
        size_t len = 0;
        void *data = encode(cases[i].e, w, h, cases[i].alpha, &len);
        if (!data) {
            printf("SKIPPED formats_accepted %s: this libvips cannot write it\n", cases[i].type);
            continue;
        }
        sp_photo_info info;
        sp_err err = {0};
        int rc = upload(s, data, len, BIG_LIMIT, &info, &err);
        if (rc != SP_OK)
            fprintf(stderr, "  %s: %s\n", cases[i].type, err.msg);
        SP_CHECK(rc == SP_OK);
        SP_CHECK_STR(info.media_type, cases[i].type);
        SP_CHECK(info.width == w && info.height == h);
        SP_CHECK(info.bytes == (long long)len && info.is_new == 1);
        SP_CHECK(strlen(info.sha256) == 64);
        SP_CHECK(!info.has_gps && !info.has_taken_at && info.orientation == 1);
        check_derivatives(s, &info);
        char path[1200];
        SP_CHECK(sp_photo_path(s, info.sha256, SP_PHOTO_ORIGINAL, path, sizeof path, &err) ==
                 SP_OK);
        size_t back_len = 0;
        unsigned char *back = read_file(path, &back_len);
        SP_CHECK(back && back_len == len && memcmp(back, data, len) == 0);
        free(back);
        g_free(data);
        stored += 3;
    }
    SP_CHECK(count_files(dir) == stored);
    sp_photo_store_close(s);
}

/* A JPEG with an embedded ICC profile (libvips's sRGB one): colour-managed on the way, and
 * the profile does not reach the derivatives; the original keeps it. */
static void test_photos__icc_profile_stripped(void)
{
    char dir[600], path[1200];
    sp_photo_store *s = new_store(dir);
    VipsImage *im = picture(2000, 1000, 0), *tagged = NULL;
    void *jpeg = NULL;
    size_t len = 0;
    SP_CHECK(im && vips_icc_transform(im, &tagged, "srgb", "input_profile", "srgb", NULL) == 0);
    SP_CHECK(tagged && vips_image_get_typeof(tagged, VIPS_META_ICC_NAME));
    SP_CHECK(tagged && vips_jpegsave_buffer(tagged, &jpeg, &len, NULL) == 0);
    sp_photo_info info;
    sp_err err = {0};
    SP_CHECK(jpeg && upload(s, jpeg, len, BIG_LIMIT, &info, &err) == SP_OK);
    SP_CHECK(info.width == 2000 && info.height == 1000);
    check_derivatives(s, &info);
    SP_CHECK(sp_photo_path(s, info.sha256, SP_PHOTO_ORIGINAL, path, sizeof path, &err) == SP_OK);
    SP_CHECK(!jpeg_without_metadata(path));
    g_free(jpeg);
    if (tagged)
        g_object_unref(tagged);
    if (im)
        g_object_unref(im);
    sp_photo_store_close(s);
}

/* Orientation 6 (camera turned clockwise): the photo is displayed h x w, and so are its
 * derivatives; the EXIF date and a western GPS longitude come through. */
static void test_photos__exif_orientation_gps_date(void)
{
    char dir[600];
    sp_photo_store *s = new_store(dir);
    size_t len = 0;
    unsigned char *jpeg = jpeg_with_exif(400, 200, 6, &len);
    SP_CHECK(jpeg != NULL);
    sp_photo_info info;
    sp_err err = {0};
    SP_CHECK(upload(s, jpeg, len, BIG_LIMIT, &info, &err) == SP_OK);
    SP_CHECK(info.orientation == 6);
    SP_CHECK(info.width == 200 && info.height == 400);
    SP_CHECK(info.has_taken_at);
    SP_CHECK_STR(info.taken_at, "2024-05-04T10:12:03");
    SP_CHECK(info.has_gps);
    SP_CHECK(fabs(info.lat - 50.4529) < GPS_EPS && fabs(info.lon + 30.5143) < GPS_EPS);
    check_derivatives(s, &info);
    char path[1200];
    int w = 0, h = 0;
    SP_CHECK(sp_photo_path(s, info.sha256, SP_PHOTO_THUMB, path, sizeof path, &err) == SP_OK);
    SP_CHECK(dims_of(path, &w, &h) && w == 160 && h == 320);
    /* the original keeps its EXIF: it is the contributor's file, not a public one */
    SP_CHECK(sp_photo_path(s, info.sha256, SP_PHOTO_ORIGINAL, path, sizeof path, &err) == SP_OK);
    SP_CHECK(!jpeg_without_metadata(path));
    free(jpeg);
    sp_photo_store_close(s);
}

static void test_photos__same_bytes_stored_once(void)
{
    char dir[600];
    sp_photo_store *s = new_store(dir);
    size_t len = 0;
    void *png = encode(ENC_PNG, 300, 200, 0, &len);
    sp_photo_info a, b;
    sp_err err = {0};
    SP_CHECK(upload(s, png, len, BIG_LIMIT, &a, &err) == SP_OK && a.is_new == 1);
    SP_CHECK(upload(s, png, len, BIG_LIMIT, &b, &err) == SP_OK && b.is_new == 0);
    SP_CHECK_STR(a.sha256, b.sha256);
    SP_CHECK(b.width == 300 && b.height == 200 && b.bytes == (long long)len);
    SP_CHECK_STR(b.media_type, "image/png");
    SP_CHECK(count_files(dir) == 3);
    /* a small image is never upscaled: both derivatives at its own size */
    check_derivatives(s, &a);
    g_free(png);
    sp_photo_store_close(s);
}

/* ---- bad inputs: each refused with its code and message, nothing left on disk ------------ */

/* A PNG of w x h 1-bit pixels, all zero: ~110 KB for 30000 x 30000, 900 MB decoded. */
static int write_bomb_png(const char *path, png_uint_32 w, png_uint_32 h)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep row = calloc(1, w / 8 + 1);
    int ok = 0;
    if (png && info && row && !setjmp(png_jmpbuf(png))) {
        png_init_io(png, f);
        png_set_IHDR(png, info, w, h, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        for (png_uint_32 y = 0; y < h; y++)
            png_write_row(png, row);
        png_write_end(png, NULL);
        ok = 1;
    }
    png_destroy_write_struct(&png, &info);
    free(row);
    fclose(f);
    return ok;
}

static void expect_refused(sp_photo_store *s, const char *dir, const void *data, size_t len,
                           long long max_bytes, int code, const char *msg)
{
    sp_photo_info info;
    sp_err err = {0};
    int rc = upload(s, data, len, max_bytes, &info, &err);
    if (rc != code)
        fprintf(stderr, "  expected %s, got %s: %s\n", sp_err_name(code), sp_err_name(rc), err.msg);
    SP_CHECK(rc == code);
    SP_CHECK_CONTAINS(err.msg, msg);
    SP_CHECK(count_files(dir) == 0);
}

static int referenced(void *ctx, const char *sha)
{
    return strcmp(sha, (const char *)ctx) == 0;
}

static void test_photos__bad_inputs(void)
{
    char dir[600];
    sp_photo_store *s = new_store(dir);
    static const char text[] = "Київ, вул. Володимирська 24 -- a note, not a photo.\n";
    expect_refused(s, dir, text, sizeof text - 1, BIG_LIMIT, SP_EMEDIA, "not an image");
    expect_refused(s, dir, "", 0, BIG_LIMIT, SP_EMEDIA, "0 bytes");
    /* only the signature of each format, then nothing */
    static const unsigned char jpeg_sig[] = {0xFF, 0xD8, 0xFF, 0xE0};
    expect_refused(s, dir, jpeg_sig, sizeof jpeg_sig, BIG_LIMIT, SP_EMEDIA, "truncated JPEG");
    static const char gif[] = "GIF89a\x01\0\x01\0\x80\0\0";
    expect_refused(s, dir, gif, sizeof gif - 1, BIG_LIMIT, SP_EMEDIA, "not an image");
    static const char webp_garbage[] = "RIFF\x10\0\0\0WEBPVP8 garbage!";
    expect_refused(s, dir, webp_garbage, sizeof webp_garbage - 1, BIG_LIMIT, SP_EMEDIA,
                   "damaged WebP");

    size_t len = 0;
    void *jpeg = encode(ENC_JPEG, 1200, 900, 0, &len);
    expect_refused(s, dir, jpeg, len / 2, BIG_LIMIT, SP_EMEDIA, "truncated JPEG");
    expect_refused(s, dir, jpeg, len, 1000, SP_ETOOLARGE, "over the limit of 1000 bytes");
    /* one byte over, on the last write */
    expect_refused(s, dir, jpeg, len, (long long)len - 1, SP_ETOOLARGE, "over the limit");
    /* damaged headers: the quantisation and Huffman tables zeroed */
    unsigned char *bad = malloc(len);
    memcpy(bad, jpeg, len);
    memset(bad + 20, 0, 200);
    expect_refused(s, dir, bad, len, BIG_LIMIT, SP_EMEDIA, "damaged JPEG");
    /* Corrupt entropy-coded data still decodes (to a smeared picture, as browsers show it):
     * it is an image, and is accepted, as libjpeg's warnings are not errors. */
    memcpy(bad, jpeg, len);
    memset(bad + len / 2, 0xFF, len / 4);
    sp_photo_info info;
    sp_err err = {0};
    SP_CHECK(upload(s, bad, len, BIG_LIMIT, &info, &err) == SP_OK);
    SP_CHECK(count_files(dir) == 3);
    int removed = 0;
    SP_CHECK(sp_photo_store_sweep(s, referenced, "", &removed, &err) == SP_OK && removed == 3);
    free(bad);
    g_free(jpeg);

    /* progressive JPEG and interlaced PNG: decoded whole, and refused as well when cut */
    jpeg = encode(ENC_JPEG_PROGRESSIVE, 1200, 900, 0, &len);
    expect_refused(s, dir, jpeg, len / 2, BIG_LIMIT, SP_EMEDIA, "truncated JPEG");
    g_free(jpeg);
    void *png = encode(ENC_PNG, 1200, 900, 0, &len);
    expect_refused(s, dir, png, len / 2, BIG_LIMIT, SP_EMEDIA, "truncated PNG");
    g_free(png);
    png = encode(ENC_PNG_INTERLACED, 1200, 900, 0, &len);
    expect_refused(s, dir, png, len / 2, BIG_LIMIT, SP_EMEDIA, "truncated PNG");
    g_free(png);
    void *webp = encode(ENC_WEBP, 1200, 900, 0, &len);
    expect_refused(s, dir, webp, len / 2, BIG_LIMIT, SP_EMEDIA, "truncated WebP");
    g_free(webp);

    char bomb[700];
    snprintf(bomb, sizeof bomb, "%s/bomb.png", tmpdir);
    SP_CHECK(write_bomb_png(bomb, 30000, 30000));
    unsigned char *data = read_file(bomb, &len);
    SP_CHECK(data && len < 200000);
    expect_refused(s, dir, data, len, BIG_LIMIT, SP_EMEDIA,
                   "image of 30000 x 30000 pixels is over the limit of 100 megapixels");
    free(data);
    unlink(bomb);

    /* the pixel limit is the store's: 1 megapixel refuses 1200 x 900 */
    sp_photo_store_set_max_pixels(s, 1000000);
    png = encode(ENC_PNG, 1200, 900, 0, &len);
    expect_refused(s, dir, png, len, BIG_LIMIT, SP_EMEDIA,
                   "image of 1200 x 900 pixels is over the limit of 1 megapixels");
    g_free(png);
    sp_photo_store_close(s);
}

/* A write past the limit removes the temp file at once; later writes and finish repeat the
 * refusal, and abort after it is fine. */
static void test_photos__refused_write_cleans_up_at_once(void)
{
    char dir[600];
    sp_photo_store *s = new_store(dir);
    sp_photo_upload *u = NULL;
    sp_err err = {0};
    char buf[100] = {0};
    SP_CHECK(sp_photo_upload_begin(s, 150, &u, &err) == SP_OK);
    SP_CHECK(count_files(dir) == 1);
    SP_CHECK(sp_photo_upload_write(u, buf, sizeof buf, &err) == SP_OK);
    SP_CHECK(sp_photo_upload_write(u, buf, sizeof buf, &err) == SP_ETOOLARGE);
    SP_CHECK(count_files(dir) == 0);
    SP_CHECK(sp_photo_upload_write(u, buf, 1, &err) == SP_ETOOLARGE);
    sp_photo_upload_abort(u);
    SP_CHECK(sp_photo_upload_begin(s, 150, &u, &err) == SP_OK);
    SP_CHECK(sp_photo_upload_write(u, buf, sizeof buf, &err) == SP_OK);
    SP_CHECK(sp_photo_upload_write(u, buf, sizeof buf, &err) == SP_ETOOLARGE);
    sp_photo_info info;
    SP_CHECK(sp_photo_upload_finish(u, &info, &err) == SP_ETOOLARGE);
    SP_CHECK(count_files(dir) == 0);
    SP_CHECK(sp_photo_upload_begin(s, 0, &u, &err) == SP_EINVAL);
    sp_photo_upload_abort(NULL);
    sp_photo_store_close(s);
}

static void test_photos__paths(void)
{
    char dir[600], path[1200];
    sp_photo_store *s = new_store(dir);
    sp_err err = {0};
    const char *sha = "17307b1207eb6487d7908e9d154890b46e3d2e0192369cfd3f4c33d5a5af4035";
    SP_CHECK(sp_photo_path(s, sha, SP_PHOTO_WEB, path, sizeof path, &err) == SP_OK);
    char want[1200];
    snprintf(want, sizeof want, "%s/17/%s.web.jpg", dir, sha);
    SP_CHECK_STR(path, want);
    SP_CHECK(sp_photo_path(s, "../../etc/passwd", SP_PHOTO_ORIGINAL, path, sizeof path, &err) ==
             SP_EINVAL);
    SP_CHECK_CONTAINS(err.msg, "not a photo id");
    SP_CHECK(sp_photo_path(s, "17307B1207EB6487D7908E9D154890B46E3D2E0192369CFD3F4C33D5A5AF4035",
                           SP_PHOTO_ORIGINAL, path, sizeof path, &err) == SP_EINVAL);
    SP_CHECK(sp_photo_path(s, sha, SP_PHOTO_ORIGINAL, path, 10, &err) == SP_EINVAL);
    sp_photo_store_close(s);
}

/* ---- sweep ------------------------------------------------------------------------------ */

static int failing(void *ctx, const char *sha)
{
    (void)ctx;
    (void)sha;
    return SP_EDB;
}

static void test_photos__sweep(void)
{
    char dir[600], path[1200];
    sp_photo_store *s = new_store(dir);
    sp_photo_info keep, drop;
    sp_err err = {0};
    size_t len = 0;
    void *a = encode(ENC_PNG, 50, 40, 0, &len);
    SP_CHECK(upload(s, a, len, BIG_LIMIT, &keep, &err) == SP_OK);
    g_free(a);
    a = encode(ENC_JPEG, 60, 40, 0, &len);
    SP_CHECK(upload(s, a, len, BIG_LIMIT, &drop, &err) == SP_OK);
    g_free(a);
    /* a crash's leftovers: an upload in tmp/, and an unknown file in a shard (kept) */
    sp_photo_upload *u = NULL;
    SP_CHECK(sp_photo_upload_begin(s, BIG_LIMIT, &u, &err) == SP_OK);
    SP_CHECK(sp_photo_upload_write(u, "partial", 7, &err) == SP_OK);
    snprintf(path, sizeof path, "%s/%.2s/README", dir, keep.sha256);
    FILE *f = fopen(path, "w");
    SP_CHECK(f && fputs("not a photo\n", f) >= 0 && fclose(f) == 0);
    SP_CHECK(count_files(dir) == 8);

    int removed = -1;
    SP_CHECK(sp_photo_store_sweep(s, failing, NULL, &removed, &err) == SP_EDB);
    SP_CHECK_CONTAINS(err.msg, "referenced");
    SP_CHECK(sp_photo_store_sweep(s, referenced, keep.sha256, &removed, &err) == SP_OK);
    SP_CHECK(removed == 3); /* drop's three files; tmp/ went in the failed sweep already */
    SP_CHECK(count_files(dir) == 4);
    SP_CHECK(sp_photo_path(s, keep.sha256, SP_PHOTO_THUMB, path, sizeof path, &err) == SP_OK);
    SP_CHECK(access(path, F_OK) == 0);
    SP_CHECK(sp_photo_path(s, drop.sha256, SP_PHOTO_ORIGINAL, path, sizeof path, &err) == SP_OK);
    SP_CHECK(access(path, F_OK) != 0);
    sp_photo_upload_abort(u); /* its file is gone already: fine */
    /* without a callback only tmp/ is emptied */
    SP_CHECK(sp_photo_upload_begin(s, BIG_LIMIT, &u, &err) == SP_OK);
    SP_CHECK(sp_photo_store_sweep(s, NULL, NULL, &removed, &err) == SP_OK && removed == 1);
    SP_CHECK(count_files(dir) == 4);
    sp_photo_upload_abort(u);
    sp_photo_store_close(s);
}

static int never(void *ctx, const char *sha)
{
    (void)ctx, (void)sha;
    return 0;
}

/* Issue 23: nodes share one photo folder; one that starts must not sweep away another's
 * upload under way (in tmp/) nor the stored file of an upload whose row is not committed
 * yet. Two stores on one folder stand for two processes (flock locks of two opens of the
 * folder conflict within one process as between processes). */
static void test_photos__sweep_leaves_a_shared_folder_alone(void)
{
    char dir[600], path[1200];
    sp_photo_store *s = new_store(dir), *other = NULL;
    sp_err err = {0};
    SP_CHECK(s && sp_photo_store_open(dir, &other, &err) == SP_OK);
    sp_photo_upload *u = NULL;
    SP_CHECK(sp_photo_upload_begin(other, BIG_LIMIT, &u, &err) == SP_OK);
    SP_CHECK(sp_photo_upload_write(u, "partial", 7, &err) == SP_OK);
    snprintf(path, sizeof path, "%s/ab", dir);
    SP_CHECK(mkdir(path, 0755) == 0);
    snprintf(path, sizeof path, "%s/ab/ab%062d", dir, 0);
    FILE *f = fopen(path, "w");
    SP_CHECK(f && fputs("stored, no row yet\n", f) >= 0 && fclose(f) == 0);
    int removed = -1;
    SP_CHECK(sp_photo_store_sweep(s, never, NULL, &removed, &err) == SP_OK && removed == 0);
    SP_CHECK(count_files(dir) == 2);
    sp_photo_upload_abort(u);
    sp_photo_store_close(other);
    /* alone again: the sweep runs (the stored file no row names goes) */
    SP_CHECK(sp_photo_store_sweep(s, never, NULL, &removed, &err) == SP_OK && removed == 1);
    SP_CHECK(count_files(dir) == 0);
    sp_photo_store_close(s);
}

/* Issue 21: a photo whose row was refused goes at once, unless another upload of the same
 * bytes still holds it or a row names it. */
static void test_photos__release_removes_unreferenced(void)
{
    char dir[600];
    sp_photo_store *s = new_store(dir);
    size_t len = 0;
    void *png = encode(ENC_PNG, 80, 60, 0, &len);
    sp_photo_info a, b;
    sp_err err = {0};
    SP_CHECK(upload(s, png, len, BIG_LIMIT, &a, &err) == SP_OK);
    SP_CHECK(upload(s, png, len, BIG_LIMIT, &b, &err) == SP_OK && b.is_new == 0);
    SP_CHECK(sp_photo_release(s, a.sha256, never, NULL, &err) == SP_OK);
    SP_CHECK(count_files(dir) == 3); /* the second upload still holds them */
    SP_CHECK(sp_photo_release(s, b.sha256, never, NULL, &err) == SP_OK);
    SP_CHECK(count_files(dir) == 0);
    SP_CHECK(upload(s, png, len, BIG_LIMIT, &a, &err) == SP_OK && a.is_new == 1);
    SP_CHECK(sp_photo_release(s, a.sha256, referenced, a.sha256, &err) == SP_OK);
    SP_CHECK(count_files(dir) == 3); /* a row names it */
    SP_CHECK(upload(s, png, len, BIG_LIMIT, &b, &err) == SP_OK);
    SP_CHECK(sp_photo_release(s, b.sha256, failing, NULL, &err) == SP_EDB);
    SP_CHECK(count_files(dir) == 3); /* not known: kept */
    g_free(png);
    sp_photo_store_close(s);
}

/* ---- threads ---------------------------------------------------------------------------- */

typedef struct worker {
    sp_photo_store *s;
    int id, failures;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 3; i++) {
        size_t len = 0;
        int size = 700 + w->id * 10 + i; /* distinct images in every thread */
        void *data = encode(i == 1 ? ENC_PNG : ENC_JPEG, size, size / 2, 0, &len);
        sp_photo_info info;
        sp_err err = {0};
        if (!data || upload(w->s, data, len, BIG_LIMIT, &info, &err) != SP_OK ||
            info.width != size || !info.is_new)
            w->failures++;
        /* and a refusal in between */
        if (upload(w->s, data, len / 3, BIG_LIMIT, &info, &err) != SP_EMEDIA)
            w->failures++;
        g_free(data);
    }
    return NULL;
}

static void test_photos__threads(void)
{
    char dir[600];
    sp_photo_store *s = new_store(dir);
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){s, i, 0};
        SP_CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        SP_CHECK(w[i].failures == 0);
    }
    SP_CHECK(count_files(dir) == THREADS * 3 * 3);
    sp_photo_store_close(s);
}

/* ---- the real photos of ../shared -------------------------------------------------------- */

static void test_photos__shared_exif(void)
{
    SP_SKIP_WITHOUT_SHARED();
    char dir[600];
    sp_photo_store *s = new_store(dir);
    /* clang-format off */
    static const struct {
        const char *file, *taken_at;
        int w, h, has_gps;
        double lat, lon;
    } cases[] = {
        {"DSCN0010.jpg", "2008-10-22T16:28:39", 640, 480, 1, 43.4674483, 11.8851267},
        {"DSCN0021.jpg", "2008-10-22T16:38:20", 640, 480, 1, 43.4670817, 11.8845383},
        {"DSCN0042.jpg", "2008-10-22T17:00:07", 640, 480, 1, 43.4644550, 11.8814783},
        {"HMD_Nokia_8.3_5G.jpg", "2022-08-14T14:12:31", 4608, 1976, 1, 60.1467056, 24.9067722},
        {"Kodak_CX7530.jpg", "2005-08-13T09:47:23", 100, 78, 1, -0.3713000, 36.0564167},
        {"Canon_40D.jpg", "2008-05-30T15:56:01", 100, 68, 0, 0, 0},
        /* EXIF.py's "invalid" sample: a sound JPEG whose APP1 is XMP, not EXIF */
        {"image01137.jpg", NULL, 88, 64, 0, 0, 0},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", SHARED_PHOTOS, cases[i].file);
        sp_photo_info info;
        sp_err err = {0};
        int rc = upload_file(s, path, &info, &err);
        if (rc != SP_OK)
            fprintf(stderr, "  %s: %s\n", cases[i].file, err.msg);
        SP_CHECK(rc == SP_OK);
        SP_CHECK_STR(info.media_type, "image/jpeg");
        SP_CHECK(info.width == cases[i].w && info.height == cases[i].h);
        SP_CHECK(info.has_taken_at == (cases[i].taken_at != NULL));
        if (cases[i].taken_at)
            SP_CHECK_STR(info.taken_at, cases[i].taken_at);
        SP_CHECK(info.has_gps == cases[i].has_gps);
        if (cases[i].has_gps &&
            (fabs(info.lat - cases[i].lat) > GPS_EPS || fabs(info.lon - cases[i].lon) > GPS_EPS)) {
            fprintf(stderr, "  %s: GPS %.7f, %.7f\n", cases[i].file, info.lat, info.lon);
            SP_CHECK(0);
        }
        check_derivatives(s, &info);
    }
    sp_photo_info info;
    sp_err err = {0};
    SP_CHECK(upload_file(s, SHARED_PHOTOS "/DSCN0010.jpg", &info, &err) == SP_OK);
    SP_CHECK(info.is_new == 0);
    SP_CHECK_STR(info.sha256, "17307b1207eb6487d7908e9d154890b46e3d2e0192369cfd3f4c33d5a5af4035");
    SP_CHECK(count_files(dir) == 3 * (int)(sizeof cases / sizeof cases[0]));
    sp_photo_store_close(s);
}

static void test_photos__shared_truncated(void)
{
    SP_SKIP_WITHOUT_SHARED();
    char dir[600];
    sp_photo_store *s = new_store(dir);
    static const char *const files[] = {"DSCN0010.jpg", "HMD_Nokia_8.3_5G.jpg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", SHARED_PHOTOS, files[i]);
        size_t len = 0;
        unsigned char *data = read_file(path, &len);
        SP_CHECK(data != NULL);
        expect_refused(s, dir, data, len / 2, BIG_LIMIT, SP_EMEDIA, "truncated JPEG");
        free(data);
    }
    sp_photo_store_close(s);
}

int main(int argc, char **argv)
{
    sp_err err = {0};
    if (sp_photo_init(argv[0], &err) != SP_OK) {
        fprintf(stderr, "sp_photo_init: %s\n", err.msg);
        return 1;
    }
    SP_CHECK(sp_photo_init(argv[0], &err) == SP_OK); /* twice is fine */
    static const sp_test_case cases[] = {
        {"test_photos__formats_accepted", test_photos__formats_accepted},
        {"test_photos__icc_profile_stripped", test_photos__icc_profile_stripped},
        {"test_photos__exif_orientation_gps_date", test_photos__exif_orientation_gps_date},
        {"test_photos__same_bytes_stored_once", test_photos__same_bytes_stored_once},
        {"test_photos__bad_inputs", test_photos__bad_inputs},
        {"test_photos__refused_write_cleans_up_at_once",
         test_photos__refused_write_cleans_up_at_once},
        {"test_photos__paths", test_photos__paths},
        {"test_photos__sweep", test_photos__sweep},
        {"test_photos__sweep_leaves_a_shared_folder_alone",
         test_photos__sweep_leaves_a_shared_folder_alone},
        {"test_photos__release_removes_unreferenced", test_photos__release_removes_unreferenced},
        {"test_photos__threads", test_photos__threads},
        {"test_photos__shared_exif", test_photos__shared_exif},
        {"test_photos__shared_truncated", test_photos__shared_truncated},
        {NULL, NULL},
    };
    int rc = sp_test_main_in_tmpdir(argc, argv, cases, tmpdir, sizeof tmpdir, "spadok-photos");
    sp_photo_shutdown();
    return rc;
}
