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
