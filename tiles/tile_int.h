/* tiles/tile_int.h - what the tile module's files share. */
#ifndef SP_TILE_INT_H
#define SP_TILE_INT_H

#include <cairo.h>
#include <stddef.h>

#include "sp_err.h"

/* Encodes an ARGB32 surface as PNG (palette when it has at most 256 colours: smaller and
 * pixel for pixel the same). *out is the caller's, to free. */
int sp_tile_encode_png(cairo_surface_t *s, unsigned char **out, size_t *out_len, sp_err *err);

#endif
