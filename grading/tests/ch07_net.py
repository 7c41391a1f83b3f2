"""Chapter 7 tests: the network card, from inside Keel and from the host.

Why these checks: a network stack is only worth what another machine
sees of it. QEMU's user network is that other machine: its DHCP server
gives Keel 10.0.2.15, its gateway 10.0.2.2 answers ping and stands for
the host's own loopback, and it forwards ports of the host's 127.0.0.1
to Keel. So the grader (this file, Python's standard library) plays
both ends: a web server on the host that Keel's wget fetches from, and
clients that reach Keel's servers through the forwards: a page from
BusyBox httpd, fifty connections at once, 10 MiB each way through nc
with the bytes compared, and a UDP datagram echoed back. Every frame of
it crosses the virtio card, lwIP and the sockets.

One boot runs /test/nic.sh with a random token and the host server's
port; when the script says "listening", the host does its part in a
thread (keelqemu.Host) and types a line when it is done; the script
reads it and stops any server still waiting for a client.

  nic-dhcp     (10)  exercise 7.1. DHCP gives eth0 10.0.2.15/24 with
                     the card's MAC; the default route goes through
                     10.0.2.2; /proc/bus/pci/devices lists the card;
                     /etc/resolv.conf (/proc/net/pnp) names DHCP's
                     name server, 10.0.2.3.
  nic-ping     (5)   exercise 7.3 (and 7.1). ping 10.0.2.2: three
                     replies (an ICMP raw socket, its datagram queue).
  nic-wget     (10)  exercise 7.1. BusyBox wget fetches a page from a
                     server on the host (through 10.0.2.2).
  nic-httpd    (10)  exercise 7.2 (and 7.1). The host fetches BusyBox
                     httpd's page through a forwarded port, then opens
                     50 connections at once: every one is answered (a
                     connection reset is tried once more).
  nic-bulk     (10)  exercise 7.2 (and 7.1). 10 MiB from the host to
                     `nc -l` in Keel and 10 MiB from Keel's `nc -l` to
                     the host, each compared by checksum.
  nic-udp      (5)   exercise 7.3 (and 7.1). A datagram from the host
                     to /bin/udpecho in Keel comes back unchanged.

Python 3 standard library only.
"""

import hashlib
import http.server
import os
import socket
import threading
import urllib.request

from grading.gradelib import (assert_equal, assert_true, boot, expect,
                              expect_not, test, token)
from grading.progtest import chapter_initrd, user_lines
from tools import keelqemu

TOKEN = token()
CRASH = r"EXCEPTION|KERNEL PANIC"
BULK = 10 * 1024 * 1024
HOST = {}  # what the host side found, for the checks


def free_port(kind=socket.SOCK_STREAM):
    """A port on 127.0.0.1 nobody uses now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORTS = {"http": free_port(), "in": free_port(), "out": free_port(),
         "udp": free_port(socket.SOCK_DGRAM)}


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


def host_server():
    """Serve _Page on 127.0.0.1 in a thread; return the server."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def http_get(port, timeout=30):
    """GET / of the forwarded port: the body, as text."""
    with urllib.request.urlopen("http://127.0.0.1:%d/" % port,
                                timeout=timeout) as r:
        return r.read().decode(errors="replace")


def fifty(port):
    """50 GETs at once: how many came back with the guest's page (what
    went wrong with the others is kept in HOST["fifty_errors"])."""
    ok = []
    errors = HOST.setdefault("fifty_errors", [])
    resets = HOST.setdefault("fifty_resets", [])

    def one():
        # A reset is tried once more, as a browser would: QEMU's user-mode
        # network resets a forwarded connection it gave up on, and on a
        # loaded machine 4 or 5 of the 50 were, about one run in three
        # (not explained yet; a server that resets every connection still
        # fails here). The resets are counted in HOST["fifty_resets"].
        for attempt in (1, 2):
            try:
                body = http_get(port, timeout=120).strip()
                if body == "guest-" + TOKEN:
                    ok.append(1)
                else:
                    errors.append("a wrong page: %r" % body[:40])
                return
            except ConnectionResetError as e:
                if attempt == 2:
                    errors.append("%s: %s (tried twice)"
                                  % (type(e).__name__, e))
                else:
                    resets.append(1)
            except Exception as e:  # http.client's are not all OSError
                errors.append("%s: %s" % (type(e).__name__, e))
                return
    threads = [threading.Thread(target=one) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(150)
    return len(ok)


def bulk_in(port):
    """Send 10 MiB to the guest's nc -l, then the end (FIN): their md5.
    The guest's nc reads to that end; the host tells the guest it sent
    them (host_side()), and the guest waits for nc before it checks."""
    data = os.urandom(BULK)
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    return hashlib.md5(data).hexdigest()


def bulk_out(port):
    """Read the guest's 10 MiB until it closes: (bytes, md5)."""
    h, n = hashlib.md5(), 0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.shutdown(socket.SHUT_WR)
        while True:
            d = s.recv(65536)
            if not d:
                break
            h.update(d)
            n += len(d)
    return n, h.hexdigest()


def udp_echo(port):
    """One datagram to the guest's udpecho: what came back."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(10)
        msg = ("udp-%s" % TOKEN).encode()
        for _ in range(3):  # UDP: try again if one is lost
            s.sendto(msg, ("127.0.0.1", port))
            try:
                return s.recv(2048).decode(errors="replace")
            except socket.timeout:
                continue
    return None


def host_side(match):
    """What the host does once the guest listens; then it types a line,
    on which the guest stops whatever server still waits."""
    steps = [("page", lambda: http_get(PORTS["http"]).strip()),
             ("fifty", lambda: fifty(PORTS["http"])),
             ("in", lambda: bulk_in(PORTS["in"])),
             ("out", lambda: bulk_out(PORTS["out"])),
             ("udp", lambda: udp_echo(PORTS["udp"]))]
    for name, fn in steps:
        try:
            HOST[name] = fn()
        except OSError as e:
            HOST[name] = "error: %s" % e
            break  # the rest would wait out their timeouts too
    sent = isinstance(HOST.get("in"), str) and \
        not HOST["in"].startswith("error")
    return "host done, %s\n" % ("sent" if sent else "gave up")


@test(0, "nic")
def test_nic():
    """Boot with the card and the forwards; /test/nic.sh with the host."""
    srv = host_server()
    forwards = [(PORTS["http"], 80), (PORTS["in"], 5000),
                (PORTS["out"], 5001),
                "udp:127.0.0.1:%d-:5003" % PORTS["udp"]]
    try:
        boot("quiet -- /bin/sh,/test/nic.sh,%s,%d"
             % (TOKEN, srv.server_address[1]), timeout=300,
             initrd=chapter_initrd(), qemu_args=keelqemu.net_args(forwards),
             input=[(r"(?m)^listening", keelqemu.Host(host_side))])
    finally:
        srv.shutdown()


def host_result(name):
    """What the host's step `name` found; fail when it never ran."""
    assert_true(name in HOST, "the host never ran its %s step: %s" % (
        name, "the guest never said it was listening" if not HOST else
        "an earlier step failed (%s)" % ", ".join(
            "%s: %s" % kv for kv in HOST.items())))
    return HOST[name]


def section():
    """/test/nic.sh's lines, from its first part to its end."""
    text = user_lines()
    start = text.find("== card")
    assert_true(start >= 0, "/test/nic.sh did not run")
    end = text.find("== end %s" % TOKEN)
    return text[start:end if end > 0 else len(text)].splitlines()


def has(lines, want):
    """Fail unless `want` is one of the lines, quoting them."""
    assert_true(want in lines, "/test/nic.sh did not print %r:\n  %s"
                % (want, "\n  ".join(lines)))


@test(10, "nic-dhcp: DHCP, the route, the card in /proc/bus/pci",
      parent=test_nic)
def test_nic_dhcp():
    """eth0 is 10.0.2.15/24 with QEMU's MAC; default via 10.0.2.2."""
    lines = section()
    for want in ["HWaddr 52:54:00:12:34:56",
                 "inet addr:10.0.2.15  Bcast:10.0.2.255  Mask:255.255.255.0",
                 "UP BROADCAST RUNNING",
                 "0.0.0.0 10.0.2.2 0.0.0.0 UG 0 0 0 eth0",
                 "10.0.2.0 0.0.0.0 255.255.255.0 U 0 0 0 eth0",
                 "1af41000\tvirtio-net",
                 "#PROTO: DHCP", "nameserver 10.0.2.3"]:
        has(lines, want)
    expect_not(CRASH)


@test(5, "nic-ping: ping the gateway", parent=test_nic)
def test_nic_ping():
    """Three echo replies from 10.0.2.2."""
    has(section(), "3 packets transmitted, 3 packets received")


@test(10, "nic-wget: wget from a server on the host", parent=test_nic)
def test_nic_wget():
    """wget http://10.0.2.2:PORT/TOKEN.txt prints the host's page."""
    lines = section()
    has(lines, "host-" + TOKEN)
    has(lines, "wget: 0")


@test(10, "nic-httpd: the host reaches BusyBox httpd, 50 at once",
      parent=test_nic)
def test_nic_httpd():
    """GET / through the forward; then 50 concurrent GETs all answered."""
    assert_equal(host_result("page"), "guest-" + TOKEN,
                 "the host got another page from httpd:")
    assert_equal(host_result("fifty"), 50,
                 "of 50 connections at once, answered (the others: %s):"
                 % "; ".join(sorted(set(HOST.get("fifty_errors", [])))))


@test(10, "nic-bulk: 10 MiB each way through nc", parent=test_nic)
def test_nic_bulk():
    """Host -> guest nc -l and guest nc -l -> host, checksums equal."""
    lines = section()
    has(lines, "in: %s" % host_result("in"))
    out = host_result("out")
    n, digest = out if isinstance(out, tuple) else (0, str(out))
    assert_equal(n, BULK, "bytes the host read from the guest:")
    has(lines, "out: %s" % digest)


@test(5, "nic-udp: a datagram from the host, echoed", parent=test_nic)
def test_nic_udp():
    """udpecho in Keel sends the host's datagram back."""
    assert_equal(host_result("udp"), "udp-" + TOKEN, "the echo the host got:")
    expect([r"udpecho: 1 echoed"])
