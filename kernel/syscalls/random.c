/**
 * @file
 * @ingroup syscalls
 * @brief getrandom: bytes from the kernel's generator.
 *
 * C libraries seed their hash tables and stack protectors with it; the
 * bytes come from kernel/random/random.c (not cryptographic, seeded from
 * the clock and RDRAND). It never blocks, and stops early at a signal
 * once it has copied something, as Linux does for large requests.
 */
#include "kernel/random.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004

/**
 * @brief getrandom(buf, count, flags): pseudo-random bytes (see
 *        kernel/random/random.c: not cryptographic). Never blocks.
 * @param a the six argument registers
 * @return count; -EINVAL for unknown flags or GRND_RANDOM with
 *         GRND_INSECURE; -EFAULT
 */
long
sys_getrandom(const long a[6])
{
    long buf = a[0];
    size_t count = (size_t)a[1];
    unsigned long flags = (unsigned long)a[2];
    uint8_t chunk[256];
    if (flags & ~(unsigned long)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE))
        return -EINVAL;
    if (count > 0x7ffff000) // Linux's MAX_RW_COUNT
        count = 0x7ffff000;
    // the whole buffer first, as Linux: a kernel one is -EFAULT even for
    // 0 bytes
    if (!user_access_ok(UPTR(buf), count))
        return -EFAULT;
    for (size_t done = 0; done < count;) {
        size_t k = count - done < sizeof(chunk) ? count - done : sizeof(chunk);
        // a huge request gives way to a signal, with what it has so far
        if (done > 0 && signal_pending())
            return (long)done;
        random_bytes(chunk, k);
        if (copy_to_user(UPTR(buf + done), chunk, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        done += k;
    }
    return (long)count;
}
