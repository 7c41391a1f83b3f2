/**
 * @file
 * @ingroup init
 * @brief The undefined-behaviour sanitizer's runtime (kernel/init/ubsan.c):
 *        the counters its self-test reads.
 *
 * Code built with `-fsanitize=...` calls the runtime by the compiler's
 * own names; nothing else in the kernel calls it. These variables let a
 * test see that a report was made, of which kind, and where.
 */
#ifndef KERNEL_UBSAN_H
#define KERNEL_UBSAN_H

#include "kernel/types.h"

extern unsigned long ubsan_reports;
extern const char *ubsan_last_kind;
extern uint32_t ubsan_last_line;
extern bool ubsan_no_panic;

#endif /* KERNEL_UBSAN_H */
