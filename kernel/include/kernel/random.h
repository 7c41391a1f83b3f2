/**
 * @file
 * @ingroup drivers
 * @brief Random bytes for getrandom(2) and the machine's entropy source.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include "kernel/types.h"

void random_bytes(void *buf, size_t n);

/* The machine's part (kernel/arch/x86_64/cpu/rdrand.c). */
bool arch_rdrand(uint64_t *out);

#endif /* KERNEL_RANDOM_H */
