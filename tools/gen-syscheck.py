#!/usr/bin/env python3
"""tools/gen-syscheck.py: the bad-input checklist, generated from the table.

Every system call Keel implements (kernel/syscalls/syscall_64.tbl, chapter
not '-') and that takes arguments gets cases in user/syscheck.c (a call
without arguments has none to get wrong): one argument at a time is replaced
by bad values of its kind while the others keep a good value, so the
call reaches the check of that very argument. The kinds are the table's
own (how strace prints the argument):

  ptr   NULL, unmapped, a read-only page, a kernel address, non-canonical
  str   the same (the read-only page is the empty string), a string that
        runs into a guard page, one longer than PATH_MAX
  int   -1, a closed fd, a directory's fd, INT_MAX
  uint  0, ~0 (a length that wraps when added to its buffer), 2^31
  hex   0, every bit, bit 31
  oct   0, every bit

Linux answers each case first (recorded by `make oracle`); Keel must
answer the same errno and stay up. What this script knows that the table
does not is one good set of arguments per call (GOOD below): C
expressions over the fixtures user/syscheck.c sets up (descriptors at
fixed numbers, buffers followed by guard pages, paths in /tmp/sc). A
call the table implements and GOOD does not name is an error here, so a
new system call cannot join the kernel without joining the checklist;
SKIP says why the few calls left out are left out.

    gen-syscheck.py write     user/syscheck_cases.h from the table
    gen-syscheck.py check     fail when that file is not what it would write
"""
import importlib.util
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, "user/syscheck_cases.h")

spec = importlib.util.spec_from_file_location(
    "gensyscalls", os.path.join(TOP, "tools/gen-syscalls.py"))
gensyscalls = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gensyscalls)

KIND_CHAR = {"int": "i", "uint": "u", "hex": "x", "oct": "o", "ptr": "p",
             "str": "s"}

# calls left out, and why
SKIP = {
    "clone": "makes a process; fork's own tests cover it",
    "fork": "makes a process",
    "vfork": "makes a process",
    "execve": "replaces the program on success",
    "execveat": "replaces the program on success",
    "exit": "ends the caller: there is no answer to compare",
    "exit_group": "ends the caller: there is no answer to compare",
    "reboot": "one good argument too many and the machine is off",
}

# Calls whose answer is a number that differs from run to run or from
# kernel to kernel although both are right (a pid, a time, a log size):
# their successes print `ok`, not the number.
VARY = {"brk", "mmap", "mremap", "syslog", "times", "time", "getpgid",
        "getsid", "getcpu", "sched_getaffinity", "wait4",
        "waitid", "getrandom", "timer_getoverrun", "set_tid_address"}

# One good argument list per call: C expressions, see user/syscheck.c.
GOOD = {
    "read": "FD_RO, BUF, 16",
    "write": "FD_NULL, BUF, 16",
    "open": "PATH_FILE, O_RDONLY, 0",
    "close": "FD_SPARE",
    "stat": "PATH_FILE, BUF",
    "fstat": "FD_RO, BUF",
    "lstat": "PATH_LINK, BUF",
    "poll": "POLLFD, 1, 0",
    "lseek": "FD_RO, 0, SEEK_SET",
    "mmap": "0, 4096, PROT_READ, MAP_PRIVATE, FD_RO, 0",
    "mprotect": "SPARE, 4096, PROT_READ",
    "munmap": "SPARE, 4096",
    "brk": "0",
    "rt_sigaction": "SIGUSR1, ACT, BUF, 8",
    "rt_sigprocmask": "SIG_BLOCK, SET, BUF, 8",
    "ioctl": "FD_PR, FIONREAD, BUF",
    "pread64": "FD_RO, BUF, 16, 0",
    "pwrite64": "FD_RW, BUF, 16, 0",
    "readv": "FD_RO, IOV, 2",
    "writev": "FD_NULL, IOV, 2",
    "access": "PATH_FILE, R_OK",
    "pipe": "BUF",
    "select": "FD_NULL + 1, RSET, 0, 0, TV",
    "mremap": "SPARE, 4096, 8192, MREMAP_MAYMOVE, 0",
    "msync": "SPARE, 4096, MS_SYNC",
    "mincore": "SPARE, 4096, BUF",
    "madvise": "SPARE, 4096, MADV_NORMAL",
    "dup": "FD_RO",
    "dup2": "FD_RO, FD_SPARE",
    "nanosleep": "TS, BUF",
    "getitimer": "ITIMER_REAL, BUF",
    "alarm": "0",
    "setitimer": "ITIMER_REAL, ITV, BUF",
    "sendfile": "FD_NULL, FD_RO, OFF, 16",
    "socket": "AF_INET, SOCK_STREAM, 0",
    "connect": "FD_TCP, SIN_CLOSED, sizeof(struct sockaddr_in)",
    "accept": "FD_LISTEN, BUF, LEN",
    "sendto": "FD_UDP, BUF, 16, 0, SIN_UDP, sizeof(struct sockaddr_in)",
    "recvfrom": "FD_UDP, BUF, 16, MSG_DONTWAIT, BUF2, LEN",
    "sendmsg": "FD_UDP, MSG, 0",
    "recvmsg": "FD_UDP, MSG_IN, MSG_DONTWAIT",
    "shutdown": "FD_US, SHUT_WR",
    "bind": "FD_TCP, SIN_ANY, sizeof(struct sockaddr_in)",
    "listen": "FD_TCP, 5",
    "getsockname": "FD_UDP, BUF, LEN",
    "getpeername": "FD_US, BUF, LEN",
    "socketpair": "AF_UNIX, SOCK_STREAM, 0, BUF",
    "setsockopt": "FD_TCP, SOL_SOCKET, SO_REUSEADDR, OPTVAL, 4",
    "getsockopt": "FD_TCP, SOL_SOCKET, SO_TYPE, BUF, LEN",
    "wait4": "-1, BUF, WNOHANG, BUF2",
    "kill": "SELF, 0",
    "uname": "BUF",
    "fcntl": "FD_RO, F_SETFL, O_NONBLOCK",
    "fsync": "FD_RW",
    "fdatasync": "FD_RW",
    "truncate": "PATH_DATA, 64",
    "ftruncate": "FD_RW, 64",
    "getcwd": "BUF, 4096",
    "chdir": "PATH_DIR",
    "fchdir": "FD_DIR",
    "rename": "PATH_FILE, PATH_NEW",
    "mkdir": "PATH_NEW, 0755",
    "rmdir": "PATH_DIR",
    "creat": "PATH_NEW, 0644",
    "link": "PATH_FILE, PATH_NEW",
    "unlink": "PATH_FILE",
    "symlink": "PATH_FILE, PATH_NEW",
    "readlink": "PATH_LINK, BUF, 4096",
    "chmod": "PATH_FILE, 0644",
    "fchmod": "FD_RO, 0644",
    "chown": "PATH_FILE, 0, 0",
    "fchown": "FD_RO, 0, 0",
    "lchown": "PATH_LINK, 0, 0",
    "umask": "022",
    "gettimeofday": "BUF, 0",
    "getrlimit": "RLIMIT_NOFILE, BUF",
    "getrusage": "RUSAGE_SELF, BUF",
    "sysinfo": "BUF",
    "times": "BUF",
    "syslog": "3, BIG, 16",
    "setuid": "0",
    "setgid": "0",
    "setpgid": "0, 0",
    "setreuid": "-1, -1",
    "setregid": "-1, -1",
    "getgroups": "16, BUF",
    "setgroups": "1, GROUPS",
    "setresuid": "-1, -1, -1",
    "getresuid": "BUF, BUF2, BUF3",
    "setresgid": "-1, -1, -1",
    "getresgid": "BUF, BUF2, BUF3",
    "capget": "CAPHDR, BUF",
    "capset": "CAPHDR, CAPDATA",
    "getpgid": "0",
    "getsid": "0",
    "rt_sigpending": "BUF, 8",
    "rt_sigtimedwait": "SET, BUF, TS, 8",
    "rt_sigqueueinfo": "SELF, 0, SIGINFO",
    "rt_sigsuspend": "SET, 8",
    "sigaltstack": "SS, BUF",
    "utime": "PATH_FILE, UTB",
    "mknod": "PATH_FIFO, S_IFIFO | 0644, 0",
    "statfs": "PATH_DIR, BUF",
    "fstatfs": "FD_DIR, BUF",
    "getpriority": "PRIO_PROCESS, 0",
    "setpriority": "PRIO_PROCESS, 0, 0",
    "prctl": "PR_GET_NAME, BUF, 0, 0, 0",
    "arch_prctl": "ARCH_GET_FS, BUF",
    "setrlimit": "RLIMIT_CORE, RLIM",
    "mount": "NAME, PATH_MNT, FSTYPE, 0, 0",
    "umount2": "PATH_MNT, 0",
    "sethostname": "NAME, 4",
    "setdomainname": "NAME, 4",
    "tkill": "SELF, 0",
    "time": "BUF",
    "sched_setaffinity": "0, 8, CPUSET",
    "sched_getaffinity": "0, 8, BUF",
    "epoll_create": "1",
    "getdents64": "FD_DIR, BUF, 4096",
    "set_tid_address": "BUF",
    "timer_create": "CLOCK_MONOTONIC, SIGEV, BUF",
    "timer_settime": "TIMER, 0, ITS, BUF",
    "timer_gettime": "TIMER, BUF",
    "timer_getoverrun": "TIMER",
    "timer_delete": "TIMER",
    "clock_gettime": "CLOCK_MONOTONIC, BUF",
    "clock_getres": "CLOCK_MONOTONIC, BUF",
    "clock_nanosleep": "CLOCK_MONOTONIC, 0, TS, BUF",
    "epoll_wait": "FD_EP, BUF, 4, 0",
    "epoll_ctl": "FD_EP, EPOLL_CTL_ADD, FD_PR, EPEV",
    "tgkill": "SELF, SELF, 0",
    "utimes": "PATH_FILE, TV2",
    "waitid": "P_ALL, 0, BUF, WEXITED | WNOHANG, BUF2",
    "openat": "FD_DIR, REL_FILE, O_RDONLY, 0",
    "mkdirat": "FD_DIR, REL_NEW, 0755",
    "mknodat": "FD_DIR, REL_FIFO, S_IFIFO | 0644, 0",
    "fchownat": "FD_DIR, REL_FILE, 0, 0, 0",
    "futimesat": "FD_DIR, REL_FILE, TV2",
    "newfstatat": "FD_DIR, REL_FILE, BUF, 0",
    "unlinkat": "FD_DIR, REL_NONE, 0",
    "renameat": "FD_DIR, REL_NONE, FD_DIR, REL_NEW",
    "linkat": "FD_DIR, REL_FILE, FD_DIR, REL_NEW, 0",
    "symlinkat": "PATH_FILE, FD_DIR, REL_NEW",
    "readlinkat": "FD_DIR, REL_LINK, BUF, 4096",
    "fchmodat": "FD_DIR, REL_FILE, 0644",
    "faccessat": "FD_DIR, REL_FILE, R_OK",
    "pselect6": "FD_NULL + 1, RSET, 0, 0, TS0, 0",
    "ppoll": "POLLFD, 1, TS0, 0, 8",
    "set_robust_list": "BUF, 24",
    "get_robust_list": "0, BUF, BUF2",
    "utimensat": "FD_DIR, REL_FILE, TS2, 0",
    "epoll_pwait": "FD_EP, BUF, 4, 0, 0, 8",
    "signalfd": "-1, SET, 8",
    "timerfd_create": "CLOCK_MONOTONIC, 0",
    "eventfd": "0",
    "timerfd_settime": "FD_TFD, 0, ITS, BUF",
    "timerfd_gettime": "FD_TFD, BUF",
    "accept4": "FD_LISTEN, BUF, LEN, 0",
    "signalfd4": "-1, SET, 8, 0",
    "eventfd2": "0, 0",
    "epoll_create1": "0",
    "dup3": "FD_RO, FD_SPARE, 0",
    "pipe2": "BUF, 0",
    "preadv": "FD_RO, IOV, 2, 0",
    "pwritev": "FD_RW, IOV, 2, 0",
    "rt_tgsigqueueinfo": "SELF, SELF, 0, SIGINFO",
    "prlimit64": "0, RLIMIT_CORE, 0, BUF",
    "syncfs": "FD_RO",
    "getcpu": "BUF, BUF2, 0",
    "renameat2": "FD_DIR, REL_NONE, FD_DIR, REL_NEW, 0",
    "getrandom": "BUF, 16, 0",
    "memfd_create": "NAME, 0",
    "statx": "FD_DIR, REL_FILE, 0, 0x7ff, BUF",
    "faccessat2": "FD_DIR, REL_FILE, R_OK, 0",
    "epoll_pwait2": "FD_EP, BUF, 4, TS0, 0, 8",
}


def cases():
    """(call, [good expressions]) for every implemented call not in SKIP,
    in number order; exits naming what GOOD lacks or has too much."""
    out, errors, named = [], [], set()
    for c in gensyscalls.parse():
        if c.chapter is None:
            continue
        named.add(c.name)
        if c.name in SKIP:
            continue
        if c.name not in GOOD:
            if c.args:
                errors.append("%s (chapter %d) has no good arguments in "
                              "GOOD, and no reason in SKIP" % (c.name,
                                                               c.chapter))
            continue
        good = [a.strip() for a in GOOD[c.name].split(",")] if GOOD[
            c.name] else []
        if len(good) != len(c.args):
            errors.append("%s: GOOD has %d arguments, the table %d"
                          % (c.name, len(good), len(c.args)))
            continue
        out.append((c, good))
    for name in sorted(set(GOOD) - named):
        errors.append("%s is in GOOD but not implemented" % name)
    if errors:
        sys.exit("gen-syscheck.py: " + "\n  ".join(errors))
    return out


def render():
    """The text of user/syscheck_cases.h."""
    lines = [
        "/*",
        " * syscheck_cases.h: the calls of the bad-input checklist and one",
        " * good argument list for each. Generated by tools/gen-syscheck.py",
        " * from kernel/syscalls/syscall_64.tbl: do not edit; run",
        " * `python3 tools/gen-syscheck.py write` after changing the table.",
        " */",
        "",
        "/* The calls: number, name, chapter, argument kinds, flags. */",
        "static const struct sc_call sc_calls[] = {",
    ]
    table = cases()
    for c, _ in table:
        kinds = "".join(KIND_CHAR[a] for a in c.args)
        flags = "SC_VARY" if c.name in VARY else "0"
        lines.append('    {%d, "%s", %d, "%s", %s},'
                     % (c.nr, c.name, c.chapter, kinds, flags))
    lines += ["};", "",
              "/* The good arguments of sc_calls[i] into a[]. */",
              "static void",
              "sc_good(int i, long a[6])",
              "{",
              "    switch (i) {"]
    for i, (c, good) in enumerate(table):
        lines.append("    case %d: /* %s */" % (i, c.name))
        lines += ["        a[%d] = (long)(%s);" % (j, g)
                  for j, g in enumerate(good)]
        lines.append("        break;")
    lines += ["    }", "}", ""]
    return clang_format("\n".join(lines))


def clang_format(text):
    """text as the project's .clang-format lays it out (`make check`
    holds the generated file to it like any other)."""
    try:
        out = subprocess.run(["clang-format", "--assume-filename=" + OUT],
                             input=text, capture_output=True, text=True,
                             check=True, cwd=TOP)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("gen-syscheck.py: clang-format failed (`make deps` "
                 "installs it): %s" % e)
    return out.stdout


def main(argv):
    if len(argv) != 2 or argv[1] not in ("write", "check"):
        sys.exit("usage: gen-syscheck.py write|check")
    text = render()
    if argv[1] == "write":
        old = open(OUT).read() if os.path.exists(OUT) else None
        if old != text:
            with open(OUT, "w") as f:
                f.write(text)
        return
    old = open(OUT).read() if os.path.exists(OUT) else ""
    if old != text:
        sys.exit("user/syscheck_cases.h is not what tools/gen-syscheck.py "
                 "writes from the table: run `python3 tools/gen-syscheck.py "
                 "write`")


if __name__ == "__main__":
    main(sys.argv)
