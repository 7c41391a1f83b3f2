#!/usr/bin/env python3
"""The master tree's structure, measured: what `make check` holds.

The checked-in tree is the finished kernel (DESIGN.md section 3); earlier
forms of replaced files live under chapters/NN-slug/overlay/. This script
measures how well the master keeps that promise and fails when it does
not:

1. global symbols defined more than once under kernel/, fs/ and net/
   (a grep for a function must land on its one definition);
2. source files under kernel/, fs/ and net/ that the last chapter's
   build does not compile (dead code), and headers nothing includes;
3. `#if CHAPTER` guards inside a function or struct body (at most
   GUARD_BUDGET in the whole tree), and any guard inside a region the
   book quotes with @snippet (none allowed);
4. include edges between folders that the layering table (EDGES below)
   does not allow, each named with file and line.

    treecheck.py            print the measures and the problems;
                            exit 1 if any measure is over its limit
    treecheck.py --verbose  also list every guard inside a body

Standard library only; needs `unifdef` (a build dependency already).
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREES = ("kernel/", "fs/", "net/")
# 25 at chapter 5; chapter 6 adds one block of fields to struct proc (job
# control's state and the process's timers), the one place a chapter's
# state has to go, and one to struct thread (the restart block of an
# interrupted sleep).
GUARD_BUDGET = 27

GUARD = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif)\b.*\bCHAPTER\b")
SNIPPET_MARK = re.compile(r"^\s*(//|#|/\*|;)\s*\[([A-Za-z0-9_.-]+)\]")
FUNC_DEF = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\(")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')

# ---------------------------------------------------------------- layering
#
# Every source file belongs to a layer, named by its folder (the longest
# prefix below wins); every header belongs to the layer that implements
# it. A file may include headers of its own layer and of the layers its
# entry in LAYERS allows. The reasons are the design: read them as the
# map of who may call whom (DESIGN.md section 2).

# header -> the layer that owns it (headers not named here: by folder)
HEADER_LAYER = {
    "kernel/arch.h": "arch-api",  # the one portable face of the machine
    "kernel/compiler.h": "base",
    "kernel/types.h": "base",
    "kernel/list.h": "lib",
    "kernel/string.h": "lib",
    "kernel/printk.h": "log",
    "kernel/panic.h": "log",
    "kernel/ksyms.h": "log",
    "kernel/boot.h": "init",
    "kernel/cmdline.h": "init",
    "kernel/init.h": "init",
    "kernel/selftest.h": "init",
    "kernel/ubsan.h": "init",
    "kernel/irq.h": "irq",
    "kernel/time.h": "time",
    "kernel/clock.h": "time",
    "kernel/timer.h": "time",
    "kernel/mm.h": "mm",
    "kernel/uaccess.h": "mm",
    "kernel/sync.h": "sync",
    "kernel/sched.h": "proc",
    "kernel/proc.h": "proc",
    "kernel/procinfo.h": "proc",
    "kernel/signal.h": "proc",
    "kernel/cred.h": "proc",
    "kernel/shebang.h": "proc",
    "kernel/syscall.h": "syscalls",
    "kernel/tty.h": "tty",
    "kernel/vt.h": "tty",
    "kernel/vga.h": "drivers",
    "kernel/pci.h": "drivers",
    "kernel/virtio.h": "drivers",
    "kernel/random.h": "random",
}

# source folder -> layer (longest prefix wins)
FOLDER_LAYER = {
    "kernel/arch/x86_64/": "arch",
    "kernel/include/uapi/": "uapi",
    "kernel/init/": "init",
    "kernel/lib/": "lib",
    "kernel/log/": "log",
    "kernel/time/": "time",
    "kernel/mm/": "mm",
    "kernel/proc/": "proc",
    "kernel/sync/": "sync",
    "kernel/syscalls/": "syscalls",
    "kernel/drivers/": "drivers",
    "kernel/tty/": "tty",
    "kernel/random/": "random",
    "fs/": "fs",
    "net/": "net",
}

# The allowed edges between layers, each with its reason. Every layer may
# include its own headers, "base" (compiler.h, types.h) and "uapi" (the
# Linux ABI); everything else is here, or it is a design decision to make
# here first. Portable layers reach the machine only through "arch-api"
# (kernel/arch.h); drivers of PC hardware may use "arch-io" (asm/io.h).
EDGES = {
    ("log", "lib"): "printk formats with vsnprintf",
    ("log", "arch-api"): "the log's lock keeps interrupts off",
    ("log", "time"): "each record is stamped with the uptime",
    ("log", "sync"): "the kernel log's spinlock",
    ("arch-api", "lib"): "inline helpers use memcpy and friends",
    ("arch", "lib"): "the machine code uses strings and lists",
    ("arch", "log"): "exceptions are reported with printk and panic",
    ("arch", "arch-api"): "the machine implements the portable interface",
    ("arch", "init"): "CPU set-up registers init calls",
    ("arch", "irq"): "interrupt entry dispatches to registered handlers",
    ("arch", "mm"): "page faults and user page tables serve mm",
    ("arch", "proc"): "context switch, signal frames and user entry "
                      "implement proc's interface (signal.h, sched.h)",
    ("arch", "sync"): "per-CPU state is locked",
    ("arch", "time"): "the timer interrupt ticks the clock",
    ("arch", "syscalls"): "the SYSCALL entry calls the dispatcher",
    ("arch", "random"): "RDRAND feeds the generator",
    ("irq", "arch-api"): "masking and acknowledging is machine work",
    ("sync", "lib"): "wait queues are lists",
    ("sync", "log"): "a broken lock invariant panics",
    ("sync", "arch-api"): "spinlocks turn interrupts off",
    ("sync", "proc"): "sleeping locks and wait queues call the scheduler",
    ("sync", "init"): "the lock checker reads its kernel word",
    ("sync", "irq"): "the lock checker asks whether an interrupt handler runs",
    ("time", "lib"): "timer lists",
    ("time", "log"): "clock set-up is logged",
    ("time", "arch-api"): "reading the TSC, interrupt state",
    ("time", "init"): "the tick source registers an init call",
    ("time", "irq"): "the timer is an interrupt",
    ("time", "sync"): "sleepers wait on wait queues",
    ("time", "proc"): "the tick preempts the running thread",
    ("time", "mm"): "a process's timers are allocated (kzalloc)",
    ("mm", "lib"): "lists, strings",
    ("mm", "log"): "out-of-memory and bad-fault reports",
    ("mm", "arch-api"): "page tables are the machine's",
    ("mm", "init"): "allocators register init calls and self-tests",
    ("mm", "sync"): "allocator and address-space locks",
    ("mm", "proc"): "a fault belongs to the current process",
    ("mm", "fs"): "file mappings ask the file for its pages",
    ("proc", "lib"): "lists, strings",
    ("proc", "log"): "kills and crashes are logged",
    ("proc", "arch-api"): "threads run on the machine's context switch",
    ("proc", "init"): "the first process starts at the end of boot",
    ("proc", "irq"): "the scheduler runs from the timer interrupt",
    ("proc", "mm"): "a process owns an address space",
    ("proc", "sync"): "the process table's lock, wait queues",
    ("proc", "time"): "sleeping, CPU time, alarms",
    ("proc", "fs"): "exec opens the program; a process owns open files",
    ("proc", "tty"): "job control: the controlling terminal",
    ("proc", "random"): "exec's AT_RANDOM bytes",
    ("proc", "syscalls"): "restart and return values of interrupted calls",
    ("random", "lib"): "mixing works on byte buffers",
    ("random", "log"): "seeding is logged",
    ("random", "arch-api"): "the hardware generator and interrupt state",
    ("random", "init"): "seeding at boot",
    ("random", "sync"): "the generator's lock",
    ("random", "time"): "the clock seeds it",
    ("tty", "lib"): "line buffers",
    ("tty", "log"): "the console is also where printk writes",
    ("tty", "arch-api"): "input arrives in interrupts",
    ("tty", "init"): "the console registers an init call",
    ("tty", "sync"): "readers sleep on wait queues",
    ("tty", "proc"): "signals to the foreground group",
    ("tty", "mm"): "termios and reads copy to user memory",
    ("tty", "time"): "VTIME timeouts",
    ("tty", "fs"): "a terminal is a character device file",
    ("drivers", "lib"): "strings",
    ("drivers", "log"): "drivers report what they found",
    ("drivers", "arch-api"): "interrupt state",
    ("drivers", "arch-io"): "PC devices are reached through port I/O",
    ("drivers", "init"): "drivers register init calls",
    ("drivers", "irq"): "drivers register interrupt handlers",
    ("drivers", "time"): "the PIT drives the tick; the RTC sets the clock",
    ("drivers", "tty"): "the UART and the keyboard feed the terminal",
    ("tty", "drivers"): "the screen's terminal draws on the VGA's cells",
    ("drivers", "sync"): "device locks",
    ("drivers", "fs"): "drivers register character devices",
    ("drivers", "net"): "NIC drivers register with the network stack",
    ("drivers", "mm"): "DMA rings and buffers come from the frame allocator",
    ("fs", "lib"): "strings, lists",
    ("fs", "log"): "errors and /dev/kmsg",
    ("fs", "arch-api"): "interrupt state for spinlocks",
    ("fs", "init"): "file systems and devices register at boot",
    ("fs", "sync"): "vfs_lock, pipe locks, wait queues",
    ("fs", "proc"): "permissions read the process's credentials",
    ("fs", "mm"): "files copy to user memory and map pages",
    ("fs", "time"): "timestamps",
    ("fs", "tty"): "the console is a file",
    ("fs", "random"): "/dev/random and /dev/urandom",
    ("net", "lib"): "strings, lists",
    ("net", "log"): "network events are logged",
    ("net", "arch-api"): "interrupt state",
    ("net", "init"): "the stack starts at boot",
    ("net", "sync"): "socket locks and wait queues",
    ("net", "proc"): "blocking calls sleep; credentials",
    ("net", "mm"): "socket calls copy to user memory",
    ("net", "time"): "lwIP's timers",
    ("net", "fs"): "a socket is a file",
    ("net", "random"): "ephemeral ports and DHCP's ids are random",
    ("syscalls", "lib"): "strings",
    ("syscalls", "log"): "strace prints every call",
    ("syscalls", "arch-api"): "the saved user registers",
    ("syscalls", "init"): "the tracer registers an init call",
    ("syscalls", "sync"): "short locked sections around subsystem calls",
    ("syscalls", "proc"): "the process calls",
    ("syscalls", "mm"): "the memory calls, user copies",
    ("syscalls", "time"): "the clock calls",
    ("syscalls", "fs"): "the file calls",
    ("syscalls", "tty"): "ioctls of the terminal",
    ("syscalls", "net"): "the socket calls",
    ("syscalls", "random"): "getrandom",
    ("init", "lib"): "the command line",
    ("init", "log"): "the boot log",
    ("init", "arch-api"): "CPU set-up",
    ("init", "irq"): "interrupt set-up",
    ("init", "mm"): "memory set-up",
    ("init", "proc"): "the scheduler and the first process",
    ("init", "sync"): "self-tests of the locks",
    ("init", "time"): "the clock",
    ("init", "fs"): "the initramfs",
    ("init", "tty"): "the console",
    ("init", "syscalls"): "the system-call self-tests",
    ("init", "random"): "seeding",
}

LAYERS = {}
for (_src, _dst) in EDGES:
    LAYERS.setdefault(_src, set()).add(_dst)
LAYERS.setdefault("lib", set())  # pure: compiled and tested on the host


def rel(path):
    """path relative to the tree's root."""
    return os.path.relpath(path, ROOT)


def tracked(prefixes, exts):
    """Tracked (or new, not ignored) files under prefixes ending in exts."""
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"],
                         cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.split()
    return sorted(f for f in out if f.startswith(prefixes) and
                  f.endswith(exts) and os.path.isfile(os.path.join(ROOT, f)))


def last_chapter_sources():
    """The kernel sources the last chapter builds (from the Makefile)."""
    out = subprocess.run(["make", "-s", "print-srcs"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return set(out.split())


def resolved(text, chapter):
    """text with its CHAPTER guards resolved for the last chapter."""
    if "CHAPTER" not in text:
        return text
    proc = subprocess.run(["unifdef", "-DCHAPTER=%d" % chapter], input=text,
                          capture_output=True, text=True)
    return proc.stdout


def strip_comments(line, in_comment):
    """line without comments and string contents; (code, still_in_comment)."""
    out, i = [], 0
    while i < len(line):
        if in_comment:
            j = line.find("*/", i)
            if j < 0:
                return "".join(out), True
            i, in_comment = j + 2, False
        elif line.startswith("/*", i):
            in_comment, i = True, i + 2
        elif line.startswith("//", i):
            break
        elif line[i] in "\"'":
            q, i = line[i], i + 1
            while i < len(line) and line[i] != q:
                i += 2 if line[i] == "\\" else 1
            i += 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out), in_comment


# ---------------------------------------------------------------- measures


def duplicate_symbols(files, chapter):
    """Global functions defined in more than one file: {name: [files]}.

    Keel's style puts a function's name in column 0 with its return type
    on the line before, so a definition is a column-0 `name(` whose
    return-type line is not `static` and whose declaration ends in `{`.
    """
    seen = {}
    for f in files:
        if not f.endswith(".c"):
            continue
        lines = resolved(open(os.path.join(ROOT, f)).read(),
                         chapter).split("\n")
        for i, line in enumerate(lines):
            m = FUNC_DEF.match(line)
            if not m or i == 0 or "static" in lines[i - 1].split():
                continue
            if lines[i - 1].startswith(("#", " ", "}", "//", "/*", "*")) or \
                    not lines[i - 1].strip():
                continue
            for j in range(i, min(i + 12, len(lines))):
                if lines[j].rstrip().endswith(";"):
                    break
                if lines[j].startswith("{") or lines[j].rstrip().endswith("{"):
                    seen.setdefault(m.group(1), []).append(f)
                    break
    return {k: v for k, v in seen.items() if len(v) > 1}


def uncompiled(files, built):
    """Sources the last chapter does not build, and headers nobody includes."""
    dead = [f for f in files if f.endswith((".c", ".S")) and f not in built]
    included = set()
    for f in tracked(TREES + ("chapters/", "grading/", "user/"),
                     (".c", ".h", ".S", ".ld")):
        for line in open(os.path.join(ROOT, f), errors="replace"):
            m = INCLUDE.match(line)
            if m:
                included.add(m.group(1))
    for f in files:
        # lwIP's own sources (outside the tree) include the port's
        # headers: lwipopts.h, arch/cc.h and the C library's three
        if f.startswith("net/port/"):
            continue
        if f.endswith(".h") and not any(f.endswith("/" + h) for h in included):
            dead.append(f)
    return dead


def quoted_snippets():
    """(file, id) pairs the book quotes with @snippet."""
    quoted = set()
    book = os.path.join(ROOT, "book")
    for name in os.listdir(book):
        if name.endswith(".md"):
            for line in open(os.path.join(book, name)):
                m = re.search(r"@snippet\s+(\S+)\s+(\S+)", line)
                if m:
                    quoted.add((m.group(1), m.group(2)))
    return quoted


def guards(files):
    """Guards inside bodies and guards in quoted regions: two lists."""
    quoted = quoted_snippets()
    in_body, in_quote = [], []
    for f in files:
        if not f.endswith((".c", ".h")):
            continue
        depth, in_comment, open_snips = 0, False, set()
        for n, line in enumerate(open(os.path.join(ROOT, f)), 1):
            m = SNIPPET_MARK.match(line)
            if m:
                open_snips ^= {m.group(2)}
            if GUARD.match(line):
                where = "%s:%d" % (f, n)
                if depth > 0:
                    in_body.append(where)
                if any((s, i) in quoted for i in open_snips
                       for s in (f, f.split("/include/", 1)[-1])):
                    in_quote.append(where)
                continue
            if line.lstrip().startswith("#"):
                continue
            code, in_comment = strip_comments(line, in_comment)
            depth += code.count("{") - code.count("}")
    return in_body, in_quote


def layer_of_file(f):
    """The layer of a source file, by the longest folder prefix."""
    best = ""
    for prefix in FOLDER_LAYER:
        if f.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return FOLDER_LAYER.get(best)


def layer_of_header(h):
    """The layer that owns header h as spelled in an #include."""
    if h.startswith("uapi/"):
        return "uapi"
    if h in ("asm/io.h",):
        return "arch-io"
    if h.startswith("asm/"):
        return "arch"
    if h in HEADER_LAYER:
        return HEADER_LAYER[h]
    if h.startswith("fs/"):
        return "fs"
    if h.startswith(("net/", "lwip/", "netif/")):
        return "net"
    return None


def bad_edges(files):
    """Includes outside the layering table: ["file:line: a -> b (h)"]."""
    bad = []
    for f in files:
        src = layer_of_file(f)
        if src in (None, "uapi"):
            continue
        if f.startswith("kernel/include/kernel/"):
            src = HEADER_LAYER.get(f[len("kernel/include/"):], src)
        elif f.startswith("kernel/arch/x86_64/include/"):
            src = "arch"
        for n, line in enumerate(open(os.path.join(ROOT, f)), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            h = m.group(1)
            dst = layer_of_header(h)
            if h.startswith(("lwip/", "netif/")) and not f.startswith("net/"):
                bad.append("%s:%d: lwIP header %s outside net/" % (f, n, h))
                continue
            if dst is None:
                # a generated table (build/chNN/gen/*.inc) or a file
                # beside the includer belongs to the includer's layer
                if not h.endswith(".inc") and not os.path.exists(
                        os.path.join(os.path.dirname(
                            os.path.join(ROOT, f)), h)):
                    bad.append("%s:%d: %s belongs to no layer" % (f, n, h))
                continue
            if dst in (src, "base", "uapi"):
                continue
            # a boot self-test (NAME_test.c) beside the code it tests
            # uses the self-test harness and prints its findings
            if f.endswith("_test.c") and dst in ("init", "log"):
                continue
            if dst == "arch-io" and src in ("drivers", "arch"):
                continue
            if src == "arch" and dst == "arch-io":
                continue
            if dst not in LAYERS.get(src, set()):
                bad.append("%s:%d: %s may not include %s (%s)"
                           % (f, n, src, dst, h))
    return bad


def main(argv):
    """Print the measures; exit 1 if any is over its limit."""
    verbose = "--verbose" in argv
    chapter = int(subprocess.run(["make", "-s", "print-last-chapter"],
                                 cwd=ROOT, check=True, capture_output=True,
                                 text=True).stdout.strip())
    files = tracked(TREES, (".c", ".h", ".S"))
    dups = duplicate_symbols(files, chapter)
    dead = uncompiled(files, last_chapter_sources())
    in_body, in_quote = guards(files)
    edges = bad_edges(files)
    dups = ["%s: %s" % (name, ", ".join(where))
            for name, where in sorted(dups.items())]
    over = len(in_body) > GUARD_BUDGET
    # (what, the items, whether they fail the check, whether to list them)
    measures = [
        ("global symbols defined more than once", dups, bool(dups), True),
        ("files the last chapter does not build or include", dead,
         bool(dead), True),
        ("guards inside bodies (at most %d)" % GUARD_BUDGET, in_body, over,
         verbose or over),
        ("guards inside regions the book quotes", in_quote, bool(in_quote),
         True),
        ("include edges outside the layering table", edges, bool(edges),
         True),
    ]
    for what, items, fails, listed in measures:
        print("treecheck: %s: %d" % (what, len(items)))
        for item in items if listed else []:
            print("  " + item)
    return 1 if any(fails for _, _, fails, _ in measures) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
