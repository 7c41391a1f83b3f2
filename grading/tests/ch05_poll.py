"""Chapter 5 tests: poll and select on wait queues, sendfile, FIFOs.

Why these checks: a shell waiting for a pipeline, a server waiting for
several clients, a program with a timeout all sleep in poll or select; a
lost wake-up hangs them, a wrong mask makes them spin or miss data.
FIFOs are pipes found by name, with an open that waits for the other
end; sendfile is how cp and web servers copy without a user buffer.

Two boots serve the four groups: /init runs the programs below (and
/bin/hello) in a random order; folders the programs create have random
names. select, the exercise's group, has a boot of its own, so that a
select that hangs cannot cost the other groups their points. Linux is the oracle: each program's section of the console must
equal what the same binary prints on the host (grading/oracle.py), run
there with a fresh temporary folder instead of the guest's one.

  poll     (25)  `polltest poll`: poll and ppoll on pipes, /dev/null and a
                 regular file: the masks (IN, OUT, HUP, ERR, NVAL, RDNORM,
                 WRNORM), a sleep woken by a child's write or close, a
                 timeout, EINTR from a handler (also with SA_RESTART),
                 ppoll's mask put back after the handler, EFAULT, EINVAL,
                 the time left written back.
  select   (20)  exercise 5.3. `polltest select`: the same for select and
                 pselect6 (fd_set bits in and out, EBADF for a closed
                 descriptor, nfds cut down to the table, timeval carry).
  sendfile (15)  `sendfiletest DIR`: file to pipe, /dev/null and file;
                 offset pointer or the file's own; EBADF, ESPIPE, EINVAL,
                 EFAULT, EAGAIN.
  fifo     (20)  `fifotest DIR`: mkfifo, the open rendezvous of a reader
                 and a writer in two processes, O_NONBLOCK (ENXIO for a
                 writer alone), O_RDWR, end-of-file and POLLHUP when the
                 writers are gone, data that outlives neither end.
"""

import re
import secrets

from grading.gradelib import assert_equal, assert_true, boot, test, token
from grading import oracle
from grading.progtest import chapter_initrd, user_lines

# group -> (boot, program, arguments; "DIR" is replaced by a fresh
# folder name)
RUNS = {
    "poll": ("main", "polltest", ["poll"]),
    "select": ("select", "polltest", ["select"]),
    "sendfile": ("main", "sendfiletest", ["DIR"]),
    "fifo": ("main", "fifotest", ["DIR"]),
}

_BOOTS = {}  # boot -> {"runs": [(group, program, args)], "res": result}


def ordered_sections(text):
    """Init's transcript as a list of (program, its lines with init's
    line last), in the order the programs ran."""
    out, cur = [], []
    for line in text.splitlines():
        if line == "init: started":
            continue  # init's own first line, before any program's
        cur.append(line)
        m = re.match(r"init: /bin/(\w+) (exited|killed)", line)
        if m:
            out.append((m.group(1), cur))
            cur = []
    return out


def shared_boot(which):
    """Boot `which` once for all its groups: their programs and
    /bin/hello in a random order, each folder argument a fresh name
    under /."""
    if which in _BOOTS:
        return _BOOTS[which]["res"]
    runs = [(g, prog, ["/%s-%s" % (g, token(4))
                       if a == "DIR" else a for a in args])
            for g, (b, prog, args) in RUNS.items() if b == which]
    runs.append(("hello", "hello", []))
    secrets.SystemRandom().shuffle(runs)
    cmd = " ".join(",".join(["/bin/" + prog] + args) for _, prog, args in runs)
    res = boot("quiet -- " + cmd, timeout=240, initrd=chapter_initrd())
    _BOOTS[which] = {"runs": runs, "res": res}
    return res


def host_lines(prog, args):
    """What `prog args` prints on Linux, then init's line for it."""
    out, status = oracle.linux_run(prog, args)
    return (out + oracle.init_line("/bin/" + prog, status)).splitlines()


def group_matches(group):
    """The section of the program run for `group` equals Linux's."""
    which = RUNS[group][0]
    runs = _BOOTS[which]["runs"]
    index = [g for g, _, _ in runs].index(group)
    _, prog, args = runs[index]
    got = ordered_sections(user_lines())
    assert_true(index < len(got), "the run ended before /bin/%s %s "
                "finished (or before it started)\n  run ended: %s"
                % (prog, " ".join(args), _BOOTS[which]["res"].reason))
    name, lines = got[index]
    assert_equal(name, prog, "the programs ran in another order")
    assert_equal(lines, host_lines(prog, args),
                 "/bin/%s %s printed something else than on Linux:"
                 % (prog, " ".join(args)))


def _parent(fn, group):
    """Make fn's test inspect the boot that ran `group`'s program."""
    fn.test.result = shared_boot(RUNS[group][0])


@test(0, "poll")
def test_poll():
    """Boot (or share the boot of another group)."""
    _parent(test_poll, "poll")


@test(25, "poll: polltest poll equals Linux", parent=test_poll)
def test_poll_polltest():
    """poll and ppoll: masks, wake-ups, timeouts, signals, errors."""
    group_matches("poll")


@test(0, "select")
def test_select():
    """Boot (or share the boot of another group)."""
    _parent(test_select, "select")


@test(20, "select: polltest select equals Linux", parent=test_select)
def test_select_polltest():
    """select and pselect6: sets, wake-ups, timeouts, signals, errors."""
    group_matches("select")


@test(0, "sendfile")
def test_sendfile():
    """Boot (or share the boot of another group)."""
    _parent(test_sendfile, "sendfile")


@test(15, "sendfile: sendfiletest equals Linux", parent=test_sendfile)
def test_sendfile_sendfiletest():
    """Offsets, targets, errors."""
    group_matches("sendfile")


@test(0, "fifo")
def test_fifo():
    """Boot (or share the boot of another group)."""
    _parent(test_fifo, "fifo")


@test(20, "fifo: fifotest equals Linux", parent=test_fifo)
def test_fifo_fifotest():
    """The open rendezvous, O_NONBLOCK, EOF, poll on a FIFO."""
    group_matches("fifo")
