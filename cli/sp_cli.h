/* cli/sp_cli.h - subcommands and the option table that drives both parsing and --help.
 * cli/ is the only code that prints results for people and the only code that may exit. */
#ifndef SP_CLI_H
#define SP_CLI_H

#include <stdio.h>

typedef struct sp_cli_opt {
    const char *name; /* long name without "--" */
    const char *arg;  /* argument name shown in help, NULL for a flag */
    const char *help;
    const char **out_str; /* where an argument goes */
    int *out_flag;        /* where a flag goes (set to 1) */
} sp_cli_opt;

typedef struct sp_cli_cmd {
    const char *usage;   /* "spadok import --db F [options] FILE..." */
    const char *summary; /* one line */
    const sp_cli_opt *opts;
    int min_args, max_args; /* positional arguments; max -1 = any */
} sp_cli_cmd;

enum { SP_EXIT_OK = 0, SP_EXIT_FAIL = 1, SP_EXIT_USAGE = 2 };

/* Parses argv (argv[0] is the subcommand). Returns -1 to go on with positional arguments
 * from *out_first, or an exit code (help printed: 0; bad usage: 2, with a one-line reason). */
int sp_cli_parse(const sp_cli_cmd *cmd, int argc, char **argv, int *out_first);
/* Reads "name = value" lines of FILE into the options (by long name) still unset; the values
 * point into *out_text, which the caller frees. 0, or -1 with msg naming the file and line. */
int sp_cli_config_load(const char *path, const sp_cli_opt *opts, char **out_text, char *msg,
                       size_t msgsz);
/* A whole number option value: -1 when absent (NULL), -2 when not a whole number in
 * [lo, hi]. */
long sp_cli_number(const char *s, long lo, long hi);
/* From now on --help writes the man page NAME(1) instead (`spadok help --man CMD`, which
 * the build runs to make the man pages from these same tables). */
void sp_cli_help_as_man(const char *name);
/* Writes text escaped for roff (man pages). */
void sp_cli_roff(FILE *out, const char *text);
/* The default path of a file kept beside the registry: "<db_path><suffix>" (".tiles",
 * ".exports", ".photos"), in out; out itself, or NULL when it does not fit. */
const char *sp_cli_beside(char *out, size_t size, const char *db_path, const char *suffix);
/* Prints "spadok: <msg>" on stderr and returns SP_EXIT_FAIL. */
int sp_cli_fail(const char *msg);

int sp_cmd_import(int argc, char **argv);
int sp_cmd_basemap(int argc, char **argv);
int sp_cmd_export(int argc, char **argv);
int sp_cmd_migrate(int argc, char **argv);
int sp_cmd_backup(int argc, char **argv);
int sp_cmd_serve(int argc, char **argv);
int sp_cmd_tiles(int argc, char **argv);
int sp_cmd_user(int argc, char **argv);

#endif
