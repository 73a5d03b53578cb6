/* The public header compiles as strict C99 (and, via header_cxx.cpp, as C++). */
#include <bsonguard.h>

int main(void)
{
    bsg_options opts;
    bsg_options_init(&opts);
    return bsg_kind_name(BSG_KIND_REQUIRED)[0] == 'r' && opts.max_depth == 180 ? 0 : 1;
}
