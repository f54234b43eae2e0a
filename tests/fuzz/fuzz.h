/* tests/fuzz/fuzz.h - what the fuzz targets share. Each tests/fuzz/fuzz_<name>.c defines
 * LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when it needs a database or a server);
 * built with -DSPADOK_FUZZ=ON it links libFuzzer's main, otherwise replay.c's, which runs
 * the committed corpus and regressions once (ctest, both builds). Inputs live in
 * tests/fuzz/corpus/<name>/ (seeds) and tests/fuzz/regress/<name>/ (every finding).
 * Setup failures and findings abort(): that is how a fuzzer is told. */
#ifndef SP_FUZZ_H
#define SP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "sp_db.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints the message (and the input, escaped, when given) and aborts. */
void sp_fuzz_fail(const void *input, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/* A temp folder of this process, removed with everything in it at exit; out gets
 * <folder>/<name>. */
void sp_fuzz_path(const char *name, char *out, size_t outsz);

/* A registry at path made from data/sample as the integration tests make it: Kyiv's
 * districts, the monument list and the OSM historic buildings. Returned open read-write. */
sp_db *sp_fuzz_sample_db(const char *path);

/* Quiet logs (warnings and errors only) and GDAL errors off the terminal. */
void sp_fuzz_quiet(void);

#endif
