/**
 * @file
 * @ingroup net
 * @brief The C library's stdio.h, as lwIP's sources include it: empty.
 *        lwIP prints through LWIP_PLATFORM_DIAG (arch/cc.h), which is
 *        printk; no file Keel builds calls printf itself.
 */
#ifndef NET_LIBC_STDIO_H
#define NET_LIBC_STDIO_H

#include <stddef.h>

#endif /* NET_LIBC_STDIO_H */
