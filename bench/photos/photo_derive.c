/* bench/photos/photo_derive.c - the driver of bench/photos/derive.sh: times one way of
 * deriving a photo's 320 px thumbnail, in this process, so that process start-up is left
 * out (derive.sh also times whole processes with hyperfine).
 *   photo_derive MODE RUNS FILE...    prints "file  mode  ms" (median of RUNS) per file
 * Modes:
 *   finish     the whole of sp_photo_upload_finish after the body is streamed in: sniff,
 *              header, EXIF, full decode, web copy and thumbnail, fsyncs, renames
 *   upload     the same plus streaming the file in through sp_photo_upload_write
 *   probe      only the header read and pixel-limit check (sp_photo_probe)
 *   decode     a full-resolution decode of every pixel, what a separate "is it an image"
 *              check would cost if it were not folded into deriving the web copy
 *   vips320    vips_thumbnail(file, 320) and a JPEG save: what vipsthumbnail does
 *   libjpeg320 libjpeg-turbo by hand: DCT-scaled decode, box filter to 320, encode (JPEG
 *              input only): the alternative to libvips that was measured
 *   rss        one upload of each file, then prints peak RSS (VmHWM) before the upload,
 *              after streaming the body, and after finish, in MB
 * Not part of the server: it includes photos/photo_int.h to time the phases. */
#include <dirent.h>
#include <stdio.h> /* before jpeglib.h, which needs FILE and size_t */
#include <stdlib.h>
#include <jpeglib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vips/vips.h>

#include "photo_int.h"

#define CHUNK         65536 /* the body is streamed in pieces of this size */
#define MAX_RUNS      1000
#define THUMB         SP_PHOTO_THUMB_SIZE
#define QUALITY       82
#define LIMIT_BYTES   (512LL * 1024 * 1024)
#define MS_PER_S      1e3
#define NS_PER_MS     1e6
#define KB_PER_MB     1024.0
#define RGB           3
#define MAX_DCT_DENOM 8

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * MS_PER_S + t.tv_nsec / NS_PER_MS;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Peak resident set size so far, in MB (VmHWM of /proc/self/status). */
static double peak_rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lf kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb / KB_PER_MB;
}

/* The photo folder: under $TMPDIR (default /tmp); TMPDIR=/dev/shm shows the cost of the
 * fsyncs by leaving them out (tmpfs). */
static char store_dir[SP_PHOTO_PATH_MAX / 2];

/* Streams the file into an upload and (unless stop_after_write) finishes it; the stored
 * files are removed again so that every run derives. */
static int run_upload(sp_photo_store *s, const char *path, int timed_from_finish, double *ms,
                      double *rss_after_write)
{
    sp_err err = {0};
    sp_photo_upload *u = NULL;
    FILE *f = fopen(path, "rb");
    if (!f || sp_photo_upload_begin(s, LIMIT_BYTES, &u, &err) != SP_OK) {
        fprintf(stderr, "photo_derive: %s: %s\n", path, f ? err.msg : "cannot open");
        if (f)
            fclose(f);
        return 1;
    }
    static unsigned char buf[CHUNK];
    double t0 = now_ms();
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (sp_photo_upload_write(u, buf, n, &err) != SP_OK)
            break;
    fclose(f);
    if (rss_after_write)
        *rss_after_write = peak_rss_mb();
    if (timed_from_finish)
        t0 = now_ms();
    sp_photo_info info;
    int rc = sp_photo_upload_finish(u, &info, &err);
    *ms = now_ms() - t0;
    if (rc != SP_OK) {
        fprintf(stderr, "photo_derive: %s: %s\n", path, err.msg);
        return 1;
    }
    int removed = 0;
    return sp_photo_store_sweep(s, NULL, NULL, &removed, &err) != SP_OK; /* tmp/ only */
}

static int forget_stored(void *ctx, const char *sha)
{
    (void)ctx;
    (void)sha;
    return 0;
}

static int run_probe(sp_photo_store *s, const char *path, double *ms)
{
    unsigned char head[SP_PHOTO_SNIFF_LEN] = {0};
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    sp_photo_info info;
    sp_err err = {0};
    sp_photo_header h;
    double t0 = now_ms();
    int rc = sp_photo_probe(path, sp_photo_sniff(head, n), s->max_pixels, &info, &h, &err);
    *ms = now_ms() - t0;
    return rc != SP_OK;
}

static int run_decode(const char *path, double *ms)
{
    double t0 = now_ms(), avg = 0;
    VipsImage *im = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                             VIPS_FAIL_ON_TRUNCATED, NULL);
    int rc = !im || vips_avg(im, &avg, NULL) != 0;
    if (im)
        g_object_unref(im);
    *ms = now_ms() - t0;
    return rc;
}

static int run_vips320(const char *path, const char *out, double *ms)
{
    double t0 = now_ms();
    VipsImage *im = NULL;
    int rc = vips_thumbnail(path, &im, THUMB, NULL) != 0 ||
             vips_jpegsave(im, out, "Q", QUALITY, "strip", TRUE, NULL) != 0;
    if (im)
        g_object_unref(im);
    *ms = now_ms() - t0;
    return rc;
}

/* libjpeg-turbo by hand: the largest DCT scaling that keeps the longest side >= 320, then
 * an area average to fit 320, then encode. No orientation, no colour management. */
static int run_libjpeg320(const char *path, const char *out, double *ms)
{
    double t0 = now_ms();
    FILE *in = fopen(path, "rb"), *o = fopen(out, "wb");
    if (!in || !o) {
        if (in)
            fclose(in);
        if (o)
            fclose(o);
        return 1;
    }
    struct jpeg_decompress_struct d;
    struct jpeg_error_mgr jerr;
    d.err = jpeg_std_error(&jerr);
    jpeg_create_decompress(&d);
    jpeg_stdio_src(&d, in);
    jpeg_read_header(&d, TRUE);
    unsigned longest = d.image_width > d.image_height ? d.image_width : d.image_height;
    d.scale_num = 1;
    d.scale_denom = 1;
    while (d.scale_denom < MAX_DCT_DENOM && longest / (d.scale_denom * 2) >= THUMB)
        d.scale_denom *= 2;
    d.out_color_space = JCS_RGB;
    jpeg_start_decompress(&d);
    unsigned sw = d.output_width, sh = d.output_height;
    unsigned sl = sw > sh ? sw : sh;
    unsigned tw = sl > THUMB ? (unsigned)((double)sw * THUMB / sl + 0.5) : sw;
    unsigned th = sl > THUMB ? (unsigned)((double)sh * THUMB / sl + 0.5) : sh;
    if (tw == 0)
        tw = 1;
    if (th == 0)
        th = 1;
    unsigned char *row = malloc((size_t)sw * RGB);
    unsigned *sum = calloc((size_t)tw * th * RGB, sizeof *sum);
    unsigned *cnt = calloc((size_t)tw * th, sizeof *cnt);
    unsigned *col = malloc(sw * sizeof *col);
    for (unsigned x = 0; x < sw; x++)
        col[x] = (unsigned)((unsigned long long)x * tw / sw);
    while (d.output_scanline < sh) {
        unsigned y = d.output_scanline;
        JSAMPROW r = row;
        jpeg_read_scanlines(&d, &r, 1);
        unsigned ty = (unsigned)((unsigned long long)y * th / sh);
        for (unsigned x = 0; x < sw; x++) {
            size_t t = (size_t)ty * tw + col[x];
            for (int c = 0; c < RGB; c++)
                sum[t * RGB + c] += row[x * RGB + c];
            cnt[t]++;
        }
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    fclose(in);
    unsigned char *px = malloc((size_t)tw * th * RGB);
    for (size_t t = 0; t < (size_t)tw * th; t++)
        for (int c = 0; c < RGB; c++)
            px[t * RGB + c] = (unsigned char)(cnt[t] ? sum[t * RGB + c] / cnt[t] : 0);
    struct jpeg_compress_struct e;
    e.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&e);
    jpeg_stdio_dest(&e, o);
    e.image_width = tw;
    e.image_height = th;
    e.input_components = RGB;
    e.in_color_space = JCS_RGB;
    jpeg_set_defaults(&e);
    jpeg_set_quality(&e, QUALITY, TRUE);
    e.optimize_coding = TRUE;
    jpeg_start_compress(&e, TRUE);
    while (e.next_scanline < th) {
        JSAMPROW r = px + (size_t)e.next_scanline * tw * RGB;
        jpeg_write_scanlines(&e, &r, 1);
    }
    jpeg_finish_compress(&e);
    jpeg_destroy_compress(&e);
    fclose(o);
    free(row);
    free(sum);
    free(cnt);
    free(col);
    free(px);
    *ms = now_ms() - t0;
    return 0;
}

/* The photo folder, whose tmp/ and shard folders are empty by now (no shell: a process
 * start would be timed with the driver). */
static void remove_empty_folders(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[SP_PHOTO_PATH_MAX];
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' &&
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
            rmdir(path);
    if (d)
        closedir(d);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: photo_derive finish|upload|probe|decode|vips320|libjpeg320|rss "
                        "RUNS FILE...\n");
        return 2;
    }
    const char *mode = argv[1];
    int runs = atoi(argv[2]);
    if (runs < 1 || runs > MAX_RUNS)
        runs = 1;
    sp_err err = {0};
    sp_photo_store *s = NULL;
    const char *tmp = getenv("TMPDIR");
    int n =
        snprintf(store_dir, sizeof store_dir, "%s/spadok-bench-photos-XXXXXX", tmp ? tmp : "/tmp");
    if (n < 0 || (size_t)n >= sizeof store_dir || !mkdtemp(store_dir) ||
        sp_photo_init(argv[0], &err) != SP_OK ||
        sp_photo_store_open(store_dir, &s, &err) != SP_OK) {
        fprintf(stderr, "photo_derive: %s\n", err.msg);
        return 1;
    }
    char out[SP_PHOTO_PATH_MAX];
    snprintf(out, sizeof out, "%s/thumb.jpg", store_dir);
    int failed = 0;
    for (int i = 3; i < argc && !failed; i++) {
        const char *file = argv[i];
        const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        if (strcmp(mode, "rss") == 0) {
            double before = peak_rss_mb(), written = 0, ms = 0;
            failed = run_upload(s, file, 1, &ms, &written);
            printf("%-28s rss  before %.1f MB  after streaming %.1f MB  after finish %.1f MB  "
                   "(%.0f ms)\n",
                   base, before, written, peak_rss_mb(), ms);
            continue;
        }
        double t[MAX_RUNS];
        for (int r = 0; r < runs && !failed; r++) {
            if (strcmp(mode, "finish") == 0 || strcmp(mode, "upload") == 0)
                failed = run_upload(s, file, strcmp(mode, "finish") == 0, &t[r], NULL);
            else if (strcmp(mode, "probe") == 0)
                failed = run_probe(s, file, &t[r]);
            else if (strcmp(mode, "decode") == 0)
                failed = run_decode(file, &t[r]);
            else if (strcmp(mode, "vips320") == 0)
                failed = run_vips320(file, out, &t[r]);
            else if (strcmp(mode, "libjpeg320") == 0)
                failed = run_libjpeg320(file, out, &t[r]);
            else
                failed = 2;
            int removed = 0;
            if (!failed && sp_photo_store_sweep(s, forget_stored, NULL, &removed, &err) != SP_OK)
                failed = 1;
        }
        if (failed) {
            fprintf(stderr, "photo_derive: %s %s failed %s\n", mode, base, vips_error_buffer());
            break;
        }
        qsort(t, (size_t)runs, sizeof t[0], cmp_double);
        printf("%-28s %-12s %8.1f\n", base, mode, t[runs / 2]);
    }
    unlink(out);
    int removed = 0;
    sp_photo_store_sweep(s, forget_stored, NULL, &removed, &err);
    sp_photo_store_close(s);
    remove_empty_folders(store_dir);
    sp_photo_shutdown();
    return failed ? 1 : 0;
}
