/* importers/imp_record.h - a record being imported: values, geometry, key, report (or, for
 * a condition report on its own, the monument it is about). */
#ifndef SP_IMP_RECORD_H
#define SP_IMP_RECORD_H

#include "imp_int.h"
#include "sp_utf8.h"

typedef struct sp_imp_record {
    sp_db_record rec;            /* values owned here, freed by sp_imp_record_clear */
    char *report[SP_MAX_FIELDS]; /* condition report values, when the mapping has one */
    char *key;                   /* stable key in its data set */
    char *monument;              /* a condition report's monument: its protection number */
    char *uid;
    unsigned char *wkb;
    int repaired;   /* MakeValid changed the geometry */
    char field[96]; /* on rejection: the field to blame */
} sp_imp_record;

static inline int sp_utf8_valid_str(const char *s)
{
    return sp_utf8_valid(s, strlen(s));
}

int sp_imp_record_build(const sp_imp_mapping *m, const sp_vocab *v, OGRFeatureH f,
                        const sp_imp_reproj *rp, sp_imp_record *r, sp_err *err);
void sp_imp_record_clear(sp_imp_record *r);

#endif
