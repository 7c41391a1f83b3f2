"""Chapter 7 tests: PCI enumeration and the virtio network card.

Why these checks: a configuration-space access that selects the wrong
register finds no device at all, or finds the card but sizes its BARs
wrong (the driver then talks to ports that are not the card's); an
interrupt line left edge-triggered, or a handler that does not read the
card's ISR before the EOI, loses or storms interrupts. Each boot puts the
card in a random PCI slot with a random MAC address, so nothing but a
real walk of the bus and a real read of the card can print them.

  pci (0)               boot with the card and `test=pci`
    pci-found (2)       the boot line names the card at its slot, with
                        the virtio-net driver and an interrupt line; the
                        driver read the card's MAC address; the device
                        behind a PCI-to-PCI bridge is found too, after
                        bus 0's
    pci-devices (2)     /proc/bus/pci/devices text: the card's line with
                        its I/O BAR (flag bit 0), 32 ports, and an uncached
                        mapping of BAR 1 that reaches the card

Python 3 standard library only.
"""

import random
import secrets

from grading.gradelib import boot, expect, expect_not, test
from tools import keelqemu

SLOT = random.randint(4, 12)
MAC = "52:54:00:%02x:%02x:%02x" % tuple(secrets.token_bytes(3))


def _card():
    """QEMU arguments: the card in slot SLOT with address MAC, and a
    PCI-to-PCI bridge in slot 0x1e with a virtio-rng behind it (the
    bridge's secondary bus is 1: SeaBIOS numbers buses in the order it
    finds them)."""
    bridge = ["-device", "pci-bridge,id=br1,chassis_nr=1,addr=0x1e",
              "-device", "virtio-rng-pci,bus=br1,addr=0x1"]
    return keelqemu.net_args(options="mac=%s,addr=0x%x" % (MAC, SLOT)) + \
        bridge


@test(0, "pci")
def test_pci():
    """Boot with the card; run the pci self-test."""
    boot("test=pci", timeout=60, qemu_args=_card())


@test(2, "pci: the card is found at its slot", parent=test_pci)
def test_pci_found():
    """The boot line for 00:SLOT.0 and the driver's address line."""
    expect([r"^pci 00:00\.0 8086:1237 class 06\.00",
            r"^pci 00:%02x\.0 1af4:1000 class 02\.00 virtio-net irq "
            r"(9|1[01])\r?$" % SLOT,
            r"^pci 00:1e\.0 1b36:0001 class 06\.04",
            r"^pci 01:01\.0 1af4:1005 class 00\.ff"])
    expect(r"virtio-net 00:%02x\.0: %s, link up" % (SLOT, MAC))


@test(2, "pci: /proc/bus/pci/devices lines", parent=test_pci)
def test_pci_devices():
    """The card's line in Linux's format; the self-test passed."""
    expect(r"^00%02x\t1af41000\t[0-9a-f]+\t +[0-9a-f]*1\t +fe[0-9a-f]{6}\t"
           r"(?:[^\t]*\t){5} +20\t +1000\t(?:[^\t]*\t){5}virtio-net\r?$"
           % (SLOT << 3))
    expect([r"pci: 00:%02x\.0 BAR 1 mapped uncached" % SLOT,
            r"selftest: pci: PASS"])
    expect_not(r"EXCEPTION|KERNEL PANIC")
