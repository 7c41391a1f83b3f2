/**
 * @file
 * @ingroup proc
 * @brief `#!` scripts (kernel/proc/shebang.c), used by execve.
 */
#ifndef KERNEL_SHEBANG_H
#define KERNEL_SHEBANG_H

#include "kernel/types.h"

/** The bytes of a script's first line that are read (Linux's
 *  BINPRM_BUF_SIZE). */
#define SHEBANG_LINE_MAX 256
/** How many scripts may name a script as interpreter in a row. */
#define SHEBANG_DEPTH 4

/** What one execve runs: the file and its arguments. */
struct exec_args {
    const char *path; /**< the file */
    char **argv;      /**< its argv */
    int argc;         /**< how many */
};

/** The storage of one `#!` rewrite. */
struct shebang {
    char line[SHEBANG_LINE_MAX + 1]; /**< the first line, cut in place */
    char **argv;                     /**< the new argv (kmalloc) */
};

int shebang_rewrite(const char *data, size_t size, struct exec_args *a,
                    struct shebang *sb);
void shebang_free(struct shebang *sb);

#endif /* KERNEL_SHEBANG_H */
