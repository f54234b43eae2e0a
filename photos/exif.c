/* photos/exif.c - when and where a photo was taken, and which way up it is, from its EXIF
 * block with libexif. The block comes from the image library's header read (JPEG APP1, PNG
 * eXIf, WebP EXIF chunk, HEIC Exif item), so every format goes through the same code.
 * Only three things are read and each is checked; a value that is absent, malformed or out
 * of range is reported as absent, never guessed:
 *   orientation  IFD0 Orientation 1..8 (1 when absent)
 *   taken_at     EXIF DateTimeOriginal, else DateTimeDigitized; never IFD0 DateTime, which
 *                editors rewrite (Canon_40D.jpg: taken 2008-05-30, DateTime 2008-07-31 GIMP)
 *   GPS          GPSLatitude/Longitude (degrees, minutes, seconds) with their N/S, E/W refs;
 *                RATIONAL as the standard says, or SRATIONAL as some phones write them;
 *                exactly 0,0 is taken for a receiver without a fix.
 * libexif's "follow the specification" option is turned off: with it, loading fills in
 * missing mandatory tags, some with the current time. */
#include <libexif/exif-data.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photo_int.h"

#define EXIF_HEADER_LEN 6  /* "Exif\0\0" */
#define EXIF_DATE_LEN   19 /* "2008:10:22 16:28:39" */
#define EXIF_ORIENT_MIN 1
#define EXIF_ORIENT_MAX 8
#define GPS_PARTS       3 /* degrees, minutes, seconds */
#define MINUTES_PER_DEG 60.0
#define LAT_MAX         90.0
#define LON_MAX         180.0

static const unsigned char exif_header[EXIF_HEADER_LEN] = {'E', 'x', 'i', 'f', 0, 0};

static ExifEntry *entry(ExifData *d, ExifIfd ifd, ExifTag tag)
{
    return d->ifd[ifd] ? exif_content_get_entry(d->ifd[ifd], tag) : NULL;
}

static int read_orientation(ExifData *d)
{
    ExifEntry *e = entry(d, EXIF_IFD_0, EXIF_TAG_ORIENTATION);
    if (!e || e->format != EXIF_FORMAT_SHORT || e->components < 1 || e->size < sizeof(ExifShort))
        return EXIF_ORIENT_MIN;
    int o = exif_get_short(e->data, exif_data_get_byte_order(d));
    return o >= EXIF_ORIENT_MIN && o <= EXIF_ORIENT_MAX ? o : EXIF_ORIENT_MIN;
}

/* Two ASCII digits at s as a number in [lo, hi], or -1. */
static int two_digits(const char *s, int lo, int hi)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    int v = (s[0] - '0') * 10 + (s[1] - '0');
    return v >= lo && v <= hi ? v : -1;
}

/* "YYYY:MM:DD HH:MM:SS" as "YYYY-MM-DDTHH:MM:SS"; 0 when malformed or all zeros. */
static int convert_date(const ExifEntry *e, char out[32])
{
    if (!e || e->format != EXIF_FORMAT_ASCII || e->size < EXIF_DATE_LEN)
        return 0;
    char s[EXIF_DATE_LEN + 1];
    memcpy(s, e->data, EXIF_DATE_LEN);
    s[EXIF_DATE_LEN] = '\0';
    /* clang-format off */
    static const struct { int at, lo, hi; } parts[] = {
        {0, 0, 99}, {2, 0, 99}, {5, 1, 12}, {8, 1, 31},  /* century, year, month, day */
        {11, 0, 23}, {14, 0, 59}, {17, 0, 60},           /* hour, minute, second (leap) */
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (two_digits(s + parts[i].at, parts[i].lo, parts[i].hi) < 0)
            return 0;
    if (s[4] != ':' || s[7] != ':' || s[10] != ' ' || s[13] != ':' || s[16] != ':')
        return 0;
    if (two_digits(s, 0, 99) == 0 && two_digits(s + 2, 0, 99) == 0)
        return 0; /* year 0000 */
    s[4] = s[7] = '-';
    s[10] = 'T';
    memcpy(out, s, EXIF_DATE_LEN + 1);
    return 1;
}

/* Degrees from a RATIONAL[3] tag and its one-letter ref; 0 when absent or malformed. */
static int gps_coord(ExifData *d, ExifTag value_tag, ExifTag ref_tag, char neg_ref, char pos_ref,
                     double max, double *out)
{
    ExifEntry *v = entry(d, EXIF_IFD_GPS, value_tag);
    ExifEntry *r = entry(d, EXIF_IFD_GPS, ref_tag);
    /* RATIONAL by the standard; some phones write SRATIONAL (HMD_Nokia_8.3_5G.jpg) */
    if (!v || !r || (v->format != EXIF_FORMAT_RATIONAL && v->format != EXIF_FORMAT_SRATIONAL) ||
        v->components != GPS_PARTS || v->size < GPS_PARTS * sizeof(ExifRational) ||
        r->format != EXIF_FORMAT_ASCII || r->size < 1)
        return 0;
    char ref = (char)r->data[0];
    if (ref != neg_ref && ref != pos_ref)
        return 0;
    ExifByteOrder order = exif_data_get_byte_order(d);
    double deg = 0, unit = 1;
    for (int i = 0; i < GPS_PARTS; i++) {
        const unsigned char *at = v->data + i * sizeof(ExifRational);
        double num, den;
        if (v->format == EXIF_FORMAT_RATIONAL) {
            ExifRational q = exif_get_rational(at, order);
            num = q.numerator;
            den = q.denominator;
        } else {
            ExifSRational q = exif_get_srational(at, order);
            num = q.numerator;
            den = q.denominator;
        }
        if (den <= 0 || num < 0)
            return 0;
        deg += num / den / unit;
        unit *= MINUTES_PER_DEG;
    }
    if (deg > max)
        return 0;
    *out = ref == neg_ref ? -deg : deg;
    return 1;
}

void sp_photo_exif_read(const unsigned char *data, size_t len, sp_photo_info *info)
{
    info->orientation = EXIF_ORIENT_MIN;
    info->has_taken_at = info->has_gps = 0;
    if (!data || len < EXIF_HEADER_LEN)
        return;
    /* A bare TIFF block (II*\0 or MM\0*, as PNG and WebP carry it) needs the header libexif
     * looks for. */
    unsigned char *copy = NULL;
    if (memcmp(data, exif_header, EXIF_HEADER_LEN) != 0) {
        copy = malloc(len + EXIF_HEADER_LEN);
        if (!copy)
            return;
        memcpy(copy, exif_header, EXIF_HEADER_LEN);
        memcpy(copy + EXIF_HEADER_LEN, data, len);
        data = copy;
        len += EXIF_HEADER_LEN;
    }
    ExifData *d = exif_data_new();
    if (!d) {
        free(copy);
        return;
    }
    exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(d, data, (unsigned int)len);

    info->orientation = read_orientation(d);
    info->has_taken_at =
        convert_date(entry(d, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL), info->taken_at) ||
        convert_date(entry(d, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_DIGITIZED), info->taken_at);
    double lat = 0, lon = 0;
    info->has_gps = gps_coord(d, (ExifTag)EXIF_TAG_GPS_LATITUDE, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF,
                              'S', 'N', LAT_MAX, &lat) &&
                    gps_coord(d, (ExifTag)EXIF_TAG_GPS_LONGITUDE,
                              (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF, 'W', 'E', LON_MAX, &lon) &&
                    !(lat == 0 && lon == 0);
    if (info->has_gps) {
        info->lat = lat;
        info->lon = lon;
    }
    exif_data_unref(d);
    free(copy);
}
