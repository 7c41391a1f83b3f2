/**
 * @file
 * @ingroup net
 * @brief The C library's stdlib.h, as lwIP's sources include it. lwIP
 *        allocates through lwipopts.h's mem_clib_* (kmalloc); all it
 *        takes from here is atoi (netif_find reads "en0"'s number).
 */
#ifndef NET_LIBC_STDLIB_H
#define NET_LIBC_STDLIB_H

#include "kernel/string.h"

/**
 * @brief The decimal number at the start of @p s (lwIP's only use:
 *        small interface numbers).
 * @param s the text
 * @return its value
 */
static inline int
atoi(const char *s)
{
    return (int)strtoul(s, NULL, 10);
}

#endif /* NET_LIBC_STDLIB_H */
