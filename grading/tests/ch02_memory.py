"""Chapter 2 tests: physical frames, the kernel's page tables, the heap.

Why these checks: every later chapter allocates frames, maps pages and
calls kmalloc; a bug here shows up chapters later as a corrupted process.
Each group runs in-kernel self-tests (kernel/mm/*_test.c) and reads the
reports the kernel prints, so a failure says which layer broke.

Groups (85 points). Each exercise of chapter 2 is graded by exactly one
group, so a handout with an exercise stubbed loses exactly that group:

  memory     (10)  boot with a random memory size: the frame allocator's
                   count must match it; `test=pmm` (orders 0..10, no
                   overlap, no leak) passes.
  buddy      (20)  exercise 2.1. `test=pmm-merge`: freed buddies merge
                   back into the block they were split from.
  paging     (25)  exercise 2.2. The kernel switches to its own tables;
                   `test=vmm` (map, translate, unmap, errors) and
                   `test=vmm-layout` (text R-X, rodata R, data RW, NX,
                   and the direct map's aliases of text and rodata
                   read-only) pass; a write to kernel text faults as a protection
                   violation (`test=nx-text`); running off the boot stack
                   hits the guard page (`test=stack-guard`, #DF).
  heap       (20)  exercise 2.3. `test=kmalloc` and `test=slab` pass; a
                   heap overrun is caught by the red zone
                   (`test=heap-overrun`).
  pagefault   (5)  the page-fault report of `test=fault` shows the page
                   walk of the faulting address.
  ubsan       (5)  boot with `test=ubsan`: four undefined operations on
                   purpose (kernel/init/ubsan_test.c), each reported once
                   in Linux's UBSAN shape with its line, and a backtrace.
"""

import re
import secrets

from grading.gradelib import (assert_equal, assert_status, assert_true, boot,
                              boot_selftest, expect, expect_not,
                              expect_selftest, result, test)

RUN = {"memory_mb": secrets.choice([96, 128, 192, 256, 384, 512])}



# ------------------------------------------------------------------ memory


@test(0, "memory")
def test_memory():
    """Boot with this run's memory size; stop when set-up is complete."""
    boot("quiet=0", timeout=30, until=r"keel: boot complete",
         memory="%dM" % RUN["memory_mb"])


@test(5, "memory: frames counted", parent=test_memory)
def test_memory_frames():
    """`pmm: N KiB free in M frames`: M * 4 == N, and N fits the machine.

    The kernel image, the boot information and low memory are reserved,
    so between 75% and 100% of the guest's memory must be free.
    """
    m = expect(r"pmm: (\d+) KiB free in (\d+) frames")
    kib, frames = int(m.group(1)), int(m.group(2))
    assert_true(kib == frames * 4, "%d KiB is not %d frames of 4 KiB"
                % (kib, frames))
    mem_kib = RUN["memory_mb"] * 1024
    assert_true(0.75 * mem_kib <= kib <= mem_kib,
                "%d KiB free, but the guest has %d KiB" % (kib, mem_kib))


@test(5, "memory: frame allocator self-test", parent=test_memory)
def test_memory_pmm():
    """`test=pmm`: every order allocates, blocks are aligned, no leak."""
    boot_selftest("pmm")


# ------------------------------------------------------------------- buddy


@test(0, "buddy")
def test_buddy():
    """Boot the merge self-test of the buddy allocator."""
    boot("test=pmm-merge", timeout=60)


@test(20, "buddy: freed blocks merge", parent=test_buddy)
def test_buddy_merge():
    """Split a block into single pages, free them, get the block back."""
    expect_selftest("pmm-merge")


# ------------------------------------------------------------------ paging


@test(0, "paging")
def test_paging():
    """Boot the page-table self-test."""
    boot("quiet=0 test=vmm", timeout=60)


@test(5, "paging: kernel tables active", parent=test_paging)
def test_paging_active():
    """vmm_init built the kernel's tables and switched to them."""
    expect_not(r"vmm: cannot build", msg="the kernel stayed on the boot "
               "tables:")
    expect(r"vmm: kernel page tables at 0x[0-9a-f]+, direct map of \d+ MiB")


@test(5, "paging: map, translate, unmap", parent=test_paging)
def test_paging_vmm():
    """`test=vmm`: a new mapping works and every error code is right."""
    expect_selftest("vmm")


@test(5, "paging: image permissions", parent=test_paging)
def test_paging_layout():
    """`test=vmm-layout`: text R-X, rodata R--, data RW-, guard unmapped;
    the direct map's aliases of text and rodata read-only."""
    boot_selftest("vmm-layout")


@test(5, "paging: kernel text is read-only", parent=test_paging)
def test_paging_nx_text():
    """`test=nx-text`: writing to kernel code is a protection fault."""
    boot("test=nx-text", timeout=30)
    m = expect(r"writing to kernel text at (0x[0-9a-f]+)")
    expect(r"EXCEPTION: #PF[^\n]*protection write kernel")
    cr2 = expect(r"cr2=(0x[0-9a-f]+)")
    assert_true(int(cr2.group(1), 16) == int(m.group(1), 16),
                "cr2 %s is not the text address %s" % (cr2.group(1),
                                                        m.group(1)))
    assert_status(2)


@test(5, "paging: stack guard page", parent=test_paging)
def test_paging_guard():
    """`test=stack-guard`: a stack overflow ends in a reported #DF."""
    boot("test=stack-guard", timeout=30)
    expect(r"EXCEPTION: #DF Double Fault")
    assert_status(2)


# -------------------------------------------------------------------- heap


@test(0, "heap")
def test_heap():
    """Boot the kmalloc self-test."""
    boot("test=kmalloc", timeout=60)


@test(8, "heap: kmalloc and kfree", parent=test_heap)
def test_heap_kmalloc():
    """Sizes 1..8192 allocate, do not overlap, and all memory comes back."""
    expect_selftest("kmalloc")


@test(6, "heap: slab cache", parent=test_heap)
def test_heap_slab():
    """`test=slab`: a private cache grows over several slabs and empties."""
    boot_selftest("slab")


@test(6, "heap: overrun caught", parent=test_heap)
def test_heap_overrun():
    """`test=heap-overrun`: writing past an object trips its red zone."""
    boot("test=heap-overrun", timeout=30)
    expect(r"KERNEL PANIC: [^\n]*red zone")
    assert_status(2)


# --------------------------------------------------------------- pagefault


@test(0, "pagefault")
def test_pagefault():
    """Boot the chapter 1 fault test on chapter 2's kernel."""
    boot("test=fault", timeout=30)


@test(5, "pagefault: page walk shown", parent=test_pagefault)
def test_pagefault_walk():
    """The #PF report explains the address level by level."""
    expect(r"page walk for 0x00000000dead0000")
    expect(r"PML4\[\s*0\] = 0x0+\s+not present")
    assert_status(2)


# ----------------------------------------------------------------- ubsan

# What kernel/init/ubsan_test.c does on purpose, and the line the report
# must carry for each (Linux's UBSAN words; the values are the test's).
UBSAN_WANT = [
    ("shift-out-of-bounds",
     "shift exponent 64 is too large for 64-bit type 'long unsigned int'"),
    ("signed-integer-overflow",
     "2147483647 + 1 cannot be represented in type 'int'"),
    ("array-index-out-of-bounds",
     "index 4 is out of range for type 'int [4]'"),
    ("invalid-load",
     "load of value 2 is not a valid value for type '_Bool'"),
]


@test(0, "ubsan")
def test_ubsan():
    """Boot the sanitizer's self-test: undefined behaviour on purpose."""
    boot("test=ubsan", timeout=30)


@test(2, "ubsan: self-test passes", parent=test_ubsan)
def test_ubsan_pass():
    """Each operation was caught once, with its kind and line."""
    expect_selftest("ubsan")


@test(3, "ubsan: reports in Linux's shape", parent=test_ubsan)
def test_ubsan_reports():
    """Each report names the kind and the place, explains it in Linux's
    words, and shows a backtrace."""
    out = result().output
    for kind, words in UBSAN_WANT:
        m = re.search(r"UBSAN: %s in kernel/init/ubsan_test\.c:\d+:\d+\s*\n"
                      r"(.*)\n(.*)" % re.escape(kind), out)
        assert_true(m, "no `UBSAN: %s in kernel/init/ubsan_test.c:LINE:COL` "
                    "line" % kind)
        assert_equal(m.group(1).strip(), words,
                     "the %s report explains:" % kind)
        assert_true(m.group(2).strip().startswith("backtrace:"),
                    "the %s report has no backtrace after its words" % kind)
