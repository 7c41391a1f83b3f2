/**
 * @file
 * @ingroup syscalls
 * @brief What a C library's start-up asks for: TLS, tid, brk, ioctl, signals.
 *
 * A static musl program calls arch_prctl(ARCH_SET_FS) to point FS at its
 * thread-local storage, set_tid_address, ioctl(TIOCGWINSZ) to see whether
 * stdout is a terminal, and may block signals around fork. In chapter 3
 * the signal calls succeed and change nothing; chapter 4 moves them to
 * kernel/syscalls/signal.c, ioctl to fd.c and brk to mmap.c, and keeps
 * only arch_prctl and set_tid_address here.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413

/**
 * @brief arch_prctl(code, addr): set or get the FS base.
 * @param a the six argument registers
 * @return 0; -EPERM for an address at or past TASK_SIZE; -EFAULT; -EINVAL
 *         otherwise
 */
long
sys_arch_prctl(const long a[6])
{
    long code = a[0];
    long addr = a[1];
    struct thread *t = thread_current();
    if (code == ARCH_SET_FS) {
        // Linux's TASK_SIZE_MAX: the last page below the hole is no
        // more a place for thread-local storage than the kernel half
        if ((uint64_t)addr >= TASK_SIZE)
            return -EPERM;
        t->fs_base = addr;
        proc_current()->fs_base = addr;
        arch_set_fs_base(addr);
        return 0;
    }
    if (code == ARCH_GET_FS)
        return copy_to_user(UPTR(addr), &t->fs_base, 8);
    return -EINVAL;
}

/**
 * @brief set_tid_address(ptr): remembered; returns the thread id.
 * @param a the six argument registers (unused)
 * @return 0
 */
long
sys_set_tid_address(const long a[6])
{
    long tidptr = a[0];
    proc_current()->clear_child_tid = tidptr;
    return proc_current()->pid;
}

#if CHAPTER < 4 /* chapter 4: kernel/syscalls/fd.c, through the file */
/** The terminal size TIOCGWINSZ reports. */
struct winsize {
    uint16_t rows, cols, xpixel, ypixel;
};

/**
 * @brief ioctl(fd, cmd, arg) on the console: TIOCGWINSZ (80x25).
 * @param a the six argument registers
 * @return 0; -EBADF (not fd 0-2); -ENOTTY for other commands (termios
 *         comes with the terminal chapter); -EFAULT
 */
long
sys_ioctl(const long a[6])
{
    long fd = a[0];
    long cmd = a[1];
    long arg = a[2];
    if (fd < 0 || fd > 2)
        return -EBADF;
    if (cmd == TIOCGWINSZ) {
        struct winsize ws = {25, 80, 0, 0};
        return copy_to_user(UPTR(arg), &ws, sizeof(ws));
    }
    return -ENOTTY;
}
#endif

#if CHAPTER < 4
/**
 * @brief brk(addr): move the end of the heap; returns the (new) end.
 *
 * brk(0) asks for the current end. Growing maps demand-zero pages up to
 * the new end; shrinking only moves the mark. On failure the old end is
 * returned, as Linux does.
 * @param a the six argument registers
 * @return the result, or -errno
 */
long
sys_brk(const long a[6])
{
    long addr = a[0];
    struct mm *mm = proc_current()->mm;
    vaddr_t want = addr;
    if (want < mm->brk_start || want >= USER_STACK_TOP - USER_STACK_SIZE)
        return mm->brk;
    vaddr_t mapped = ALIGN_UP(mm->brk, PAGE_SIZE);
    vaddr_t need = ALIGN_UP(want, PAGE_SIZE);
    if (need > mapped &&
        mm_map_anon(mm, mapped, need - mapped, VM_READ | VM_WRITE) < 0)
        return mm->brk;
    mm->brk = want;
    return mm->brk;
}
#endif /* chapter 4: kernel/syscalls/mmap.c */

#if CHAPTER < 4
/* chapter 4 replaces these two with kernel/syscalls/signal.c's */
/**
 * @brief rt_sigaction: signals come in chapter 4; accepted, no effect.
 * @param a the six argument registers (unused)
 * @return 0
 */
long
sys_rt_sigaction(const long a[6])
{
    long sig = a[0];
    long oact = a[2];
    long size = a[3];
    if (sig < 1 || sig > 64 || size != 8)
        return -EINVAL;
    if (oact != 0) {
        uint64_t zero[4] = {0, 0, 0, 0};
        return copy_to_user(UPTR(oact), zero, sizeof(zero));
    }
    return 0;
}

/**
 * @brief rt_sigprocmask: the mask is always empty until chapter 4.
 * @param a the six argument registers (unused)
 * @return 0
 */
long
sys_rt_sigprocmask(const long a[6])
{
    long oset = a[2];
    long size = a[3];
    if (size != 8)
        return -EINVAL;
    if (oset != 0) {
        uint64_t zero = 0;
        return copy_to_user(UPTR(oset), &zero, sizeof(zero));
    }
    return 0;
}
#endif
