"""Chapter 4 tests, user memory: bad pointers give EFAULT, and the mmap
family behaves as on Linux.

Why these checks: from chapter 4 the kernel touches user memory directly
and relies on the exception table when a pointer is bad; a missing entry
or a wrong fix-up turns any program's mistake into a kernel panic. And
every C library allocates with mmap/munmap/mremap/brk: a region split
wrongly or a frame freed while still shared corrupts programs much later.

Groups (84 points). None belongs to an exercise: the exception-table
fix-up is what every EFAULT of chapter 4 (and chapter 3's exectest) relies
on, so stubbing it would fail far more than one group.

  efault  (20)  no exercise. Boot with `-- /bin/efaulttest`: pointers
                into a munmap'ed page, a PROT_NONE page, a read-only page
                (for writes) and a page past brk are handed to write,
                writev, execve, rt_sigprocmask, rt_sigaction, arch_prctl
                and wait4. Each must fail with EFAULT; the output must equal
                the host's. Without the fix-up the kernel panics at the
                first one and QEMU exits with status 2.
  mmap    (44)  no exercise. Boot with `-- /bin/mmaptest`: anonymous
                mappings, splitting munmap and mprotect (a touch of the hole
                kills a child with SIGSEGV), MAP_FIXED and
                MAP_FIXED_NOREPLACE, mremap in place and moved, madvise
                DONTNEED, fork with private and shared mappings, brk, and
                the errno of bad arguments; each part compared with Linux.

                The same boot runs /bin/mmapfile: a private mapping of a
                file of the initramfs shows its bytes, zeros after its end,
                keeps private writes private; EINVAL and EACCES cases.
  smap    (5)   no exercise. Boot with `test=smap`: with SMAP on (the
                boot log says which guards the CPU has), copy_from_user
                reads a user page and a plain kernel read of the same page
                faults and is caught (kernel/arch/x86_64/cpu/protect.c).
  smep    (5)   no exercise. Boot with `test=smep`: the kernel calls into
                a user page; SMEP stops it with a page fault whose report
                names SMEP, and the machine stops (status 2).
  oom     (5)   no exercise. Boot with `-- /bin/memhog`: a child takes
                memory until none is left and is killed (SIGKILL, the
                kernel log in Linux's words: `Out of memory: Killed
                process N (memhog) ...`); then a child sleeps on nearly
                all memory and the parent, small, asks for 32 MiB: the
                child is killed, not the parent, which gets its memory;
                init lives on (kernel/proc/oom.c).
  stackguard (5) no exercise. Boot with `test=stackguard`: the canary is
                random (from RDRAND, or the TSC), and a function that
                writes 48 bytes into its 16-byte array stops the machine
                in __stack_chk_fail, which names it
                (kernel/init/stackprotector.c).
"""

import re

from grading.gradelib import (assert_equal, assert_status, assert_true, boot,
                              boot_selftest,
                              chapter, children, expect, result, test)
from grading import oracle
from grading.progtest import chapter_initrd

KERNEL_LINE = re.compile(r"^(keel: |Keel )")


def program_lines(name):
    """What /bin/NAME printed on Keel: the user lines before init's line
    `init: /bin/NAME exited ...` (kernel lines left out)."""
    out = []
    for line in result().output.splitlines():
        line = line.rstrip("\r")
        if KERNEL_LINE.match(line) or line.startswith("init: started"):
            continue
        if re.match(r"init: /bin/%s (exited|killed)" % name, line):
            return out
        out.append(line)
    return None


def host_lines(name):
    """What the same binary prints on the host Linux, as lines."""
    return oracle.linux_output(name).splitlines()


def part_matches(name, prefixes, what):
    """The lines of /bin/NAME starting with one of `prefixes` equal the
    host's."""
    got = program_lines(name)
    assert_true(got is not None, "no `init: /bin/%s exited` line: the "
                "program did not run to its end\n  run ended: %s"
                % (name, result().reason))
    want = [ln for ln in host_lines(name) if ln.startswith(prefixes)]
    assert_true(want, "the Linux recording printed no %s lines" % what)
    assert_equal([ln for ln in got if ln.startswith(prefixes)], want,
                 "%s: Keel printed something else than Linux:" % what)


# ------------------------------------------------------------------ efault


@test(0, "efault")
def test_efault():
    """Boot /bin/efaulttest: bad user pointers handed to system calls."""
    boot("quiet -- /bin/efaulttest", timeout=90, initrd=chapter_initrd())


def efault_part(key, prefixes, what):
    """efaulttest's lines that start with one of `prefixes` equal the
    host's."""
    part_matches("efaulttest", prefixes, what)


# efaulttest's parts: (key, points, title, what it checks, the prefixes of
# its lines, what they are called in a failure message)
EFAULT_TESTS = [
    ("unmapped", 6, "unmapped and past-brk pages",
     "A munmap'ed page and a page past brk: EFAULT from every call.",
     ("munmapped page", "page past brk"), "unmapped pages"),
    ("protected", 6, "PROT_NONE and read-only pages",
     "A PROT_NONE page, and a read-only page for the kernel's writes.",
     ("PROT_NONE page", "read-only page"), "protected pages"),
    ("good", 4, "wait4 and the kernel's own faults",
     "wait4 into a bad page; demand-zero and copy-on-write from kernel "
     "mode still work.",
     ("wait4", "old set", "untouched", "kernel write", "parent's copy"),
     "wait4 and good pages"),
]
children(test_efault, EFAULT_TESTS, efault_part)


@test(4, "efault: the kernel survives", parent=test_efault)
def test_efault_survives():
    """The program ran to its end and the machine powered off cleanly."""
    expect(r"efaulttest: the kernel survived")
    expect(r"init: /bin/efaulttest exited with status 0")
    assert_status(0)


# -------------------------------------------------------------------- mmap


@test(0, "mmap")
def test_mmap():
    """Boot /bin/mmaptest: the mmap family against Linux."""
    boot("quiet -- /bin/mmaptest /bin/mmapfile", timeout=90,
         initrd=chapter_initrd())


def mmap_part(key, prefixes, what=None, program="mmaptest"):
    """The lines of `program` that start with one of `prefixes` equal the
    host's (`what`, by default the key, names them in a failure)."""
    part_matches(program, prefixes, what or key)


# mmaptest's parts (and mmapfile's): (key, points, title, what it checks,
# the prefixes of its lines[, what they are called in a failure message
# when not the key[, the program when not mmaptest]])
MMAP_TESTS = [
    ("anon", 5, "anonymous memory and splitting munmap",
     "Map, touch, unmap; a hole punched in the middle faults.",
     ("anon:", "split:"), "anonymous mappings"),
    ("mprotect", 6, "mprotect",
     "Read-only and PROT_NONE pages fault in a child; contents survive.",
     ("mprotect:",)),
    ("fixed", 5, "MAP_FIXED, MAP_FIXED_NOREPLACE, hints",
     "MAP_FIXED replaces; MAP_FIXED_NOREPLACE says EEXIST; placement.",
     ("fixed", "hint", "second mapping"), "MAP_FIXED"),
    ("mremap", 6, "mremap",
     "Grow in place, refuse without MAYMOVE, move keeping the contents, "
     "shrink; errors.",
     ("mremap:",)),
    ("madvise", 4, "madvise",
     "MADV_DONTNEED gives zeros back; bad advice is EINVAL.",
     ("madvise:",)),
    ("fork", 6, "fork with private and shared mappings",
     "Private pages stay apart, MAP_SHARED pages are shared both ways, "
     "mprotect in the child respects copy-on-write.",
     ("fork:",)),
    ("reserve", 2, "a 1 TiB PROT_NONE reservation",
     "Reserve, open one page, give it all back: quick, no page walk of "
     "the whole range.",
     ("reserve:",), "reservation"),
    ("brk", 3, "brk",
     "brk grows, shrinks (the pages go away) and grows again with zeros.",
     ("brk:",)),
    ("file", 4, "private file mappings",
     "A file of the initramfs mapped privately: its bytes, zeros past the "
     "end, private writes stay private, bad offsets and rights refused.",
     ("mmapfile:",), "file mappings", "mmapfile"),
]
children(test_mmap, MMAP_TESTS, mmap_part)


@test(3, "mmap: errors of bad arguments", parent=test_mmap)
def test_mmap_errors():
    """EINVAL, EBADF, ENOMEM as Linux; accepted flags; the program ends."""
    part_matches("mmaptest", ("mmap:", "munmap:"), "argument errors")
    expect(r"mmaptest: done")
    assert_status(0)


# ------------------------------------------------------------- the guards


def guards_line():
    """The boot's `cpu: guards on: smep X, smap Y, umip Z` as a dict."""
    m = expect(r"cpu: guards on: smep (\w+), smap (\w+), umip (\w+)")
    return dict(zip(("smep", "smap", "umip"), m.groups()))


@test(5, "smap: the kernel reaches user memory only through user copies")
def test_smap():
    """`test=smap`: copy_from_user works, a plain read faults."""
    boot_selftest("smap", timeout=30)
    if guards_line()["smap"] == "yes":
        expect(r"a plain kernel read of it faults")


@test(5, "smep: the kernel never runs user code")
def test_smep():
    """`test=smep`: a call into a user page is SMEP's page fault."""
    boot("test=smep", timeout=30)
    if guards_line()["smep"] != "yes":
        expect(r"selftest: smep: this CPU has no SMEP")
        return
    expect(r"EXCEPTION: #PF[^\n]*instruction-fetch")
    expect(r"SMEP: the kernel jumped into user memory \(0x10000000\)")
    assert_status(2)


@test(5, "stackguard: an overflow of a local array stops the kernel")
def test_stackguard():
    """`test=stackguard`: the random canary catches a stack overflow."""
    boot("test=stackguard", timeout=30)
    expect(r"stack-protector: canary from (rdrand|tsc)")
    expect(r"KERNEL PANIC: stack-protector: the stack of smash\+0x[0-9a-f]+"
           r"/0x[0-9a-f]+ was overwritten")
    assert_status(2)


@test(5, "oom: out of memory, the largest process dies, not the one asking")
def test_oom():
    """`-- /bin/memhog`: the out-of-memory killer's two rounds."""
    boot("quiet -- /bin/memhog", timeout=180, initrd=chapter_initrd())
    expect(r"Out of memory: Killed process \d+ \(memhog\) total-vm:\d+kB, "
           r"anon-rss:\d+kB")
    expect(r"memhog: grows: the hog was killed by signal 9")
    expect(r"memhog: sleeps: 32 MiB for the parent: ok")
    expect(r"memhog: sleeps: the hog was killed by signal 9")
    expect(r"init: /bin/memhog exited with status 0")
    assert_status(0)
