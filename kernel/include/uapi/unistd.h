/**
 * @file
 * @ingroup uapi
 * @brief Linux x86_64 system-call numbers (arch/x86/entry/syscalls).
 *
 * Part of the ABI: a static program built for Linux puts exactly these
 * numbers in rax. The numbers are generated (syscall_nr.h, by
 * tools/gen-syscalls.py) from kernel/syscalls/syscall_64.tbl, the one
 * table that also builds the dispatcher, so every Linux call has its
 * __NR_ name here whether Keel implements it or not.
 */
#ifndef UAPI_UNISTD_H
#define UAPI_UNISTD_H

#include "syscall_nr.h"

#endif /* UAPI_UNISTD_H */
