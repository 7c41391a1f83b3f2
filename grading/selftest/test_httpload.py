"""grading.httpload against small servers on the host: it passes a good
keep-alive server and catches each way a server can fail it."""

import http.server
import socket
import threading
import unittest

from grading import httpload

PAGES = {"/a.txt": b"page a\n", "/b.bin": bytes(range(256)) * 64}


def handler(protocol, wrong=False, close=False):
    """A request handler class serving PAGES with HTTP/1.1 (keep-alive)
    or HTTP/1.0; `wrong`: /b.bin one byte short; `close`: each answer
    says Connection: close and the connection ends."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = protocol

        def do_GET(self):
            body = PAGES.get(self.path)
            if body is None:
                self.send_error(404)
                return
            if wrong and self.path == "/b.bin":
                body = body[:-1]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


class Server:
    """A threading HTTP server on 127.0.0.1 for the length of a test."""

    def __init__(self, handler_class):
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                   handler_class)
        self.srv.daemon_threads = True
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


class LoadTest(unittest.TestCase):
    def run_against(self, handler_class, **kw):
        srv = Server(handler_class)
        try:
            return httpload.load(srv.port, PAGES, **kw)
        finally:
            srv.close()

    def test_keepalive_server_passes(self):
        r = self.run_against(handler("HTTP/1.1"), conns=20, rounds=3)
        self.assertTrue(r.ok(), r)
        self.assertEqual(r.answers, 60)

    def test_closing_server_fails(self):
        r = self.run_against(handler("HTTP/1.1", close=True), conns=5,
                             rounds=2, stall=2)
        self.assertFalse(r.ok())
        self.assertIn("closes it", " ".join(r.problems))

    def test_http10_server_fails(self):
        r = self.run_against(handler("HTTP/1.0"), conns=3, rounds=2,
                             stall=2)
        self.assertFalse(r.ok())
        self.assertIn("HTTP/1.0 200", " ".join(r.problems))

    def test_wrong_body_fails(self):
        r = self.run_against(handler("HTTP/1.1", wrong=True), conns=4,
                             rounds=2)
        self.assertFalse(r.ok())
        self.assertIn("not the", " ".join(r.problems))

    def test_silent_server_fails_fast(self):
        lis = socket.socket()
        lis.bind(("127.0.0.1", 0))
        lis.listen(16)  # connections complete, nobody ever answers
        try:
            r = httpload.load(lis.getsockname()[1], PAGES, conns=4,
                              rounds=3, stall=0.5)
        finally:
            lis.close()
        self.assertFalse(r.ok())
        self.assertEqual(r.answers, 0)
        self.assertLess(r.seconds, 5)


if __name__ == "__main__":
    unittest.main()
