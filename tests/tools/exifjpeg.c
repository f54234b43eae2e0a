/* tests/tools/exifjpeg.c - gives a JPEG the EXIF block a phone writes: GPS latitude and
 * longitude (degrees, minutes, seconds with their N/S, E/W refs) and DateTimeOriginal, made
 * with libexif, so the photo and privacy tests have contributors' positions and capture times
 * without real camera files (../shared may be absent).
 *   exifjpeg IN.jpg OUT.jpg LAT LON "YYYY:MM:DD HH:MM:SS"
 * The block goes in an APP1 segment right after the image's SOI marker; the rest of IN is
 * copied unchanged. Exits 0, or 2 with a reason on standard error. */
#include <libexif/exif-data.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GPS_PARTS     3      /* degrees, minutes, seconds */
#define SECONDS_SCALE 10000  /* seconds kept to 1/10000 (about 3 mm) */
#define APP1_MAX      0xfffd /* a segment's length field counts itself (2 bytes) */
#define DATE_LEN      20     /* "YYYY:MM:DD HH:MM:SS" and its NUL */

static ExifEntry *add_entry(ExifData *d, ExifIfd ifd, ExifTag tag, ExifFormat format,
                            unsigned long components)
{
    ExifMem *mem = exif_mem_new_default();
    ExifEntry *e = exif_entry_new_mem(mem);
    unsigned int size = exif_format_get_size(format) * components;
    e->data = exif_mem_alloc(mem, size);
    e->size = size;
    e->tag = tag;
    e->format = format;
    e->components = components;
    exif_content_add_entry(d->ifd[ifd], e);
    exif_mem_unref(mem);
    exif_entry_unref(e); /* the IFD holds it now */
    return e;
}

static void add_ref(ExifData *d, ExifTag tag, char ref)
{
    ExifEntry *e = add_entry(d, EXIF_IFD_GPS, tag, EXIF_FORMAT_ASCII, 2);
    e->data[0] = (unsigned char)ref;
    e->data[1] = '\0';
}

static void add_coord(ExifData *d, ExifTag tag, double deg)
{
    ExifEntry *e = add_entry(d, EXIF_IFD_GPS, tag, EXIF_FORMAT_RATIONAL, GPS_PARTS);
    double a = fabs(deg), whole = floor(a), minutes = floor((a - whole) * 60);
    double seconds = ((a - whole) * 60 - minutes) * 60;
    ExifRational parts[GPS_PARTS] = {{(ExifLong)whole, 1},
                                     {(ExifLong)minutes, 1},
                                     {(ExifLong)llround(seconds * SECONDS_SCALE), SECONDS_SCALE}};
    for (int i = 0; i < GPS_PARTS; i++)
        exif_set_rational(e->data + i * sizeof(ExifRational), exif_data_get_byte_order(d),
                          parts[i]);
}

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "exifjpeg: %s %s\n", what, path);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 6 || strlen(argv[5]) != DATE_LEN - 1) {
        fprintf(stderr, "usage: exifjpeg IN.jpg OUT.jpg LAT LON \"YYYY:MM:DD HH:MM:SS\"\n");
        return 2;
    }
    double lat = strtod(argv[3], NULL), lon = strtod(argv[4], NULL);
    FILE *in = fopen(argv[1], "rb");
    if (!in)
        return fail("cannot read", argv[1]);
    static unsigned char image[64 * 1024 * 1024];
    size_t n = fread(image, 1, sizeof image, in);
    fclose(in);
    if (n < 4 || image[0] != 0xff || image[1] != 0xd8)
        return fail("not a JPEG (no SOI):", argv[1]);

    ExifData *d = exif_data_new();
    exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_set_byte_order(d, EXIF_BYTE_ORDER_INTEL);
    add_ref(d, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF, lat < 0 ? 'S' : 'N');
    add_coord(d, (ExifTag)EXIF_TAG_GPS_LATITUDE, lat);
    add_ref(d, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF, lon < 0 ? 'W' : 'E');
    add_coord(d, (ExifTag)EXIF_TAG_GPS_LONGITUDE, lon);
    ExifEntry *when =
        add_entry(d, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, EXIF_FORMAT_ASCII, DATE_LEN);
    memcpy(when->data, argv[5], DATE_LEN);
    unsigned char *block = NULL;
    unsigned int size = 0;
    exif_data_save_data(d, &block, &size); /* starts with "Exif\0\0" */
    exif_data_unref(d);
    if (!block || size + 2 > APP1_MAX)
        return fail("libexif could not write the block for", argv[2]);

    FILE *out = fopen(argv[2], "wb");
    if (!out)
        return fail("cannot write", argv[2]);
    unsigned char app1[4] = {0xff, 0xe1, (unsigned char)((size + 2) >> 8),
                             (unsigned char)((size + 2) & 0xff)};
    int ok = fwrite(image, 1, 2, out) == 2 && fwrite(app1, 1, 4, out) == 4 &&
             fwrite(block, 1, size, out) == size && fwrite(image + 2, 1, n - 2, out) == n - 2;
    free(block);
    if (fclose(out) != 0 || !ok)
        return fail("cannot write", argv[2]);
    return 0;
}
