/**
 * @file
 * @ingroup mm
 * @brief Linux's mmap, mprotect, mremap and madvise numbers (the ABI).
 *
 * The values of linux/mman.h and asm-generic/mman-common.h for x86_64.
 * PROT_READ, PROT_WRITE and PROT_EXEC equal the kernel's VM_READ,
 * VM_WRITE and VM_EXEC (kernel/mm.h), which the code relies on.
 */
#ifndef UAPI_MMAN_H
#define UAPI_MMAN_H

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_SYNC 0x80000
#define MAP_FIXED_NOREPLACE 0x100000

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

#define MADV_NORMAL 0
#define MADV_DONTNEED 4
/** @name msync() flags */
///@{
#define MS_ASYNC 1      /**< schedule the write-back */
#define MS_INVALIDATE 2 /**< drop cached copies */
#define MS_SYNC 4       /**< write back before returning */
///@}
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_HWPOISON 100
/** Advice numbers above this one are unknown (EINVAL). */
#define MADV_LAST_KNOWN 25

#endif /* UAPI_MMAN_H */
