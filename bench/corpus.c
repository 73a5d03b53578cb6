/*
 * The benchmark's corpora: three schemas a real application would write and
 * generators for documents valid against them. Everything is derived from a
 * fixed seed, so every run and every machine validates the same bytes.
 */
#include "corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MARK: - Random numbers */

static uint64_t rng_next(bench_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static uint32_t rng_below(bench_rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static uint32_t rng_range(bench_rng *r, uint32_t lo, uint32_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

/* Uniform in [0, 1). */
static double rng_unit(bench_rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static bool rng_percent(bench_rng *r, uint32_t pct)
{
    return rng_below(r, 100) < pct;
}

/* MARK: - Values */

/* 2024-01-01T00:00:00Z in milliseconds. */
#define EPOCH_2024_MS INT64_C(1704067200000)

/* A date within 2024, like the timestamps an application writes. */
static int64_t gen_date(bench_rng *r)
{
    return EPOCH_2024_MS + (int64_t)rng_below(r, 365u * 86400u) * 1000 +
           rng_below(r, 1000);
}

/* An ObjectId shaped like the driver's: timestamp, random, counter. */
static void gen_oid(bench_rng *r, int64_t ms, bson_oid_t *oid)
{
    uint8_t b[12];
    uint32_t secs = (uint32_t)(ms / 1000);
    uint64_t rnd = rng_next(r);
    b[0] = (uint8_t)(secs >> 24);
    b[1] = (uint8_t)(secs >> 16);
    b[2] = (uint8_t)(secs >> 8);
    b[3] = (uint8_t)secs;
    for (int i = 0; i < 8; i++)
        b[4 + i] = (uint8_t)(rnd >> (8 * i));
    uint32_t counter = rng_next(r) & 0xffffffu;
    b[9] = (uint8_t)(counter >> 16);
    b[10] = (uint8_t)(counter >> 8);
    b[11] = (uint8_t)counter;
    bson_oid_init_from_data(oid, b);
}

static void append_oid(bson_t *doc, const char *key, bench_rng *r, int64_t ms)
{
    bson_oid_t oid;
    gen_oid(r, ms, &oid);
    BSON_APPEND_OID(doc, key, &oid);
}

static const char *const WORDS[] = {
    "the",     "meeting", "is",      "moved",    "to",       "tomorrow",
    "please",  "review",  "draft",   "and",      "send",     "feedback",
    "before",  "lunch",   "thanks",  "ok",       "sounds",   "good",
    "we",      "need",    "budget",  "numbers",  "for",      "release",
    "notes",   "attached", "see",    "link",     "ship",     "it",
    "on",      "Friday",  "can",     "you",      "check",    "the",
    "latest",  "build",   "deploy",  "staging",  "looks",    "fine",
    "customer", "asked",  "about",   "invoice",  "pricing",  "page",
    "design",  "update",  "with",    "new",      "colors",   "agenda",
};

/* Multi-byte UTF-8 characters of every length: Latin-1, CJK, emoji. */
static const char *const NON_ASCII[] = {
    "\xc3\xa9",         /* é */
    "\xc3\x9f",         /* ß */
    "\xc3\xbc",         /* ü */
    "\xc3\xb1",         /* ñ */
    "\xc3\xb8",         /* ø */
    "\xe4\xb8\xad",     /* 中 */
    "\xe6\x96\x87",     /* 文 */
    "\xe6\x97\xa5",     /* 日 */
    "\xe2\x82\xac",     /* € */
    "\xf0\x9f\x98\x80", /* 😀 */
    "\xf0\x9f\x9a\x80", /* 🚀 */
    "\xf0\x9f\x91\x8d", /* 👍 */
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Chat-like text of about `nchars` characters into buf (capacity at least
   4 * nchars + 1): words separated by single spaces, no leading or trailing
   space, and 35 in 1000 letters replaced by a non-ASCII character, which
   makes about 3% of all characters non-ASCII. Returns the byte length. */
static size_t gen_text(bench_rng *r, char *buf, size_t nchars)
{
    size_t len = 0, chars = 0;
    while (chars < nchars) {
        if (chars > 0) {
            if (nchars - chars < 2)
                break;
            buf[len++] = ' ';
            chars++;
        }
        const char *w = WORDS[rng_below(r, COUNT(WORDS))];
        for (size_t i = 0; w[i] && chars < nchars; i++, chars++) {
            if (rng_below(r, 1000) < 35) {
                const char *u = NON_ASCII[rng_below(r, COUNT(NON_ASCII))];
                size_t ulen = strlen(u);
                memcpy(buf + len, u, ulen);
                len += ulen;
            } else {
                buf[len++] = w[i];
            }
        }
    }
    buf[len] = '\0';
    return len;
}

/* A string value. (BSON_APPEND_UTF8 evaluates its value twice, so a `pick()`
   in it would store one word with another's length.) */
static void append_str(bson_t *doc, const char *key, const char *value)
{
    bson_append_utf8(doc, key, -1, value, -1);
}

static void append_text(bson_t *doc, const char *key, bench_rng *r,
                        size_t nchars)
{
    char buf[4 * 512 + 1];
    if (nchars > 512)
        nchars = 512;
    size_t len = gen_text(r, buf, nchars);
    bson_append_utf8(doc, key, -1, buf, (int)len);
}

static const char *pick(bench_rng *r, const char *const *items, size_t n)
{
    return items[rng_below(r, (uint32_t)n)];
}

/* Array keys "0", "1", ... */
static const char *index_key(uint32_t i, char buf[16])
{
    const char *key;
    size_t len = bson_uint32_to_string(i, &key, buf, 16);
    (void)len;
    return key;
}

/* MARK: - conversation */

static const char CONVERSATION_SCHEMA[] =
    "// The chat application of DESIGN.md section 3 (examples/conversation.bsg).\n"
    "schema Attachment {\n"
    "  url:  { type: String, required: true, match: /^https?:\\/\\// },\n"
    "  size: { type: Number, min: 0 },\n"
    "  mime: String,\n"
    "} with { _id: false }\n"
    "\n"
    "schema Message {\n"
    "  sender:  { type: Schema.Types.ObjectId, ref: 'User', required: true },\n"
    "  body:    { type: String, required: [true, 'a message needs a body'], maxlength: 4000 },\n"
    "  sentAt:  { type: Date, default: Date.now },\n"
    "  readBy:  [Schema.Types.ObjectId],\n"
    "  attachments: [Attachment],\n"
    "}\n"
    "\n"
    "schema Conversation {\n"
    "  participants: { type: [Schema.Types.ObjectId], required: true },\n"
    "  title:    { type: String, trim: true, maxLength: 200 },\n"
    "  status:   { type: String, enum: ['active', 'archived', 'deleted'], default: 'active' },\n"
    "  metadata: { type: MongooseSchema.Types.Mixed, default: {} },\n"
    "  settings: { muted: Boolean, theme: { type: String, enum: ['light', 'dark'] } },\n"
    "  messages: [Message],\n"
    "  counters: { type: Map, of: Number },\n"
    "} with { timestamps: true, strict: 'throw' }\n";

static const char *const FILE_EXTS[][2] = {
    {"png", "image/png"},       {"jpg", "image/jpeg"}, {"pdf", "application/pdf"},
    {"txt", "text/plain"},      {"mp4", "video/mp4"},
};

static void gen_attachment(bson_t *arr, uint32_t i, bench_rng *r)
{
    char kbuf[16], url[128];
    bson_t att;
    uint32_t ext = rng_below(r, COUNT(FILE_EXTS));
    bson_append_document_begin(arr, index_key(i, kbuf), -1, &att);
    /* One random draw per statement: the order in which arguments are
       evaluated is unspecified, and the bytes must not depend on it. */
    unsigned long long dir = rng_next(r);
    const char *stem = pick(r, WORDS, COUNT(WORDS));
    snprintf(url, sizeof url, "https://files.example.com/u/%016llx/%s.%s",
             dir, stem, FILE_EXTS[ext][0]);
    append_str(&att, "url", url);
    BSON_APPEND_INT32(&att, "size", (int32_t)rng_range(r, 200, 20000000));
    append_str(&att, "mime", FILE_EXTS[ext][1]);
    bson_append_document_end(arr, &att);
}

/* One Message subdocument; Message keeps Mongoose's default `_id`. */
static void gen_message(bson_t *arr, uint32_t i, bench_rng *r,
                        const bson_oid_t *people, uint32_t npeople,
                        int64_t sent_at)
{
    char kbuf[16];
    bson_t msg, read_by, atts;
    bson_append_document_begin(arr, index_key(i, kbuf), -1, &msg);
    append_oid(&msg, "_id", r, sent_at);
    BSON_APPEND_OID(&msg, "sender", &people[rng_below(r, npeople)]);
    /* 50 to 400 characters, most messages short, as in chat. */
    double u = rng_unit(r);
    append_text(&msg, "body", r, 50 + (size_t)(u * u * u * 350.0));
    BSON_APPEND_DATE_TIME(&msg, "sentAt", sent_at);

    BSON_APPEND_ARRAY_BEGIN(&msg, "readBy", &read_by);
    uint32_t nread = rng_below(r, npeople + 1);
    for (uint32_t k = 0; k < nread; k++)
        bson_append_oid(&read_by, index_key(k, kbuf), -1, &people[k]);
    bson_append_array_end(&msg, &read_by);

    BSON_APPEND_ARRAY_BEGIN(&msg, "attachments", &atts);
    uint32_t roll = rng_below(r, 100), natt = roll < 75 ? 0 : roll < 93 ? 1 : 2;
    for (uint32_t k = 0; k < natt; k++)
        gen_attachment(&atts, k, r);
    bson_append_array_end(&msg, &atts);
    bson_append_document_end(arr, &msg);
}

static const char *const SOURCES[] = {"web", "ios", "android", "api"};
static const char *const LABELS[] = {"inbox", "vip", "support", "sales",
                                     "internal", "escalated"};
static const char *const COUNTER_NAMES[] = {"unread", "messages", "reactions",
                                            "mentions", "files", "score",
                                            "links", "edits"};

/* `metadata` is Mixed: what a client chose to store, a few levels deep. */
static void gen_metadata(bson_t *doc, bench_rng *r)
{
    char kbuf[16], version[32];
    bson_t meta, client, labels;
    BSON_APPEND_DOCUMENT_BEGIN(doc, "metadata", &meta);
    append_str(&meta, "source", pick(r, SOURCES, COUNT(SOURCES)));
    BSON_APPEND_DOCUMENT_BEGIN(&meta, "client", &client);
    append_str(&client, "app", pick(r, SOURCES, COUNT(SOURCES)));
    uint32_t major = rng_range(r, 1, 9), minor = rng_below(r, 30),
             patch = rng_below(r, 10);
    snprintf(version, sizeof version, "%u.%u.%u", major, minor, patch);
    append_str(&client, "version", version);
    BSON_APPEND_INT32(&client, "build", (int32_t)rng_range(r, 1000, 99999));
    bson_append_document_end(&meta, &client);
    BSON_APPEND_ARRAY_BEGIN(&meta, "labels", &labels);
    uint32_t nlabels = rng_range(r, 1, 3);
    for (uint32_t k = 0; k < nlabels; k++)
        bson_append_utf8(&labels, index_key(k, kbuf), -1,
                         pick(r, LABELS, COUNT(LABELS)), -1);
    bson_append_array_end(&meta, &labels);
    BSON_APPEND_INT32(&meta, "priority", (int32_t)rng_below(r, 4));
    BSON_APPEND_BOOL(&meta, "pinned", rng_percent(r, 10));
    bson_append_document_end(doc, &meta);
}

/* `counters` is a Map of Number: 3 to 6 distinct keys, int32 or double. */
static void gen_counters(bson_t *doc, bench_rng *r, uint32_t nmessages)
{
    const char *names[COUNT(COUNTER_NAMES)];
    memcpy(names, COUNTER_NAMES, sizeof names);
    uint32_t n = rng_range(r, 3, 6);
    bson_t counters;
    BSON_APPEND_DOCUMENT_BEGIN(doc, "counters", &counters);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t j = k + rng_below(r, (uint32_t)COUNT(names) - k);
        const char *tmp = names[k];
        names[k] = names[j];
        names[j] = tmp;
        if (strcmp(names[k], "score") == 0)
            BSON_APPEND_DOUBLE(&counters, names[k], rng_unit(r) * 100.0);
        else if (strcmp(names[k], "messages") == 0)
            BSON_APPEND_INT32(&counters, names[k], (int32_t)nmessages);
        else
            BSON_APPEND_INT32(&counters, names[k], (int32_t)rng_below(r, 50));
    }
    bson_append_document_end(doc, &counters);
}

static void make_conversation(bson_t *doc, bench_rng *r, size_t index)
{
    (void)index;
    char kbuf[16];
    int64_t created = gen_date(r);
    append_oid(doc, "_id", r, created);

    bson_oid_t people[5];
    uint32_t npeople = rng_range(r, 2, 5);
    bson_t arr;
    BSON_APPEND_ARRAY_BEGIN(doc, "participants", &arr);
    for (uint32_t k = 0; k < npeople; k++) {
        gen_oid(r, created - 86400000 * (int64_t)rng_range(r, 1, 400), &people[k]);
        bson_append_oid(&arr, index_key(k, kbuf), -1, &people[k]);
    }
    bson_append_array_end(doc, &arr);

    append_text(doc, "title", r, rng_range(r, 8, 60));
    uint32_t roll = rng_below(r, 100);
    append_str(doc, "status",
                     roll < 80 ? "active" : roll < 95 ? "archived" : "deleted");
    gen_metadata(doc, r);

    bson_t settings;
    BSON_APPEND_DOCUMENT_BEGIN(doc, "settings", &settings);
    BSON_APPEND_BOOL(&settings, "muted", rng_percent(r, 20));
    append_str(&settings, "theme", rng_percent(r, 60) ? "light" : "dark");
    bson_append_document_end(doc, &settings);

    uint32_t nmessages = rng_range(r, 10, 20);
    int64_t sent = created;
    BSON_APPEND_ARRAY_BEGIN(doc, "messages", &arr);
    for (uint32_t k = 0; k < nmessages; k++) {
        sent += (int64_t)rng_range(r, 1, 3600) * 1000;
        gen_message(&arr, k, r, people, npeople, sent);
    }
    bson_append_array_end(doc, &arr);

    gen_counters(doc, r, nmessages);
    BSON_APPEND_DATE_TIME(doc, "createdAt", created);
    BSON_APPEND_DATE_TIME(doc, "updatedAt", sent);
    BSON_APPEND_INT32(doc, "__v", 0);
}

/* MARK: - small */

static const char SMALL_SCHEMA[] =
    "// An analytics event: small, flat, written at a high rate.\n"
    "schema Event {\n"
    "  kind: { type: String, required: true,\n"
    "          enum: ['page_view', 'click', 'login', 'logout', 'purchase', 'search'] },\n"
    "  user: { type: Schema.Types.ObjectId, ref: 'User', required: true },\n"
    "  at:   { type: Date, required: true },\n"
    "  n:    { type: Number, min: 0 },\n"
    "  ok:   Boolean,\n"
    "  tag:  { type: String, maxlength: 40 },\n"
    "  page: String,\n"
    "} with { strict: 'throw' }\n";

static const char *const KINDS[] = {"page_view", "click",    "login",
                                    "logout",    "purchase", "search"};

static void make_small(bson_t *doc, bench_rng *r, size_t index)
{
    (void)index;
    char buf[96];
    int64_t at = gen_date(r);
    append_oid(doc, "_id", r, at);
    append_str(doc, "kind", pick(r, KINDS, COUNT(KINDS)));
    append_oid(doc, "user", r, at - 86400000 * (int64_t)rng_range(r, 1, 900));
    BSON_APPEND_DATE_TIME(doc, "at", at);
    if (rng_percent(r, 85))
        BSON_APPEND_INT32(doc, "n", (int32_t)rng_below(r, 10000));
    else
        BSON_APPEND_DOUBLE(doc, "n", rng_unit(r) * 500.0);
    BSON_APPEND_BOOL(doc, "ok", rng_percent(r, 95));
    const char *word = pick(r, WORDS, COUNT(WORDS));
    snprintf(buf, sizeof buf, "campaign-%s-%u", word, rng_below(r, 100));
    append_str(doc, "tag", buf);
    const char *section = pick(r, WORDS, COUNT(WORDS));
    const char *item = pick(r, WORDS, COUNT(WORDS));
    const char *ref = pick(r, SOURCES, COUNT(SOURCES));
    snprintf(buf, sizeof buf, "/app/%s/%s/%08x?ref=%s", section, item,
             (unsigned)rng_next(r), ref);
    append_str(doc, "page", buf);
    BSON_APPEND_INT32(doc, "__v", 0);
}

/* MARK: - deepwide */

/*
 * What a real user writes for deep and wide data. Deep data is a tree (comment
 * threads, category trees, org charts, nested folders): a recursive schema,
 * which Mongoose allows, and which makes the validator check every level.
 * Wide data is an object keyed by ids or names: a Map, of a subdocument
 * (`nodes`, 200 keys, some of whose values are chains 20 Node levels deep) or
 * of Number (`stats`, 200 keys). `Forest` checks all of it.
 *
 * Many schemas in the wild instead declare such blobs `type: Object`, i.e.
 * Mixed (the incident behind DESIGN.md section 1); `ForestMixed` is that
 * version, validating the same bytes: only well-formedness, keys and UTF-8
 * are checked inside `nodes`, while `stats` stays a Map of Number.
 */
static const char DEEPWIDE_SCHEMA[] =
    "schema Node {\n"
    "  label:    { type: String, required: true, maxlength: 64 },\n"
    "  score:    { type: Number, min: 0 },\n"
    "  flags:    { type: Map, of: Number },\n"
    "  children: [Node],\n"
    "} with { _id: false }\n"
    "\n"
    "schema Forest {\n"
    "  name:  { type: String, required: true },\n"
    "  nodes: { type: Map, of: Node },\n"
    "  stats: { type: Map, of: Number },\n"
    "} with { strict: 'throw' }\n"
    "\n"
    "schema ForestMixed {\n"
    "  name:  { type: String, required: true },\n"
    "  nodes: { type: Schema.Types.Mixed },\n"
    "  stats: { type: Map, of: Number },\n"
    "} with { strict: 'throw' }\n";

#define DEEPWIDE_KEYS 200u
#define DEEPWIDE_LEVELS 20u /* Node levels in a chain */
#define DEEPWIDE_CHAIN_EVERY 20u /* every 20th key of `nodes` holds a chain */

static const char *const FLAG_NAMES[] = {"red", "green", "blue", "hot",
                                         "new", "pinned", "muted", "beta"};

/* A Node under `key` of `parent`, with `below` more Node levels under it
   along children.0. */
static void gen_node(bson_t *parent, const char *key, bench_rng *r,
                     uint32_t level, uint32_t below)
{
    char buf[64], kbuf[16];
    bson_t node, flags, children;
    bson_append_document_begin(parent, key, -1, &node);
    snprintf(buf, sizeof buf, "node-%u-%s", level, pick(r, WORDS, COUNT(WORDS)));
    append_str(&node, "label", buf);
    if (rng_percent(r, 70))
        BSON_APPEND_INT32(&node, "score", (int32_t)rng_below(r, 1000));
    else
        BSON_APPEND_DOUBLE(&node, "score", rng_unit(r) * 10.0);
    if (below > 0 || rng_percent(r, 40)) {
        uint32_t nflags = rng_range(r, 1, 4);
        BSON_APPEND_DOCUMENT_BEGIN(&node, "flags", &flags);
        for (uint32_t k = 0; k < nflags; k++)
            BSON_APPEND_INT32(&flags, FLAG_NAMES[k], (int32_t)rng_below(r, 9));
        bson_append_document_end(&node, &flags);
    }
    BSON_APPEND_ARRAY_BEGIN(&node, "children", &children);
    if (below > 0) {
        gen_node(&children, "0", r, level + 1, below - 1);
        if (rng_percent(r, 30))
            gen_node(&children, index_key(1, kbuf), r, level + 1, 0);
    }
    bson_append_array_end(&node, &children);
    bson_append_document_end(parent, &node);
}

static void make_deepwide(bson_t *doc, bench_rng *r, size_t index)
{
    char key[16];
    bson_t nodes, stats;
    append_oid(doc, "_id", r, gen_date(r));
    snprintf(key, sizeof key, "forest-%zu", index);
    append_str(doc, "name", key);

    BSON_APPEND_DOCUMENT_BEGIN(doc, "nodes", &nodes);
    for (uint32_t k = 0; k < DEEPWIDE_KEYS; k++) {
        snprintf(key, sizeof key, "n%03u", k);
        bool chain = k % DEEPWIDE_CHAIN_EVERY == 0;
        gen_node(&nodes, key, r, 1, chain ? DEEPWIDE_LEVELS - 1 : 0);
    }
    bson_append_document_end(doc, &nodes);

    BSON_APPEND_DOCUMENT_BEGIN(doc, "stats", &stats);
    for (uint32_t k = 0; k < DEEPWIDE_KEYS; k++) {
        snprintf(key, sizeof key, "s%03u", k);
        if (rng_percent(r, 70))
            BSON_APPEND_INT32(&stats, key, (int32_t)rng_below(r, 100000));
        else
            BSON_APPEND_DOUBLE(&stats, key, rng_unit(r) * 1e6);
    }
    bson_append_document_end(doc, &stats);
    BSON_APPEND_INT32(doc, "__v", 0);
}

/* MARK: - Specs */

const bench_spec bench_specs[] = {
    {"conversation",
     "chat conversations, ~5 KB: subdocument arrays, Mixed, Map, regex, UTF-8",
     CONVERSATION_SCHEMA, "Conversation", NULL, NULL, 2000, 200,
     0x636f6e766572ull, make_conversation},
    {"small", "flat analytics events, ~170 B", SMALL_SCHEMA, "Event", NULL,
     NULL, 50000, 5000, 0x736d616c6cull, make_small},
    {"deepwide",
     "200-key Maps and recursive Node chains 20 levels deep, ~40 KB",
     DEEPWIDE_SCHEMA, "Forest", "ForestMixed",
     "the same documents with `nodes` declared Mixed", 200, 20, 0x64656570ull,
     make_deepwide},
};

const size_t bench_spec_count = COUNT(bench_specs);

const bench_spec *bench_spec_find(const char *name)
{
    for (size_t i = 0; i < bench_spec_count; i++)
        if (strcmp(bench_specs[i].name, name) == 0)
            return &bench_specs[i];
    return NULL;
}

/* MARK: - Corpus */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "bsonguard-bench: out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return q;
}

/* Deepest document/array nesting below `it` (its own level is `depth`). */
static uint32_t max_depth_of(bson_iter_t *it, uint32_t depth)
{
    uint32_t deepest = depth;
    while (bson_iter_next(it)) {
        bson_iter_t child;
        if ((BSON_ITER_HOLDS_DOCUMENT(it) || BSON_ITER_HOLDS_ARRAY(it)) &&
            bson_iter_recurse(it, &child)) {
            uint32_t d = max_depth_of(&child, depth + 1);
            if (d > deepest)
                deepest = d;
        }
    }
    return deepest;
}

void bench_corpus_generate(bench_corpus *corpus, const bench_spec *spec,
                           size_t count)
{
    bench_rng rng = {spec->seed};
    size_t cap = count * 256 + 4096;
    memset(corpus, 0, sizeof *corpus);
    corpus->data = xrealloc(NULL, cap);
    corpus->offsets = xrealloc(NULL, (count + 1) * sizeof *corpus->offsets);
    for (size_t i = 0; i < count; i++) {
        bson_t doc;
        bson_init(&doc);
        spec->make(&doc, &rng, i);
        if (corpus->size + doc.len > cap) {
            while (corpus->size + doc.len > cap)
                cap *= 2;
            corpus->data = xrealloc(corpus->data, cap);
        }
        corpus->offsets[i] = corpus->size;
        memcpy(corpus->data + corpus->size, bson_get_data(&doc), doc.len);
        corpus->size += doc.len;
        if (doc.len > corpus->max_doc)
            corpus->max_doc = doc.len;
        bson_iter_t it;
        if (bson_iter_init(&it, &doc)) {
            uint32_t d = max_depth_of(&it, 0);
            if (d > corpus->max_depth)
                corpus->max_depth = d;
        }
        bson_destroy(&doc);
    }
    corpus->offsets[count] = corpus->size;
    corpus->count = count;
}

void bench_corpus_free(bench_corpus *corpus)
{
    if (!corpus)
        return;
    free(corpus->data);
    free(corpus->offsets);
    memset(corpus, 0, sizeof *corpus);
}
