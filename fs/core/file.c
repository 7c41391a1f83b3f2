/**
 * @file
 * @ingroup fs
 * @brief Open files (placeholder until the file layer is written).
 */
#include "kernel/mm.h"
#include "uapi/errno.h"

/**
 * @brief The bytes behind file descriptor @p fd, for a private mmap.
 * @param fd  the file descriptor
 * @param out filled with the file's kernel bytes and size
 * @return 0; -EBADF; -EACCES (not open for reading); -ENODEV (a file
 *         that cannot be mapped: pipe, terminal)
 */
int
fd_mmap_source(int fd, struct mmap_file *out)
{
    (void)fd;
    (void)out;
    return -EBADF;
}
