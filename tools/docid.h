/*
 * The `_id` of a document, printed for reports.
 */
#ifndef BSG_TOOLS_DOCID_H
#define BSG_TOOLS_DOCID_H

#include <stddef.h>
#include <stdint.h>

typedef struct docid {
    char *ejson;    /* relaxed Extended JSON of the value, e.g. {"$oid":"..."} */
    char *display;  /* for people: ObjectId("...") for an ObjectId, else ejson */
} docid;

/* Fill `id` from the document's `_id`; both NULL when it has none, or when
   it cannot be printed faithfully. Call only for a well-formed document. */
void docid_get(docid *id, const uint8_t *data, size_t len);

/* Free what docid_get filled; then both fields are NULL. */
void docid_free(docid *id);

#endif
