/* cli/opts.c - one option table per subcommand drives parsing, --help and the man pages
 * (`spadok help --man CMD`, run by the build: see CMakeLists.txt) alike. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"

/* The man page's name while `spadok help --man` runs, else NULL: set once by main before it
 * calls the one command, in a single-threaded process. */
static const char *man_name;

void sp_cli_help_as_man(const char *name)
{
    man_name = name;
}

/* Writes text for roff: a backslash as \e, a hyphen as \- (so it stays ASCII and can be
 * searched and copied), a line that would start with '.' or '\'' escaped with \&. */
static void roff_n(FILE *out, const char *text, size_t len)
{
    int at_line_start = 1;
    for (const char *c = text; c < text + len; c++) {
        if (at_line_start && (*c == '.' || *c == '\''))
            fputs("\\&", out);
        if (*c == '\\')
            fputs("\\e", out);
        else if (*c == '-')
            fputs("\\-", out);
        else
            fputc(*c, out);
        at_line_start = *c == '\n';
    }
}

void sp_cli_roff(FILE *out, const char *text)
{
    roff_n(out, text, strlen(text));
}

static void print_man(const sp_cli_cmd *cmd)
{
    printf(".TH \"");
    for (const char *c = man_name; *c; c++)
        putchar(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    printf("\" 1 \"\" \"spadok %s\" \"Spadok manual\"\n.SH NAME\n", SPADOK_VERSION);
    sp_cli_roff(stdout, man_name);
    printf(" \\- ");
    const char *nl = strchr(cmd->summary, '\n'); /* the first line, as whatis wants it */
    roff_n(stdout, cmd->summary, nl ? (size_t)(nl - cmd->summary) : strlen(cmd->summary));
    printf("\n.SH SYNOPSIS\n.nf\n");
    for (const char *line = cmd->usage; *line;) { /* each usage line without its indent */
        line += strspn(line, " ");
        size_t len = strcspn(line, "\n");
        roff_n(stdout, line, len);
        putchar('\n');
        line += len + (line[len] == '\n');
    }
    printf(".fi\n.SH DESCRIPTION\n");
    sp_cli_roff(stdout, cmd->summary);
    printf("\n.SH OPTIONS\n");
    for (const sp_cli_opt *o = cmd->opts; o && o->name; o++) {
        printf(".TP\n\\fB\\-\\-");
        sp_cli_roff(stdout, o->name);
        printf("\\fR");
        if (o->arg) {
            printf(" \\fI");
            sp_cli_roff(stdout, o->arg);
            printf("\\fR");
        }
        putchar('\n');
        sp_cli_roff(stdout, o->help);
        putchar('\n');
    }
    printf(".TP\n\\fB\\-\\-help\\fR\nshow this help\n.SH SEE ALSO\n.BR spadok (1)\n");
}

static void print_help(const sp_cli_cmd *cmd)
{
    if (man_name) {
        print_man(cmd);
        return;
    }
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

const char *sp_cli_beside(char *out, size_t size, const char *db_path, const char *suffix)
{
    int n = snprintf(out, size, "%s%s", db_path ? db_path : "", suffix);
    return n >= 0 && (size_t)n < size ? out : NULL;
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
