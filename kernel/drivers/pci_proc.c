/**
 * @file
 * @ingroup drivers
 * @brief The PCI functions as text: Linux's /proc/bus/pci/devices.
 *
 * Linux has listed the PCI functions in /proc/bus/pci/devices since 2.2,
 * and tools that predate sysfs read it. Keel offers the same text so a
 * reader can compare the two kernels line by line (BusyBox's lspci reads
 * /sys/bus/pci instead, which Keel does not have). The format is Linux's
 * show_device() in drivers/pci/proc.c; the one difference is the last
 * field, the driver's name (Linux's virtio driver is "virtio-pci", the
 * transport; Keel names the network driver). The file is registered with
 * procfs as a directory of its own (proc_dir(): procfs knows nothing of
 * PCI).
 */
#include "fs/procfs.h"
#include "kernel/mm.h"
#include "kernel/pci.h"
#include "kernel/string.h"
#include "uapi/stat.h"

/** Room for one /proc/bus/pci/devices line: 14 resources of 17 bytes,
 *  the numbers before them and a driver's name. */
#define PCI_LINE_MAX 320

/* One /proc/bus/pci/devices line of @p dev into @p buf (Linux's
 * show_device() in drivers/pci/proc.c); returns its length. */
static int
pci_format_one(const struct pci_dev *dev, char buf[PCI_LINE_MAX])
{
    unsigned irq = dev->irq_pin != 0 ? dev->irq_line : 0;
    int n = snprintf(buf, PCI_LINE_MAX, "%02x%02x\t%04x%04x\t%x", dev->bus,
                     dev->slot << 3 | dev->func, dev->vendor, dev->device, irq);
    for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
        const struct pci_bar *b = &dev->bar[i];
        uint64_t start = b->size ? b->base | b->flags : 0;
        n += snprintf(buf + n, PCI_LINE_MAX - n, "\t%16lx", start);
    }
    for (int i = 0; i < PCI_NUM_RESOURCES; i++)
        n += snprintf(buf + n, PCI_LINE_MAX - n, "\t%16lx", dev->bar[i].size);
    n += snprintf(buf + n, PCI_LINE_MAX - n, "\t%.24s\n",
                  dev->driver ? dev->driver->name : "");
    return n;
}

/**
 * @brief /proc/bus/pci/devices: one line per function, in Linux's format.
 *
 * Each line: bus and devfn ("%02x%02x"), vendor and device ("%04x%04x"),
 * the interrupt line, the seven resources' start addresses with the
 * BAR's flag bits or'ed in, their seven sizes, and the driver's name
 * (empty when none), separated by tabs. Only whole lines are written.
 * @param buf  where the text goes
 * @param size bytes available in @p buf
 * @return bytes written (no terminating NUL counted)
 */
long
pci_format_devices(char *buf, size_t size)
{
    char line[PCI_LINE_MAX];
    size_t len = 0;
    for (int i = 0; i < pci_device_count(); i++) {
        int n = pci_format_one(pci_device(i), line);
        if (len + n > size)
            break;
        memcpy(buf + len, line, n);
        len += n;
    }
    return (long)len;
}

/* /proc/bus/pci/devices: the text above, through procfs's buffer. */
static void
pci_show_devices(struct pbuf *b, int pid)
{
    (void)pid;
    size_t size = (size_t)(pci_device_count() + 1) * PCI_LINE_MAX;
    char *text = kmalloc(size);
    if (text == NULL)
        return;
    pbuf_write(b, text, (size_t)pci_format_devices(text, size));
    kfree(text);
}

/** The files of /proc/bus/pci. */
static const struct proc_entry pci_proc_entries[] = {
    {"devices", S_IFREG | 0444, pci_show_devices, NULL, 0, NULL},
};
proc_dir(pci, "bus/pci", pci_proc_entries);
