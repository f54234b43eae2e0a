/* server/sp_assets.h - the web pages and their scripts, styles and images, embedded in the
 * binary at build time by cmake/embed.c (web/ and Leaflet from npm). Each has the content
 * hash that versions its links and names its ETag. */
#ifndef SP_ASSETS_H
#define SP_ASSETS_H

#include <stddef.h>

typedef struct sp_asset {
    const char *path; /* "/static/app.js" */
    const char *media_type;
    const unsigned char *data;
    size_t len;
    const char *hash; /* 16 hex digits */
} sp_asset;

extern const sp_asset sp_assets[];
extern const int sp_nassets;

#endif
