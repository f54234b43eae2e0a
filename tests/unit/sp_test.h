/* tests/unit/sp_test.h - the smallest test harness that does the job: cases are functions,
 * checks record file:line and go on, main() runs the cases named on the command line (or
 * all, or all but those named with a leading '-') and ends with the "N passed, N failed, N
 * skipped" line that CI reads. A name that is no case fails the run: a typo must not pass.
 * A case that cannot run here calls SP_SKIP with the reason; a run whose cases all skipped
 * exits 77, which ctest (SKIP_RETURN_CODE) reports as skipped, not passed. */
#ifndef SP_TEST_H
#define SP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sp_test_case {
    const char *name;
    void (*fn)(void);
} sp_test_case;

static int sp_test_failures;
static int sp_test_skipped; /* set by SP_SKIP in the running case */

#define SP_TEST_SKIP_CODE 77 /* ctest's SKIP_RETURN_CODE (tests/CMakeLists.txt) */

/* The running case cannot run here (why says what it lacks): it ends, reported skipped. */
#define SP_SKIP(why)                                                                               \
    do {                                                                                           \
        printf("  skipped: %s\n", (why));                                                          \
        sp_test_skipped = 1;                                                                       \
        return;                                                                                    \
    } while (0)

#define SP_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);             \
            sp_test_failures++;                                                                    \
        }                                                                                          \
    } while (0)

#define SP_CHECK_STR(a, b)                                                                         \
    do {                                                                                           \
        const char *sp_a_ = (a), *sp_b_ = (b);                                                     \
        if (!sp_a_ || !sp_b_ || strcmp(sp_a_, sp_b_) != 0) {                                       \
            fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,                     \
                    sp_a_ ? sp_a_ : "(null)", sp_b_ ? sp_b_ : "(null)");                           \
            sp_test_failures++;                                                                    \
        }                                                                                          \
    } while (0)

#define SP_CHECK_CONTAINS(hay, needle)                                                             \
    do {                                                                                           \
        const char *sp_h_ = (hay), *sp_n_ = (needle);                                              \
        if (!sp_h_ || !strstr(sp_h_, sp_n_)) {                                                     \
            fprintf(stderr, "  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,       \
                    sp_h_ ? sp_h_ : "(null)", sp_n_);                                              \
            sp_test_failures++;                                                                    \
        }                                                                                          \
    } while (0)

/* 1 when name is one of the cases. */
static inline int sp_test_known(const sp_test_case *cases, const char *name)
{
    for (const sp_test_case *c = cases; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return 1;
    return 0;
}

static inline int sp_test_main(int argc, char **argv, const sp_test_case *cases)
{
    int passed = 0, failed = 0, skipped = 0, unknown = 0, only = 0;
    for (int i = 1; i < argc; i++) {
        const char *n = argv[i][0] == '-' ? argv[i] + 1 : argv[i];
        only |= argv[i][0] != '-';
        if (!sp_test_known(cases, n)) {
            fprintf(stderr, "no such case: %s\n", n);
            unknown++;
        }
    }
    for (const sp_test_case *c = cases; c->name; c++) {
        int wanted = !only;
        for (int i = 1; i < argc; i++) {
            if (argv[i][0] == '-' && strcmp(argv[i] + 1, c->name) == 0)
                wanted = 0;
            else if (strcmp(argv[i], c->name) == 0)
                wanted = 1;
        }
        if (!wanted)
            continue;
        int before = sp_test_failures;
        sp_test_skipped = 0;
        c->fn();
        if (sp_test_failures != before) {
            failed++;
            printf("FAIL %s\n", c->name);
        } else if (sp_test_skipped) {
            skipped++;
            printf("SKIP %s\n", c->name);
        } else {
            passed++;
            printf("ok   %s\n", c->name);
        }
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed + unknown, skipped);
    if (failed || unknown)
        return 1;
    return skipped && !passed ? SP_TEST_SKIP_CODE : 0;
}

/* Runs the cases inside a fresh temp folder (its path in dir), removed afterwards. */
static inline int sp_test_main_in_tmpdir(int argc, char **argv, const sp_test_case *cases,
                                         char *dir, size_t dirsz, const char *prefix)
{
    snprintf(dir, dirsz, "/tmp/%s-XXXXXX", prefix);
    if (!mkdtemp(dir))
        return 1;
    int rc = sp_test_main(argc, argv, cases);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}

#endif
