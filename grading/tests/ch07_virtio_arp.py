"""Chapter 7 tests: the network card on its own, before the stack.

Why this check: a card that is found and started can still fail to move
a frame: a descriptor with the wrong address or length, an index
published before its entry, a queue never notified, an interrupt that is
lost (an edge-triggered PCI line) or never acknowledged. The self-test
in kernel/drivers/virtio_net_test.c stands in for the stack's netdev_*
functions and asks QEMU's gateway for its address; only a working
transmit ring, receive ring and interrupt bring the answer back. It
belongs with that file: both go when net/ provides the netdev_*
functions.

  virtio-arp (0)         boot with the card and `test=virtio-arp`
    virtio-arp-reply (3) an ARP request for 10.0.2.2 is answered by QEMU's
                         gateway (52:55:0a:00:02:02) through the card
  virtio-arp-shared (0)  the same with two cards sharing one interrupt line
    virtio-arp-shared-reply (2)  both cards on one line; the reply comes
                         back through the second handler of the line

Python 3 standard library only.
"""

from grading.gradelib import boot, expect, expect_not, test
from tools import keelqemu


@test(0, "virtio-arp")
def test_virtio_arp():
    """Boot with the card; run the ARP exchange with QEMU's gateway."""
    boot("test=virtio-arp", timeout=60, qemu_args=keelqemu.net_args())


@test(3, "virtio-arp: QEMU's gateway answers", parent=test_virtio_arp)
def test_virtio_arp_reply():
    """The self-test saw the reply from 52:55:0a:00:02:02."""
    expect(r"selftest: virtio-arp: PASS")
    expect_not(r"EXCEPTION|KERNEL PANIC")


def _two_cards():
    """Two cards in slots 3 and 7: PCI's swizzle, (slot + pin - 1) mod 4,
    gives both the same PIRQ, so they share one interrupt line; the
    self-test uses the second, whose handler runs second on the line."""
    cards = []
    for netdev, slot in (("a", 3), ("b", 7)):
        cards += ["-netdev", "user,id=%s" % netdev, "-device",
                  "virtio-net-pci,netdev=%s,addr=0x%x" % (netdev, slot)]
    return cards


@test(0, "virtio-arp-shared")
def test_virtio_arp_shared():
    """Boot with two cards on one line; run the ARP exchange."""
    boot("test=virtio-arp", timeout=60, qemu_args=_two_cards())


@test(2, "virtio-arp-shared: a shared interrupt line",
      parent=test_virtio_arp_shared)
def test_virtio_arp_shared_reply():
    """Both cards are on the same line, and the reply still comes back."""
    first = expect(r"^pci 00:03\.0 1af4:1000 class 02\.00 virtio-net irq "
                   r"(\d+)\r?$")
    expect(r"^pci 00:07\.0 1af4:1000 class 02\.00 virtio-net irq %s\r?$"
           % first.group(1))
    expect(r"selftest: virtio-arp: PASS")
    expect_not(r"EXCEPTION|KERNEL PANIC")
