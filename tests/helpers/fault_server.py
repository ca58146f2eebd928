"""A fault-injecting HTTP/1.1 server on 127.0.0.1 for the `rankpool fetch` tests (standard library only).

Every URL is PATH?QUERY. The body for PATH is `content(PATH, size)`: the first `size` bytes of
SHAKE-256(PATH), so any prefix or range of it can be computed independently. The query says how to answer
(all parameters optional; seconds may be fractional and every wait is capped at MAX_WAIT seconds):

  size=N         body length (default 1000)
  cl=none        no Content-Length, body delimited by closing the connection
  cl=chunked     no Content-Length, chunked transfer encoding
  status=CODE    answer CODE (404, 408, 429, 500, 503, ...) with a short text body (none for 204 and 304;
                 a 3xx this way has no Location)
  truncate=N     send Content-Length: size but only N body bytes, then close the connection
  stall=N        send Content-Length: size and N body bytes, then wait `sleep` seconds (default 10) and close
  times=K        status/truncate/stall apply to the first K requests for this exact PATH?QUERY only
                 (later ones get the normal body); without times, to every request
  retry_after=S  add `Retry-After: S` to the status=CODE answers
  retry_date=S   add `Retry-After: HTTP-DATE`, S seconds after the answer, to the status=CODE answers
  ranges=MODE    send Accept-Ranges: bytes; a `Range: bytes=A-[B]` request (A < size) gets, by MODE:
                   1          a correct 206 with Content-Range: bytes A-B/size and those bytes
                   lie        200 and the whole body (Range ignored)
                   wrong      a 206 from the wrong offset: bytes A//2-(size-1)/size and those bytes
                   short      a 206 that stops early: bytes A-(A+99)/size and those 100 bytes
                   badlength  a 206 for bytes A-(size-1)/size whose Content-Length and body are 100 bytes short
                   416        416 with Content-Range: bytes */size
                   always206  every GET, with or without Range: a 206 for bytes F-(size-1)/size, F = tail=F
                              (default 5000), and only those bytes
                 every MODE but lie answers A >= size with that 416; a plain GET (no Range) gets 200 and
                 the whole body, except with always206
  redirect=N     302 to the same URL with redirect=N-1; redirect=0 is the content (a chain of N hops)
  loop=1         302 to this very URL, forever
  location=URL   302 to URL (e.g. file:///etc/passwd)
  disposition=1  add `Content-Disposition: attachment; filename="../../evil.sh"`
  delay=S        wait S seconds before answering (the server's --delay is the default)
  drip=S         wait S seconds after each 16 KiB of body

The server logs every request (`requests()`), counts the most it answered at once (`max_in_flight`), and `heal()` turns status, truncate, stall, loop and location
off for good, so a rerun after a failing run succeeds.

In a test:
    with FaultServer() as server:
        url = server.url("/a/cat.jpg", size=5000, status=503, times=2)
        ...; server.hits("/a/cat.jpg"), server.requests("/a/cat.jpg")[1].headers.get("range")
By hand or for the benchmark:
    python3 tests/helpers/fault_server.py --port 8000 [--delay S]
"""
import argparse
import email.utils
import functools
import hashlib
import http.server
import sys
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

MAX_WAIT = 30.0
CHUNK = 16 * 1024
HOSTILE_DISPOSITION = 'attachment; filename="../../evil.sh"'


@functools.lru_cache(maxsize=32)
def content(path, size):
    """The body the server sends for `path` (the URL's path, without the query): `size` bytes."""
    return hashlib.shake_256(path.encode()).digest(size)


@dataclass
class Request:
    method: str
    target: str       # path?query as received
    path: str
    query: dict
    headers: dict     # lower-case names
    time: float       # time.monotonic() on arrival
    completed: bool = False  # the whole response was written


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle keep-alive connection ends after this

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def answer(self, head):
        server = self.server.fault
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        record = Request(self.command, self.path, parts.path, query,
                         {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
        earlier = server.log(record)
        faulty = not server.healed and ("times" not in query or earlier < int(query["times"]))
        server.answering(+1)
        try:
            record.completed = self.respond(server, record, query, faulty)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            server.answering(-1)
        if not record.completed:
            self.close_connection = True

    def respond(self, server, record, q, faulty):
        """Answers the request; returns whether the whole response was written."""
        server.wait(float(q.get("delay", server.delay)))
        size = int(q.get("size", 1000))
        if faulty and "status" in q:
            extra = {"Retry-After": q["retry_after"]} if "retry_after" in q else {}
            if "retry_date" in q:
                extra["Retry-After"] = email.utils.formatdate(time.time() + float(q["retry_date"]), usegmt=True)
            return self.send(int(q["status"]), b"fault\n", extra, head=record.method == "HEAD")
        if faulty and "location" in q:
            return self.send(302, b"", {"Location": q["location"]})
        if faulty and q.get("loop") == "1":
            return self.send(302, b"", {"Location": self.absolute(record.target)})
        if int(q.get("redirect", 0)) > 0:
            hops = dict(q, redirect=int(q["redirect"]) - 1)
            return self.send(302, b"", {"Location": self.absolute(f"{record.path}?{urlencode(hops)}")})

        body, status, headers = content(record.path, size), 200, {}
        mode, wanted = q.get("ranges"), record.headers.get("range", "")
        if mode:
            headers["Accept-Ranges"] = "bytes"
        first = int(q.get("tail", 5000)) if mode == "always206" else None
        last = size - 1
        if mode in ("1", "wrong", "short", "badlength", "416") and wanted.startswith("bytes="):
            first, _, last = wanted[len("bytes="):].partition("-")
            first, last = int(first), min(int(last) if last else size - 1, size - 1)
            if first >= size or mode == "416":
                return self.send(416, b"", {"Content-Range": f"bytes */{size}"})
            first = first // 2 if mode == "wrong" else first
            last = min(last, first + 99) if mode == "short" else last
        if first is not None:
            body, status = body[first:last + 1 - (100 if mode == "badlength" else 0)], 206
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        if q.get("disposition") == "1":
            headers["Content-Disposition"] = HOSTILE_DISPOSITION
        length = q.get("cl", "yes")
        if length == "none":
            headers["Connection"] = "close"
            self.close_connection = True
        elif length == "chunked":
            headers["Transfer-Encoding"] = "chunked"
        else:
            headers["Content-Length"] = str(len(body))
        self.send_head(status, headers)
        if record.method == "HEAD":
            return True
        cut = int(q["truncate"]) if faulty and "truncate" in q else None
        stall = int(q["stall"]) if faulty and "stall" in q else None
        limit = min(x for x in (cut, stall, len(body)) if x is not None)
        self.send_body(body[:limit], chunked=length == "chunked", drip=float(q.get("drip", 0)))
        if stall is not None:
            server.wait(float(q.get("sleep", 10)))
        if limit < len(body):
            return False  # the connection closes with the body cut short
        if length == "chunked":
            self.wfile.write(b"0\r\n\r\n")
        return True

    def absolute(self, target):
        return f"http://127.0.0.1:{self.server.server_address[1]}{target}"

    def send_head(self, status, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def send(self, status, body, headers, head=False):
        if status in (204, 304):  # never a body, nor (for 204) a Content-Length
            self.send_head(status, headers)
            return True
        self.send_head(status, {**headers, "Content-Length": str(len(body))})
        if not head:
            self.wfile.write(body)
        return True

    def send_body(self, body, chunked, drip):
        for start in range(0, len(body), CHUNK):
            piece = body[start:start + CHUNK]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if drip:
                self.server.fault.wait(drip)


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # listen backlog: --parallel connects many at once (socketserver's default is 5)

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up is no news
            super().handle_error(request, client_address)


class FaultServer:
    """The server in a daemon thread; a context manager. `url()` builds URLs, `requests()` and `hits()`
    say what arrived."""

    def __init__(self, port=0, delay=0.0, host="127.0.0.1"):
        self.delay = delay
        self.healed = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._requests = []
        self._in_flight = 0
        self.max_in_flight = 0  # the most requests answered at the same time
        self.host = host
        self._httpd = QuietServer((host, port), Handler)
        self._httpd.fault = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()

    def shutdown(self):
        """Ends every wait at once, then stops serving."""
        self._stop.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path="/data.bin", **query):
        return f"http://{self.host}:{self.port}{path}" + (f"?{urlencode(query)}" if query else "")

    def heal(self):
        self.healed = True

    def wait(self, seconds):
        self._stop.wait(min(max(seconds, 0.0), MAX_WAIT))

    def log(self, record):
        """Logs `record`; returns how many requests for the same target came before it."""
        with self._lock:
            earlier = sum(r.target == record.target for r in self._requests)
            self._requests.append(record)
            return earlier

    def answering(self, change):
        with self._lock:
            self._in_flight += change
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def requests(self, path=None):
        """The GET requests so far (for `path` only, if given: the URL path without the query)."""
        with self._lock:
            return [r for r in self._requests if r.method == "GET" and path in (None, r.path)]

    def hits(self, path=None):
        return len(self.requests(path))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer (default 0)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; the cluster tests use a node's own)")
    args = parser.parse_args()
    with FaultServer(args.port, args.delay, args.host) as server:
        print(f"serving on {server.url('/')} (Ctrl-C stops)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
