/**
 * @file
 * @ingroup drivers
 * @brief The CMOS real-time clock: the wall-clock time at boot.
 *
 * The PC's battery-backed clock keeps the date while the machine is off.
 * Its registers are read through index port 0x70 and data port 0x71; the
 * values are BCD unless status register B says binary, and a read must
 * not overlap the clock's once-a-second update (status A bit 7), so we read
 * twice until two reads agree. The driver hands the time subsystem a
 * function that reads it; nothing here runs from interrupts.
 */
#include "asm/io.h"
#include "kernel/init.h"
#include "kernel/time.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define STATUS_A_UPDATING 0x80
#define STATUS_B_BINARY 0x04
#define STATUS_B_24H 0x02

static uint8_t
cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static unsigned
from_bcd(uint8_t v)
{
    return (v & 0x0f) + (v >> 4) * 10;
}

/* One raw read of the six fields, waiting out an update in progress. */
static void
rtc_read_raw(uint8_t f[6])
{
    static const uint8_t regs[6] = {RTC_SECONDS, RTC_MINUTES, RTC_HOURS,
                                    RTC_DAY,     RTC_MONTH,   RTC_YEAR};
    for (int spins = 0; spins < 1000000; spins++) {
        if (!(cmos_read(RTC_STATUS_A) & STATUS_A_UPDATING))
            break;
    }
    for (int i = 0; i < 6; i++)
        f[i] = cmos_read(regs[i]);
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/**
 * @brief Read the RTC as seconds since the Unix epoch (UTC assumed).
 * @return the time; QEMU's RTC holds UTC by default
 */
static uint64_t
rtc_read_epoch(void)
{
    uint8_t a[6], b[6];
    int tries = 0;
    do {
        rtc_read_raw(a);
        rtc_read_raw(b);
    } while (++tries < 10 && __builtin_memcmp(a, b, 6) != 0);

    uint8_t status_b = cmos_read(RTC_STATUS_B);
    bool pm = !(status_b & STATUS_B_24H) && (b[2] & 0x80);
    b[2] &= 0x7f;
    unsigned v[6];
    for (int i = 0; i < 6; i++)
        v[i] = status_b & STATUS_B_BINARY ? b[i] : from_bcd(b[i]);
    if (pm)
        v[2] = (v[2] % 12) + 12;
    else if (!(status_b & STATUS_B_24H) && v[2] == 12)
        v[2] = 0;
    int64_t days = days_from_civil(2000 + v[5], v[4], v[3]);
    return (uint64_t)(days * 86400 + v[2] * 3600 + v[1] * 60 + v[0]);
}

static int
rtc_init(void)
{
    time_set_wallclock(rtc_read_epoch);
    return 0;
}
initcall(driver, rtc_init);
