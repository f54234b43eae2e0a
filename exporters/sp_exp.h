/* exporters/sp_exp.h - write the registry out through GDAL: GeoPackage, GeoJSON, CSV, KML.
 * Field names are the model's, so an export imports back with no mapping (round trip). */
#ifndef SP_EXP_H
#define SP_EXP_H

#include "sp_db.h"
#include "sp_err.h"

/* format: gpkg | geojson | csv | kml. OUT is written to a temp file and renamed, so it is
 * complete or absent. *out_count is the number of monuments written. is_public: the public
 * download (location_sensitive sites coarsened as the API shows them). */
int sp_exp_run(sp_db *db, const char *format, const char *out_path, int is_public,
               int show_progress, long long *out_count, sp_err *err);

/* What an export is and whose data it holds, as text: the view (public, or the staff view
 * with exact locations), the attribution, each data set with its licence, and what those
 * licences ask of a reuser. Put in the file (GeoPackage, GeoJSON) or beside it (README). */
struct sp_strbuf;
int sp_exp_about(sp_db *db, int is_public, struct sp_strbuf *out, sp_err *err);

#endif
