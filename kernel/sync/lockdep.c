/**
 * @file
 * @ingroup sync
 * @brief The lock checker: the order locks nest in, and where sleeping
 *        is wrong, learned as the kernel runs and checked at every lock.
 *
 * A deadlock needs bad luck: thread 1 holds A and waits for B while
 * thread 2 holds B and waits for A. A test that never hits that timing
 * passes, and the bug waits for a student's laptop. Linux's answer,
 * lockdep, does not wait for the timing. It remembers, for every pair of
 * locks ever held one inside the other, that order; the first time a
 * thread takes them the other way round it reports the two orders,
 * whether or not the other thread is anywhere near. Keel's checker is a
 * small form of the same idea.
 *
 * **Classes.** Thousands of pipes each have a lock, and what matters is
 * the order of "a pipe's lock" against "a tty's lock", not of one pipe
 * against one tty. So locks are grouped into classes: one class per kind
 * (enum lock_kind) and name. Every lock remembers its class number
 * (dep_class), looked up by name the first time it is taken.
 *
 * **The graph.** A class is a node; an edge A -> B means "B was taken
 * while A was held", with the code that did it. Before adding a new edge
 * H -> C, the checker searches for a path C -> ... -> H among the edges
 * already known: if there is one, the two orders together can deadlock,
 * and it says so:
 *
 * @verbatim
 *   thread 1: lock(H) ... lock(C)        the order taken now
 *   thread 2: lock(C) ... lock(H)        an order learned before
 * @endverbatim
 *
 * On one CPU with interrupts off under every spinlock, two spinlocks in
 * the wrong order cannot deadlock yet; with mutexes they can, and with
 * more than one CPU (chapter 8) spinlocks can too. The checker reports
 * both. Two locks of the same class held together (two pipes' locks) are
 * not checked against each other: Linux asks such code to say which is
 * the outer one, and Keel has no such annotation yet.
 *
 * **Where sleeping is wrong.** A thread that sleeps while it holds a
 * spinlock leaves interrupts off and the lock taken for whoever runs
 * next; an interrupt handler that sleeps puts the thread it interrupted
 * to sleep. mutex_lock() may sleep, so it asks lockdep_might_sleep()
 * first, and schedule() asks lockdep_schedule(); both report the held
 * locks, as Linux's "sleeping function called from invalid context" and
 * "scheduling while atomic" do, whether or not this call would have
 * slept.
 *
 * **Back to user mode** with a lock held is a lock never let go:
 * lockdep_user_return() checks every system call's and fault's way back.
 *
 * **Held locks.** Each thread keeps the locks it holds in order
 * (struct thread's held[]). A mutex stays there while its holder sleeps.
 * An interrupt handler's locks go on the interrupted thread's list,
 * marked `irq`: they are checked against each other, not against what
 * the thread holds, because the handler does not run "inside" the
 * thread's locks (under a spinlock no interrupt comes at all).
 *
 * **When it runs.** It costs a few comparisons per lock, a search per
 * new edge, and the memory below. It is on in SANITIZE=1 builds and off
 * otherwise; the kernel word `lockdep=on|warn|off` overrides that. A
 * report stops the machine unless `lockdep=warn`, when the kernel goes
 * on: each new order reports once, each place that sleeps wrongly once.
 *
 * Locking: every entry point turns interrupts off on the one CPU while it
 * works, so the tables need no lock of their own (they would need one, taken
 * without this checker, with more CPUs). Reports never recurse: a lock
 * taken while a report prints is recorded but not checked.
 */
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/irq.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/sync.h"

/** Is the checker on (lockdep_init(), or a self-test)? */
bool lockdep_on;
/** When true, reports never stop the machine (the self-test sets it). */
bool lockdep_no_panic;
/** Every report since boot, printed or not (the self-test reads it). */
unsigned long lockdep_reports;
/** The kind of the last report: "circular", "sleep-in-atomic", ... */
const char *lockdep_last_kind;

static bool warn_only;     /* lockdep=warn: report and go on */
static unsigned max_depth; /* the most locks one thread held at once */
static bool reporting;     /* a report is being printed */

/* ---------------------------------------------------------- the tables */

#define MAX_CLASSES 256 /* enough for every lock name the kernel has */
#define MAX_EDGES 2048  /* pairs of classes ever nested */
#define MAX_REPORTED 64 /* places a sleeping report was made from */

/* A class: every lock of one kind and name. */
struct lock_class {
    const char *name;
    uint8_t kind;
    uint16_t first_edge; /* the edges out of it, a list in edges[]; 0: none */
};

/* "to was taken while from was held", first by the code at ip_to while
 * the code at ip_from held the other. */
struct lock_edge {
    uint16_t to;
    uint16_t next; /* the next edge out of the same class; 0: none */
    uintptr_t ip_from;
    uintptr_t ip_to;
};

static struct lock_class classes[MAX_CLASSES]; /* [0] unused: "none yet" */
static unsigned nclasses = 1;
static struct lock_edge edges[MAX_EDGES]; /* [0] unused: the list's end */
static unsigned nedges = 1;
/* edge_bits[a] bit b: is there an edge a -> b (a quick test, no walk)? */
static uint64_t edge_bits[MAX_CLASSES][MAX_CLASSES / 64];
/* places that made a sleeping report, which warn mode does not repeat */
static uintptr_t reported_ips[MAX_REPORTED];
static unsigned nreported;

static const char *const kind_names[] = {
    [LOCK_SPIN] = "spinlock",
    [LOCK_WAITQ] = "wait queue",
    [LOCK_MUTEX_INNER] = "mutex's spinlock",
    [LOCK_MUTEX] = "mutex",
};

static void lockdep_off(const char *why);

/*
 * The class of locks of @p kind named @p name, made on first sight.
 * @return its number, or 0 when the table is full (the checker is then
 *         turned off, with a message)
 */
static uint16_t
class_of(enum lock_kind kind, const char *name)
{
    if (name == NULL)
        name = "(unnamed)";
    for (unsigned i = 1; i < nclasses; i++)
        if (classes[i].kind == kind && strcmp(classes[i].name, name) == 0)
            return (uint16_t)i;
    if (nclasses == MAX_CLASSES) {
        lockdep_off("more lock classes than MAX_CLASSES");
        return 0;
    }
    classes[nclasses].name = name;
    classes[nclasses].kind = (uint8_t)kind;
    classes[nclasses].first_edge = 0;
    return (uint16_t)nclasses++;
}

static bool
has_edge(uint16_t from, uint16_t to)
{
    return edge_bits[from][to / 64] & (1UL << (to % 64));
}

/* Remember from -> to; false when the table is full (checker turned off). */
static bool
add_edge(uint16_t from, uint16_t to, uintptr_t ip_from, uintptr_t ip_to)
{
    if (nedges == MAX_EDGES) {
        lockdep_off("more lock orders than MAX_EDGES");
        return false;
    }
    struct lock_edge *e = &edges[nedges];
    e->to = to;
    e->ip_from = ip_from;
    e->ip_to = ip_to;
    e->next = classes[from].first_edge;
    classes[from].first_edge = (uint16_t)nedges++;
    edge_bits[from][to / 64] |= 1UL << (to % 64);
    return true;
}

/* The search's state: static, so it costs no stack (interrupts are off). */
static uint16_t came_by[MAX_CLASSES]; /* the edge a class was reached by */
static uint16_t came_from[MAX_CLASSES];
static uint16_t todo[MAX_CLASSES];
static uint64_t seen[MAX_CLASSES / 64];

/*
 * Is there a path of known edges from @p start to @p goal? Depth-first,
 * each class visited once; came_by/came_from then hold the path, read
 * backwards from @p goal.
 */
// [path]
static bool
path_exists(uint16_t start, uint16_t goal)
{
    memset(seen, 0, sizeof(seen));
    unsigned n = 0;
    todo[n++] = start;
    seen[start / 64] |= 1UL << (start % 64);
    while (n > 0) {
        uint16_t c = todo[--n];
        if (c == goal)
            return true;
        for (uint16_t e = classes[c].first_edge; e != 0; e = edges[e].next) {
            uint16_t to = edges[e].to;
            if (seen[to / 64] & (1UL << (to % 64)))
                continue;
            seen[to / 64] |= 1UL << (to % 64);
            came_by[to] = e;
            came_from[to] = c;
            todo[n++] = to;
        }
    }
    return false;
}
// [path]

/* ------------------------------------------------------------- reports */

static void
say_class(const char *prefix, uint16_t c)
{
    pr_err("%s(%s){%s}", prefix, classes[c].name, kind_names[classes[c].kind]);
}

static void
say_at(uintptr_t ip)
{
    char where[96];
    ksym_format(where, sizeof(where), ip);
    pr_err(", at: %s\n", where);
}

static void
say_held(struct thread *t)
{
    pr_err("\n%u lock%s held by %s/%d:\n", t->held_depth,
           t->held_depth == 1 ? "" : "s", t->name, t->tid);
    for (unsigned i = 0; i < t->held_depth; i++) {
        char num[16];
        snprintf(num, sizeof(num), " #%u: ", i);
        say_class(num, t->held[i].cls);
        say_at(t->held[i].ip);
    }
}

/* Count a report of @p kind; false when it is not to be printed. */
static bool
report_begin(const char *kind)
{
    lockdep_reports++;
    lockdep_last_kind = kind;
    if (reporting)
        return false;
    reporting = true;
    return true;
}

/* Close a report: a backtrace, then stop unless lockdep=warn. */
static void
report_end(const char *what)
{
    arch_dump_stack();
    pr_err("====================================================\n");
    if (!lockdep_no_panic && !warn_only)
        panic("lockdep: %s (boot with lockdep=warn to go on after a "
              "report)",
              what);
    reporting = false;
}

/*
 * Thread @p t holds @p h (its held[] entry) and takes a lock of class
 * @p c at @p ip, but a path c -> ... -> h is known: print both orders,
 * as Linux's "possible circular locking dependency" does.
 */
static void
report_circular(struct thread *t, const struct held_lock *h, uint16_t c,
                uintptr_t ip)
{
    if (!report_begin("circular"))
        return;
    pr_err("\n====================================================\n");
    pr_err("WARNING: possible circular locking dependency detected\n");
    pr_err("----------------------------------------------------\n");
    pr_err("%s/%d is trying to acquire lock:\n", t->name, t->tid);
    say_class(" ", c);
    say_at(ip);
    pr_err("\nbut task is already holding lock:\n");
    say_class(" ", h->cls);
    say_at(h->ip);
    pr_err("\nwhich lock already depends on the new lock.\n\n");
    pr_err("the existing dependency chain (in reverse order) is:\n");
    // the path c -> ... -> h, from its end: each step says where the
    // inner lock was first taken with the outer one held
    unsigned step = 0;
    for (uint16_t x = h->cls; x != c; x = came_from[x]) {
        char num[24];
        snprintf(num, sizeof(num), "-> #%u ", step++);
        say_class(num, x);
        pr_err(":\n");
        char inner[96], outer[96];
        ksym_format(inner, sizeof(inner), edges[came_by[x]].ip_to);
        ksym_format(outer, sizeof(outer), edges[came_by[x]].ip_from);
        pr_err("       taken at %s while (%s) was held from %s\n", inner,
               classes[came_from[x]].name, outer);
    }
    char num[24];
    snprintf(num, sizeof(num), "-> #%u ", step);
    say_class(num, c);
    pr_err("\n\n Possible unsafe locking scenario:\n\n");
    pr_err("       CPU0                    CPU1\n");
    pr_err("       ----                    ----\n");
    pr_err("  lock(%s);\n", classes[h->cls].name);
    pr_err("                               lock(%s);\n", classes[c].name);
    pr_err("                               lock(%s);\n", classes[h->cls].name);
    pr_err("  lock(%s);\n", classes[c].name);
    pr_err("\n *** DEADLOCK ***\n");
    say_held(t);
    report_end("possible circular locking dependency");
}

/* Has the code at @p ip made a sleeping report (warn mode: once each)?
 * If not, it is remembered as having made one now (while there is room:
 * past MAX_REPORTED places, new ones report each time). */
static bool
reported_before(uintptr_t ip)
{
    for (unsigned i = 0; i < nreported; i++)
        if (reported_ips[i] == ip)
            return true;
    if (!reporting && nreported < MAX_REPORTED)
        reported_ips[nreported++] = ip;
    return false;
}

/* How many spinlocks (not mutexes) @p t holds. */
static unsigned
spinlocks_held(const struct thread *t)
{
    unsigned n = 0;
    for (unsigned i = 0; i < t->held_depth; i++)
        n += !t->held[i].sleeping;
    return n;
}

/* The checker cannot go on (a table is full): a report of its own, so a
 * run that lost its checker does not pass for a clean one. */
static void
lockdep_off(const char *why)
{
    lockdep_on = false;
    lockdep_reports++;
    lockdep_last_kind = "off";
    pr_err("lockdep: %s: the lock checker is off from here\n", why);
}

/* ---------------------------------------------------------- the checks */

/**
 * @brief Turn the checker on or off by the build and the kernel word
 *        `lockdep=on|warn|off`.
 *
 * On by default in SANITIZE=1 builds. Called by sched_init(), when the
 * first thread exists; locks taken before that are not checked.
 */
void
lockdep_init(void)
{
    const char *mode = cmdline_get("lockdep");
    lockdep_on = KEEL_SANITIZE;
    if (mode != NULL) {
        warn_only = strcmp(mode, "warn") == 0;
        lockdep_on = strcmp(mode, "off") != 0 && strcmp(mode, "0") != 0;
    } else if (cmdline_has("lockdep")) {
        lockdep_on = true;
    }
    if (lockdep_on)
        pr_info("lockdep: checking lock order and sleeping contexts%s\n",
                warn_only ? " (reports do not stop the machine)" : "");
}

/**
 * @brief Record that the current thread takes @p lock at @p ip; check its
 *        order against every lock it already holds.
 *
 * Called before the lock is taken, so an order that would deadlock is
 * reported rather than hung in. Does nothing when the checker is off.
 * @param lock the spinlock or mutex
 * @param cls  the lock's class number, filled in on first use
 * @param kind what the lock is
 * @param name the lock's name (its class's name)
 * @param ip   the code taking it
 */
// [acquire]
void
lockdep_acquire(const void *lock, uint16_t *cls, enum lock_kind kind,
                const char *name, uintptr_t ip)
{
    struct thread *t = thread_current();
    if (!lockdep_on || t == NULL)
        return;
    irqflags_t flags = arch_irq_save();
    if (*cls == 0)
        *cls = class_of(kind, name);
    uint16_t c = *cls;
    bool irq = in_irq();
    // each lock held in this context (thread or interrupt handler) now
    // comes before c; a new order is first checked against the old ones
    for (unsigned i = 0; lockdep_on && c != 0 && i < t->held_depth; i++) {
        const struct held_lock *h = &t->held[i];
        if (h->irq != irq || h->cls == c || has_edge(h->cls, c))
            continue;
        if (reporting) // a lock the report's printing takes: not learned
            continue;
        if (path_exists(c, h->cls))
            report_circular(t, h, c, ip);
        add_edge(h->cls, c, h->ip, ip);
    }
    if (t->held_depth == LOCKDEP_DEPTH) {
        if (lockdep_on)
            lockdep_off("a thread holds more than LOCKDEP_DEPTH locks");
    } else if (lockdep_on && c != 0) {
        t->held[t->held_depth++] = (struct held_lock){
            .lock = lock,
            .ip = ip,
            .cls = c,
            .irq = irq,
            .sleeping = kind == LOCK_MUTEX,
        };
        if (t->held_depth > max_depth)
            max_depth = t->held_depth;
    }
    arch_irq_restore(flags);
}
// [acquire]

/**
 * @brief Record that the current thread lets @p lock go.
 *
 * Locks need not go in the order they came. A lock that is not on the
 * list (taken before the checker was on) is ignored: the spinlock and
 * mutex code already stop the machine on a release of a lock not held.
 * @param lock the spinlock or mutex
 * @param ip   the code releasing it (unused for now: kept for reports)
 */
void
lockdep_release(const void *lock, uintptr_t ip)
{
    (void)ip;
    struct thread *t = thread_current();
    if (t == NULL || t->held_depth == 0)
        return;
    irqflags_t flags = arch_irq_save();
    for (unsigned i = t->held_depth; i-- > 0;) {
        if (t->held[i].lock != lock)
            continue;
        memmove(&t->held[i], &t->held[i + 1],
                (t->held_depth - i - 1) * sizeof(t->held[0]));
        t->held_depth--;
        break;
    }
    arch_irq_restore(flags);
}

/**
 * @brief The current thread starts out holding @p l, taken by the thread
 *        that switched to it.
 *
 * A new thread's first code releases sched_lock, which schedule() in
 * another thread took (thread_start()); every other release is of a lock
 * the releasing thread took itself. Without this, the release would find
 * nothing to take off the list and be ignored: the hand-over says what
 * happens, so the list stays a true account.
 * @param l the lock, held
 */
void
lockdep_handover(const struct spinlock *l)
{
    struct thread *t = thread_current();
    if (!lockdep_on || t == NULL || t->held_depth == LOCKDEP_DEPTH ||
        l->dep_class == 0)
        return;
    t->held[t->held_depth++] = (struct held_lock){
        .lock = l,
        .ip = RET_IP,
        .cls = l->dep_class,
    };
}

/**
 * @brief Code at @p ip may sleep (mutex_lock()): report when the current
 *        thread holds a spinlock or is an interrupt handler.
 *
 * The check is made whether or not this call would sleep: an
 * uncontended mutex taken under a spinlock works until the day it is
 * contended.
 * @param ip the code that may sleep
 */
// [might_sleep]
void
lockdep_might_sleep(uintptr_t ip)
{
    struct thread *t = thread_current();
    if (!lockdep_on || t == NULL)
        return;
    irqflags_t flags = arch_irq_save();
    unsigned spins = spinlocks_held(t);
    bool irq = in_irq();
    if ((spins > 0 || irq) && !reported_before(ip) &&
        report_begin(irq ? "sleep-in-irq" : "sleep-in-atomic")) {
        char where[96];
        ksym_format(where, sizeof(where), ip);
        pr_err("\n====================================================\n");
        pr_err("BUG: sleeping function called from invalid context at "
               "%s\n",
               where);
        pr_err("in_atomic(): %d, in_irq(): %d, spinlocks held: %u, pid: "
               "%d, name: %s\n",
               spins > 0 || irq, irq, spins, t->tid, t->name);
        say_held(t);
        report_end(irq ? "sleeping function called in an interrupt "
                         "handler"
                       : "sleeping function called with a spinlock held");
    }
    arch_irq_restore(flags);
}
// [might_sleep]

/**
 * @brief schedule() is about to give the CPU away, called from @p ip:
 *        report when the current thread holds a spinlock or is an
 *        interrupt handler.
 *
 * An interrupt handler does not get here: preemption happens after
 * irq_handle() returns (trap exit), where nothing is held.
 * @param ip schedule()'s caller
 */
void
lockdep_schedule(uintptr_t ip)
{
    struct thread *t = thread_current();
    if (!lockdep_on || t == NULL)
        return;
    irqflags_t flags = arch_irq_save();
    unsigned spins = spinlocks_held(t);
    if ((spins > 0 || in_irq()) && !reported_before(ip) &&
        report_begin("schedule-in-atomic")) {
        char where[96];
        ksym_format(where, sizeof(where), ip);
        pr_err("\n====================================================\n");
        pr_err("BUG: scheduling while atomic: %s/%d/%u, from %s\n", t->name,
               t->tid, spins, where);
        say_held(t);
        report_end("scheduling while atomic");
    }
    arch_irq_restore(flags);
}

/**
 * @brief The current thread goes back to user mode after @p what (a
 *        system call's name, or "a trap"): report any lock it still holds.
 *
 * A lock kept across the return is never let go (Linux's "lock held
 * when returning to user space!"): the next thread to want it waits
 * forever.
 * @param what the way back, for the report
 */
void
lockdep_user_return(const char *what)
{
    struct thread *t = thread_current();
    if (!lockdep_on || t == NULL || t->held_depth == 0)
        return;
    irqflags_t flags = arch_irq_save();
    if (!reported_before((uintptr_t)what) &&
        report_begin("held-at-user-return")) {
        pr_err("\n====================================================\n");
        pr_err("WARNING: lock held when returning to user space!\n");
        pr_err("%s/%d is leaving the kernel after %s with locks still "
               "held!\n",
               t->name, t->tid, what);
        say_held(t);
        report_end("lock held when returning to user space");
    }
    arch_irq_restore(flags);
}

/**
 * @brief Say what the checker learned (when init ends, as the machine
 *        powers off): the classes, the orders between them, the deepest
 *        nesting, the reports. Nothing when the checker is off.
 */
void
lockdep_print_stats(void)
{
    if (nclasses == 1) // never on (or no lock taken)
        return;
    pr_notice("lockdep: %s%u lock classes, %u orders between them, at most "
              "%u locks held at once, %lu reports\n",
              lockdep_on ? "" : "(off) ", nclasses - 1, nedges - 1, max_depth,
              lockdep_reports);
}
