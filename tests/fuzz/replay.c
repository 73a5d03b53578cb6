/*
 * A stand-in for libFuzzer in ordinary builds (gcc, ASan+UBSan, valgrind):
 * run a harness's LLVMFuzzerTestOneInput over every file in the directories
 * (or the files) given, in name order, and print TAP. Each input is copied
 * into a buffer of exactly its size, so that the sanitizers and valgrind see
 * any read past its end. A crash or an abort fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct list {
    char **v;
    size_t n, cap;
} list;

static void add(list *l, const char *dir, const char *name)
{
    if (l->n == l->cap) {
        l->cap = l->cap * 2 + 16;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    size_t n = strlen(dir) + strlen(name) + 2;
    l->v[l->n] = malloc(n);
    snprintf(l->v[l->n++], n, "%s%s%s", dir, *dir ? "/" : "", name);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a directory (not its subdirectories or dotfiles), or the path itself. */
static void gather(list *l, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return; /* a corpus directory that does not exist yet has no inputs */
    if (!S_ISDIR(st.st_mode)) {
        add(l, "", path);
        return;
    }
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        if (e->d_name[0] != '.' && stat(full, &st) == 0 && S_ISREG(st.st_mode))
            add(l, path, e->d_name);
    }
    if (d)
        closedir(d);
}

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    *size = n > 0 ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    list l = {0};
    for (int i = 1; i < argc; i++)
        gather(&l, argv[i]);
    qsort(l.v, l.n, sizeof *l.v, by_name);
    if (l.n == 0) {
        printf("1..0 # SKIP no inputs\n");
        return 0;
    }
    printf("1..%zu\n", l.n);
    int failed = 0;
    for (size_t i = 0; i < l.n; i++) {
        size_t size = 0;
        uint8_t *data = slurp(l.v[i], &size);
        if (data) {
            fflush(stdout);
            LLVMFuzzerTestOneInput(data, size);
            printf("ok %zu - %s (%zu bytes)\n", i + 1, l.v[i], size);
        } else {
            printf("not ok %zu - %s: cannot read\n", i + 1, l.v[i]);
            failed = 1;
        }
        free(data);
        free(l.v[i]);
    }
    free(l.v);
    return failed;
}
