"""Chapter 6 tests: the second console, the VGA screen and the PS/2
keyboard as the terminal /dev/tty1.

Why these checks: a lecture demo runs on the screen of a QEMU window, and
everything a person types there goes through code the serial console
never uses: the keyboard's scan codes (shift, caps lock, ctrl, the arrow
keys' escape sequences) and a terminal emulator that must draw what vi
and top write (cursor motion, erasing, reverse video, scrolling). A
decoder that forgets shift, or an emulator that wraps one column early,
makes a screen nobody can work on, and a serial-console test cannot see
it.

One boot, with `vtshell` on the command line so init starts a second
login shell on /dev/tty1. The grader types at that shell on the machine's
keyboard (QEMU's send-key, through its QMP socket: the keys travel as
scan codes through the 8042 and IRQ 1), and reads the screen back from
the serial shell with `cat /dev/vcs1` (Linux's screen device: the
characters of the screen, row after row) once the screen shows what the
step waits for.

  vt      (20)  typed at the screen's shell:
                keys   (5)  `tty` names /dev/tty1; `echo $((6*7))` and
                            caps lock give `42 ABCdef` (shifted symbols,
                            caps lock); the up arrow recalls a line
                            (ash's history through ESC [ A);
                ctrl-c (5)  ^C ends a foreground `sleep` (status 130);
                vi     (5)  vi draws its screen (the ~ lines and the
                            status line in their rows), inserts a line,
                            saves it, and the file holds it;
                top    (5)  top draws its header and process table in
                            the right rows, and q gives the shell back.
  vt100   (13)  escape sequences written to /dev/tty1 from the serial
                shell land where Linux's console puts them, read back
                with their colours from /dev/vcsa1 (Linux's answer is
                recorded in ch06_vt100.linux by grading/linux_vt.py,
                which boots Debian's kernel with this initramfs):
                cursor (4)  ESC [ r;c H, ESC [ n D, ESC [ K, the pending
                            wrap in the last column, CR, ESC [ n @;
                attrs  (3)  bold red, reverse video and the reset as VGA
                            attribute bytes;
                region (3)  a scrolling region scrolls only its rows;
                            vcsa's header gives 25 rows, 80 columns and
                            the cursor;
                linux  (3)  every cell and colour byte equals Linux's.

Python 3 standard library only.
"""

import re

from grading.gradelib import (assert_equal, assert_true, boot, children,
                              expect, expect_not, fail, result, test, token)
from grading.progtest import chapter_initrd
from tools.keelqemu import Keys

ROWS, COLS = 25, 80
PROMPT = r"keel:/# "

# Random markers: the screen shows a typed `echo A""B` as typed and its
# output as AB, so a wait for the output never matches the typing.
M = {k: token(3) for k in ("hist", "run", "vi", "done")}


def said(key):
    """What `echo X""Y` types for marker key (the output is X + Y)."""
    return '%s""%s' % (M[key][:3], M[key][3:])


def wait_screen(pattern, step):
    """Serial-shell line: wait until the screen shows pattern (a grep
    regex), then print ready-STEP."""
    return "w '%s' %s\r" % (pattern, step)


def dump(name):
    """Serial-shell line: print the screen between markers."""
    return ('echo S""CR-%s; cat /dev/vcs1; echo; echo E""CR-%s\r'
            % (name, name))


# The serial shell's helper: poll the screen (no sleeping past the point).
HELPER = ('w(){ n=0; until grep -q "$1" /dev/vcs1; do n=$((n+1)); '
          '[ $n -gt 120 ] && break; sleep 1; done; echo ready-$2; }\r')

VT100 = ("\\033[2J\\033[H\\033[3;5HXY\\033[1;31mR\\033[0m\\033[7mV\\033[m"
         "\\033[6;1Habcdef\\033[3D\\033[K\\033[8;78Hwrap"
         "\\033[10;80HZ\\033[DQ\\033[12;1Hline1\\rL\\033[13;1Hins\\033[13;1H\\033[2@"
         "\\033[15;17r\\033[17;1HS1\\nS2\\033[r\\033[20;3H")

STEPS = [
    (PROMPT, HELPER),
    (r"\n[^\n]*" + PROMPT, wait_screen(":/# ", "A")),
    (r"ready-A", Keys("tty; echo $((6*7)) {caps_lock}abc{caps_lock}def\n")),
    (None, wait_screen("42 ABCdef", "B")),
    (r"ready-B", Keys("echo %s\n{up}\n" % said("hist"))),
    (None, wait_screen("%s.*%s" % (M["hist"], M["hist"]), "C")),
    (r"ready-C", Keys("sh -c 'echo %s; exec sleep 100'\n" % said("run"))),
    (None, wait_screen(M["run"], "D")),
    (r"ready-D", Keys("{ctrl-c}")),
    (None, wait_screen("\\^C", "E")),
    (r"ready-E", Keys("echo st=$?\n")),
    (None, wait_screen("st=[0-9]", "F")),
    (r"ready-F", dump("keys")),
    (r"ECR-keys", Keys("vi /tmp/vt\n")),
    (None, wait_screen("~   ", "G")),
    (r"ready-G", dump("vi")),
    (r"ECR-vi", Keys("iHello %s{esc}:wq\n" % M["vi"])),
    (None, wait_screen("%s.*:/# *$" % M["vi"], "H")),
    (r"ready-H", "cat /tmp/vt; echo %s\r" % said("done")),
    (M["done"], Keys("top\n")),
    (None, wait_screen("PPID", "I")),
    (r"ready-I", dump("top")),
    (r"ECR-top", Keys("q")),
    (None, wait_screen(":/# *$", "J")),
    (r"ready-J", dump("end")),
    (r"ECR-end", "printf '%s' > /dev/tty1; echo S\"\"CR-vcsa; "
     "od -An -tu1 -v /dev/vcsa1; echo E\"\"CR-vcsa\r" % VT100),
    (r"ECR-vcsa", "exit\r"),
]


@test(0, "vt")
def test_vt():
    """Boot with a shell on the screen; type at it on the keyboard."""
    boot("quiet vtshell", timeout=240, initrd=chapter_initrd(), input=STEPS)


def screen(name):
    """The rows of screen dump `name` (a list of ROWS strings)."""
    m = re.search(r"SCR-%s\r?\n(.*?)\r?\nECR-%s" % (name, name),
                  result().output, re.S)
    if m is None:
        fail("no screen dump %r on the console (the screen never showed "
             "what the step waited for?)" % name)
    text = m.group(1)
    assert_equal(len(text), ROWS * COLS,
                 "/dev/vcs1 holds %d characters (%dx%d)" % (ROWS * COLS,
                                                           ROWS, COLS))
    return [text[i:i + COLS] for i in range(0, len(text), COLS)]


def row_with(rows, pattern):
    """The index of the first row matching pattern, or fail."""
    for i, r in enumerate(rows):
        if re.search(pattern, r):
            return i
    fail("no screen row matches /%s/; the screen was:\n%s"
         % (pattern, "\n".join(r.rstrip() for r in rows)))


def check_keys():
    rows = screen("keys")
    row_with(rows, r"^/dev/tty1 *$")
    row_with(rows, r"^42 ABCdef *$")
    hist = [r for r in rows if re.match(r"^%s *$" % M["hist"], r)]
    assert_equal(len(hist), 2, "the line recalled with the up arrow ran "
                 "again: its output twice")


def check_ctrl_c():
    rows = screen("keys")
    i = row_with(rows, r"^%s *$" % M["run"])
    j = row_with(rows, r"^st=130 *$")
    assert_true(i < j, "st=130 after the job's output")


def check_vi():
    rows = screen("vi")
    tildes = [i for i, r in enumerate(rows) if r.startswith("~ ")]
    assert_true(len(tildes) >= 20, "vi draws ~ on the empty rows (got %d)"
                % len(tildes))
    assert_true(re.search(r"/tmp/vt", rows[ROWS - 1]) is not None,
                "vi's status line is the bottom row: %r" % rows[-1].rstrip())
    expect([r"^Hello %s\r?$" % M["vi"], M["done"]])


def check_top():
    rows = screen("top")
    assert_true(rows[0].startswith("Mem:"), "top's first row is Mem: (got "
                "%r)" % rows[0].rstrip())
    assert_true(rows[1].startswith("CPU:"), "top's second row is CPU:")
    i = row_with(rows, r"^ *PID +PPID")
    assert_true(i in (3, 4), "the process table's header is row 4 or 5")
    end = [r for r in screen("end") if r.strip()]
    assert_true(end and re.search(r":/# *$", end[-1]) is not None,
                "after q the shell's prompt is the last line")


VT_TESTS = [
    ("keys", 5, "keys: shift, caps lock, the up arrow",
     "tty names /dev/tty1; $((6*7)) typed with shift and caps lock; the "
     "up arrow recalls the last line.", check_keys),
    ("ctrl-c", 5, "^C on the keyboard ends the foreground job",
     "sleep started from the screen's shell ends on ^C, status 130.",
     check_ctrl_c),
    ("vi", 5, "vi draws its screen, edits and saves",
     "vi's ~ rows and status line; the line inserted is in the file.",
     check_vi),
    ("top", 5, "top draws its screen and quits on q",
     "top's summary rows and process table in their rows.", check_top),
]
children(test_vt, VT_TESTS,
         lambda key, fn: (fn(), expect_not(r"EXCEPTION|KERNEL PANIC")))


def vcsa():
    """(header, cells) from the od dump of /dev/vcsa1: cells[r][c] is
    (character, attribute)."""
    m = re.search(r"SCR-vcsa\r?\n(.*?)ECR-vcsa", result().output, re.S)
    if m is None:
        fail("no /dev/vcsa1 dump on the console")
    body = m.group(1)
    nums = [int(x) for x in re.findall(r"\b\d+\b", body)]
    if len(nums) < 4 + 2 * ROWS * COLS:
        fail("/dev/vcsa1 gave %d bytes, not %d" % (len(nums),
                                                   4 + 2 * ROWS * COLS))
    cells = nums[4:4 + 2 * ROWS * COLS]
    grid = [[(chr(cells[2 * (r * COLS + c)]), cells[2 * (r * COLS + c) + 1])
             for c in range(COLS)] for r in range(ROWS)]
    return nums[:4], grid


def text(grid, r):
    """Row r's characters, trailing blanks removed."""
    return "".join(ch for ch, _ in grid[r]).rstrip()


def check_cursor():
    _, g = vcsa()
    assert_equal(text(g, 2), "    XYRV", "ESC[3;5H then XY")
    assert_equal(text(g, 5), "abc", "ESC[3D then ESC[K erase the rest")
    assert_equal(text(g, 7), " " * 77 + "wra", "the last column waits")
    assert_equal(text(g, 8), "p", "...and the next character wraps")
    assert_equal(text(g, 9), " " * 78 + "QZ", "a cursor motion after the "
                 "last column starts from it, not from the next row")
    assert_equal(text(g, 11), "Line1", "CR goes to column 1")
    assert_equal(text(g, 12), "  ins", "ESC[2@ inserts two blanks")


def check_attrs():
    _, g = vcsa()
    assert_equal(g[2][4][1], 0x07, "plain: grey on black")
    assert_equal(g[2][6][1], 0x0c, "ESC[1;31m: bright red on black")
    assert_equal(g[2][7][1], 0x70, "ESC[7m: black on grey")
    assert_equal(g[5][0][1], 0x07, "ESC[m resets")


def check_region():
    head, g = vcsa()
    assert_equal(text(g, 15), "S1", "the region scrolled up one row")
    assert_equal(text(g, 16), "S2", "the new line at the region's bottom")
    assert_equal(text(g, 13), "", "rows above the region stay")
    assert_equal(head, [ROWS, COLS, 2, 19], "vcsa header: rows, columns, "
                 "cursor column, cursor row")


def check_linux():
    """Every cell and colour byte as Linux's console left them."""
    from pathlib import Path
    from grading.linux_vt import RECORDING, parse_screen
    head, g = vcsa()
    want = parse_screen(Path(RECORDING).read_text())
    assert_equal(head, want[:4], "the header, as on Linux")
    diffs = []
    for r in range(ROWS):
        for c in range(COLS):
            i = 4 + 2 * (r * COLS + c)
            if (ord(g[r][c][0]), g[r][c][1]) != (want[i], want[i + 1]):
                diffs.append("row %d col %d: got %r/%#04x, Linux %r/%#04x"
                             % (r + 1, c + 1, g[r][c][0], g[r][c][1],
                                chr(want[i]), want[i + 1]))
    assert_true(not diffs, "%d cells differ from Linux's screen:\n  %s"
                % (len(diffs), "\n  ".join(diffs[:10])))


VT100_TESTS = [
    ("cursor", 4, "cursor motion, erase, wrap, insert",
     "ESC[r;cH, ESC[nD, ESC[K, the pending wrap, CR and ESC[n@ put the "
     "characters where a VT100 does.", check_cursor),
    ("attrs", 3, "colours and reverse video",
     "SGR 1;31, 7 and 0 as VGA attribute bytes.", check_attrs),
    ("region", 3, "the scrolling region and vcsa's header",
     "ESC[15;17r scrolls rows 15-17 only; the header has the size and "
     "the cursor.", check_region),
    ("linux", 3, "the whole screen as Linux's console draws it",
     "All 2000 cells, characters and colours, equal the recording from "
     "Debian's Linux (grading/linux_vt.py).", check_linux),
]
children(test_vt, VT100_TESTS, lambda key, fn: fn(), name="vt100",
         title="vt100")
