/* storage/rtree.c - fills an R*Tree with the rows of a bulk import, packed in one pass.
 * SQLite's R*Tree takes rows one at a time: for each it chooses a leaf, splits a full node
 * and re-inserts part of it, about 8 us a row on this project's machines. A bulk import of a
 * new registry writes three such indexes for every monument (exact, public, map points),
 * which was 40 % of its time. When the tree is empty, its nodes are instead packed from the
 * sorted boxes (Sort-Tile-Recursive: Leutenegger, Lopez and Edgington, 1997) and written
 * straight into the tree's shadow tables, whose format SQLite documents (%_node: a node's
 * blob; %_rowid: a row's leaf; %_parent: a node's parent), as GDAL does for GeoPackage
 * spatial indexes. sp_db_integrity_check runs rtreecheck() over every R*Tree (test_db and
 * the import tests check it). A tree that already has rows is filled row by row, as before.
 * The node format is read here too: a collection's extent is its public tree's root. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* A 2-D cell: an 8-byte id and four 4-byte floats. */
#define SP_RTREE_CELL 24
/* Rows packed in memory (24 bytes each); more go into the tree one by one. */
#define SP_RTREE_PACK_MAX (1 << 23)

typedef struct rt_cell {
    int64_t id; /* a row's id in a leaf, a child node's number above */
    float b[4]; /* xmin, xmax, ymin, ymax */
} rt_cell;

typedef struct rt_link {
    int64_t id, node; /* row id -> leaf, or node -> parent */
} rt_link;

/* The rounding of SQLite's R*Tree (rtreeValueDown/Up): a float box that holds the double
 * box, so that a packed tree stores the very values a row-by-row insert would. */
static float round_down(double d)
{
    float f = (float)d;
    if (f > d)
        f = (float)(d * (d < 0 ? 1.0 + 1.0 / 8388608.0 : 1.0 - 1.0 / 8388608.0));
    return f;
}

static float round_up(double d)
{
    float f = (float)d;
    if (f < d)
        f = (float)(d * (d < 0 ? 1.0 - 1.0 / 8388608.0 : 1.0 + 1.0 / 8388608.0));
    return f;
}

static int by_x(const void *a, const void *b)
{
    const rt_cell *p = a, *q = b;
    float u = p->b[0] + p->b[1], v = q->b[0] + q->b[1];
    return u < v ? -1 : u > v ? 1 : (p->id > q->id) - (p->id < q->id);
}

static int by_y(const void *a, const void *b)
{
    const rt_cell *p = a, *q = b;
    float u = p->b[2] + p->b[3], v = q->b[2] + q->b[3];
    return u < v ? -1 : u > v ? 1 : (p->id > q->id) - (p->id < q->id);
}

static int by_id(const void *a, const void *b)
{
    const rt_link *p = a, *q = b;
    return (p->id > q->id) - (p->id < q->id);
}

/* SQLite's R*Tree node (its rtree.c): a 2-byte depth (the root's), a 2-byte cell count, then
 * per cell an 8-byte id and the bounds (xmin, xmax, ymin, ymax) as 32-bit floats, all
 * big-endian. */
static void put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
}

/* The node's cell count, or -1 when the blob is too short for it or for its cells. */
static int node_cells(const unsigned char *p, int n)
{
    int cells = p && n >= 4 ? p[2] << 8 | p[3] : -1;
    return cells >= 0 && 4 + cells * SP_RTREE_CELL <= n ? cells : -1;
}

int sp_db_rtree_root_bounds(const unsigned char *p, int n, double out[4])
{
    int cells = node_cells(p, n);
    for (int i = 0; i < cells; i++) {
        double v[4];
        for (int k = 0; k < 4; k++) {
            const unsigned char *b = p + 4 + i * SP_RTREE_CELL + 8 + k * 4;
            uint32_t u = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
            float f;
            memcpy(&f, &u, sizeof f);
            v[k] = f;
        }
        if (i == 0 || v[0] < out[0])
            out[0] = v[0];
        if (i == 0 || v[2] < out[1])
            out[1] = v[2];
        if (i == 0 || v[1] > out[2])
            out[2] = v[1];
        if (i == 0 || v[3] > out[3])
            out[3] = v[3];
    }
    return cells > 0;
}

typedef struct packer {
    sp_db *db;
    sp_stmt *put_node, *put_rowid, *put_parent;
    unsigned char *blob; /* one node, node_size bytes */
    int node_size, max_cells;
    int64_t next_node; /* node 1 is the root */
    rt_link *links;    /* the rows' leaves, written sorted by row id */
    size_t nlinks;
} packer;

/* Writes cells[0..n) as node `no`: its blob, and where each cell's row or child now is. */
static int write_node(packer *k, int64_t no, int depth, int level, const rt_cell *cells, size_t n,
                      rt_cell *out, sp_err *err)
{
    memset(k->blob, 0, (size_t)k->node_size);
    put_be(k->blob, (uint64_t)depth, 2);
    put_be(k->blob + 2, n, 2);
    out->id = no;
    for (size_t i = 0; i < n; i++) {
        unsigned char *c = k->blob + 4 + i * SP_RTREE_CELL;
        put_be(c, (uint64_t)cells[i].id, 8);
        for (int j = 0; j < 4; j++) {
            uint32_t u;
            memcpy(&u, &cells[i].b[j], sizeof u);
            put_be(c + 8 + j * 4, u, 4);
        }
        for (int j = 0; j < 4; j++) /* the node's box: the union of its cells */
            if (i == 0 || (j % 2 == 0 ? cells[i].b[j] < out->b[j] : cells[i].b[j] > out->b[j]))
                out->b[j] = cells[i].b[j];
        if (level == 0) {
            k->links[k->nlinks++] = (rt_link){cells[i].id, no};
        } else {
            sp_stmt_reset(k->put_parent);
            sp_stmt_bind_int64(k->put_parent, 1, cells[i].id);
            sp_stmt_bind_int64(k->put_parent, 2, no);
            if (sp_db_step_done(k->db, k->put_parent, "R*Tree parent", err) != SP_OK)
                return err->code;
        }
    }
    sp_stmt_reset(k->put_node);
    sp_stmt_bind_int64(k->put_node, 1, no);
    sp_stmt_bind_blob(k->put_node, 2, k->blob, k->node_size);
    return sp_db_step_done(k->db, k->put_node, "R*Tree node", err);
}

/* One level: cells sorted by x, cut into about sqrt(nodes) slices, each sorted by y and cut
 * into nodes of near-equal size. The level above is left in cells[0..*n). */
static int pack_level(packer *k, rt_cell *cells, size_t *n, int level, sp_err *err)
{
    size_t count = *n, m = (size_t)k->max_cells, nodes = (count + m - 1) / m;
    size_t slices = (size_t)ceil(sqrt((double)nodes)), up = 0;
    qsort(cells, count, sizeof *cells, by_x);
    for (size_t s = 0; s < slices; s++) {
        size_t lo = count * s / slices, hi = count * (s + 1) / slices, len = hi - lo;
        size_t parts = (len + m - 1) / m;
        qsort(cells + lo, len, sizeof *cells, by_y);
        for (size_t p = 0; p < parts; p++) {
            size_t a = lo + len * p / parts, b = lo + len * (p + 1) / parts;
            rt_cell parent;
            /* Its cells are read before its box is written over cells[up], which is at or
             * before cells[a]. */
            if (write_node(k, k->next_node, 0, level, cells + a, b - a, &parent, err) != SP_OK)
                return err->code;
            k->next_node++;
            cells[up++] = parent;
        }
    }
    *n = up;
    return SP_OK;
}

/* "<before><table><after>": the table is one of the code's own names, never input. */
static sp_stmt *prepare(sp_db *db, const char *before, const char *table, const char *after,
                        sp_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "%s%s%s", before, table, after);
    return sp_stmt_prepare(db, sql, table, err);
}

/* Packs cells[0..n) (n >= 1) into the empty tree whose root blob is node_size bytes. */
static int pack(sp_db *db, const char *table, int node_size, rt_cell *cells, size_t n, sp_err *err)
{
    packer k = {db, NULL, NULL, NULL, NULL, node_size, (node_size - 4) / SP_RTREE_CELL, 2, NULL, 0};
    int rc = SP_OK;
    if (!(k.blob = malloc((size_t)node_size)) || !(k.links = malloc(n * sizeof *k.links)))
        rc = sp_err_set(err, SP_ENOMEM, "out of memory packing %s", table);
    if (rc == SP_OK &&
        (!(k.put_node = prepare(db, "INSERT OR REPLACE INTO \"", table,
                                "_node\" (nodeno, data) VALUES (?1, ?2)", err)) ||
         !(k.put_rowid = prepare(db, "INSERT INTO \"", table,
                                 "_rowid\" (rowid, nodeno) VALUES (?1, ?2)", err)) ||
         !(k.put_parent = prepare(db, "INSERT INTO \"", table,
                                  "_parent\" (nodeno, parentnode) VALUES (?1, ?2)", err))))
        rc = err->code;
    int level = 0;
    while (rc == SP_OK && n > (size_t)k.max_cells)
        rc = pack_level(&k, cells, &n, level++, err);
    rt_cell root;
    if (rc == SP_OK)
        rc = write_node(&k, 1, level, level, cells, n, &root, err);
    /* The rows' leaves in row id order: appended to the end of %_rowid's b-tree. */
    qsort(k.links, k.nlinks, sizeof *k.links, by_id);
    for (size_t i = 0; rc == SP_OK && i < k.nlinks; i++) {
        sp_stmt_reset(k.put_rowid);
        sp_stmt_bind_int64(k.put_rowid, 1, k.links[i].id);
        sp_stmt_bind_int64(k.put_rowid, 2, k.links[i].node);
        rc = sp_db_step_done(db, k.put_rowid, "R*Tree row", err);
    }
    sp_stmt_finalize(k.put_node);
    sp_stmt_finalize(k.put_rowid);
    sp_stmt_finalize(k.put_parent);
    free(k.blob);
    free(k.links);
    return rc;
}

/* The size of the tree's root blob when it has no cell, else 0. */
static int empty_root_size(sp_db *db, const char *table, sp_err *err, int *out)
{
    sp_stmt *st = prepare(db, "SELECT data FROM \"", table, "_node\" WHERE nodeno = 1", err);
    if (!st)
        return err->code;
    *out = 0;
    int rc = sp_stmt_step(st);
    if (rc == SP_STMT_ROW) {
        const unsigned char *p = sp_stmt_column_blob(st, 0);
        int n = sp_stmt_column_bytes(st, 0);
        if (n >= 4 + 3 * SP_RTREE_CELL && node_cells(p, n) == 0)
            *out = n;
    }
    rc = rc == SP_STMT_ROW || rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, table);
    sp_stmt_finalize(st);
    return rc;
}

/* One tree being filled: its cells gathered to be packed, or its rows put in one by one. */
typedef struct tree_fill {
    const char *table;
    int node_size; /* of an empty tree's root; 0: the tree has rows */
    int packing;
    sp_stmt *one; /* INSERT OR IGNORE of one row */
    rt_cell *cells;
    size_t n, cap;
} tree_fill;

/* Inserts one row, values from column `col` of st on (id, xmin, xmax, ymin, ymax). */
static int insert_one(sp_db *db, tree_fill *t, sp_stmt *st, int col, sp_err *err)
{
    sp_stmt_reset(t->one);
    for (int j = 0; j < 5; j++)
        sp_stmt_bind_column(t->one, j + 1, st, col + j);
    return sp_db_step_done(db, t->one, t->table, err);
}

/* Keeps the row at column `col` of st for packing; past the pack limit (or out of memory),
 * the tree takes what was kept and the rest one row at a time. */
static int keep_cell(sp_db *db, tree_fill *t, sp_stmt *st, int col, sp_err *err)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        rt_cell *more =
            t->cap < SP_RTREE_PACK_MAX ? realloc(t->cells, cap * sizeof *t->cells) : NULL;
        if (!more) {
            t->packing = 0;
            int rc = SP_OK;
            for (size_t i = 0; rc == SP_OK && i < t->n; i++) {
                sp_stmt_reset(t->one);
                sp_stmt_bind_int64(t->one, 1, t->cells[i].id);
                for (int j = 0; j < 4; j++)
                    sp_stmt_bind_double(t->one, j + 2, t->cells[i].b[j]);
                rc = sp_db_step_done(db, t->one, t->table, err);
            }
            return rc == SP_OK ? insert_one(db, t, st, col, err) : rc;
        }
        t->cells = more;
        t->cap = cap;
    }
    rt_cell *c = &t->cells[t->n++];
    c->id = sp_stmt_column_int64(st, col);
    c->b[0] = round_down(sp_stmt_column_double(st, col + 1));
    c->b[1] = round_up(sp_stmt_column_double(st, col + 2));
    c->b[2] = round_down(sp_stmt_column_double(st, col + 3));
    c->b[3] = round_up(sp_stmt_column_double(st, col + 4));
    return SP_OK;
}

/* PostgreSQL's trees are tables with a GiST index (schemas/pg/): each is filled in the server
 * by one INSERT ... SELECT over the rows query (its columns 5 * i + 1 .. 5 * i + 5), instead
 * of a statement a row (measured on an import of 9,228 records, issue 23: 27,000 statements
 * were about a tenth of the server's time, see bench/RESULTS.md). */
static int fill_in_server(sp_db *db, const char *const *tables, int ntables, enum sp_q rows,
                          int64_t after, sp_err *err)
{
    const char *from = sp_sql_pg_query_text[rows];
    size_t n = strcspn(from, ";"), size = n + 512;
    char *sql = malloc(size), names[8 * 5 * SP_RTREE_FILL_MAX] = "";
    int rc = sql ? SP_OK : sp_err_set(err, SP_ENOMEM, "out of memory");
    for (int c = 0, at = 0; c < 5 * ntables; c++) /* the rows' columns, as c0, c1, ... */
        at += snprintf(names + at, sizeof names - (size_t)at, "%sc%d", c ? ", " : "", c);
    for (int i = 0; i < ntables && rc == SP_OK; i++) {
        int k = 5 * i,
            len = snprintf(sql, size,
                           "INSERT INTO \"%s\" SELECT c%d, c%d, c%d, c%d, c%d FROM (%.*s) "
                           "AS r (%s) WHERE c%d IS NOT NULL ON CONFLICT DO NOTHING",
                           tables[i], k, k + 1, k + 2, k + 3, k + 4, (int)n, from, names, k);
        sp_stmt *st =
            len > 0 && (size_t)len < size ? sp_stmt_prepare(db, sql, tables[i], err) : NULL;
        if (!st)
            rc = err->code ? err->code : sp_err_set(err, SP_EINTERNAL, "fill of %s", tables[i]);
        else if (sp_stmt_bind_int64(st, 1, after) != SP_OK)
            rc = sp_err_set(err, SP_ENOMEM, "out of memory");
        else
            rc = sp_db_step_done(db, st, tables[i], err);
        sp_stmt_finalize(st);
    }
    free(sql);
    return rc;
}

int sp_db_rtree_fill(sp_db *db, const char *const *tables, int ntables, enum sp_q rows,
                     int64_t after, sp_err *err)
{
    tree_fill t[SP_RTREE_FILL_MAX] = {{0}};
    if (ntables < 1 || ntables > SP_RTREE_FILL_MAX)
        return sp_err_set(err, SP_EINTERNAL, "R*Tree fill of %d trees", ntables);
    if (db->pg)
        return fill_in_server(db, tables, ntables, rows, after, err);
    int rc = SP_OK;
    for (int i = 0; i < ntables && rc == SP_OK; i++) {
        t[i].table = tables[i];
        if (empty_root_size(db, tables[i], err, &t[i].node_size) != SP_OK ||
            !(t[i].one = prepare(db, "INSERT OR IGNORE INTO \"", tables[i],
                                 "\" VALUES (?1, ?2, ?3, ?4, ?5)", err)))
            rc = err->code;
        t[i].packing = t[i].node_size > 0;
    }
    sp_stmt *st = rc == SP_OK ? sp_db_stmt(db, rows, err) : NULL;
    if (!st)
        rc = err->code;
    else
        sp_stmt_bind_int64(st, 1, after);
    int step = SP_STMT_DONE;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
        for (int i = 0; i < ntables && rc == SP_OK; i++) {
            if (sp_stmt_column_type(st, 5 * i) == SP_COL_NULL)
                continue; /* no cell in this tree */
            rc = t[i].packing ? keep_cell(db, &t[i], st, 5 * i, err)
                              : insert_one(db, &t[i], st, 5 * i, err);
        }
    }
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, sp_sql_query_name[rows]);
    if (st)
        sp_stmt_reset(st);
    for (int i = 0; i < ntables; i++) {
        if (rc == SP_OK && t[i].packing && t[i].n > 0)
            rc = pack(db, t[i].table, t[i].node_size, t[i].cells, t[i].n, err);
        free(t[i].cells);
        sp_stmt_finalize(t[i].one);
    }
    return rc;
}
