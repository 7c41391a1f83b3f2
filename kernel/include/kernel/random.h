/**
 * @file
 * @ingroup drivers
 * @brief Random bytes for getrandom(2) and the machine's entropy source.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include "kernel/types.h"

void random_bytes(void *buf, size_t n);

/* The machine's part, arch_rdrand(), is in kernel/arch.h. */

#endif /* KERNEL_RANDOM_H */
