/**
 * @file
 * @ingroup proc
 * @brief clone and vfork on top of fork: tid pointers, the vfork wait.
 *
 * C libraries fork with clone(2): glibc passes CLONE_CHILD_SETTID and
 * CLONE_CHILD_CLEARTID so that the child's thread block learns its tid
 * and the word is cleared when it exits; posix_spawn and vfork pass
 * CLONE_VFORK so that the parent sleeps until the child has called execve
 * or exited. Keel implements these on top of proc_fork(): sys_clone leaves
 * its request in the parent's struct proc, and proc_fork runs this
 * file's process hooks (kernel/proc/proc_hooks.c): clone_fork() while the
 * child is still being built, before its thread can run (ids, limits,
 * tid pointers, a new stack), clone_exec() and clone_exit() when the
 * child lets a vfork parent go on.
 *
 * The child gets a copy-on-write copy of the memory in every case, even
 * with CLONE_VM|CLONE_VFORK, posix_spawn's way to start a child cheaply:
 * the parent sleeps until the child has exec'd or exited, so a copy
 * behaves like sharing as long as the child reports back through a pipe
 * (musl) rather than through memory (glibc's posix_spawn then cannot
 * report a failed exec; the child still exits with 127). Threads
 * (CLONE_VM without CLONE_VFORK, CLONE_THREAD) come in a later chapter.
 *
 * Locking: vfork_lock protects vfork_busy and vfork_parent.
 */
#include "kernel/arch.h"
#include "kernel/cred.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

static struct spinlock vfork_lock = SPINLOCK_INIT("vfork");

/**
 * @brief Finish a child's fork: ids, limits, and clone's requests.
 *
 * A process hook, run by proc_fork() after the child's memory is copied
 * and before its thread exists, so the child cannot run yet.
 * @param child  the new process (memory copied, no thread)
 * @param parent the current process
 * @param frame  the child's copy of the parent's user frame
 * @return 0
 * @pre called from proc_fork in the parent's system call
 */
static int
clone_fork(struct proc *child, struct proc *parent, void *frame)
{
    child->cred = parent->cred;
    memcpy(child->rlim, parent->rlim, sizeof(child->rlim));
    child->nice = parent->nice;
    const struct clone_req *req = parent->clone_req;
    if (req == NULL)
        return 0;
    if (req->stack != 0) // start the child on clone's new stack
        arch_frame_set_stack(frame, req->stack);
    int tid = child->pid;
    // the tid lands in the child's copy of the memory
    if (req->flags & CLONE_CHILD_SETTID)
        mm_copy_to(child->mm, req->child_tid, &tid, sizeof(tid));
    if (req->flags & CLONE_CHILD_CLEARTID)
        child->clear_child_tid = req->child_tid;
    // as on Linux, only the parent's memory: the child's copy is older
    if (req->flags & CLONE_PARENT_SETTID)
        copy_to_user(UPTR(req->parent_tid), &tid, sizeof(tid));
    if (req->flags & CLONE_VFORK) {
        child->vfork_parent = parent;
        parent->vfork_busy = true;
    }
    return 0;
}

/* Wake the vfork parent of @p p, if one waits. */
static void
vfork_release(struct proc *p)
{
    irqflags_t flags = spin_lock_irqsave(&vfork_lock);
    struct proc *parent = p->vfork_parent;
    if (parent != NULL) {
        p->vfork_parent = NULL;
        parent->vfork_busy = false;
        wait_queue_wake_all(&parent->vfork_done);
    }
    spin_unlock_irqrestore(&vfork_lock, flags);
}

/**
 * @brief A process got a new program: its vfork parent may go on, and the
 *        old memory's clear_child_tid no longer means anything.
 * @param p    the current process, its new image already in place
 * @param path the program (unused)
 * @param sp   its stack pointer (unused)
 */
static void
clone_exec(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    p->clear_child_tid = 0;
    vfork_release(p);
}

/**
 * @brief A process is exiting: clear its tid word, wake a vfork parent.
 *
 * The zero at clear_child_tid tells a thread library that the thread is
 * gone (with threads, a futex wake on that word follows).
 * @param p the current process, its memory still mapped
 */
static void
clone_exit(struct proc *p)
{
    if (p->clear_child_tid != 0) {
        int zero = 0;
        copy_to_user(UPTR(p->clear_child_tid), &zero, sizeof(zero));
        p->clear_child_tid = 0;
    }
    vfork_release(p);
}

/* A new process: the queue a vfork parent sleeps on until we exec or exit. */
static void
clone_alloc(struct proc *p, struct proc *parent)
{
    (void)parent;
    wait_queue_init(&p->vfork_done, "vfork");
}

proc_hooks(20, clone, .alloc = clone_alloc, .fork = clone_fork,
           .exec = clone_exec, .exit = clone_exit);

/**
 * @brief clone(): fork with the requests of @p req.
 * @param req flags (already checked by the system call) and tid pointers
 * @return the child's pid (0 in the child); the errors of proc_fork()
 * @pre the flags hold no CLONE_VM or CLONE_THREAD
 */
int
proc_clone(const struct clone_req *req)
{
    struct proc *self = proc_current();
    self->clone_req = req;
    int pid = proc_fork();
    self->clone_req = NULL;
    irqflags_t flags = spin_lock_irqsave(&vfork_lock);
    if (pid < 0)
        self->vfork_busy = false;
    // vfork: sleep until the child has exec'd or exited
    while (self->vfork_busy)
        wait_queue_sleep(&self->vfork_done, &vfork_lock, &flags);
    spin_unlock_irqrestore(&vfork_lock, flags);
    return pid;
}
