/* Version and kind names. */
#include "bsonguard.h"

const char *bsg_version(void) { return BSG_VERSION_STRING; }

static const char *const kind_names[BSG_KIND_COUNT] = {
    [BSG_KIND_NONE] = "",
#define BSG_KIND_NAME_(name, text) [BSG_KIND_##name] = text,
    BSG_KIND_MAP(BSG_KIND_NAME_)
#undef BSG_KIND_NAME_
};

const char *bsg_kind_name(bsg_kind kind)
{
    return (unsigned)kind < BSG_KIND_COUNT ? kind_names[kind] : "";
}
