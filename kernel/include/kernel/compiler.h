/**
 * @file
 * @ingroup lib
 * @brief Compiler attributes with readable names.
 *
 * gcc attributes are spelled out once here so the rest of the kernel reads
 * as plain C: `__noreturn` instead of `__attribute__((noreturn))`.
 */
#ifndef KERNEL_COMPILER_H
#define KERNEL_COMPILER_H

#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __section(s) __attribute__((section(s)))
#define __used __attribute__((used))
#define __unused __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noinline __attribute__((noinline))

/** 1 in a SANITIZE=1 build (the Makefile defines it), 0 otherwise. */
#ifndef KEEL_SANITIZE
#define KEEL_SANITIZE 0
#endif

/** Number of elements of a true array (not a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/**
 * Walk a linker set (entries the linker gathered between the symbols
 * @p start and @p end, see kernel.ld): @p it points at each in turn. The
 * count comes from the addresses, so the loop never compares pointers to
 * two different objects, which C leaves undefined.
 */
#define for_each_in_set(it, start, end)                                        \
    for (const __typeof__(*(start)) *it = (start);                             \
         it !=                                                                 \
         (start) + ((uintptr_t)(end) - (uintptr_t)(start)) / sizeof(*(start)); \
         it++)

/** Round @p x up to a multiple of @p a, a power of two. */
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
/** Round @p x down to a multiple of @p a, a power of two. */
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))

/** Smaller of two values of the same type (each evaluated once). */
#define MIN(a, b)                                                              \
    ({                                                                         \
        __typeof__(a) _a = (a);                                                \
        __typeof__(b) _b = (b);                                                \
        _a < _b ? _a : _b;                                                     \
    })
/** Larger of two values of the same type (each evaluated once). */
#define MAX(a, b)                                                              \
    ({                                                                         \
        __typeof__(a) _a = (a);                                                \
        __typeof__(b) _b = (b);                                                \
        _a > _b ? _a : _b;                                                     \
    })

/** Stop the compiler from caching a memory value across this point. */
#define barrier() __asm__ __volatile__("" ::: "memory")

#endif /* KERNEL_COMPILER_H */
