/* tests/unit/sp_test.h - the smallest test harness that does the job: cases are functions,
 * checks record file:line and go on, main() runs the cases named on the command line (or
 * all) and ends with the "N passed, N failed" line that CI reads. */
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

static inline int sp_test_main(int argc, char **argv, const sp_test_case *cases)
{
    int passed = 0, failed = 0;
    for (const sp_test_case *c = cases; c->name; c++) {
        int wanted = argc < 2;
        for (int i = 1; i < argc; i++)
            wanted |= strcmp(argv[i], c->name) == 0;
        if (!wanted)
            continue;
        int before = sp_test_failures;
        c->fn();
        if (sp_test_failures == before) {
            passed++;
            printf("ok   %s\n", c->name);
        } else {
            failed++;
            printf("FAIL %s\n", c->name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
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
