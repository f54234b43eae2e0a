/* cli/cmd_user.c - `spadok user add|passwd|disable LOGIN`: the department's accounts. The
 * password is read from standard input (one line), or asked twice without echo on a
 * terminal: never from the command line, where other users of the machine could see it. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sp_auth.h"
#include "sp_cli.h"
#include "sp_db.h"
#include "sp_db_users.h"

#define SP_PASSWORD_BUF (SP_AUTH_PASSWORD_MAX + 2)

/* One line from stdin into out, without its newline; echo off when stdin is a terminal. */
static int read_line(const char *prompt, char out[SP_PASSWORD_BUF])
{
    int tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    int ok = fgets(out, SP_PASSWORD_BUF, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    if (!ok)
        return -1;
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

static int read_password(char out[SP_PASSWORD_BUF])
{
    char again[SP_PASSWORD_BUF];
    if (read_line("Password (пароль): ", out) != 0) {
        fprintf(stderr, "spadok: no password on standard input\n");
        return -1;
    }
    if (isatty(STDIN_FILENO) && (read_line("Again (ще раз): ", again) != 0 || strcmp(out, again))) {
        fprintf(stderr, "spadok: the passwords differ\n");
        return -1;
    }
    return 0;
}

int sp_cmd_user(int argc, char **argv)
{
    const char *db_path = NULL, *role = NULL, *name = NULL;
    const sp_cli_opt opts[] = {
        {"db", "FILE|URI", "registry: a SQLite file or a postgresql:// URI", &db_path, NULL},
        {"role", "R", "add: admin, editor or inspector", &role, NULL},
        {"name", "TEXT", "add: the person's name, shown to staff", &name, NULL},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {"spadok user add LOGIN --role admin|editor|inspector --db FILE\n"
                            "       spadok user passwd|disable LOGIN --db FILE",
                            "Manage staff accounts. The password is read from standard input "
                            "(asked twice on a terminal), never taken from the command line.",
                            opts, 2, 2};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    const char *verb = argv[first], *login = argv[first + 1];
    int is_add = strcmp(verb, "add") == 0, is_passwd = strcmp(verb, "passwd") == 0;
    if ((!is_add && !is_passwd && strcmp(verb, "disable") != 0) || !db_path || (is_add && !role) ||
        !*login || strlen(login) > 100) {
        fprintf(stderr, "spadok: user needs add, passwd or disable, a LOGIN (at most 100 "
                        "bytes), --db FILE, and for add a --role\n");
        return SP_EXIT_USAGE;
    }
    sp_err err = {0};
    if (sp_auth_init(&err) != SP_OK)
        return sp_cli_fail(err.msg);
    char password[SP_PASSWORD_BUF] = "", hash[SP_AUTH_HASH_MAX] = "";
    if ((is_add || is_passwd) &&
        (read_password(password) != 0 || sp_auth_hash_password(password, hash, &err) != SP_OK)) {
        memset(password, 0, sizeof password);
        return err.msg[0] ? sp_cli_fail(err.msg) : SP_EXIT_FAIL;
    }
    memset(password, 0, sizeof password);
    sp_db *db = NULL;
    int is_disabled = 0;
    rc = sp_db_open(db_path, SP_DB_READWRITE, &db, &err);
    if (rc == SP_OK && is_add)
        rc = sp_db_user_add(db, login, hash, role, name, &err);
    else if (rc == SP_OK && is_passwd)
        rc = sp_db_user_set_password(db, login, hash, &is_disabled, &err);
    else if (rc == SP_OK)
        rc = sp_db_user_disable(db, login, &err);
    sp_db_close(db);
    if (rc != SP_OK)
        return sp_cli_fail(err.msg);
    printf("%s: %s\n", login,
           is_add      ? "added"
           : is_passwd ? (is_disabled ? "password set, its tokens revoked; the account stays "
                                        "disabled"
                                      : "password set, its tokens revoked")
                       : "disabled, its tokens revoked");
    return SP_EXIT_OK;
}
