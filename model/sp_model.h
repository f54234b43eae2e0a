/* model/sp_model.h - the registry's data model as tables of field descriptors.
 * One table per entity drives import mapping targets, validation, storage binding order
 * and export fields (tippecanoe's "one options table" habit), so a field is added in one
 * place. Values travel as normalised UTF-8 text: vocabulary codes, ';'-joined code sets,
 * ISO dates, decimal integers, "0"/"1" booleans. */
#ifndef SP_MODEL_H
#define SP_MODEL_H

#include <stddef.h>

#include "sp_err.h"

typedef enum {
    SP_FT_TEXT,
    SP_FT_INT,
    SP_FT_DATE,      /* YYYY-MM-DD, or YYYY-MM / YYYY when only that is known */
    SP_FT_VOCAB,     /* one code of a vocabulary */
    SP_FT_VOCAB_SET, /* one or more codes, stored ';'-joined in vocabulary order */
    SP_FT_BOOL,
    SP_FT_WIKIDATA, /* Q-id */
    SP_FT_ID,       /* the id of another record: a positive whole number */
} sp_field_type;

typedef struct sp_field {
    const char *name; /* model name: column, mapping target, export field */
    sp_field_type type;
    const char *vocab; /* vocabulary domain for SP_FT_VOCAB / SP_FT_VOCAB_SET */
    int is_required;
    size_t max_len; /* bytes */
} sp_field;

typedef enum {
    SP_ENT_MONUMENT,
    SP_ENT_DISTRICT,
    SP_ENT_ZONE,
    SP_ENT_REPORT,
    SP_ENT_COUNT
} sp_entity_id;

typedef struct sp_entity {
    sp_entity_id id;
    const char *name; /* "monument", "district", "protection_zone", "condition_report" */
    const sp_field *fields;
    int nfields;
    int key_field;      /* field that is the stable natural key, or -1 */
    int needs_geometry; /* a record without geometry is rejected */
} sp_entity;

/* clang-format off */
enum sp_monument_field {
    SP_MF_SOURCE_ID, SP_MF_PROTECTION_NO, SP_MF_REGISTER_ACT, SP_MF_REGISTER_DATE,
    SP_MF_SIGNIFICANCE, SP_MF_OBJECT_KIND, SP_MF_KINDS, SP_MF_NAME_UK, SP_MF_NAME_EN,
    SP_MF_DATING, SP_MF_YEAR_FROM, SP_MF_YEAR_TO, SP_MF_ADDRESS, SP_MF_DISTRICT,
    SP_MF_CADASTRAL_NO, SP_MF_PROTECTED_SUBJECT, SP_MF_AGREEMENT_NO, SP_MF_AGREEMENT_DATE,
    SP_MF_PASSPORT_REF, SP_MF_WIKIDATA, SP_MF_WLM_ID, SP_MF_LOCATION_SENSITIVE,
    SP_MF_DESCRIPTION, SP_MF_SOURCE,
    SP_MF_COUNT
};
enum sp_district_field { SP_DF_SOURCE_ID, SP_DF_NAME_UK, SP_DF_NAME_EN, SP_DF_COUNT };
enum sp_zone_field {
    SP_ZF_SOURCE_ID, SP_ZF_ZONE_TYPE, SP_ZF_MONUMENT_ID, SP_ZF_NAME_UK, SP_ZF_DECISION,
    SP_ZF_SOURCE, SP_ZF_COUNT
};
enum sp_report_field {
    SP_RF_REPORT_TYPE, SP_RF_OBSERVED_ON, SP_RF_EVENT_DATE, SP_RF_CONDITION,
    SP_RF_DAMAGE_LEVEL, SP_RF_DAMAGE_EXTENT, SP_RF_CAUSES, SP_RF_ELEMENTS, SP_RF_REPEAT_HIT,
    SP_RF_PRIORITY, SP_RF_TREND, SP_RF_DESCRIPTION, SP_RF_RECOMMENDED_ACTIONS,
    SP_RF_REPORT_SOURCE, SP_RF_VERIFICATION, SP_RF_AUTHOR, SP_RF_NEXT_DUE, SP_RF_COUNT
};
/* clang-format on */

#define SP_MAX_FIELDS 32

const sp_entity *sp_model_entity(sp_entity_id id);
const sp_entity *sp_model_entity_by_name(const char *name);     /* NULL when unknown */
int sp_model_field_index(const sp_entity *e, const char *name); /* -1 when unknown */

/* Vocabularies: filled from the database's vocab tables, resolved in memory. */
typedef struct sp_vocab sp_vocab;
sp_vocab *sp_vocab_new(void);
void sp_vocab_free(sp_vocab *v);
int sp_vocab_add(sp_vocab *v, const char *domain, const char *code, const char *label_uk,
                 const char *label_en, sp_err *err);
/* Matches code, Ukrainian or English label, ignoring case (Latin and Cyrillic), apostrophe
 * variants and surrounding space. Returns the borrowed code, or NULL. */
const char *sp_vocab_resolve(const sp_vocab *v, const char *domain, const char *text);
int sp_vocab_count(const sp_vocab *v);

/* Validates and normalises one raw value for field f into a malloc'd string the caller
 * frees (*out NULL when the value is empty). The message names the field and the value. */
int sp_model_normalize(const sp_field *f, const sp_vocab *v, const char *raw, char **out,
                       sp_err *err);

/* Years from a dating text as written: "1037", "1744–1767", "XI ст.", "кін. XIX – поч. XX ст.",
 * "12th century". Returns 1 and fills the range when one is found, else 0. */
int sp_dating_years(const char *dating, int *out_from, int *out_to);

/* Lower-cases Latin and Cyrillic (incl. Ukrainian ґ є і ї), folds apostrophe variants to
 * U+2019 and collapses space. Returns a malloc'd string or NULL on allocation failure. */
char *sp_model_fold(const char *s);

#endif
