/*
 * The C API in one page: compile a schema file once, then validate BSON
 * documents (here built with libbson) on the write path.
 * Usage: validate-example examples/conversation.bsg
 */
#include <bsonguard.h>
#include <bson/bson.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    bsg_diag diag;
    bsg_schema *schema = bsg_schema_compile_file(argc > 1 ? argv[1] : "conversation.bsg",
                                                 NULL, &diag);
    if (!schema) {
        char text[1024];
        bsg_diag_format(&diag, "error", text, sizeof text);
        fprintf(stderr, "%s\n", text);
        return 2;
    }
    const bsg_model *conversation = bsg_schema_model(schema, "Conversation");

    /* A document as a careless writer might store it: string ids, bad status. */
    bson_t *doc = BCON_NEW("participants", "[", "665f00000000000000000001", "]",
                           "status", BCON_UTF8("open"),
                           "counters", "{", "unread", BCON_INT32(2), "}");

    bsg_result *result = bsg_result_new();
    if (bsg_validate(conversation, bson_get_data(doc), doc->len, NULL, result)) {
        puts("valid");
    } else {
        for (size_t i = 0; i < bsg_result_count(result); i++) {
            const bsg_error *e = bsg_result_error(result, i);
            printf("%-16s %-9s %s\n", e->path, bsg_kind_name(e->kind), e->message);
        }
    }
    bsg_result_free(result);
    bson_destroy(doc);
    bsg_schema_free(schema);
    return 0;
}
