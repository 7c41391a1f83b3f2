"""Chapter 5 tests: device files (devfs) and /proc (procfs).

Why these checks: every script redirects to /dev/null and reads
/dev/urandom, and the process tools (ps, top, free, uptime, mount, df,
dmesg) are programs that parse /proc and /dev/kmsg by position and field
name: a device with the wrong number or a field out of place shows up as
nonsense, not as an error. Linux is the oracle where the output can be
the same on any machine (user/devtest.c and user/procfstest.c print only
comparisons, never pids or sizes); the tools' output depends on the
machine, so its format and the lines the test can know are checked.

Groups (85 points), each one boot of the chapter's initramfs:

  devices  (20)  user/devtest.c: stat of /dev/null, zero, full, random,
                 urandom, tty, kmsg, console (type, major:minor, mode),
                 reads and writes of null, zero, full (ENOSPC), urandom;
                 the links /dev/fd, stdin, stdout, stderr; compared with
                 the host. In the `ps` boot, on Keel only (the script's
                 last section): a node made by mknod for a number without
                 a driver opens with ENXIO, one for 1:5 reads zeros; a
                 line written to /dev/kmsg comes back in Linux's
                 `prio,seq,usec,-;text` record format.
  procfs   (25)  user/procfstest.c: /proc/self/status, statm, cmdline,
                 environ, comm, the links exe, cwd, fd/N (and opening a
                 file through one), maps, a child's directory while alive,
                 a zombie, and gone; meminfo, uptime, loadavg, stat,
                 mounts, filesystems, version, cpuinfo; compared with the
                 host.
  pid-stat (10)  exercise 5.2. `procfstest stat`: /proc/<pid>/stat of
                 itself and of a child (sleeping, zombie, gone); compared
                 with the host.
  ps       (10)  exercise 5.2 too (ps and top read /proc/<pid>/stat).
                 /test/proctools.sh: BusyBox ps lists init as pid 1 and a
                 background `sleep 500 TOKEN` with its pid; ps -o shows
                 its parent and state; top -b -n 1 prints its summary and
                 the process lines.
  tools    (20)  the same boot's free, uptime, mount, df, dmesg: headers
                 and lines in BusyBox's formats with plausible numbers;
                 /proc/PID/task; a second devtmpfs and procfs mounted
                 elsewhere, unmounted.
"""

import re
import secrets

from grading.gradelib import (assert_status, assert_true, boot, expect, result,
                              test, token)
from grading.progtest import chapter_initrd, program_matches


def run_programs(words):
    """Boot with init running `words` and /bin/hello in a random order."""
    order = ["/bin/%s" % w for w in words + ["hello"]]
    secrets.SystemRandom().shuffle(order)
    boot("quiet -- %s" % " ".join(order), timeout=180,
         initrd=chapter_initrd())
    return order


# ----------------------------------------------------------------- devices

DEV_ORDER = []


@test(0, "devices")
def test_devices():
    """Boot; init runs devtest and hello."""
    DEV_ORDER[:] = run_programs(["devtest"])


@test(12, "devices: nodes, numbers, modes, reads and writes equal Linux",
      parent=test_devices)
def test_devices_nodes():
    """stat of each node; null, zero, full, urandom semantics; links."""
    program_matches("devtest", DEV_ORDER)
    expect(r"init: all done")
    assert_status(0)


# ------------------------------------------------------------------ procfs

PROC_TOKEN = token()
PROC_ORDER = []


@test(0, "procfs")
def test_procfs():
    """Boot; init runs `procfstest pf-TOKEN TOKEN` and hello."""
    PROC_ORDER[:] = run_programs(["procfstest,pf-%s,%s"
                                  % (PROC_TOKEN, PROC_TOKEN)])


@test(25, "procfs: /proc/self, a child's directory, the system files "
      "equal Linux", parent=test_procfs)
def test_procfs_files():
    """status, statm, cmdline, environ, comm, exe, cwd, fd/N, maps,
    /proc/<pid> appearing and disappearing, meminfo ... cpuinfo."""
    program_matches("procfstest", PROC_ORDER)


# ---------------------------------------------------------------- pid-stat

STAT_ORDER = []


@test(0, "pid-stat", name="pid-stat")
def test_pid_stat():
    """Boot; init runs `procfstest stat TOKEN` and hello."""
    STAT_ORDER[:] = run_programs(["procfstest,stat,%s" % token()])


@test(10, "pid-stat: /proc/<pid>/stat equals Linux's (exercise 5.2)",
      parent=test_pid_stat)
def test_pid_stat_fields():
    """52 fields; comm, state, parent, group, session of itself and a
    child that sleeps, becomes a zombie and is reaped."""
    program_matches("procfstest", STAT_ORDER)


# ------------------------------------------------------ ps and the tools

TOOLS_TOKEN = str(secrets.SystemRandom().randint(10, 99))


def tool_section(name):
    """Lines of section `== name` of proctools.sh's output."""
    out, cur = {}, None
    for line in result().output.replace("\r", "").splitlines():
        m = re.match(r"^== (\S+)(?: (\S+))?$", line)
        if m:
            cur = m.group(1)
            out.setdefault(cur, [])
        elif cur is not None:
            out[cur].append(line)
    assert_true(name in out, "no `== %s` line: the script did not get "
                "there\n  run ended: %s" % (name, result().reason))
    return out[name]


def bg_pid():
    """The pid of the script's background sleep (its `bg PID` line)."""
    m = re.search(r"^bg (\d+)\r?$", result().output, re.M)
    assert_true(m is not None, "no `bg PID` line")
    return m.group(1)


def has_line(lines, pattern, what):
    """Some line of `lines` matches `pattern`."""
    rx = re.compile(pattern)
    assert_true(any(rx.search(ln) for ln in lines), "%s: no line matches "
                "/%s/ in:\n  %s" % (what, pattern, "\n  ".join(lines)))


@test(0, "ps")
def test_ps():
    """Boot; init runs `/bin/sh /test/proctools.sh TOKEN`."""
    boot("quiet -- /bin/sh,/test/proctools.sh,%s" % TOOLS_TOKEN,
         timeout=240, initrd=chapter_initrd())
    expect(r"^== start %s\r?$" % TOOLS_TOKEN)


@test(5, "ps: init, the background sleep, ps itself", parent=test_ps)
def test_ps_list():
    """`PID USER TIME COMMAND`; 1 root ... /init; PID root ... sleep 500
    TOKEN (the pid the shell printed)."""
    lines = tool_section("ps")
    has_line(lines, r"^\s*PID\s+USER\s+TIME\s+COMMAND$", "ps header")
    has_line(lines, r"^\s*1 root\s+\d+:\d\d /init\b", "ps: init")
    has_line(lines, r"^\s*%s root\s+\d+:\d\d sleep 500 %s$"
             % (bg_pid(), TOOLS_TOKEN), "ps: the background sleep")
    has_line(lines, r"^\s*\d+ root\s+\d+:\d\d ps$", "ps: ps itself")


@test(3, "ps: ps -o pid,ppid,stat,comm,args", parent=test_ps)
def test_ps_o():
    """The sleep's parent is the shell, its state S (or R: Keel's
    nanosleep wakes every tick to look for signals)."""
    lines = tool_section("ps-o")
    has_line(lines, r"^\s*PID\s+PPID\s+STAT\s+COMMAND\s+COMMAND$",
             "ps -o header")
    has_line(lines, r"^\s*%s\s+\d+\s+[RS]\s+sleep\s+sleep 500 %s$"
             % (bg_pid(), TOOLS_TOKEN), "ps -o: the sleep")


@test(2, "ps: top -b -n 1, summary and process lines", parent=test_ps)
def test_top():
    """Mem:, CPU:, Load average: lines, the header, the sleep."""
    lines = tool_section("top")
    has_line(lines, r"^Mem: \d+K used, \d+K free, \d+K shrd, \d+K buff, "
             r"\d+K cached$", "top: Mem")
    has_line(lines, r"^CPU:\s+\d+(\.\d)?% usr", "top: CPU")
    has_line(lines, r"^Load average: \d+\.\d\d \d+\.\d\d \d+\.\d\d "
             r"\d+/\d+ \d+$", "top: load")
    has_line(lines, r"^\s*PID\s+PPID\s+USER\s+STAT\s+VSZ\s+%VSZ\s+"
             r"(CPU\s+)?%CPU\s+COMMAND$", "top: header")
    has_line(lines, r"^\s*%s\s+\d+\s+root\s+[RS]\s+\d+\S*(\s+\S+){2,3}\s+"
             r"sleep 500 %s$" % (bg_pid(), TOOLS_TOKEN), "top: the sleep")


@test(3, "tools: free", parent=test_ps)
def test_tools_free():
    """The header, `Mem:` with total = used + free + buff/cache, `Swap:`."""
    lines = tool_section("free")
    has_line(lines, r"^\s+total\s+used\s+free\s+shared\s+buff/cache\s+"
             r"available$", "free header")
    mem = [ln.split() for ln in lines if ln.startswith("Mem:")]
    assert_true(len(mem) == 1 and len(mem[0]) == 7,
                "free: no `Mem:` line of 6 numbers:\n" + "\n".join(lines))
    total, used, free, _, cache, _ = (int(x) for x in mem[0][1:])
    assert_true(total > 0 and total == used + free + cache,
                "free: total != used + free + buff/cache: %s" % mem[0])
    has_line(lines, r"^Swap:\s+0\s+0\s+0$", "free: Swap")


@test(3, "tools: uptime", parent=test_ps)
def test_tools_uptime():
    """`HH:MM:SS up ..., load average: a.bc, d.ef, g.hi`."""
    has_line(tool_section("uptime"), r"^\s*\d\d:\d\d:\d\d up .*load "
             r"average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$", "uptime")


@test(3, "tools: mount", parent=test_ps)
def test_tools_mount():
    """The root tmpfs, devtmpfs on /dev, proc on /proc (init's)."""
    lines = tool_section("mount")
    has_line(lines, r"^\S+ on / type tmpfs \(rw", "mount: /")
    has_line(lines, r"^\S+ on /dev type devtmpfs \(rw", "mount: /dev")
    has_line(lines, r"^proc on /proc type proc \(rw", "mount: /proc")


@test(3, "tools: df", parent=test_ps)
def test_tools_df():
    """The header and /dev's line (df leaves out "rootfs", the root of
    an initramfs system, on Linux too)."""
    lines = tool_section("df")
    has_line(lines, r"^Filesystem\s+1K-blocks\s+Used\s+Available\s+Use%\s+"
             r"Mounted on$", "df header")
    has_line(lines, r"^devtmpfs\s+[1-9]\d*\s+\d+\s+\d+\s+\d+%\s+/dev$",
             "df: /dev")


@test(3, "tools: dmesg", parent=test_ps)
def test_tools_dmesg():
    """The kernel's first lines, with time stamps, levels stripped."""
    lines = tool_section("dmesg")
    has_line(lines, r"^\[\s*\d+\.\d{6}\] Keel \S+ \(chapter \d+\) booting$",
             "dmesg: the banner")
    expect(r"^== end %s\r?$" % TOOLS_TOKEN)
    assert_status(0)


@test(2, "tools: /proc/PID/task lists the process's one thread",
      parent=test_ps)
def test_tools_task():
    """ls /proc/PID/task of the background sleep: its pid, one entry."""
    lines = tool_section("task")
    assert_true(lines[:2] == [bg_pid(), "1"], "/proc/PID/task: expected "
                "`%s` and `1`, got:\n  %s" % (bg_pid(), "\n  ".join(lines)))


@test(3, "tools: mount -t devtmpfs and -t proc elsewhere", parent=test_ps)
def test_tools_remount():
    """A second devtmpfs has the devices, a second procfs the processes;
    both unmount."""
    lines = tool_section("remount")
    has_line(lines, r"^crw-rw-rw-\s+1 root\s+root\s+1,\s+3 .* /pt-dev-%s/null$"
             % TOOLS_TOKEN, "ls -l of null in a new devtmpfs")
    has_line(lines, r"^cat$", "cat of self/comm in a new procfs")
    has_line(lines, r"^unmounted$", "umount of both")


@test(4, "devices: mknod'ed nodes: ENXIO without a driver, 1:5 is zero",
      parent=test_ps)
def test_devices_nxio():
    """A character device is found by its number, wherever its node is."""
    lines = "\n".join(tool_section("devices"))
    assert_true("mknod: ok 240,7" in lines, "mknod of 240:7 failed:\n"
                + lines)
    assert_true("open unknown device: ENXIO" in lines,
                "open of a node without a driver is not ENXIO:\n" + lines)
    assert_true("zero made by mknod: read 1 byte 0" in lines,
                "a node 1:5 made by mknod does not read zeros:\n" + lines)


@test(4, "devices: /dev/kmsg records (write, read back, EINVAL, EAGAIN)",
      parent=test_ps)
def test_devices_kmsg():
    """The written line is a record `5,seq,usec,-;devtest-TOKEN`."""
    lines = "\n".join(tool_section("devices"))
    for want in ("kmsg write: %d" % len("<5>devtest devtest-%s\n"
                                        % TOOLS_TOKEN),
                 "kmsg read: records many, end EAGAIN, token found",
                 "kmsg small buffer: EINVAL"):
        assert_true(want in lines, "missing `%s`:\n%s" % (want, lines))
