/* tests/fuzz/replay.c - main() for a fuzz target built without libFuzzer (gcc, the normal
 * and the ASan+UBSan builds): runs LLVMFuzzerInitialize when the target has one, then
 * LLVMFuzzerTestOneInput once on every file named or found in the folders named (sorted,
 * dot files skipped), as libFuzzer's `-runs=0` would. ctest replays the seed corpus and the
 * regressions this way, so every crash once found stays a test in every build. A folder
 * that does not exist is skipped with a note: a target may have no regressions yet. Files
 * named PENDING-* are skipped too, with a note: they reproduce a known bug not fixed yet
 * (fuzz.c lists them), and lose the prefix when it is. A replay that found nothing at all
 * to run exits 77, which ctest reports as skipped (SKIP_RETURN_CODE), never as passed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SKIP_CODE 77 /* ctest's SKIP_RETURN_CODE (tests/fuzz/CMakeLists.txt) */

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 0;
    }
    size_t cap = 4096, len = 0, n;
    uint8_t *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    int ok = buf && !ferror(f);
    fclose(f);
    if (!ok) {
        free(buf);
        fprintf(stderr, "replay: cannot read %s\n", path);
        return 0;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    /* A copy of exactly len bytes, so ASan sees reads past the input as libFuzzer does. */
    uint8_t *input = malloc(len ? len : 1);
    if (!input) {
        free(buf);
        return 0;
    }
    memcpy(input, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(input, len);
    free(input);
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir in name order; -1 when it cannot be read. */
static int run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int count = 0, ok = 1;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (strncmp(e->d_name, "PENDING-", 8) == 0) {
            fprintf(stderr, "replay: %s/%s: skipped (a known bug, not fixed yet)\n", dir,
                    e->d_name);
            continue;
        }
        if (n == cap) {
            char **grown = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!grown) {
                ok = 0;
                break;
            }
            names = grown;
        }
        if (!(names[n] = strdup(e->d_name))) {
            ok = 0;
            break;
        }
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        if (ok && snprintf(path, sizeof path, "%s/%s", dir, names[i]) < (int)sizeof path &&
            stat(path, &st) == 0 && S_ISREG(st.st_mode))
            count += run_file(path);
        free(names[i]);
    }
    free(names);
    return ok ? count : -1;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int runs = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s does not exist: skipped\n", argv[i]);
            continue;
        }
        int n = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
        if (n < 0 || (!S_ISDIR(st.st_mode) && n == 0))
            failed = 1;
        else
            runs += n;
    }
    printf("replayed %d inputs%s\n", runs, failed ? " (some could not be read)" : "");
    if (!failed && runs == 0) {
        printf("SKIPPED: no input to replay\n");
        return SKIP_CODE;
    }
    return failed;
}
