"""Many keep-alive HTTP connections at once, from one thread: the host's
side of the test of an event-driven server in Keel.

Why a client of our own: the point is not a benchmark figure but that
every one of N connections stays open and gets every answer. The client
opens the N connections one at a time, each with its first request
answered before the next is opened, and then, with all N open at once,
runs the other rounds: in each it sends one request on every connection
and waits, with one selector over all of them, until every answer is
whole. A server that drops a connection, closes it after an answer,
mixes up answers or stops answering is caught, and said in words.
Python 3 standard library only.

Why one at a time first: QEMU's user network accepts the host's
connections to a forwarded port from a listening socket with a backlog
of 1. A burst of connects overflows it; the host's TCP drops the SYNs
it has no room for and sends them again only after a second, so 200
connects in a row take a minute and a half, and the first connections,
idle that long, meet the server's timeout for a first request (nginx's
client_header_timeout, 60 s). A connection answered once is a
keep-alive connection, which the server keeps for longer.

    load(port, paths, conns=200, rounds=5) -> Result

paths maps a request path to the exact body expected; request i of a
connection asks for the (connection + i)-th path, in turn. Every wait is
bounded: a round in which no byte arrives for `stall` seconds ends the
run, so a server that never answers costs seconds, not minutes.
"""

import selectors
import socket
import time


class Result:
    """What a load run found.

    conns: connections asked for; opened: connections that connected;
    answers: whole, correct answers; wanted: answers asked for
    (conns * rounds); problems: the first few things that went wrong,
    in words; seconds: how long the rounds took.
    """

    def __init__(self, conns, rounds):
        self.conns = conns
        self.rounds = rounds
        self.opened = 0
        self.answers = 0
        self.wanted = conns * rounds
        self.problems = []
        self.seconds = 0.0

    def problem(self, text):
        """Note a problem (the first ten are kept, the rest counted)."""
        if len(self.problems) < 10:
            self.problems.append(text)
        elif len(self.problems) == 10:
            self.problems.append("(and more)")

    def ok(self):
        """Every connection opened and every answer came, correct."""
        return (self.opened == self.conns and self.answers == self.wanted
                and not self.problems)

    def __repr__(self):
        return ("%d of %d connections, %d of %d answers in %.1f s%s" %
                (self.opened, self.conns, self.answers, self.wanted,
                 self.seconds, "".join("\n  " + p for p in self.problems)))


class _Conn:
    """One connection: its socket, what arrived, the request it waits on."""

    def __init__(self, num, sock):
        self.num = num
        self.sock = sock
        self.buf = b""
        self.want = None  # the body expected, None when not waiting
        self.path = None
        self.broken = False  # closed by the server, or an error
        self.sent = 0  # requests sent on it

    def answer(self):
        """The whole answer at the front of buf, as (status line,
        headers, body), taken off buf; None while it is not all there."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.buf[:end].decode("latin-1").split("\r\n")
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "-1"))
        if length < 0:
            raise ValueError("an answer without Content-Length: %r" % head)
        if len(self.buf) < end + 4 + length:
            return None
        body = self.buf[end + 4:end + 4 + length]
        self.buf = self.buf[end + 4 + length:]
        return head[0], headers, body


def _connect(num, port, result, timeout):
    """Connection `num` to 127.0.0.1:port (nonblocking), or None."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError as e:
        result.problem("connection %d: connect: %s" % (num, e))
        return None
    s.setblocking(False)
    return _Conn(num, s)


def _send(conn, path, host, result):
    """Send one keep-alive GET of path; False when the send failed."""
    req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: keel-httpload\r\n"
           "Connection: keep-alive\r\n\r\n" % (path, host)).encode()
    conn.sent += 1
    try:
        conn.sock.setblocking(True)
        conn.sock.sendall(req)
        conn.sock.setblocking(False)
    except OSError as e:
        result.problem("connection %d: send: %s" % (conn.num, e))
        return False
    return True


def _check(conn, ans, result):
    """Count a correct answer, or say what is wrong with it."""
    status, headers, body = ans
    if not status.startswith("HTTP/1.1 200"):
        result.problem("connection %d, %s: %r" % (conn.num, conn.path,
                                                  status))
    elif body != conn.want:
        result.problem("connection %d, %s: a body of %d bytes, not the "
                       "%d expected" % (conn.num, conn.path, len(body),
                                        len(conn.want)))
    elif headers.get("connection", "keep-alive").lower() == "close":
        result.problem("connection %d, %s: the server closes it"
                       % (conn.num, conn.path))
    else:
        result.answers += 1
    conn.want = None


def _receive(conn, result):
    """Read what conn has; False when it is closed or broken."""
    try:
        data = conn.sock.recv(65536)
    except BlockingIOError:
        return True
    except OSError as e:
        result.problem("connection %d: recv: %s" % (conn.num, e))
        return False
    if not data:
        result.problem("connection %d: closed by the server while waiting "
                       "for %s (request %d on it)" % (conn.num, conn.path,
                                                    conn.sent))
        return False
    conn.buf += data
    try:
        ans = conn.answer()
    except ValueError as e:
        result.problem("connection %d: %s" % (conn.num, e))
        return False
    if ans is not None:
        _check(conn, ans, result)
    return True


def _round(live, paths, rnd, stall, result):
    """One request on each live connection, then every answer; the
    connections still usable."""
    names = sorted(paths)
    sel = selectors.DefaultSelector()
    for c in live:
        c.path = names[(c.num + rnd) % len(names)]
        c.want = paths[c.path]
        if _send(c, c.path, "127.0.0.1", result):
            sel.register(c.sock, selectors.EVENT_READ, c)
        else:
            c.broken = True
    waiting = len(sel.get_map())
    while waiting:
        events = sel.select(stall)
        if not events:
            result.problem("round %d: no answer for %g s, %d connections "
                           "still waiting" % (rnd + 1, stall, waiting))
            break
        for key, _ in events:
            c = key.data
            c.broken = not _receive(c, result)
            if c.broken or c.want is None:
                sel.unregister(c.sock)
                waiting -= 1
    sel.close()
    return [c for c in live if not c.broken and c.want is None]


def _ramp_up(port, paths, conns, stall, timeout, result, opened):
    """Round 1: open the connections one by one, each answered once
    before the next (see the top); those still usable. Stops at the
    first that fails: a server that does not answer costs one stall."""
    live = []
    for i in range(conns):
        c = _connect(i, port, result, timeout)
        if c is None:
            break
        opened.append(c)
        good = _round([c], paths, 0, stall, result)
        if not good:
            break
        live += good
    result.opened = len(opened)
    return live


def load(port, paths, conns=200, rounds=5, stall=10.0, timeout=10.0):
    """Open `conns` keep-alive connections to 127.0.0.1:port and run
    `rounds` rounds of one request each; the Result."""
    result = Result(conns, rounds)
    opened = []
    start = time.monotonic()
    try:
        live = _ramp_up(port, paths, conns, stall, timeout, result, opened)
        for rnd in range(1, rounds):
            if not live:
                break
            before = result.answers
            live = _round(live, paths, rnd, stall, result)
            if result.answers == before:
                break  # nothing came back at all: stop here
    finally:
        result.seconds = time.monotonic() - start
        for c in opened:
            c.sock.close()
    return result
