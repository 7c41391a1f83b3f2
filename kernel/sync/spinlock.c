/**
 * @file
 * @ingroup sync
 * @brief Spinlocks that also keep interrupts off while held.
 *
 * Why both: a spinlock keeps other CPUs out; turning interrupts off keeps
 * an interrupt handler on this CPU from trying to take the same lock while
 * we hold it, which would spin forever. The atomic exchange
 * (__atomic_exchange_n, a locked xchg on x86) makes taking the lock one
 * indivisible step. Taking a lock already held by the current CPU is a
 * deadlock on one CPU, so it panics with the lock's name. Both ends tell
 * the lock checker (lockdep.c), which does nothing unless it is on.
 */
#include "kernel/panic.h"
#include "kernel/sync.h"

/**
 * @brief Initialise an unlocked spinlock.
 * @param l    the lock
 * @param name shown in error messages
 */
void
spin_init(struct spinlock *l, const char *name)
{
    l->locked = 0;
    l->kind = LOCK_SPIN;
    l->dep_class = 0;
    l->name = name;
}

/**
 * @brief Take @p l with interrupts off.
 * @param l the lock
 * @return the interrupt state to hand to spin_unlock_irqrestore()
 */
irqflags_t
spin_lock_irqsave(struct spinlock *l)
{
    irqflags_t flags = arch_irq_save();
    // neither 0 nor 1: not a lock at all, most likely one inside a block
    // that was freed (its bytes poisoned); its name is garbage too
    if (l->locked != 0 && l->locked != 1)
        panic("spinlock at %p holds 0x%x: not a lock (freed memory?)",
              (void *)l, (unsigned)l->locked);
    // one CPU: a held lock can only be ours, and waiting would never end
    if (l->locked)
        panic("spinlock %s taken twice (deadlock)", l->name);
    lockdep_acquire(l, &l->dep_class, l->kind, l->name, RET_IP);
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0)
        __asm__ __volatile__("pause");
    return flags;
}

/**
 * @brief Release @p l and restore the interrupt state.
 * @param l     the lock, held
 * @param flags what spin_lock_irqsave() returned
 */
void
spin_unlock_irqrestore(struct spinlock *l, irqflags_t flags)
{
    if (!l->locked)
        panic("spinlock %s released but not held", l->name);
    lockdep_release(l, RET_IP);
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    arch_irq_restore(flags);
}

/**
 * @brief Is @p l held (for assertions)?
 * @param l the lock
 * @return true when held
 */
bool
spin_is_locked(const struct spinlock *l)
{
    return l->locked != 0;
}
