/* tiles/tile.c - what a tile is: its address (z/x/y, @2x), its bounds, the layers and their
 * legends. The colours are the Okabe-Ito palette, which stays distinguishable with the
 * common colour-vision deficiencies; the order good ... lost goes from bluish green through
 * blue and orange to vermillion and black. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_tile.h"

static const char *const layer_names[SP_TILE_LAYER_COUNT] = {"monuments", "damage", "zones",
                                                             "basemap"};

/* clang-format off */
static const sp_tile_legend monuments_legend[] = {
    {"good", "добрий", "good", "#009e73"},
    {"satisfactory", "задовільний", "satisfactory", "#56b4e9"},
    {"needs_study", "потребує дослідження", "needs study", "#cc79a7"},
    {"unsatisfactory", "незадовільний", "unsatisfactory", "#e69f00"},
    {"emergency", "аварійний", "emergency", "#d55e00"},
    {"lost", "втрачена", "lost", "#000000"},
    {"unknown", "не обстежено", "not inspected", "#999999"},
    {NULL, NULL, NULL, NULL},
};
static const sp_tile_legend damage_legend[] = {
    {"last_7_days", "за останні 7 днів", "in the last 7 days", "#d55e00"},
    {"last_30_days", "за останні 30 днів", "in the last 30 days", "#e69f00"},
    {"older", "давніше", "older", "#6f6f6f"},
    {NULL, NULL, NULL, NULL},
};
/* What a size means. A significance that is NULL or not established is "unknown", a small
 * disc (as delisted): never drawn at the local size, as if it were known to be local. */
static const sp_tile_size monuments_sizes[] = {
    {"national", "національного значення", "national significance", 6.0, 0},
    {"local", "місцевого значення", "local significance", 4.5, 0},
    {"newly_identified", "щойно виявлений", "newly identified", 3.5, 1},
    {"delisted", "виключений з реєстру", "delisted", 3.5, 0},
    {"unknown", "значення не встановлено", "significance not established", 3.5, 0},
    {NULL, NULL, NULL, 0, 0},
};
static const sp_tile_legend zones_legend[] = {
    {"zone", "охоронна зона", "protection zone", "#0072b2"},
    {NULL, NULL, NULL, NULL},
};
static const sp_tile_legend basemap_legend[] = {
    {NULL, NULL, NULL, NULL}, /* a base map: nothing to explain */
};
/* clang-format on */

const char *sp_tile_layer_name(sp_tile_layer l)
{
    return l >= 0 && l < SP_TILE_LAYER_COUNT ? layer_names[l] : NULL;
}

int sp_tile_layer_by_name(const char *name)
{
    for (int i = 0; i < SP_TILE_LAYER_COUNT; i++)
        if (strcmp(layer_names[i], name) == 0)
            return i;
    return -1;
}

const sp_tile_legend *sp_tile_legend_of(sp_tile_layer l)
{
    return l == SP_TILE_DAMAGE    ? damage_legend
           : l == SP_TILE_ZONES   ? zones_legend
           : l == SP_TILE_BASEMAP ? basemap_legend
                                  : monuments_legend;
}

const sp_tile_size *sp_tile_sizes(void)
{
    return monuments_sizes;
}

const sp_tile_size *sp_tile_size_of(const char *significance)
{
    const sp_tile_size *s = monuments_sizes;
    for (; s[1].code; s++) /* the last, "unknown": NULL, not_established, anything else */
        if (significance && strcmp(s->code, significance) == 0)
            break;
    return s;
}

/* A whole number 0..max from the text of a path segment: -1 when it is not one. */
static long whole(const char *s, size_t len, long max)
{
    if (len == 0 || len > 7)
        return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= max ? v : -1;
}

int sp_tile_parse_zxy(const char *zs, const char *xs, const char *yfile, sp_tile_req *req,
                      sp_err *err)
{
    long z = whole(zs, strlen(zs), 99);
    if (z < 0 || z > SP_TILE_MAX_ZOOM)
        return sp_err_set(err, SP_EINVAL, "zoom '%.20s': expected a whole number from 0 to %d", zs,
                          SP_TILE_MAX_ZOOM);
    long n = 1L << z;
    long x = whole(xs, strlen(xs), n - 1);
    if (x < 0)
        return sp_err_set(err, SP_EINVAL,
                          "x '%.20s': expected a whole number from 0 to %ld at "
                          "zoom %ld",
                          xs, n - 1, z);
    size_t ylen = strcspn(yfile, "@.");
    long y = whole(yfile, ylen, n - 1);
    if (y < 0)
        return sp_err_set(err, SP_EINVAL,
                          "y '%.20s': expected a whole number from 0 to %ld at "
                          "zoom %ld",
                          yfile, n - 1, z);
    const char *suffix = yfile + ylen;
    int scale = strcmp(suffix, ".png") == 0 ? 1 : strcmp(suffix, "@2x.png") == 0 ? 2 : 0;
    if (!scale)
        return sp_err_set(err, SP_EINVAL, "tile '%.40s': expected {y}.png or {y}@2x.png", yfile);
    req->z = (int)z;
    req->x = (int)x;
    req->y = (int)y;
    req->scale = scale;
    return SP_OK;
}

void sp_tile_to_world(double lon, double lat, double world, double *wx, double *wy)
{
    double s = sin(lat * M_PI / 180.0);
    s = s > 0.9999 ? 0.9999 : s < -0.9999 ? -0.9999 : s; /* the poles are off the map */
    *wx = (lon + 180.0) / 360.0 * world;
    *wy = (0.5 - log((1 + s) / (1 - s)) / (4 * M_PI)) * world;
}

void sp_tile_from_world(double wx, double wy, double world, double *lon, double *lat)
{
    *lon = wx / world * 360.0 - 180.0;
    *lat = atan(sinh(M_PI * (1 - 2 * wy / world))) * 180.0 / M_PI;
}

void sp_tile_bounds(int z, int x, int y, double out[4])
{
    double n = ldexp(1.0, z); /* the world in tiles */
    sp_tile_from_world(x, y + 1, n, &out[0], &out[1]);
    sp_tile_from_world(x + 1, y, n, &out[2], &out[3]);
}
