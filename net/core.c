/**
 * @file
 * @ingroup net
 * @brief The network stack's heart: one lock, one thread, and what lwIP
 *        asks of the system it runs on.
 *
 * lwIP is built with NO_SYS = 1 (net/port/include/lwipopts.h says why):
 * it has no threads of its own and trusts its caller to let only one
 * thread in at a time. Keel keeps that promise with one sleeping lock,
 * net_lock: a socket call takes it, calls lwIP's raw API, and drops it.
 * What lwIP does not get from a caller is done by the network thread,
 * "netd", which sleeps until something needs it:
 *
 * - a card raised its interrupt: the handler calls netdev_kick(), netd
 *   wakes, takes net_lock and asks the card's driver for the frames;
 * - one of lwIP's timers is due (TCP's retransmission and delayed ACKs
 *   every 250 ms, ARP's ageing, DHCP's lease): netd sleeps no longer than
 *   lwIP's next timeout and runs sys_check_timeouts().
 *
 * Packets to our own addresses (127.0.0.1, or the card's own address)
 * never reach a card: lwIP queues them on the sending interface and
 * delivers them when netif_poll() is called. net_unlock() does that
 * before it lets the lock go, so a loopback packet is delivered by the
 * thread that sent it, at once, and the receiver is woken as by a card.
 *
 * The last piece of the system layer is net_sleep(): a socket call that
 * must wait (for data, for a connection, for room to send) sleeps on its
 * socket's wait queue with net_lock dropped, and lwIP's callbacks, which
 * always run with net_lock held, wake the queue with net_wake().
 */
#include "kernel/clock.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/sync.h"
#include "kernel/time.h"
#include "net/net.h"
#include "net/netdev.h"
#include "uapi/errno.h"

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"

/** The stack's lock: held by every thread inside lwIP. */
static struct mutex net_lock_m;
/** Held from before a sleeper drops net_lock until it is on its queue. */
static struct spinlock net_sleep_lock = SPINLOCK_INIT("net_sleep");

/** The network thread, and whether something woke it. */
static struct thread *netd;
static struct spinlock netd_lock = SPINLOCK_INIT("netd");
static bool netd_kicked;

/** Cards whose frames netd takes, registered by their drivers. */
#define NETDEV_MAX 4
static struct netdev *netdevs[NETDEV_MAX];
static int netdev_count;

/**
 * @brief Enter the stack: only one thread is inside lwIP at a time.
 *
 * Sleeps while another thread is inside. Never from an interrupt
 * handler (they call netdev_kick()).
 */
void
net_lock(void)
{
    mutex_lock(&net_lock_m);
}

/* Deliver what was sent to ourselves: a packet to one of our own
 * addresses waits on its interface's loop queue until netif_poll(), and
 * delivering it may answer with another (a SYN's SYN-ACK, data's ACK),
 * so the queues are polled until empty (or 64 rounds: a livelock of
 * answers would otherwise keep us here forever).
 * @return whether anything was delivered
 * @pre net_lock held */
// [net_unlock]
static bool
net_deliver_looped(void)
{
    bool delivered = false;
    for (int rounds = 0; rounds < 64; rounds++) {
        bool pending = false;
        struct netif *n;
        NETIF_FOREACH(n)
        {
            if (n->loop_first != NULL)
                pending = true;
        }
        if (!pending)
            break;
        netif_poll_all();
        delivered = true;
    }
    return delivered;
}

/**
 * @brief Leave the stack, after delivering what was sent to ourselves.
 */
void
net_unlock(void)
{
    net_deliver_looped();
    mutex_unlock(&net_lock_m);
}
// [net_unlock]

/**
 * @brief Sleep on @p wq until a wake-up, with net_lock dropped meanwhile.
 *
 * The caller checked its condition under net_lock and found it false.
 * net_sleep_lock is taken before net_lock is dropped and released only
 * once the thread is on @p wq, and net_wake() takes it too: a wake-up
 * can then not fall between the check and the sleep. Wake-ups may be
 * spurious; the caller checks again (and signal_pending()).
 * @param wq the socket's queue
 * @pre net_lock held; returns with it held again
 */
// [net_sleep]
void
net_sleep(struct wait_queue *wq)
{
    // What the caller sent itself (data, the ACK it is waiting for an
    // answer to) must arrive before it sleeps: nobody else may leave the
    // stack for a while. Delivering it may be the very event the caller
    // waits for, which would wake an empty queue: return, and let the
    // caller check again.
    if (net_deliver_looped())
        return;
    irqflags_t f = spin_lock_irqsave(&net_sleep_lock);
    mutex_unlock(&net_lock_m);
    wait_queue_sleep(wq, &net_sleep_lock, &f);
    spin_unlock_irqrestore(&net_sleep_lock, f);
    mutex_lock(&net_lock_m);
}
// [net_sleep]

/**
 * @brief Wake every thread (and poll watch) waiting on @p wq.
 * @param wq the socket's queue
 * Safe from anywhere, net_lock held or not.
 */
void
net_wake(struct wait_queue *wq)
{
    irqflags_t f = spin_lock_irqsave(&net_sleep_lock);
    spin_unlock_irqrestore(&net_sleep_lock, f);
    wait_queue_wake_all(wq);
}

/* ---- what lwIP asks of the system (NO_SYS = 1: very little) ---------- */

/** @brief lwIP's clock: milliseconds, only ever compared by difference.
 *  @return milliseconds since boot (wrapping) */
u32_t
sys_now(void)
{
    return (u32_t)(clock_monotonic_ns() / 1000000);
}

/** @brief Random numbers for ephemeral ports and DHCP's transaction ids.
 *  @return 32 random bits */
uint32_t
net_random32(void)
{
    uint32_t r;
    random_bytes(&r, sizeof r);
    return r;
}

/**
 * @brief lwIP's calloc (mem_calloc with MEM_LIBC_MALLOC).
 * @param count how many
 * @param size  bytes each
 * @return zeroed memory, or NULL when it runs out or count * size
 *         overflows
 */
void *
net_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return kzalloc(count * size);
}

/* ---- the network thread ---------------------------------------------- */

/**
 * @brief Wake the network thread to take a card's frames.
 * @param nd the card (all cards are polled: one flag is enough)
 * Called from the card's interrupt handler; takes only netd_lock.
 */
void
netdev_kick(struct netdev *nd)
{
    (void)nd;
    irqflags_t f = spin_lock_irqsave(&netd_lock);
    netd_kicked = true;
    if (netd != NULL)
        sched_wake(netd);
    spin_unlock_irqrestore(&netd_lock, f);
}

/* Sleep until kicked or until lwIP's next timer is due. */
static void
netd_wait(void)
{
    net_lock();
    u32_t ms = sys_timeouts_sleeptime();
    net_unlock();
    irqflags_t f = spin_lock_irqsave(&netd_lock);
    if (netd_kicked) {
        netd_kicked = false;
        spin_unlock_irqrestore(&netd_lock, f);
        return;
    }
    uint64_t wake_at = UINT64_MAX;
    if (ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE)
        wake_at = time_jiffies() + (ms * HZ + 999) / 1000;
    sched_sleep_until(wake_at, &netd_lock, f); // drops netd_lock
    f = spin_lock_irqsave(&netd_lock);
    netd_kicked = false;
    spin_unlock_irqrestore(&netd_lock, f);
}

// [netd_main]
/* The network thread: frames in, timers run, forever. */
static int
netd_main(void *arg)
{
    (void)arg;
    for (;;) {
        netd_wait();
        net_lock();
        for (int i = 0; i < netdev_count; i++) {
            struct netdev *nd = netdevs[i];
            // a busy card gets another round at once rather than
            // holding the lock for a whole burst
            if (nd->ops->poll(nd, 64) == 64)
                netdev_kick(nd);
        }
        sys_check_timeouts();
        net_unlock();
    }
    return 0;
}
// [netd_main]

/**
 * @brief Add a card: give it a name (eth0, eth1, ...) and an interface.
 * @param nd the card, filled in by its driver
 * @return 0, or -ENOSPC past NETDEV_MAX cards
 * Called by drivers at boot, after net_init (the driver initcall level).
 */
int
netdev_register(struct netdev *nd)
{
    if (netdev_count == NETDEV_MAX)
        return -ENOSPC;
    snprintf(nd->name, sizeof nd->name, "eth%d", netdev_count);
    net_lock();
    int err = netif_attach(nd);
    if (err == 0)
        netdevs[netdev_count++] = nd;
    net_unlock();
    return err;
}

/* Start lwIP (and with it the loopback interface) and the thread. */
static int
net_init(void)
{
    mutex_init(&net_lock_m, "net");
    net_lock();
    lwip_init();
    net_unlock();
    netd = thread_create(netd_main, NULL, "netd");
    if (netd == NULL)
        return -ENOMEM;
    return 0;
}
initcall(core, net_init);
