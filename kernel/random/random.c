/**
 * @file
 * @ingroup drivers
 * @brief A pseudo-random generator for getrandom(2). Not cryptographic.
 *
 * The generator is xoshiro256** (Blackman and Vigna): 256 bits of state,
 * fast, statistically good, and simple enough to read in a minute. It is
 * seeded from what the machine offers: the CPU's RDRAND instruction when
 * it has one, the time-stamp counter and the RTC's wall clock. Every
 * request also mixes a fresh RDRAND value (or the TSC) into the state, so
 * two boots, or two calls, do not repeat each other.
 *
 * It is NOT a cryptographic generator: anyone who sees enough output can
 * compute the state and predict the rest. That is enough for what C
 * libraries use getrandom for at start-up (hash seeds, stack canaries in
 * a teaching system) but not for keys. A real kernel uses ChaCha20 over
 * an entropy pool (Linux's drivers/char/random.c).
 *
 * Locking: random_lock guards the state.
 */
#include "kernel/random.h"
#include "kernel/arch.h"
#include "kernel/string.h"
#include "kernel/sync.h"
#include "kernel/time.h"

static struct spinlock random_lock = SPINLOCK_INIT("random");
static uint64_t state[4];
static bool seeded;

/* SplitMix64: spreads one seed word over the state. */
static uint64_t
splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15UL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
    return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* One xoshiro256** step. */
static uint64_t
next(void)
{
    uint64_t result = rotl(state[1] * 5, 7) * 9;
    uint64_t t = state[1] << 17;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 45);
    return result;
}

/* Fold fresh machine noise into the state (RDRAND, else the TSC). */
static void
stir(void)
{
    uint64_t noise;
    if (!arch_rdrand(&noise))
        noise = arch_cycles();
    uint64_t x = noise ^ state[0];
    for (int i = 0; i < 4; i++)
        state[i] ^= splitmix(&x);
    if ((state[0] | state[1] | state[2] | state[3]) == 0)
        state[0] = 1; // the one state xoshiro cannot leave
}

/* The first seed: RDRAND, the TSC and the wall clock. */
static void
seed(void)
{
    uint64_t x = arch_cycles() ^ (time_wallclock() << 20);
    for (int i = 0; i < 4; i++)
        state[i] = splitmix(&x);
    seeded = true;
}

/**
 * @brief Fill @p buf with @p n pseudo-random bytes.
 * @param buf the kernel buffer
 * @param n   its size
 * @pre any context but an interrupt handler
 */
void
random_bytes(void *buf, size_t n)
{
    uint8_t *out = buf;
    irqflags_t flags = spin_lock_irqsave(&random_lock);
    if (!seeded)
        seed();
    stir();
    while (n > 0) {
        uint64_t w = next();
        size_t k = n < 8 ? n : 8;
        memcpy(out, &w, k);
        out += k;
        n -= k;
    }
    spin_unlock_irqrestore(&random_lock, flags);
}
