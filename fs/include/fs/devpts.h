/**
 * @file
 * @ingroup fs
 * @brief devpts: the file system where pty slaves have their names.
 *
 * The pty code (kernel/tty/pty.c) tells devpts when a pair comes and
 * goes; devpts shows slave N as /dev/pts/N while the pair exists.
 */
#ifndef FS_DEVPTS_H
#define FS_DEVPTS_H

#include "kernel/types.h"

/** Linux's major number of pty slaves (UNIX98_PTY_SLAVE_MAJOR). */
#define DEVPTS_SLAVE_MAJOR 136
/** The most pty pairs devpts names. */
#define DEVPTS_MAX 64

void devpts_add(unsigned index, uint32_t uid, uint32_t gid);
void devpts_remove(unsigned index);

#endif /* FS_DEVPTS_H */
