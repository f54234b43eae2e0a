/* tests/unit/server/test_routes.c - the route table (server/routes.c) against the OpenAPI
 * document (server/openapi.json, what GET /api serves) and the router's 404/405/Allow
 * answers, without a daemon: every table path is documented and every documented path is in
 * the table ({params} match anything), and every method a path does not take gets a 405
 * whose Allow lists exactly the table's methods for it. Issue 21's routing defects have
 * cases named after them. */
#include <jansson.h>
#include <string.h>

#include "http_int.h"

static sp_http_table table; /* the table, as the daemon hands it to the router */
#include "sp_test.h"

/* 1 when two paths agree segment by segment, a {param} on either side matching any one. */
static int same_path(const char *a, const char *b)
{
    while (*a == '/' && *b == '/') {
        a++, b++;
        size_t na = strcspn(a, "/"), nb = strcspn(b, "/");
        if (*a != '{' && *b != '{' && (na != nb || strncmp(a, b, na) != 0))
            return 0;
        a += na, b += nb;
    }
    return *a == *b;
}

static void test_routes__table_is_the_openapi_paths(void)
{
    json_error_t jerr;
    json_t *doc = json_load_file(SP_SOURCE_DIR "/server/openapi.json", 0, &jerr);
    SP_CHECK(doc != NULL);
    json_t *paths = json_object_get(doc, "paths");
    const char *path;
    json_t *ops;
    json_object_foreach(paths, path, ops)
    {
        int found = 0;
        for (int i = 0; i < sp_http_nroutes; i++)
            found |= same_path(sp_http_routes[i].pattern, path);
        if (!found)
            fprintf(stderr, "documented, not routed: %s\n", path);
        SP_CHECK(found);
    }
    for (int i = 0; i < sp_http_nroutes; i++) {
        if (sp_http_routes[i].flags & SP_ROUTE_PAGE)
            continue;
        int found = 0;
        json_object_foreach(paths, path, ops) found |= same_path(sp_http_routes[i].pattern, path);
        if (!found)
            fprintf(stderr, "routed, not documented: %s\n", sp_http_routes[i].pattern);
        SP_CHECK(found);
    }
    json_decref(doc);
}

/* The path with each {param} replaced by a value that fits. */
static void concrete(const char *pattern, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = pattern; *p && n + 8 < size;) {
        if (*p == '{') {
            n += (size_t)snprintf(out + n, size - n, "1");
            p = strchr(p, '}') + 1;
        } else
            out[n++] = *p++;
    }
    out[n] = '\0';
}

static void test_routes__every_refused_method_is_405_with_allow(void)
{
    static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    static const unsigned bits[] = {SP_M_GET, SP_M_GET,   SP_M_POST,
                                    SP_M_PUT, SP_M_PATCH, SP_M_DELETE};
    for (int i = 0; i < sp_http_nroutes; i++) {
        char path[256], segs[512];
        concrete(sp_http_routes[i].pattern, path, sizeof path);
        unsigned want = 0, allowed;
        const char *params[SP_HTTP_MAX_PARAMS];
        for (int k = 0; k < 6; k++)
            if (sp_http_route_find(&table, methods[k], path, segs, sizeof segs, params, &allowed))
                want |= bits[k];
        SP_CHECK(want & sp_http_routes[i].methods);
        for (int k = 0; k < 6; k++) {
            if (want & bits[k])
                continue;
            SP_CHECK(
                !sp_http_route_find(&table, methods[k], path, segs, sizeof segs, params, &allowed));
            SP_CHECK(allowed == want);
        }
    }
}

static const char *allow_of(const char *method, const char *path)
{
    static char allow[64];
    char segs[512];
    const char *params[SP_HTTP_MAX_PARAMS];
    unsigned allowed;
    if (sp_http_route_find(&table, method, path, segs, sizeof segs, params, &allowed))
        return "(routed)";
    sp_http_allow_header(allowed, allow, sizeof allow);
    return allowed ? allow : "(404)";
}

static void test_routes__issue21_get_login_allows_post(void)
{
    SP_CHECK_STR(allow_of("GET", "/auth/login"), "POST");
    SP_CHECK_STR(allow_of("GET", "/auth/logout"), "POST");
}

static void test_routes__issue21_put_delete_me_are_405(void)
{
    SP_CHECK_STR(allow_of("PUT", "/auth/me"), "GET, HEAD");
    SP_CHECK_STR(allow_of("DELETE", "/auth/me"), "GET, HEAD");
    SP_CHECK_STR(allow_of("POST", "/auth/me"), "GET, HEAD");
}

static void test_routes__params_and_allow(void)
{
    char segs[512];
    const char *params[SP_HTTP_MAX_PARAMS];
    unsigned allowed;
    const sp_http_route *rt = sp_http_route_find(
        &table, "HEAD", "/tiles/monuments/12/2390/1380.png", segs, sizeof segs, params, &allowed);
    SP_CHECK(rt && strcmp(rt->metric, "tile") == 0);
    SP_CHECK(rt && strcmp(params[3], "1380.png") == 0);
    SP_CHECK_STR(allow_of("POST", "/collections/monuments/items/7"),
                 "GET, HEAD, PUT, PATCH, DELETE");
    SP_CHECK_STR(allow_of("PUT", "/collections/condition_reports/items/7"), "GET, HEAD");
    SP_CHECK_STR(allow_of("GET", "/no/such/path"), "(404)");
    rt = sp_http_route_find(&table, "PATCH", "/photos/3", segs, sizeof segs, params, &allowed);
    SP_CHECK(rt && rt->roles == (SP_ROLE_INSPECTOR | SP_ROLE_EDITOR));
}

int main(int argc, char **argv)
{
    table = (sp_http_table){sp_http_routes, sp_http_nroutes};
    static const sp_test_case cases[] = {
        {"test_routes__table_is_the_openapi_paths", test_routes__table_is_the_openapi_paths},
        {"test_routes__every_refused_method_is_405_with_allow",
         test_routes__every_refused_method_is_405_with_allow},
        {"test_routes__issue21_get_login_allows_post", test_routes__issue21_get_login_allows_post},
        {"test_routes__issue21_put_delete_me_are_405", test_routes__issue21_put_delete_me_are_405},
        {"test_routes__params_and_allow", test_routes__params_and_allow},
        {NULL, NULL},
    };
    return sp_test_main(argc, argv, cases);
}
