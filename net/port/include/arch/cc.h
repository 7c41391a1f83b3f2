/**
 * @file
 * @ingroup net
 * @brief lwIP's view of the machine and the compiler (lwIP's arch/cc.h).
 *
 * lwIP is written for any C platform; each port says in this header
 * what its compiler and its C library provide. Keel's kernel is
 * freestanding: GCC gives it stdint.h, stddef.h and limits.h, but there
 * is no inttypes.h, ctype.h or unistd.h, no printf and no rand. So the
 * format strings are spelled out, ctype is lwIP's own, diagnostics go to
 * printk, a failed lwIP assertion is a kernel panic, and the random
 * numbers lwIP picks ports and DNS ids with come from the kernel's
 * generator.
 */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H

#include "kernel/types.h" /* stdint.h, and ssize_t as the kernel has it */

#define SSIZE_MAX INT64_MAX

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1

/** @name printf formats for lwIP's debug output (no inttypes.h here). */
///@{
#define X8_F "02x" /**< u8_t in hex */
#define U16_F "u"  /**< u16_t */
#define S16_F "d"  /**< s16_t */
#define X16_F "x"  /**< u16_t in hex */
#define U32_F "u"  /**< u32_t */
#define S32_F "d"  /**< s32_t */
#define X32_F "x"  /**< u32_t in hex */
#define SZT_F "lu" /**< size_t */
///@}

/* x86 is little-endian; say so before lwIP guesses */
#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void panic(const char *fmt, ...);
uint32_t net_random32(void);

/** lwIP's debug messages: `x` is a parenthesised printf argument list. */
#define LWIP_PLATFORM_DIAG(x)                                                  \
    do {                                                                       \
        printk x;                                                              \
    } while (0)
/** A broken lwIP invariant is a kernel bug: stop with its place. */
#define LWIP_PLATFORM_ASSERT(x)                                                \
    panic("lwip: assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)
/** Ephemeral ports and DNS transaction ids. */
#define LWIP_RAND() net_random32()

#endif /* NET_ARCH_CC_H */
