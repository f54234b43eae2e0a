/* tests/fuzz/fuzz_import.c - `spadok import` on small files of any content: the first byte
 * picks the format (GeoJSON, CSV or KML, by the file name's extension, as GDAL picks the
 * driver) and the mapping (none, or one of importers/mappings/ that the sample data uses),
 * the rest is the file, kept in GDAL's memory file system. It is imported by sp_imp_run as
 * a dry run (everything, then rolled back) into one registry made from data/sample, so
 * that updates and unchanged records are reachable too. A source may be refused
 * (SP_EINVAL, SP_ENOTFOUND) and records rejected; the import must not fail otherwise, and
 * its counts must obey read = inserted + updated + unchanged + conflicted + rejected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_vsi.h>

#include "fuzz.h"
#include "sp_imp.h"

static const char *const extensions[] = {"geojson", "csv", "kml"};
#define NEXT ((int)(sizeof extensions / sizeof extensions[0]))
static const char *const mappings[] = {NULL, "kyiv_sample_monuments.json",
                                       "kyiv_abandoned_buildings_osm.json", "kyiv_raions_osm.json"};
#define NMAPPINGS ((int)(sizeof mappings / sizeof mappings[0]))

static sp_db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char path[512];
    sp_fuzz_quiet();
    sp_fuzz_path("import.sqlite", path, sizeof path);
    db = sp_fuzz_sample_db(path);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *ext = extensions[data[0] % NEXT];
    const char *mapping = mappings[(data[0] / NEXT) % NMAPPINGS];
    char file[64], mapping_path[1024];
    snprintf(file, sizeof file, "/vsimem/fuzz.%s", ext);
    /* GDAL reads the bytes where they are (not taken, not copied). */
    VSILFILE *f = VSIFileFromMemBuffer(file, (GByte *)(data + 1), (vsi_l_offset)(size - 1), FALSE);
    if (!f)
        sp_fuzz_fail(data, size, "VSIFileFromMemBuffer %s", file);
    VSIFCloseL(f);
    sp_imp_options opt = {0};
    if (mapping) {
        snprintf(mapping_path, sizeof mapping_path, "%s/importers/mappings/%s", SP_SOURCE_DIR,
                 mapping);
        opt.mapping_path = mapping_path;
    }
    opt.is_dry_run = 1;
    const char *files[] = {file};
    sp_imp_result res;
    sp_err err = {0};
    int rc = sp_imp_run(db, files, 1, &opt, &res, &err);
    VSIUnlink(file);
    if (rc != SP_OK && rc != SP_EINVAL && rc != SP_ENOTFOUND)
        sp_fuzz_fail(data, size, "import of %s (mapping %s): %s \"%s\"", file,
                     mapping ? mapping : "none", sp_err_name(rc), err.msg);
    const sp_import_counts *c = &res.counts;
    if (rc == SP_OK &&
        c->read != c->inserted + c->updated + c->unchanged + c->conflicted + c->rejected)
        sp_fuzz_fail(data, size,
                     "import of %s: read %lld != inserted %lld + updated %lld + unchanged %lld "
                     "+ conflicted %lld + rejected %lld",
                     file, c->read, c->inserted, c->updated, c->unchanged, c->conflicted,
                     c->rejected);
    return 0;
}
