/* cli/config.c - `--config FILE`: the same options as the command line, one "name = value"
 * per line, so that a service's settings live in a file an administrator can keep under
 * version control (systemd runs `spadok serve --config /etc/spadok.conf`). Names are the
 * long option names ('_' may stand for '-': public_url); '#' starts a comment; a value given on the
 * command line wins. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"

#define SP_CONFIG_MAX_BYTES (64 * 1024)

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* An option's name as the file may spell it: public_url for public-url. */
static int same_name(const char *option, const char *name)
{
    for (; *option && (*option == *name || (*option == '-' && *name == '_')); option++, name++)
        ;
    return *option == '\0' && *name == '\0';
}

int sp_cli_config_load(const char *path, const sp_cli_opt *opts, char **out_text, char *msg,
                       size_t msgsz)
{
    *out_text = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return snprintf(msg, msgsz, "%s: %s", path, strerror(errno)), -1;
    char *text = malloc(SP_CONFIG_MAX_BYTES + 1);
    size_t n = text ? fread(text, 1, SP_CONFIG_MAX_BYTES + 1, f) : 0;
    int bad = !text || ferror(f) || n > SP_CONFIG_MAX_BYTES;
    fclose(f);
    if (bad) {
        free(text);
        return snprintf(msg, msgsz, "%s: cannot read it (at most %d bytes)", path,
                        SP_CONFIG_MAX_BYTES),
               -1;
    }
    text[n] = '\0';
    int line = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        char *hash = strchr(l, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(l);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(msg, msgsz, "%s line %d: expected name = value", path, line);
            free(text);
            return -1;
        }
        *eq = '\0';
        const char *name = trim(s), *value = trim(eq + 1);
        const sp_cli_opt *o = opts;
        while (o->name && (!same_name(o->name, name) || !o->arg || strcmp(name, "config") == 0))
            o++;
        if (!o->name) {
            snprintf(msg, msgsz, "%s line %d: unknown setting '%.60s'", path, line, name);
            free(text);
            return -1;
        }
        if (!*o->out_str) /* the command line wins */
            *o->out_str = value;
    }
    *out_text = text; /* the values point into it */
    return 0;
}
