/* cli/opts.c - one option table per subcommand drives parsing and --help alike. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"

static void print_help(const sp_cli_cmd *cmd)
{
    printf("usage: %s\n\n%s\n\noptions:\n", cmd->usage, cmd->summary);
    for (const sp_cli_opt *o = cmd->opts; o && o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        printf("  %-26s %s\n", left, o->help);
    }
    printf("  %-26s %s\n", "--help", "show this help");
}

int sp_cli_fail(const char *msg)
{
    fprintf(stderr, "spadok: %s\n", msg);
    return SP_EXIT_FAIL;
}

int sp_cli_parse(const sp_cli_cmd *cmd, int argc, char **argv, int *out_first)
{
    char *pos[256];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help(cmd);
            return SP_EXIT_OK;
        }
        if (strcmp(a, "--") == 0) {
            while (++i < argc && npos < 256)
                pos[npos++] = argv[i];
            break;
        }
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (npos == 256) {
                fprintf(stderr, "spadok: too many arguments\n");
                return SP_EXIT_USAGE;
            }
            pos[npos++] = argv[i];
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const sp_cli_opt *o = cmd->opts;
        while (o && o->name && (strlen(o->name) != nlen || strncmp(o->name, name, nlen) != 0))
            o++;
        if (!o || !o->name) {
            fprintf(stderr, "spadok: unknown option '--%.*s' (see --help)\n", (int)nlen, name);
            return SP_EXIT_USAGE;
        }
        if (!o->arg) {
            if (eq) {
                fprintf(stderr, "spadok: --%s takes no value\n", o->name);
                return SP_EXIT_USAGE;
            }
            *o->out_flag = 1;
        } else if (eq) {
            *o->out_str = eq + 1;
        } else if (i + 1 < argc) {
            *o->out_str = argv[++i];
        } else {
            fprintf(stderr, "spadok: --%s needs a value (%s)\n", o->name, o->arg);
            return SP_EXIT_USAGE;
        }
    }
    if (npos < cmd->min_args || (cmd->max_args >= 0 && npos > cmd->max_args)) {
        fprintf(stderr, "spadok: wrong number of arguments\nusage: %s\n", cmd->usage);
        return SP_EXIT_USAGE;
    }
    /* Put positional arguments at the end of argv, in order, for the caller. */
    for (int k = 0; k < npos; k++)
        argv[argc - npos + k] = pos[k];
    *out_first = argc - npos;
    return -1;
}

long sp_cli_number(const char *s, long lo, long hi)
{
    if (!s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return *s && !*end && !errno && v >= lo && v <= hi ? v : -2;
}
