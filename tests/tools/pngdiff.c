/* tests/tools/pngdiff.c - compares two PNG files pixel by pixel (as 8-bit RGBA, whatever
 * their encoding) for the reference-image tests of tiles: prints
 * "<width>x<height> differing=<pixels> maxdiff=<largest channel difference>" and exits 0,
 * or 2 when a file cannot be read or the sizes differ. Pixels differ when a channel differs
 * by more than TOLERANCE (default 0), colours premultiplied by alpha: an all but transparent
 * pixel of an anti-aliased edge is not a difference, whatever colour it nominally has. `pngdiff
 * --at FILE X Y` prints the RGBA of one pixel; `pngdiff --count FILE R G B` how many opaque
 * pixels have that colour (each channel within 2), to tell that a style's colour is drawn. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *load(const char *path, png_image *img)
{
    img->version = PNG_IMAGE_VERSION;
    img->opaque = NULL;
    if (!png_image_begin_read_from_file(img, path))
        return NULL;
    img->format = PNG_FORMAT_RGBA;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(*img));
    if (px && !png_image_finish_read(img, NULL, px, 0, NULL)) {
        free(px);
        return NULL;
    }
    return px;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--at") == 0) {
        png_image img = {0};
        unsigned char *px = load(argv[2], &img);
        unsigned x = (unsigned)atoi(argv[3]), y = (unsigned)atoi(argv[4]);
        if (!px || x >= img.width || y >= img.height) {
            fprintf(stderr, "pngdiff: %s: cannot read, or no pixel %u,%u\n", argv[2], x, y);
            free(px);
            return 2;
        }
        const unsigned char *p = px + ((size_t)y * img.width + x) * 4;
        printf("%u %u %u %u\n", p[0], p[1], p[2], p[3]);
        free(px);
        return 0;
    }
    if (argc == 6 && strcmp(argv[1], "--count") == 0) {
        png_image img = {0};
        unsigned char *px = load(argv[2], &img);
        if (!px) {
            fprintf(stderr, "pngdiff: %s: cannot read\n", argv[2]);
            return 2;
        }
        int want[3] = {atoi(argv[3]), atoi(argv[4]), atoi(argv[5])};
        long n = 0;
        for (size_t i = 0; i < (size_t)img.width * img.height; i++) {
            const unsigned char *p = px + i * 4;
            n += p[3] == 255 && abs(p[0] - want[0]) <= 2 && abs(p[1] - want[1]) <= 2 &&
                 abs(p[2] - want[2]) <= 2;
        }
        printf("%ld\n", n);
        free(px);
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: pngdiff A.png B.png [TOLERANCE] | pngdiff --at FILE X Y | "
                        "pngdiff --count FILE R G B\n");
        return 2;
    }
    int tol = argc > 3 ? atoi(argv[3]) : 0;
    png_image a = {0}, b = {0};
    unsigned char *pa = load(argv[1], &a), *pb = load(argv[2], &b);
    if (!pa || !pb || a.width != b.width || a.height != b.height) {
        fprintf(stderr, "pngdiff: %s\n", !pa ? argv[1] : !pb ? argv[2] : "sizes differ");
        free(pa);
        free(pb);
        return 2;
    }
    long differing = 0;
    int maxdiff = 0;
    for (size_t i = 0; i < (size_t)a.width * a.height; i++) {
        int worst = 0;
        const unsigned char *x = pa + i * 4, *y = pb + i * 4;
        for (int c = 0; c < 4; c++) { /* colours weighed by their alpha: what shows */
            int d = c == 3 ? abs(x[3] - y[3]) : abs(x[c] * x[3] - y[c] * y[3]) / 255;
            worst = d > worst ? d : worst;
        }
        differing += worst > tol;
        maxdiff = worst > maxdiff ? worst : maxdiff;
    }
    printf("%ux%u differing=%ld maxdiff=%d\n", a.width, a.height, differing, maxdiff);
    free(pa);
    free(pb);
    return 0;
}
