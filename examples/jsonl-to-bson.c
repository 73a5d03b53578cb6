/*
 * Turn Extended JSON lines into a mongodump-style .bson file (documents one
 * after another), so the example can show `bsonguard check` on a dump.
 * Usage: jsonl-to-bson IN.jsonl OUT.bson
 */
#include <bson/bson.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IN.jsonl OUT.bson\n", argv[0]);
        return 2;
    }
    bson_error_t err;
    bson_json_reader_t *reader = bson_json_reader_new_from_file(argv[1], &err);
    if (!reader) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        return 2;
    }
    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        perror(argv[2]);
        bson_json_reader_destroy(reader);
        return 2;
    }
    bson_t doc = BSON_INITIALIZER;
    int rc, status = 0;
    while ((rc = bson_json_reader_read(reader, &doc, &err)) == 1) {
        fwrite(bson_get_data(&doc), 1, doc.len, out);
        bson_reinit(&doc);
    }
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        status = 1;
    }
    bson_destroy(&doc);
    bson_json_reader_destroy(reader);
    if (fclose(out) != 0)
        status = 2;
    return status;
}
