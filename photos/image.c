/* photos/image.c - is this upload an image, how big, and its two public derivatives, with
 * libvips (Debian libvips-dev 8.14).
 *
 * Why libvips rather than libjpeg/libpng/libwebp by hand: bench/photos/derive.sh, 2 cores,
 * libvips 8.14.1, libjpeg-turbo 2.1.5, median ms per photo inside one process:
 *
 *   file                         pixels      finish  decode  vips320  libjpeg320
 *   DSCN0010.jpg                 640x480       15.4     5.2      8.5         3.8
 *   HMD_Nokia_8.3_5G.jpg         4608x1976     51.7    48.4     31.9        21.5
 *   made, 24 MP JPEG             6000x4000    166.8   158.7    106.0       102.9
 *   made, 24 MP progressive JPEG 6000x4000    457.1   433.2    393.0       381.6
 *   made, 12 MP PNG              4000x3000    247.8   213.3    250.6           -
 *   made, 12 MP WebP             4000x3000    110.9   190.6     85.3           -
 *   made, 12 MP HEIC             4000x3000    849.1   802.6    852.9           -
 *
 * finish: all of sp_photo_upload_finish (sniff, header, EXIF, full decode, web copy AND
 * thumbnail, fsyncs, which are 1-12 ms of it, renames); decode: every pixel at full size, the
 * cost of a separate "is it an image" check; vips320: vips_thumbnail to 320 px and a save,
 * which is what vipsthumbnail does; libjpeg320: libjpeg-turbo by hand (DCT-scaled decode,
 * box filter, encode; no orientation, colour management or Lanczos).
 * For the thumbnail alone the hand path wins on small and mid-sized JPEGs (1.5x) and ties
 * on large ones: both are libjpeg's decoder. What a photo costs here is the web copy, which
 * needs the decode at 1600 px or more, the same libjpeg work either way; and libvips gives
 * PNG, WebP and HEIC, orientation, ICC and CMYK to sRGB, alpha, 16 bits and streaming in
 * strips through one API. The header check costs 0.1-0.4 ms; the full decode is the web
 * copy's own, so finish is within 10 % of a bare decode (a separate check would add one).
 *
 * Memory, peak RSS of a fresh process (30.8 MB after start): streaming a 47 MB body into
 * the temp file +0.1 MB; finishing the Nokia photo +17 MB, a 67 MP 47 MB JPEG +20 MB; a
 * 24 MP progressive JPEG +160 MB (libjpeg keeps every DCT coefficient, about 6 bytes a
 * pixel; interlaced PNG and HEIC are decoded whole too): such images take whole_lock, so
 * that concurrent uploads hold at most one of them in memory.
 *
 * The checks, in order:
 *  1. sniff: the first bytes must be a JPEG, PNG, WebP or HEIC signature; only that format's
 *     loader is ever called (a text file, an SVG or a PDF never reaches a libvips loader that
 *     would accept it, and vips_block_untrusted_set blocks the risky ones anyway);
 *  2. header: width x height against the store's pixel limit, before any pixel is decoded
 *     (a 30000 x 30000 PNG of zeros is 110 KB on disk and 900 MB decoded);
 *  3. full decode with fail_on=truncated while deriving the web copy: a JPEG cut short fails
 *     (libjpeg's "premature end" warning becomes an error), so does a PNG or WebP that ends
 *     early or fails its checks. Shrink-on-load still entropy-decodes every block. Corrupt
 *     entropy-coded data that libjpeg only warns about still decodes, and is accepted.
 * The thumbnail is derived from the encoded web copy, not from the original again. Both
 * are JPEG, EXIF orientation applied, converted to sRGB, alpha flattened on white, and
 * stripped of every metadata block (EXIF, XMP, IPTC, ICC).
 *
 * libvips's operation cache is off: it keys on file names and would keep decoded images
 * and file descriptors of uploads. The error buffer of libvips is process-wide: under
 * concurrent failures the decoder's text in one upload's message may be another's; the code
 * (SP_EMEDIA) and "truncated", checked on the file itself, are always this upload's. */
#include <fcntl.h>
#include <glib.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "photo_int.h"
#include "sp_log.h"

#define JPEG_QUALITY 82
/* thumbnail_source passes fail_on to its loader only through the loader's option string */
#define LOAD_FAIL_ON    "[fail_on=truncated]"
#define SRGB_PROFILE    "srgb"       /* libvips's built-in sRGB profile */
#define META_INTERLACED "interlaced" /* set by libvips for progressive JPEG, Adam7 PNG */
#define MEGA            1e6
#define ERR_LINE_MAX    200
#define MAX_ALPHA_8     255.0
#define MAX_ALPHA_16    65535.0
#define FTYP_AT         4 /* ISO BMFF: size(4) "ftyp"(4) major brand(4) version(4) compatible... */
#define BRAND_LEN       4
#define BRAND_MAJOR     8
#define BRANDS_COMPAT   16
#define RIFF_SIZE_AT    4 /* RIFF: "RIFF", then the little-endian size of what follows */
#define RIFF_SIZE_LEN   4
#define RIFF_HEADER_LEN 8
#define JPEG_MAX_SHRINK 8 /* libjpeg scales by 1/2, 1/4, 1/8 */

typedef struct format_desc {
    const char *name;       /* in messages */
    const char *media_type; /* in sp_photo_info */
    const char *loader;     /* libvips's nickname of the loader that must have read it */
} format_desc;

/* clang-format off */
static const format_desc formats[] = {
    [SP_PHOTO_FMT_JPEG] = {"JPEG", "image/jpeg", "jpegload_source"},
    [SP_PHOTO_FMT_PNG]  = {"PNG",  "image/png",  "pngload_source"},
    [SP_PHOTO_FMT_WEBP] = {"WebP", "image/webp", "webpload_source"},
    [SP_PHOTO_FMT_HEIC] = {"HEIC", "image/heic", "heifload_source"},
};
/* clang-format on */

/* ---- init ------------------------------------------------------------------------------- */

/* Process-wide state of the image library: guarded by init_lock. */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_done, shut_down;

/* libvips's warnings ("premature end of JPEG file" when fail_on lets it through) go to our
 * log as debug lines rather than to stderr. */
static void vips_log_handler(const gchar *domain, GLogLevelFlags level, const gchar *message,
                             gpointer data)
{
    (void)level;
    (void)data;
    sp_log(SP_LOG_DEBUG, "%s: %s", domain ? domain : "glib", message);
}

int sp_photo_init(const char *argv0, sp_err *err)
{
    int rc = SP_OK;
    pthread_mutex_lock(&init_lock);
    if (shut_down)
        rc = sp_err_set(err, SP_EINTERNAL, "the image library cannot be started after shutdown");
    else if (!init_done) {
        if (sodium_init() < 0)
            rc = sp_err_set(err, SP_EINTERNAL, "libsodium cannot start");
        else if (vips_init(argv0 ? argv0 : "spadok") != 0) {
            rc = sp_err_set(err, SP_EINTERNAL, "libvips cannot start: %s", vips_error_buffer());
            vips_error_clear();
        } else {
            vips_cache_set_max(0);
            vips_block_untrusted_set(TRUE);
            g_log_set_handler("VIPS", G_LOG_LEVEL_MASK, vips_log_handler, NULL);
            init_done = 1;
        }
    }
    pthread_mutex_unlock(&init_lock);
    return rc;
}

void sp_photo_shutdown(void)
{
    pthread_mutex_lock(&init_lock);
    if (init_done && !shut_down) {
        vips_shutdown();
        shut_down = 1;
    }
    pthread_mutex_unlock(&init_lock);
}

int sp_photo_initialized(void)
{
    pthread_mutex_lock(&init_lock);
    int ok = init_done && !shut_down;
    pthread_mutex_unlock(&init_lock);
    return ok;
}

/* ---- sniff ------------------------------------------------------------------------------ */

static int brand_is_heic(const unsigned char *b)
{
    static const char *const heic[] = {"heic", "heix", "heim", "heis", "hevc", "hevx"};
    for (size_t i = 0; i < sizeof heic / sizeof heic[0]; i++)
        if (memcmp(b, heic[i], BRAND_LEN) == 0)
            return 1;
    return 0;
}

sp_photo_format sp_photo_sniff(const unsigned char *h, size_t n)
{
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF};
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n >= sizeof jpeg && memcmp(h, jpeg, sizeof jpeg) == 0)
        return SP_PHOTO_FMT_JPEG;
    if (n >= sizeof png && memcmp(h, png, sizeof png) == 0)
        return SP_PHOTO_FMT_PNG;
    if (n >= BRANDS_COMPAT && memcmp(h, "RIFF", BRAND_LEN) == 0 &&
        memcmp(h + BRAND_MAJOR, "WEBP", BRAND_LEN) == 0)
        return SP_PHOTO_FMT_WEBP;
    if (n >= BRANDS_COMPAT && memcmp(h + FTYP_AT, "ftyp", BRAND_LEN) == 0) {
        if (brand_is_heic(h + BRAND_MAJOR))
            return SP_PHOTO_FMT_HEIC;
        /* A generic HEIF major brand (mif1, msf1) with HEVC among the compatible brands
         * read; AVIF and the rest are not accepted. */
        if (memcmp(h + BRAND_MAJOR, "mif1", BRAND_LEN) == 0 ||
            memcmp(h + BRAND_MAJOR, "msf1", BRAND_LEN) == 0)
            for (size_t at = BRANDS_COMPAT; at + BRAND_LEN <= n; at += BRAND_LEN)
                if (brand_is_heic(h + at))
                    return SP_PHOTO_FMT_HEIC;
    }
    return SP_PHOTO_FMT_NONE;
}

const char *sp_photo_media_type(sp_photo_format f)
{
    return f == SP_PHOTO_FMT_NONE ? "" : formats[f].media_type;
}

/* ---- errors ----------------------------------------------------------------------------- */

/* 1 when the file ends before its format says it does: a JPEG without its end-of-image
 * marker, a PNG without its IEND chunk, a WebP shorter than its RIFF size (HEIC: not
 * checked). Read from the file itself, so the answer is this upload's own. */
static int ends_early(const char *path, sp_photo_format f)
{
    static const unsigned char jpeg_eoi[] = {0xFF, 0xD9};
    static const unsigned char png_iend[] = {0,   0,   0,    0,    'I',  'E',
                                             'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    unsigned char b[sizeof png_iend];
    int early = 0;
    switch (f) {
    case SP_PHOTO_FMT_JPEG:
        early = st.st_size < (off_t)sizeof jpeg_eoi ||
                pread(fd, b, sizeof jpeg_eoi, st.st_size - (off_t)sizeof jpeg_eoi) !=
                    (ssize_t)sizeof jpeg_eoi ||
                memcmp(b, jpeg_eoi, sizeof jpeg_eoi) != 0;
        break;
    case SP_PHOTO_FMT_PNG:
        early = st.st_size < (off_t)sizeof png_iend ||
                pread(fd, b, sizeof png_iend, st.st_size - (off_t)sizeof png_iend) !=
                    (ssize_t)sizeof png_iend ||
                memcmp(b, png_iend, sizeof png_iend) != 0;
        break;
    case SP_PHOTO_FMT_WEBP:
        if (pread(fd, b, RIFF_SIZE_LEN, RIFF_SIZE_AT) == RIFF_SIZE_LEN) {
            long long riff = (long long)b[0] | (long long)b[1] << 8 | (long long)b[2] << 16 |
                             (long long)b[3] << 24;
            early = riff + RIFF_HEADER_LEN > (long long)st.st_size;
        }
        break;
    case SP_PHOTO_FMT_HEIC:
    case SP_PHOTO_FMT_NONE:
        break;
    }
    close(fd);
    return early;
}

/* Reports the input as SP_EMEDIA, "truncated JPEG" when it ends early or the decoder said
 * it ran out of data, else "damaged JPEG: <the decoder's first line>". libvips's error
 * buffer is process-wide: under concurrent failures the text may be another upload's, the
 * code and the truncation check are always this one's. */
static int media_error(const char *path, sp_photo_format f, sp_err *err)
{
    char *text = vips_error_buffer_copy();
    char line[ERR_LINE_MAX] = "";
    if (text) {
        size_t n = strcspn(text, "\n");
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, text, n);
        line[n] = '\0';
    }
    static const char *const hints[] = {"Premature end", "premature end",  "truncated",
                                        "Truncated",     "unexpected end", "end of file"};
    int is_truncated = ends_early(path, f);
    for (size_t i = 0; text && i < sizeof hints / sizeof hints[0]; i++)
        is_truncated |= strstr(text, hints[i]) != NULL;
    g_free(text);
    if (is_truncated)
        return sp_err_set(err, SP_EMEDIA, "truncated %s: the data ends before the image does",
                          formats[f].name);
    return sp_err_set(err, SP_EMEDIA, "damaged %s: %s", formats[f].name,
                      line[0] ? line : "the decoder refused it");
}

/* ---- header ----------------------------------------------------------------------------- */

/* The format's own loader, header only (pixels are decoded on demand). */
static int load_header(VipsSource *src, sp_photo_format f, VipsImage **out)
{
    switch (f) {
    case SP_PHOTO_FMT_JPEG:
        return vips_jpegload_source(src, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                    VIPS_FAIL_ON_TRUNCATED, NULL);
    case SP_PHOTO_FMT_PNG:
        return vips_pngload_source(src, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                   VIPS_FAIL_ON_TRUNCATED, NULL);
    case SP_PHOTO_FMT_WEBP:
        return vips_webpload_source(src, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                    VIPS_FAIL_ON_TRUNCATED, NULL);
    case SP_PHOTO_FMT_HEIC:
        return vips_heifload_source(src, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                    VIPS_FAIL_ON_TRUNCATED, NULL);
    case SP_PHOTO_FMT_NONE:
        break;
    }
    return -1;
}

int sp_photo_probe(const char *path, sp_photo_format f, long long max_pixels, sp_photo_info *info,
                   sp_photo_header *out, sp_err *err)
{
    VipsSource *src = vips_source_new_from_file(path);
    if (!src) {
        vips_error_clear();
        return sp_err_set(err, SP_EIO, "cannot read %s", path);
    }
    VipsImage *im = NULL;
    int rc = load_header(src, f, &im);
    g_object_unref(src);
    if (rc != 0)
        return media_error(path, f, err);
    long long w = vips_image_get_width(im), h = vips_image_get_height(im);
    if (w * h > max_pixels) {
        g_object_unref(im);
        return sp_err_set(err, SP_EMEDIA,
                          "image of %lld x %lld pixels is over the limit of %g megapixels", w, h,
                          (double)max_pixels / MEGA);
    }
    const void *exif = NULL;
    size_t exif_len = 0;
    if (vips_image_get_typeof(im, VIPS_META_EXIF_NAME) &&
        vips_image_get_blob(im, VIPS_META_EXIF_NAME, &exif, &exif_len) != 0) {
        exif = NULL;
        exif_len = 0;
        vips_error_clear();
    }
    sp_photo_exif_read(exif, exif_len, info);
    out->has_icc = vips_image_get_typeof(im, VIPS_META_ICC_NAME) != 0;
    out->longest = (int)(w > h ? w : h);
    out->shortest = (int)(w > h ? h : w);
    int interlaced = 0;
    if (vips_image_get_typeof(im, META_INTERLACED) &&
        vips_image_get_int(im, META_INTERLACED, &interlaced) != 0)
        vips_error_clear();
    out->decodes_whole = interlaced || f == SP_PHOTO_FMT_HEIC;
    /* What the derivatives will show: libvips rotates by the orientation it read (for HEIC
     * libheif has already applied the container's rotation and libvips reports none). */
    int swap = vips_image_get_orientation_swap(im);
    info->width = (int)(swap ? h : w);
    info->height = (int)(swap ? w : h);
    g_object_unref(im);
    return SP_OK;
}

/* ---- derivatives ------------------------------------------------------------------------ */

/* Held while an image that is decoded whole (progressive JPEG: all DCT coefficients, about
 * 6 bytes a pixel; interlaced PNG; HEIC) is turned into its web copy, so that however many
 * uploads run at once, at most one such image is in memory. The others stream in strips. */
static pthread_mutex_t whole_lock = PTHREAD_MUTEX_INITIALIZER;

/* Fits in = an upright sRGB image into size x size (never larger), flattens alpha and
 * encodes a metadata-free JPEG (libvips allocates *buf: g_free). Decoding errors of the
 * source surface here, when the encoder pulls the pixels. */
static int encode_jpeg(VipsImage *in, void **buf, size_t *len)
{
    VipsImage *flat = NULL;
    if (vips_image_hasalpha(in)) {
        double white = in->BandFmt == VIPS_FORMAT_USHORT ? MAX_ALPHA_16 : MAX_ALPHA_8;
        VipsArrayDouble *bg = vips_array_double_newv(1, white);
        int rc = vips_flatten(in, &flat, "background", bg, NULL);
        vips_area_unref(VIPS_AREA(bg));
        if (rc != 0)
            return -1;
        in = flat;
    }
    int rc = vips_jpegsave_buffer(in, buf, len, "Q", JPEG_QUALITY, "strip", TRUE, "optimize_coding",
                                  TRUE, NULL);
    if (flat)
        g_object_unref(flat);
    return rc;
}

/* The web copy of the original, as a lazy pipeline (pixels are decoded when it is encoded):
 * EXIF rotation applied, sRGB (an embedded ICC profile is applied, as the derivatives lose
 * it; without one the pixels are taken as sRGB and no transform is paid for), fitted into
 * SP_PHOTO_WEB_SIZE. A JPEG is loaded with libjpeg's DCT scaling by the largest power of two
 * that keeps it at least that size: vips_thumbnail keeps a factor of 2 for its Lanczos step
 * and would decode a 4608 px photo whole for a 1600 px copy, twice the CPU (bench). */
static int web_copy(VipsSource *src, sp_photo_format f, const sp_photo_header *h, VipsImage **out)
{
    const char *profile = h->has_icc ? SRGB_PROFILE : NULL;
    if (f != SP_PHOTO_FMT_JPEG)
        return vips_thumbnail_source(src, out, SP_PHOTO_WEB_SIZE, "height", SP_PHOTO_WEB_SIZE,
                                     "size", VIPS_SIZE_DOWN, "option_string", LOAD_FAIL_ON,
                                     "export_profile", profile, NULL);
    int shrink = 1;
    /* the short side must keep a pixel too (a 4 x 4000 strip at 1/8 would be 0 wide, and
     * libvips aborts on that) */
    while (shrink < JPEG_MAX_SHRINK && h->longest / (shrink * 2) >= SP_PHOTO_WEB_SIZE &&
           h->shortest / (shrink * 2) >= 1)
        shrink *= 2;
    VipsImage *pre = NULL;
    if (vips_jpegload_source(src, &pre, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                             VIPS_FAIL_ON_TRUNCATED, "shrink", shrink, NULL) != 0)
        return -1;
    int rc = vips_thumbnail_image(pre, out, SP_PHOTO_WEB_SIZE, "height", SP_PHOTO_WEB_SIZE, "size",
                                  VIPS_SIZE_DOWN, "export_profile", profile, NULL);
    g_object_unref(pre);
    return rc;
}

int sp_photo_derive(const sp_photo_store *s, const char *path, sp_photo_format f,
                    const sp_photo_header *h, char web[SP_PHOTO_PATH_MAX],
                    char thumb[SP_PHOTO_PATH_MAX], sp_err *err)
{
    web[0] = thumb[0] = '\0';
    VipsSource *src = vips_source_new_from_file(path);
    if (!src) {
        vips_error_clear();
        return sp_err_set(err, SP_EIO, "cannot read %s", path);
    }
    VipsImage *im = NULL;
    void *web_buf = NULL, *thumb_buf = NULL;
    size_t web_len = 0, thumb_len = 0;
    if (h->decodes_whole)
        pthread_mutex_lock(&whole_lock);
    int rc = web_copy(src, f, h, &im);
    g_object_unref(src);
    const char *loader = NULL;
    if (rc == 0 && (vips_image_get_string(im, VIPS_META_LOADER, &loader) != 0 ||
                    strcmp(loader, formats[f].loader) != 0)) {
        g_object_unref(im);
        if (h->decodes_whole)
            pthread_mutex_unlock(&whole_lock);
        vips_error_clear();
        return sp_err_set(err, SP_EMEDIA, "damaged %s: read as %s", formats[f].name,
                          loader ? loader : "an unknown format");
    }
    if (rc == 0) {
        rc = encode_jpeg(im, &web_buf, &web_len);
        g_object_unref(im);
    }
    if (h->decodes_whole)
        pthread_mutex_unlock(&whole_lock);
    if (rc != 0)
        return media_error(path, f, err);

    /* The thumbnail from the web copy (already upright and sRGB). */
    rc = vips_thumbnail_buffer(web_buf, web_len, &im, SP_PHOTO_THUMB_SIZE, "height",
                               SP_PHOTO_THUMB_SIZE, "size", VIPS_SIZE_DOWN, "fail_on",
                               VIPS_FAIL_ON_TRUNCATED, NULL);
    if (rc == 0) {
        rc = encode_jpeg(im, &thumb_buf, &thumb_len);
        g_object_unref(im);
    }
    int code = SP_OK;
    if (rc != 0) {
        char *text = vips_error_buffer_copy();
        code = sp_err_set(err, SP_EINTERNAL, "thumbnail of the web copy failed: %s", text);
        g_free(text);
    }
    if (code == SP_OK)
        code = sp_photo_temp_write(s, web_buf, web_len, web, SP_PHOTO_PATH_MAX, err);
    if (code == SP_OK)
        code = sp_photo_temp_write(s, thumb_buf, thumb_len, thumb, SP_PHOTO_PATH_MAX, err);
    g_free(web_buf);
    g_free(thumb_buf);
    if (code != SP_OK) {
        if (web[0])
            remove(web);
        if (thumb[0])
            remove(thumb);
        web[0] = thumb[0] = '\0';
    }
    return code;
}
