/**
 * @file
 * @ingroup tty
 * @brief The console as a terminal: what the file layer calls.
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include "kernel/types.h"
#include "kernel/uaccess.h"

long tty_read(char *buf, size_t n, bool nonblock);
long tty_write(const char *buf, size_t n);
long tty_ioctl(unsigned long cmd, uptr_t arg);

#endif /* KERNEL_TTY_H */
