/*
 * The validator fuzzers' schemas (schemas.h). They are written here rather
 * than read from examples/ so that a harness runs from any directory; the
 * first two mirror examples/conversation.bsg and tests/cli/data/shop.bsg.
 */
#include "schemas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sources[] = {
    /* examples/conversation.bsg */
    "schema Attachment {\n"
    "  url:  { type: String, required: true, match: /^https?:\\/\\// },\n"
    "  size: { type: Number, min: 0 },\n"
    "  mime: String,\n"
    "} with { _id: false }\n"
    "schema Message {\n"
    "  sender:  { type: Schema.Types.ObjectId, ref: 'User', required: true },\n"
    "  body:    { type: String, required: [true, 'a message needs a body'], maxlength: 4000 },\n"
    "  sentAt:  { type: Date, default: Date.now },\n"
    "  readBy:  [Schema.Types.ObjectId],\n"
    "  attachments: [Attachment],\n"
    "}\n"
    "schema Conversation {\n"
    "  participants: { type: [Schema.Types.ObjectId], required: true },\n"
    "  title:    { type: String, trim: true, maxLength: 200 },\n"
    "  status:   { type: String, enum: ['active', 'archived', 'deleted'], default: 'active' },\n"
    "  metadata: { type: MongooseSchema.Types.Mixed, default: {} },\n"
    "  settings: { muted: Boolean, theme: { type: String, enum: ['light', 'dark'] } },\n"
    "  messages: [Message],\n"
    "  counters: { type: Map, of: Number },\n"
    "} with { timestamps: true, strict: 'throw' }\n",

    /* tests/cli/data/shop.bsg */
    "schema Order {\n"
    "  sku:  { type: String, required: true },\n"
    "  qty:  { type: Number, min: 1 },\n"
    "  tags: [String],\n"
    "}\n",

    /* Every SchemaType, every validator form. */
    "schema Kitchen {\n"
    "  name:  { type: String, required: true, minlength: 2, maxLength: 30, trim: true,\n"
    "           match: [/^[\\p{L} .'-]+$/u, '{PATH} has odd letters: {VALUE}'] },\n"
    "  email: { type: String, lowercase: true, match: /^[^@\\s]+@[^@\\s]+$/i },\n"
    "  slug:  { type: String, validate: 'isSlug' },\n"
    "  status: { type: String, enum: { values: ['a', 'b', '\\u00e9'], message: 'bad {VALUE}' } },\n"
    "  n:     { type: Number, min: [-5, 'low'], max: 1e9 },\n"
    "  i:     { type: Schema.Types.Int32, validate: 'even' },\n"
    "  d:     Schema.Types.Double,\n"
    "  dec:   Schema.Types.Decimal128,\n"
    "  big:   { type: BigInt, required: true },\n"
    "  uuid:  Schema.Types.UUID,\n"
    "  buf:   { type: Buffer, required: true },\n"
    "  when:  { type: Date, min: '2000-01-01', max: Date.now },\n"
    "  flag:  Boolean,\n"
    "  any:   {},\n"
    "  scores: { type: [Number], validate: 'nonEmpty' },\n"
    "  matrix: [[{ type: Number, min: 0 }]],\n"
    "  labels: { type: Map, of: { type: String, maxlength: 8 } },\n"
    "  union: { type: Schema.Types.Union, of: [Number, String, [Boolean]] },\n"
    "  settings: { type: { muted: { type: Boolean, required: true }, theme: String } },\n"
    "  nested: { deep: { deeper: { type: String, required: true } } },\n"
    "  rx:    { type: String, match: /(a+)+$/ },\n"
    "  oid:   { type: 'ObjectId' },\n"
    "  code:  { type: String, validate: { validator: /^\\w+$/, message: '{PATH} is not a word' } },\n"
    "  list:  { type: [String], validate: /a,b/ },\n"
    "  obj:   { type: { k: String }, validate: /object/ },\n"
    "  mapv:  { type: Map, of: Number, validate: { validator: /Map/, message: 'no map' } },\n"
    "  nn:    { type: String, allowNull: false, validate: /^null$/ },\n"
    "} with { strict: 'throw', versionKey: false }\n",

    /* Discriminators on a custom key. */
    "schema Event { at: { type: Date, required: true }, note: String }\n"
    "  with { discriminatorKey: 'kind', timestamps: { createdAt: 'created' } }\n"
    "schema Click extends Event { x: { type: Number, min: 0 }, note: { type: String, required: true } }\n"
    "schema Key extends Event { key: { type: String, enum: ['a', 'b'] } } with { strict: false }\n",

    /* Recursion, and a Map of subdocuments. */
    "schema Comment {\n"
    "  text: { type: String, required: true, maxlength: 50 },\n"
    "  replies: [Comment],\n"
    "  votes: { type: Map, of: { up: Number, who: [Schema.Types.ObjectId] } },\n"
    "} with { strict: 'throw' }\n",

    /* A renamed type key and a field named `type`. */
    "schema Shape {\n"
    "  type: { $type: String, enum: ['circle', 'square'] },\n"
    "  size: { $type: Number, required: true },\n"
    "  tags: [{ $type: String, required: true }],\n"
    "} with { typeKey: '$type', _id: false }\n",
};

static bool is_slug(const bsg_value *v, void *ctx, char *msg, size_t cap)
{
    (void)ctx;
    for (uint32_t i = 0; v->str && i < v->str_len; i++)
        if (!((v->str[i] >= 'a' && v->str[i] <= 'z') || v->str[i] == '-')) {
            snprintf(msg, cap, "`%.*s` is not a slug", (int)v->str_len, v->str);
            return false;
        }
    return v->str != NULL;
}

static bool even(const bsg_value *v, void *ctx, char *msg, size_t cap)
{
    (void)ctx, (void)msg, (void)cap;
    return ((int64_t)v->number & 1) == 0;
}

static bool non_empty(const bsg_value *v, void *ctx, char *msg, size_t cap)
{
    (void)ctx, (void)msg, (void)cap;
    return v->len > 5; /* an array with at least one element */
}

#define NSOURCES (sizeof sources / sizeof sources[0])

static struct {
    bsg_registry *reg;
    bsg_schema *schemas[NSOURCES];
    const bsg_model *models[32];
    size_t count;
} fz;

static void init(void)
{
    if (fz.reg)
        return;
    fz.reg = bsg_registry_new();
    bsg_registry_add(fz.reg, "isSlug", is_slug, NULL);
    bsg_registry_add(fz.reg, "even", even, NULL);
    bsg_registry_add(fz.reg, "nonEmpty", non_empty, NULL);
    for (size_t i = 0; i < NSOURCES; i++) {
        bsg_diag diag;
        fz.schemas[i] = bsg_schema_compile(sources[i], strlen(sources[i]), "fuzz.bsg", fz.reg, &diag);
        if (!fz.schemas[i]) {
            char text[2048];
            bsg_diag_format(&diag, NULL, text, sizeof text);
            fprintf(stderr, "fuzz schema %zu does not compile:\n%s\n", i, text);
            abort();
        }
        for (size_t m = 0; m < bsg_schema_model_count(fz.schemas[i]); m++)
            fz.models[fz.count++] = bsg_schema_model_at(fz.schemas[i], m);
    }
}

size_t fz_model_count(void)
{
    init();
    return fz.count;
}

const bsg_model *fz_model(size_t i)
{
    init();
    return fz.models[i % fz.count];
}

const bsg_registry *fz_registry(void)
{
    init();
    return fz.reg;
}

void fz_options(uint8_t bits, bsg_options *o)
{
    static const uint32_t caps[] = {0, 100, 1, 3};
    bsg_options_init(o);
    o->strict = (bsg_strict)(bits & 3);
    o->max_errors = caps[(bits >> 2) & 3];
    if (bits & 0x10)
        o->max_depth = 1 + (bits >> 5);
    if ((bits & 0xE0) == 0xE0)
        o->max_array_length = 2;
}
