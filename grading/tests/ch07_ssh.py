"""Chapter 7 tests: real servers, logged into from the host.

Why these checks: Dropbear, BusyBox telnetd and curl are programs
written for Linux that Keel never saw; running them is the test of
everything chapters 3 to 7 built, at once. An ssh login alone needs
sockets (accept, select, nonblocking reads), fork and execve, a
pseudo-terminal from /dev/ptmx, a new session whose controlling
terminal is that pty (setsid, TIOCSCTTY), job control in the shell, the
pty's hang-up when the session ends, and getrandom for the keys. The
grader uses the host's own OpenSSH client, so the other end is a
program Keel's authors did not write either.

One interactive boot with the network card: init starts httpd, dropbear
and telnetd, as in `make run`; the grader types `sh /test/servers.sh
TOKEN PORT` at the console shell. The script fetches pages with curl and
says "ready: ok"; the host then does its part in a thread (keelqemu.Host)
and types a line when it is done, on which the script prints what it
received and ends.

  ssh-exec    (15)  `ssh root@... 'uname -a; echo $((6*7))'` with the key
                    made at build time (BatchMode: a key or nothing)
                    prints Keel's uname line and 42.
  ssh-pty     (10)  an interactive ssh session driven through a pty on
                    the host: a prompt, `ls /`, `tty` names /dev/pts/N,
                    `sleep 30` stopped by ^C (status 130, well before 30
                    s: the foreground job got SIGINT and the shell did
                    not), then `exit` ends ssh with status 0.
  scp         (15)  1 MiB of random bytes each way with OpenSSH's scp
                    (-O: the original protocol, run by Dropbear's scp on
                    the far end), checksums compared.
  telnet      (10)  a Python socket talks to telnetd (refusing every
                    option it offers): `echo $((6*7))` answers 42.
  execveat    (5)   /bin/execat runs itself with fexecve (execveat with
                    AT_EMPTY_PATH, as Dropbear does for each connection)
                    and by a name under a directory descriptor, and asks
                    for execveat's errors: its lines equal Linux's.
  srv-sockopts (5)  /bin/srvopts sets and reads SO_PRIORITY and
                    TCP_FASTOPEN (Dropbear sets both) as Linux answers.
  curl-host   (5)   curl in Keel fetches a page with a random token from
                    a server on the host (through 10.0.2.2).
  curl-guest  (5)   curl fetches a page from BusyBox httpd over
                    127.0.0.1, and a missing one is a 404.
  nginx       (10)  nginx, the event-driven web server (a master and two
                    workers, each waiting in epoll_wait on all of its
                    connections), holds 200 keep-alive connections from
                    the host at once and answers 5 requests on each, a
                    small page and a 16 KiB one in turn, every byte
                    right (grading/httpload.py); afterwards its three
                    processes still run and its log has no alert.

Every wait on the host is a few seconds to a minute, and once ssh
itself fails the other ssh steps are skipped, so a broken kernel costs
a minute, not the boot's whole timeout. Python 3 standard library only.
"""

import hashlib
import http.server
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from grading.gradelib import (assert_equal, assert_true, boot, expect_not,
                              test, token)
from grading import httpload, oracle
from grading.progtest import chapter_initrd, user_lines
from tools import keelqemu

TOKEN = token()
CRASH = r"EXCEPTION|KERNEL PANIC"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
KEY = os.path.join(ROOT, "build", "ssh", "id_ed25519")
SCP_BYTES = 1024 * 1024
HOST = {}  # what the host side found, for the checks


def free_port():
    """A TCP port on 127.0.0.1 nobody uses now (the kernel picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORTS = {"ssh": free_port(), "telnet": free_port(), "nginx": free_port()}
NGINX_CONNS = 200
NGINX_ROUNDS = 5
NGINX_BIG = 16384  # bytes of /TOKEN.big: the token's line, repeated


def nginx_pages():
    """The pages servers.sh puts in /www for nginx, as the host expects
    them: path -> body."""
    line = ("%s\n" % TOKEN).encode()
    big = (line * (NGINX_BIG // len(line) + 1))[:NGINX_BIG]
    return {"/%s.txt" % TOKEN: ("guest-%s\n" % TOKEN).encode(),
            "/%s.big" % TOKEN: big}


def nginx_load():
    """200 keep-alive connections to nginx at once, 5 rounds."""
    return httpload.load(PORTS["nginx"], nginx_pages(), conns=NGINX_CONNS,
                         rounds=NGINX_ROUNDS)


class _Page(http.server.BaseHTTPRequestHandler):
    """The host's web server: /TOKEN.txt, and 404 for anything else."""

    def do_GET(self):
        body = ("host-%s\n" % TOKEN).encode()
        if self.path != "/%s.txt" % TOKEN:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def ssh_args(prog, work):
    """OpenSSH's client with root's key (a private copy with mode 0600,
    which ssh insists on), no password prompts and no known-hosts file
    (the host key is new each build)."""
    key = os.path.join(work, "id_ed25519")
    if not os.path.exists(key):
        shutil.copyfile(KEY, key)
        os.chmod(key, 0o600)
    port = ["-P" if prog == "scp" else "-p", str(PORTS["ssh"])]
    return [prog] + port + [
        "-i", key, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        "-o", "ConnectTimeout=10"]


def run(args, timeout=60):
    """Run a client: (status, output); a timeout is status None."""
    try:
        p = subprocess.run(args, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
        return p.returncode, (p.stdout + p.stderr).decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + (e.stderr or b"")
        return None, out.decode(errors="replace")


def banner():
    """The first line Keel's ssh server sends. QEMU accepts a forwarded
    connection on the host before it reaches the guest, so only the
    banner says a server is there; without one the ssh steps are
    skipped rather than each waiting out its timeout."""
    with socket.create_connection(("127.0.0.1", PORTS["ssh"]),
                                  timeout=10) as s:
        data = b""
        while b"\n" not in data:
            more = s.recv(256)
            if not more:
                break
            data += more
    return data.decode(errors="replace").strip()


def ssh_exec(work):
    """ssh runs one command line in Keel: (status, output)."""
    line = banner()
    if not line.startswith("SSH-2.0-"):
        return None, "no ssh server answers (it said %r)" % line
    return run(ssh_args("ssh", work) +
               ["root@127.0.0.1", "uname -a; echo $((6*7))"], timeout=30)


class Pty:
    """ssh -tt on a pty of the host's, with expect-style reads."""

    def __init__(self, args):
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave,
                                     stderr=slave, start_new_session=True)
        os.close(slave)
        self.text = ""

    def wait(self, pattern, seconds):
        """Read until `pattern` shows in what was read (the match), the
        end of the session or `seconds` (None)."""
        end = time.monotonic() + seconds
        while True:
            m = re.search(pattern, self.text)
            left = end - time.monotonic()
            if m or left <= 0:
                return m
            if select.select([self.master], [], [], left)[0]:
                try:
                    data = os.read(self.master, 4096)
                except OSError:  # EIO: the session is over
                    data = b""
                if not data:
                    return re.search(pattern, self.text)
                self.text += data.decode(errors="replace")

    def type(self, text):
        """Type `text` into the session."""
        os.write(self.master, text.encode())

    def close(self):
        """End ssh (if still running) and the pty: ssh's status."""
        try:
            status = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
        os.close(self.master)
        return status


def ssh_pty(work):
    """An interactive session; what it showed, for ssh-pty's checks.
    Markers are typed as m''k so the echo of the line never matches."""
    s = Pty(ssh_args("ssh", work) + ["-tt", "root@127.0.0.1"])
    found = {}
    try:
        found["prompt"] = bool(s.wait(r"# $", 30))
        s.type("ls /; echo l''s-done\r")
        found["ls"] = bool(s.wait(r"ls-done", 10))
        s.type("tty; echo t''ty-done\r")
        m = s.wait(r"(\S+)\r?\ntty-done", 10)
        found["tty"] = m.group(1) if m else None
        s.type("echo s''leeping; sleep 30\r")
        found["sleeping"] = bool(s.wait(r"sleeping\r?\n", 10))
        start = time.monotonic()
        time.sleep(0.5)
        s.type("\x03")  # ^C: SIGINT for the foreground job
        s.type("echo s''tatus-$?\r")
        m = s.wait(r"status-(\d+)\r?\n", 10)
        found["status"] = m.group(1) if m else None
        found["seconds"] = round(time.monotonic() - start, 1)
        s.type("exit\r")
        s.wait(r"$^", 10)  # to the end of the session
    finally:
        found["exit"] = s.close()
        found["text"] = s.text
    return found


def scp_both(work):
    """1 MiB to Keel's /tmp/up.bin, Keel's /tmp/down.bin back: the
    checksums (the guest prints its own) and scp's answers."""
    up = os.path.join(work, "up.bin")
    down = os.path.join(work, "down.bin")
    data = os.urandom(SCP_BYTES)
    with open(up, "wb") as f:
        f.write(data)
    found = {"up": hashlib.sha256(data).hexdigest()}
    found["up-scp"] = run(ssh_args("scp", work) +
                          ["-O", up, "root@127.0.0.1:/tmp/up.bin"])
    found["down-scp"] = run(ssh_args("scp", work) +
                            ["-O", "root@127.0.0.1:/tmp/down.bin", down])
    if os.path.exists(down):
        with open(down, "rb") as f:
            got = f.read()
        found["down"] = (len(got), hashlib.sha256(got).hexdigest())
    return found


IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240


def telnet_text(sock, data, state):
    """Telnet's bytes -> text: answer every DO with WONT and every WILL
    with DONT (we take no options), drop subnegotiations; `state` is a
    command cut at the end of the last read. Returns (text, state)."""
    buf, out, i = state + data, bytearray(), 0
    while i < len(buf):
        if buf[i] != IAC:
            out.append(buf[i])
            i += 1
            continue
        if i + 2 >= len(buf):
            return bytes(out), buf[i:]
        cmd, opt = buf[i + 1], buf[i + 2]
        if cmd in (DO, WILL):
            sock.sendall(bytes([IAC, WONT if cmd == DO else DONT, opt]))
        if cmd in (DO, DONT, WILL, WONT):
            i += 3
        elif cmd == SB:
            j = buf.find(bytes([IAC, SE]), i)
            if j < 0:
                return bytes(out), buf[i:]
            i = j + 2
        else:  # IAC IAC is a 255 byte; other commands carry no option
            out += b"\xff" if cmd == IAC else b""
            i += 2
    return bytes(out), b""


def telnet():
    """Log in to telnetd, run `echo $((6*7))`, exit: what it showed."""
    text, state = b"", b""
    with socket.create_connection(("127.0.0.1", PORTS["telnet"]),
                                  timeout=10) as s:
        s.sendall(b"echo t''n$((6*7))\r\n")
        end = time.monotonic() + 15
        while b"tn42" not in text and time.monotonic() < end:
            try:
                data = s.recv(4096)
            except socket.timeout:
                break
            if not data:
                break
            got, state = telnet_text(s, data, state)
            text += got
        s.sendall(b"exit\r\n")
    return text.decode(errors="replace")


def host_side(match):
    """The host's clients, once the guest is ready; then a line for the
    guest to read. A failed ssh skips the other ssh steps."""
    if match.group(1) != "ok":  # no address: no client would get in
        HOST.update((name, "skipped: the guest has no address (%s)"
                     % match.group(1))
                    for name in ("pty", "scp", "telnet", "nginx"))
        HOST["exec"] = (None, HOST["telnet"])
        return "host skipped\n"
    work = tempfile.mkdtemp(prefix="keel-ssh-")
    steps = [("exec", lambda: ssh_exec(work)),
             ("pty", lambda: ssh_pty(work)),
             ("scp", lambda: scp_both(work)),
             ("telnet", telnet),
             ("nginx", nginx_load)]
    try:
        for name, fn in steps:
            if name in ("pty", "scp") and HOST.get("exec", (1,))[0] != 0:
                continue  # ssh does not work: do not wait on it again
            try:
                HOST[name] = fn()
            except OSError as e:  # socket.timeout too
                HOST[name] = (None, "error: %s" % e) if name == "exec" \
                    else "error: %s" % e
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return "host done\n"


@test(0, "ssh")
def test_ssh():
    """Boot the interactive session with the card; servers.sh with the
    host."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    forwards = [(PORTS["ssh"], 22), (PORTS["telnet"], 23),
                (PORTS["nginx"], 8080)]
    line = "sh /test/servers.sh %s %d\n" % (TOKEN, srv.server_address[1])
    try:
        boot("quiet", timeout=240, initrd=chapter_initrd(),
             qemu_args=keelqemu.net_args(forwards),
             until=r"== end %s" % TOKEN,
             input=[(r"keel:/# ", line),
                    (r"(?m)^ready: (\S+)\r?\n", keelqemu.Host(host_side))])
    finally:
        srv.shutdown()


def host_result(name):
    """What the host's step `name` found; fail when it never ran."""
    assert_true(name in HOST, "the host never ran its %s step: %s" % (
        name, "the guest never said it was ready" if not HOST else
        "ssh failed first (%r)" % (HOST.get("exec"),)))
    return HOST[name]


def section():
    """/test/servers.sh's lines, from its first part to its end."""
    text = user_lines()
    start = text.find("== servers")
    assert_true(start >= 0, "/test/servers.sh did not run")
    end = text.find("== end %s" % TOKEN)
    return text[start:end if end > 0 else len(text)].splitlines()


def has(lines, want):
    """Fail unless `want` is one of the lines, quoting them."""
    assert_true(want in lines, "/test/servers.sh did not print %r:\n  %s"
                % (want, "\n  ".join(lines)))


@test(15, "ssh-exec: ssh runs a command in Keel", parent=test_ssh)
def test_ssh_exec():
    """uname -a and $((6*7)) through ssh with the build's key."""
    got = host_result("exec")
    assert_true(isinstance(got, tuple), "ssh: %s" % (got,))
    status, out = got
    assert_true(status is not None, "ssh did not run to its end: %s" % out)
    assert_equal(status, 0, "ssh printed:\n%s\nssh's exit status:" % out)
    lines = out.splitlines()
    assert_true(len(lines) == 2 and lines[0].startswith("Linux keel ") and
                lines[1] == "42", "ssh printed:\n%s" % out)
    expect_not(CRASH)


@test(10, "ssh-pty: an interactive ssh session with job control",
      parent=test_ssh)
def test_ssh_pty():
    """A prompt, ls, tty, sleep 30 interrupted by ^C, exit."""
    got = host_result("pty")
    assert_true(isinstance(got, dict), "ssh -tt: %s" % (got,))
    text = got["text"]
    assert_true(got["prompt"], "no shell prompt over ssh:\n%s" % text)
    assert_true("job control turned off" not in text,
                "the shell has no controlling terminal:\n%s" % text)
    assert_true(got["ls"], "`ls /` did not finish:\n%s" % text)
    assert_true(got["tty"] and re.match(r"/dev/pts/\d+$", got["tty"]),
                "`tty` printed %r, not /dev/pts/N:\n%s" % (got["tty"], text))
    assert_equal(got["status"], "130", "the status of `sleep 30` after ^C "
                 "(130: killed by SIGINT), session:\n%s\nstatus:" % text)
    assert_true(got["seconds"] < 20, "^C took %ss to end sleep 30"
                % got["seconds"])
    assert_equal(got["exit"], 0, "ssh's status after `exit`:")


@test(15, "scp: 1 MiB each way with scp", parent=test_ssh)
def test_scp():
    """Host -> Keel and Keel -> host, sha256 compared."""
    got = host_result("scp")
    assert_true(isinstance(got, dict), "scp: %s" % (got,))
    assert_equal(got["up-scp"][0], 0, "scp to Keel: status (output %r):"
                 % got["up-scp"][1])
    has(section(), "up: %s" % got["up"])
    assert_equal(got["down-scp"][0], 0, "scp from Keel: status (output %r):"
                 % got["down-scp"][1])
    n, digest = got.get("down", (0, None))
    assert_equal(n, SCP_BYTES, "bytes scp brought back:")
    has(section(), "down: %s" % digest)


@test(10, "telnet: a shell through telnetd", parent=test_ssh)
def test_telnet():
    """echo $((6*7)) through BusyBox telnetd answers 42."""
    got = host_result("telnet")
    assert_true("tn42" in got, "telnetd's session showed:\n%r" % got)


def matches_linux(prog):
    """/bin/PROG's lines in /test/servers.sh (between `== PROG` and
    `PROG: STATUS`) equal what it prints on Linux."""
    lines = section()
    assert_true("== " + prog in lines, "/test/servers.sh did not run " + prog)
    got = lines[lines.index("== " + prog) + 1:]
    got = got[:next((i for i, ln in enumerate(got)
                     if ln.startswith(prog + ": ")), len(got)) + 1]
    want, status = oracle.linux_run(prog)
    assert_equal(got, want.splitlines() + ["%s: %d" % (prog, status)],
                 "/bin/%s printed something else than on Linux:" % prog)


@test(5, "execveat: fexecve and execveat's errors, against Linux",
      parent=test_ssh)
def test_execveat():
    """/bin/execat prints what Linux's execveat answers."""
    matches_linux("execat")


@test(5, "srv-sockopts: SO_PRIORITY and TCP_FASTOPEN, against Linux",
      parent=test_ssh)
def test_srv_sockopts():
    """/bin/srvopts prints what Linux answers for the options Dropbear
    sets."""
    matches_linux("srvopts")


@test(5, "curl-host: curl fetches a page from the host", parent=test_ssh)
def test_curl_host():
    """curl http://10.0.2.2:PORT/TOKEN.txt prints the host's page."""
    lines = section()
    has(lines, "host-" + TOKEN)
    has(lines, "curl-host: 0")


@test(5, "curl-guest: curl fetches a page from httpd over 127.0.0.1",
      parent=test_ssh)
def test_curl_guest():
    """curl http://127.0.0.1/TOKEN.txt, and 404 for a missing page."""
    lines = section()
    has(lines, "guest-" + TOKEN)
    has(lines, "curl-guest: 0")
    has(lines, "404")


@test(10, "nginx: 200 keep-alive connections to nginx (epoll)",
      parent=test_ssh)
def test_nginx():
    """Every connection stays open and gets its 5 answers; nginx's
    master and two workers survive it without an alert in the log."""
    got = host_result("nginx")
    assert_true(isinstance(got, httpload.Result), "nginx: %s" % (got,))
    assert_true(got.ok(), "nginx answered %r" % got)
    lines = section()
    has(lines, "nginx-procs: 3")
    has(lines, "nginx-alerts: 0")
