// The public header compiles as C++ and links from C++ code.
#include <bsonguard.h>

#include <cstring>

int main()
{
    bsg_result *r = bsg_result_new();
    bool ok = std::strcmp(bsg_version(), BSG_VERSION_STRING) == 0 && bsg_result_count(r) == 0;
    bsg_result_free(r);
    return ok ? 0 : 1;
}
