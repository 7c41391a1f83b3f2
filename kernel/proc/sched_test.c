/**
 * @file
 * @ingroup proc
 * @brief Self-tests of threads, the scheduler, wait queues and mutexes.
 *
 * Every wait here is bounded (thread_join() gives up after 5 s), so a broken
 * scheduler fails a test instead of hanging the boot.
 *
 * - `threads`: several threads run, each yields many times, and each
 *   result comes back through thread_join(); the run order is round-robin.
 * - `preempt`: two threads spin without ever yielding; both must make
 *   progress, which only the timer's preemption can give them.
 * - `sleep`: a thread sleeps 20 ticks and is woken by the tick, not before.
 * - `waitqueue`: a producer and a consumer hand 1000 tokens back and forth
 *   through one slot, each sleeping on a wait queue until its turn.
 * - `mutex`: four threads add to one counter under a mutex, yielding
 *   inside the critical section; no update may be lost.
 */
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/selftest.h"
#include "kernel/time.h"

#define JOIN_TICKS (5 * HZ)
#define NTHREADS 4

static int order_log[64];
static volatile int order_len;

static int
yielder(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int i = 0; i < 8; i++) {
        if (order_len < 64)
            order_log[order_len++] = id;
        sched_yield();
    }
    return id * 10;
}

/* Join the @p n threads @p ts, storing their exit codes in @p codes
 * (may be NULL); 0, or -1 when one did not finish in time. */
static int
join_all(struct thread **ts, int *codes, int n, const char *what)
{
    for (int i = 0; i < n; i++) {
        int code = thread_join(ts[i], JOIN_TICKS);
        if (code < 0)
            return selftest_fail("%s thread %d did not finish (%d)", what, i,
                                 code);
        if (codes != NULL)
            codes[i] = code;
    }
    return 0;
}

static int
selftest_threads(void)
{
    struct thread *ts[NTHREADS];
    order_len = 0;
    for (int i = 0; i < NTHREADS; i++) {
        ts[i] = thread_create(yielder, (void *)(uintptr_t)(i + 1), "yielder");
        if (ts[i] == NULL)
            return selftest_fail("thread_create failed");
    }
    int codes[NTHREADS];
    if (join_all(ts, codes, NTHREADS, "yielder"))
        return -1;
    for (int i = 0; i < NTHREADS; i++) {
        if (codes[i] != (i + 1) * 10)
            return selftest_fail("thread %d returned %d", i + 1, codes[i]);
    }
    // round-robin: while all four live, they take turns 1 2 3 4 1 2 ...
    for (int i = 0; i < 8; i++) {
        if (order_log[i] != i % NTHREADS + 1)
            return selftest_fail("run order %d %d %d %d ... is not "
                                 "round-robin",
                                 order_log[0], order_log[1], order_log[2],
                                 order_log[3]);
    }
    pr_info("threads: %d threads, 8 yields each, round-robin order\n",
            NTHREADS);
    return 0;
}
SELFTEST("threads", selftest_threads, 0);

static volatile uint64_t spin_count[2];
static volatile bool spin_stop;

static int
spinner(void *arg)
{
    int id = (int)(uintptr_t)arg;
    while (!spin_stop)
        spin_count[id]++;
    return 0;
}

static int
selftest_preempt(void)
{
    spin_stop = false;
    spin_count[0] = spin_count[1] = 0;
    struct thread *a = thread_create(spinner, (void *)0, "spin0");
    struct thread *b = thread_create(spinner, (void *)1, "spin1");
    if (a == NULL || b == NULL)
        return selftest_fail("thread_create failed");
    // kmain sleeps; only preemption lets both spinners share the CPU
    uint64_t until = time_jiffies() + HZ / 2;
    while (time_jiffies() < until)
        sched_sleep_ticks(1);
    spin_stop = true;
    int ra = thread_join(a, JOIN_TICKS), rb = thread_join(b, JOIN_TICKS);
    if (ra < 0 || rb < 0)
        return selftest_fail("a spinner did not stop");
    if (spin_count[0] == 0 || spin_count[1] == 0)
        return selftest_fail("spinner counts %lu and %lu: no preemption",
                             spin_count[0], spin_count[1]);
    pr_info("preempt: spinners counted %lu and %lu\n", spin_count[0],
            spin_count[1]);
    return 0;
}
SELFTEST("preempt", selftest_preempt, 0);

static volatile uint64_t woke_at;

static int
sleeper(void *arg)
{
    (void)arg;
    sched_sleep_ticks(20);
    woke_at = time_jiffies();
    return 0;
}

static int
selftest_sleep(void)
{
    woke_at = 0;
    uint64_t start = time_jiffies();
    struct thread *t = thread_create(sleeper, NULL, "sleeper");
    if (t == NULL)
        return selftest_fail("thread_create failed");
    if (thread_join(t, JOIN_TICKS) < 0)
        return selftest_fail("the sleeper never woke up");
    if (woke_at < start + 20)
        return selftest_fail("woke after %lu ticks, asked for 20",
                             woke_at - start);
    return 0;
}
SELFTEST("sleep", selftest_sleep, 0);

/* One slot between a producer and a consumer. */
static struct {
    struct spinlock lock;
    struct wait_queue can_put, can_take;
    bool full;
    int value;
} slot = {.lock = SPINLOCK_INIT("slot")};

#define TOKENS 1000

static int
producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= TOKENS; i++) {
        irqflags_t f = spin_lock_irqsave(&slot.lock);
        while (slot.full)
            wait_queue_sleep(&slot.can_put, &slot.lock, &f);
        slot.value = i;
        slot.full = true;
        spin_unlock_irqrestore(&slot.lock, f);
        wait_queue_wake_one(&slot.can_take);
    }
    return 0;
}

static int
consumer(void *arg)
{
    (void)arg;
    int sum_ok = 1;
    for (int i = 1; i <= TOKENS; i++) {
        irqflags_t f = spin_lock_irqsave(&slot.lock);
        while (!slot.full)
            wait_queue_sleep(&slot.can_take, &slot.lock, &f);
        if (slot.value != i)
            sum_ok = 0;
        slot.full = false;
        spin_unlock_irqrestore(&slot.lock, f);
        wait_queue_wake_one(&slot.can_put);
    }
    return sum_ok;
}

static int
selftest_waitqueue(void)
{
    wait_queue_init(&slot.can_put, "can_put");
    wait_queue_init(&slot.can_take, "can_take");
    slot.full = false;
    struct thread *c = thread_create(consumer, NULL, "consumer");
    struct thread *p = thread_create(producer, NULL, "producer");
    if (c == NULL || p == NULL)
        return selftest_fail("thread_create failed");
    int rp = thread_join(p, JOIN_TICKS), rc = thread_join(c, JOIN_TICKS);
    if (rp < 0 || rc < 0)
        return selftest_fail("producer/consumer stuck (a lost wake-up?)");
    if (rc != 1)
        return selftest_fail("the consumer saw tokens out of order");
    return 0;
}
SELFTEST("waitqueue", selftest_waitqueue, 0);

static struct mutex counter_lock;
static volatile int counter;

#define ADDS 200

static int
adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ADDS; i++) {
        mutex_lock(&counter_lock);
        int v = counter;
        sched_yield(); // invite a race: others run inside our section
        counter = v + 1;
        mutex_unlock(&counter_lock);
    }
    return 0;
}

static int
selftest_mutex(void)
{
    struct thread *ts[NTHREADS];
    mutex_init(&counter_lock, "counter");
    counter = 0;
    for (int i = 0; i < NTHREADS; i++) {
        ts[i] = thread_create(adder, NULL, "adder");
        if (ts[i] == NULL)
            return selftest_fail("thread_create failed");
    }
    if (join_all(ts, NULL, NTHREADS, "adder"))
        return -1;
    if (counter != NTHREADS * ADDS)
        return selftest_fail("counter is %d, expected %d: updates lost",
                             counter, NTHREADS * ADDS);
    return 0;
}
SELFTEST("mutex", selftest_mutex, 0);
