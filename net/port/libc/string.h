/**
 * @file
 * @ingroup net
 * @brief The C library's string.h, as lwIP's sources include it: the
 *        kernel's own string functions (kernel/lib/string.c).
 *
 * Only lwIP's files and net/'s files that include lwIP headers see this
 * folder (-I net/port/libc); the rest of the kernel includes
 * kernel/string.h by its name.
 */
#ifndef NET_LIBC_STRING_H
#define NET_LIBC_STRING_H

#include "kernel/string.h"

#endif /* NET_LIBC_STRING_H */
