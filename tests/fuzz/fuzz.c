/* tests/fuzz/fuzz.c - the fuzz targets' shared setup: a temp folder removed at exit, a
 * registry imported from data/sample, quiet logs, and how a finding is reported. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_error.h>

#include "fuzz.h"
#include "sp_imp.h"
#include "sp_log.h"

static char tmp_dir[256];

void sp_fuzz_fail(const void *input, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FUZZ FINDING: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (input) {
        fputs("input: \"", stderr);
        const unsigned char *p = input;
        for (size_t i = 0; i < size && i < 4096; i++)
            if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
                fputc(p[i], stderr);
            else
                fprintf(stderr, "\\x%02x", p[i]);
        fputs(size > 4096 ? "\"...\n" : "\"\n", stderr);
    }
    abort();
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    remove(path); /* best effort: keep going */
    return 0;
}

static void remove_tmp(void)
{
    if (tmp_dir[0])
        nftw(tmp_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void sp_fuzz_path(const char *name, char *out, size_t outsz)
{
    if (!tmp_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/spadok-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmp_dir))
            sp_fuzz_fail(NULL, 0, "cannot make a temp folder %s", tmp_dir);
        atexit(remove_tmp);
    }
    if (snprintf(out, outsz, "%s/%s", tmp_dir, name) >= (int)outsz)
        sp_fuzz_fail(NULL, 0, "temp path too long: %s/%s", tmp_dir, name);
}

void sp_fuzz_quiet(void)
{
    sp_log_set_level(SP_LOG_WARN);
    CPLSetErrorHandler(CPLQuietErrorHandler);
}

sp_db *sp_fuzz_sample_db(const char *path)
{
    static const char *const imports[][2] = {
        {"kyiv_raions_osm.json", "kyiv_raions.geojson"},
        {"kyiv_sample_monuments.json", "kyiv_monuments.csv"},
        {"kyiv_abandoned_buildings_osm.json", "kyiv_osm_historic_buildings.geojson"},
    };
    sp_db *db = NULL;
    sp_err err = {0};
    if (sp_db_open(path, SP_DB_READWRITE, &db, &err) != SP_OK)
        sp_fuzz_fail(NULL, 0, "%s", err.msg);
    for (size_t i = 0; i < sizeof imports / sizeof imports[0]; i++) {
        char mapping[1024], file[1024];
        snprintf(mapping, sizeof mapping, "%s/importers/mappings/%s", SP_SOURCE_DIR, imports[i][0]);
        snprintf(file, sizeof file, "%s/data/sample/%s", SP_SOURCE_DIR, imports[i][1]);
        const char *files[] = {file};
        sp_imp_options opt = {0};
        opt.mapping_path = mapping;
        sp_imp_result res;
        if (sp_imp_run(db, files, 1, &opt, &res, &err) != SP_OK)
            sp_fuzz_fail(NULL, 0, "importing %s: %s", file, err.msg);
    }
    return db;
}
