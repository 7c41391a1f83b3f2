/**
 * @file
 * @ingroup syscalls
 * @brief What a C library's start-up asks for besides its thread's
 *        settings: ioctl, brk and the signal calls.
 *
 * A static musl program calls ioctl(TIOCGWINSZ) to see whether stdout is
 * a terminal, grows its heap with brk, and may block signals around fork.
 * This chapter has no open files and no signals yet: ioctl answers for
 * the console, brk moves the end of the heap, and the signal calls
 * succeed and change nothing.
 */
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413

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
