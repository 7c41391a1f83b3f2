/**
 * @file
 * @ingroup arch
 * @brief The machine interface: everything portable code may ask of the CPU.
 *
 * Portable code (mm, proc, fs, net, ...) never reaches into
 * kernel/arch/x86_64/; it calls the arch_* functions declared here. That keeps
 * the machine-specific parts in one tree a reader can study on its own.
 *
 * The virtual memory layout the boot code sets up:
 *
 * @verbatim
 *   0xffffffffffffffff +------------------------------+
 *                      | kernel image (text, data,    |  KERNEL_VMA + 1 MiB
 *   0xffffffff80000000 | bss), linked here            |  = physical 1 MiB
 *                      +------------------------------+
 *                      |            unused            |
 *   0xffff800100000000 +------------------------------+
 *                      | direct map of the first 4 GiB|  phys_to_virt()
 *   0xffff800000000000 +------------------------------+  DMAP_BASE
 *                      |   non-canonical hole         |
 *   0x00007fffffffffff +------------------------------+
 *                      |   user space (chapter 3)     |
 *   0x0000000000000000 +------------------------------+
 * @endverbatim
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include "kernel/compiler.h"
#include "kernel/types.h"
#if CHAPTER >= 4
#include "uapi/signal.h"
#endif

/** Where the kernel image is linked: physical 0 maps here. */
#define KERNEL_VMA 0xffffffff80000000UL
/** Base of the direct map: physical address p is at DMAP_BASE + p. */
#define DMAP_BASE 0xffff800000000000UL
/** How much physical memory the boot page tables direct-map. */
#define DMAP_BOOT_SIZE (4UL << 30)
/** Size of a page. */
#define PAGE_SIZE 4096UL

/**
 * @brief The kernel virtual address of physical address @p pa.
 * @param pa a physical address the direct map covers
 * @return where the kernel sees it: DMAP_BASE + @p pa
 */
static inline void *
phys_to_virt(paddr_t pa)
{
    return (void *)(pa + DMAP_BASE);
}

/**
 * @brief The physical address of a direct-map or kernel-image pointer.
 * @param va a pointer into the direct map or the kernel image
 * @return the physical address behind it
 */
static inline paddr_t
virt_to_phys(const void *va)
{
    vaddr_t v = (vaddr_t)va;
    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DMAP_BASE;
}

/** Saved interrupt state, returned by arch_irq_save(). */
typedef uint64_t irqflags_t;

void arch_init(void);
void arch_set_fault_stack(vaddr_t top);
void arch_irq_enable(void);
void arch_irq_disable(void);
irqflags_t arch_irq_save(void);
void arch_irq_restore(irqflags_t flags);
bool arch_irq_enabled(void);
void arch_idle(void);
__noreturn void arch_halt(void);
__noreturn void arch_power_off(int status);
void arch_dump_stack(void);

/** Called for each frame by arch_walk_stack(). */
typedef void (*stack_visit_fn)(uint64_t pc, void *ctx);
int arch_walk_stack(uint64_t fp, uint64_t pc, stack_visit_fn visit, void *ctx);

#if CHAPTER >= 2
/* page tables (kernel/arch/x86_64/mm/pgtable.c); flags are VM_* of mm.h */
int arch_map_page(paddr_t root, vaddr_t va, paddr_t pa, unsigned vmflags);
int arch_map_huge(paddr_t root, vaddr_t va, paddr_t pa, unsigned vmflags);
int arch_unmap_page(paddr_t root, vaddr_t va);
bool arch_translate(paddr_t root, vaddr_t va, paddr_t *pa, unsigned *vmflags);
void arch_dump_walk(paddr_t root, vaddr_t va);
paddr_t arch_pgtable_create(void);
void arch_pgtable_activate(paddr_t root);
paddr_t arch_pgtable_active(void);
uint64_t arch_cycles(void);
#endif

#if CHAPTER >= 3
/* threads (kernel/arch/x86_64/proc/): a new thread's first stack frame,
 * and the switch from one kernel stack to another */
uint64_t arch_thread_prepare(vaddr_t stack_top, int (*fn)(void *), void *arg);
void arch_context_switch(uint64_t *save_sp, uint64_t load_sp);
/* user mode (kernel/arch/x86_64/cpu/user.c, syscall.S) */
void arch_set_kernel_stack(vaddr_t top);
void arch_set_fs_base(uint64_t base);
size_t arch_frame_size(void);
void arch_frame_set_return(void *frame, uint64_t value);
void arch_frame_reset(void *frame, uint64_t rip, uint64_t rsp);
#if CHAPTER >= 4
void arch_frame_set_stack(void *frame, uint64_t rsp);
#endif
uint64_t arch_syscall_args(const void *frame, long args[6]);
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);
void arch_fpu_reset(void *area);
__noreturn void arch_enter_user(uint64_t rip, uint64_t rsp);
__noreturn void arch_resume_user(void *frame);
paddr_t arch_uvm_create(paddr_t kernel_root);
int arch_uvm_fork(paddr_t parent, paddr_t child);
void arch_uvm_destroy(paddr_t root);
int arch_uvm_protect(paddr_t root, vaddr_t va, unsigned vmflags);
#endif

#if CHAPTER >= 4
/* signal frames (kernel/arch/x86_64/proc/signal.c); the types are
 * kernel/signal.h's */
struct sig_info;
struct k_sigaction;
struct k_stack;
int arch_signal_frame(void *frame, int sig, const struct sig_info *info,
                      const struct k_sigaction *act, k_sigset_t oldmask,
                      const struct k_stack *altstack);
int arch_signal_return(void *frame, k_sigset_t *mask);
void arch_frame_restart(void *frame, long nr);
long arch_frame_result(const void *frame);
uint64_t arch_frame_user_sp(const void *frame);
/* the hardware random generator (kernel/arch/x86_64/cpu/rdrand.c) */
bool arch_rdrand(uint64_t *out);

/* user access with an exception table (kernel/arch/x86_64/mm/usercopy.S) */
long arch_copy_user(void *dst, const void *src, size_t n);
long arch_strncpy_user(char *dst, const char *src, size_t max);
/* user page-table entries that hold a frame (present or PROT_NONE) */
bool arch_uvm_lookup(paddr_t root, vaddr_t va, paddr_t *pa);
bool arch_uvm_take(paddr_t root, vaddr_t va, paddr_t *pa);
vaddr_t arch_uvm_skip(paddr_t root, vaddr_t va);
#endif

#if CHAPTER >= 5
/** What the processor says it is, for /proc/cpuinfo. */
struct cpu_identity {
    char vendor[13];     /**< "GenuineIntel", "AuthenticAMD" */
    char model_name[49]; /**< the brand string */
    unsigned family;     /**< display family */
    unsigned model;      /**< display model */
    unsigned stepping;   /**< stepping */
    char flags[256];     /**< feature names, space-separated */
};
void arch_cpu_identify(struct cpu_identity *id);
#endif

#if CHAPTER >= 7
/* device memory, uncached (kernel/arch/x86_64/mm/ioremap.c) */
void *arch_ioremap(paddr_t pa, size_t size);
#endif

#endif /* KERNEL_ARCH_H */
