/**
 * @file
 * @ingroup drivers
 * @brief Self-test `pci`: the bus was walked, the table reads as Linux's
 *        /proc/bus/pci/devices, and a memory BAR maps to the device.
 *
 * Guards against an enumeration that finds nothing (a configuration
 * access that selects the wrong register finds no vendor anywhere), a
 * /proc/bus/pci/devices text that is not one line of 18 tab-separated
 * fields per function (what `lspci -P`-style readers split on), and an
 * uncached mapping that does not reach the card: on a virtio card with
 * MSI-X, the table in BAR 1 holds, per vector, a control word whose
 * "masked" bit the device sets at reset, which plain RAM would not.
 * Prints the devices text for the reader.
 */
#include "kernel/pci.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/string.h"

/** Offset of vector 0's control word in an MSI-X table; bit 0: masked. */
#define MSIX_VECTOR_CTRL 12

/* Count the lines of @p text, check each has 18 fields (17 tabs), and
 * print it. */
static int
pci_check_lines(const char *text, long len)
{
    int lines = 0, tabs = 0;
    long start = 0;
    for (long i = 0; i < len; i++) {
        if (text[i] == '\t')
            tabs++;
        if (text[i] != '\n')
            continue;
        if (tabs != 17)
            return selftest_fail("line %d has %d fields, not 18", lines + 1,
                                 tabs + 1);
        printk("%.*s", (int)(i + 1 - start), text + start);
        start = i + 1;
        lines++;
        tabs = 0;
    }
    return lines;
}

/* Map BAR 1 of the first virtio card and read MSI-X vector 0's mask. */
static int
pci_check_mapping(void)
{
    for (int i = 0; i < pci_device_count(); i++) {
        struct pci_dev *dev = pci_device(i);
        if (dev->vendor != 0x1af4 || dev->bar[1].size < 16)
            continue;
        const volatile uint32_t *msix = pci_map_bar(dev, 1);
        if (msix == NULL)
            return selftest_fail("cannot map BAR 1 of %02x:%02x.%x", dev->bus,
                                 dev->slot, dev->func);
        if (!(msix[MSIX_VECTOR_CTRL / 4] & 1))
            return selftest_fail("MSI-X vector 0 of %02x:%02x.%x is not "
                                 "masked: the mapping misses the device",
                                 dev->bus, dev->slot, dev->func);
        pr_info("pci: %02x:%02x.%x BAR 1 mapped uncached\n", dev->bus,
                dev->slot, dev->func);
    }
    return 0;
}

/* The devices text, its lines, and a mapping: 0 or selftest_fail(). */
static int
pci_selftest(void)
{
    static char text[4096];
    long len = pci_format_devices(text, sizeof(text) - 1);
    text[len] = 0;
    if (pci_device_count() == 0)
        return selftest_fail("no PCI function found (not even a host "
                             "bridge)");
    int lines = pci_check_lines(text, len);
    if (lines < 0)
        return lines;
    if (lines != pci_device_count())
        return selftest_fail("%d lines for %d functions", lines,
                             pci_device_count());
    return pci_check_mapping();
}
SELFTEST("pci", pci_selftest, 0);
