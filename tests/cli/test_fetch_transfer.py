"""`rankpool fetch` against a misbehaving server: statuses, retries, Retry-After, truncated, stalled and
slow bodies, bad 206 and 416 answers, redirects, --max-size and checksums. Every saved file is compared
byte for byte. Each case runs as written (--parallel 1) and again with --parallel 8 on at most 2 ranks."""
import socket
import unittest
from pathlib import Path

from fetch_testing import FetchTestCase, parallel_variants, sha256


class BodyTest(FetchTestCase):
    def test_with_and_without_content_length(self):
        cases = [("/b/plain.bin", dict(size=3000)), ("/b/empty.bin", dict(size=0)),
                 ("/b/big.bin", dict(size=300_000)), ("/b/close.bin", dict(size=70_000, cl="none")),
                 ("/b/chunked.bin", dict(size=70_000, cl="chunked"))]
        result = self.fetch([self.url(path, **query) for path, query in cases], ranks=3)
        self.assertEqual(result.code, 0, result.out + result.err)
        for entry, (path, query) in zip(result.results, cases):
            self.assertOk(entry, path, query["size"])
            self.assertEqual(self.server.hits(path), 1)

    def test_one_rank(self):
        result = self.fetch([self.url(f"/one/{i}.bin", size=100 * i) for i in range(2, 5)], ranks=1)
        self.assertEqual(result.code, 0, result.out + result.err)
        for i, entry in enumerate(result.results, start=2):
            self.assertOk(entry, f"/one/{i}.bin", 100 * i)


class StatusTest(FetchTestCase):
    def test_client_errors_are_not_retried(self):
        cases = [("/s/missing.bin", 404), ("/s/gone.bin", 410), ("/s/forbidden.bin", 403)]
        result = self.fetch([self.url(path, status=code) for path, code in cases], ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        for entry, (path, code) in zip(result.results, cases):
            self.assertFailed(entry, attempts=1, http=code, error=str(code))
            self.assertEqual(self.server.hits(path), 1)

    def test_server_errors_recovering(self):
        cases = [("/s/500.bin", 500, 2), ("/s/503.bin", 503, 1), ("/s/502.bin", 502, 3), ("/s/408.bin", 408, 1)]
        result = self.fetch([self.url(path, status=code, times=k, size=2000) for path, code, k in cases], ranks=4)
        self.assertEqual(result.code, 0, result.out + result.err)
        for entry, (path, _, k) in zip(result.results, cases):
            self.assertOk(entry, path, 2000, attempts=k + 1)
            self.assertEqual(self.server.hits(path), k + 1)

    def test_server_errors_not_recovering(self):
        cases = [("/s/500.bin", 500), ("/s/503.bin", 503), ("/s/408.bin", 408)]
        result = self.fetch([self.url(path, status=code) for path, code in cases], "--retries", "2", ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        for entry, (path, code) in zip(result.results, cases):
            self.assertFailed(entry, attempts=3, http=code, error=str(code))
            self.assertEqual(self.server.hits(path), 3)

    def test_no_retries(self):
        result = self.fetch([self.url("/s/500.bin", status=500)], "--retries", "0", ranks=1)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertFailed(result.results[0], attempts=1, http=500)
        self.assertEqual(self.server.hits(), 1)

    def test_retry_after(self):
        """429 and 503 with Retry-After: 1 wait at least that long, however short --retry-delay is."""
        cases = [("/s/429.bin", 429), ("/s/503.bin", 503)]
        result = self.fetch([self.url(path, status=code, times=1, retry_after=1) for path, code in cases], ranks=3)
        self.assertEqual(result.code, 0, result.out + result.err)
        for entry, (path, _) in zip(result.results, cases):
            self.assertOk(entry, path, 1000, attempts=2)
            first, second = self.server.requests(path)
            self.assertGreaterEqual(second.time - first.time, 0.95, path)

    def test_other_final_statuses_fail_at_once(self):
        """Only 200 and a matching 206 are success: 201, 204, 300, a 302 without Location and 304 fail, unretried."""
        codes = (201, 204, 300, 302, 304)
        result = self.fetch([self.url(f"/s/{code}.bin", status=code) for code in codes], ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        for entry, code in zip(result.results, codes):
            self.assertFailed(entry, attempts=1, http=code, error=f"HTTP {code}")
            self.assertEqual(self.server.hits(f"/s/{code}.bin"), 1)

    def test_retry_after_cap_and_date(self):
        """Retry-After: 5 under --max-retry-after 0.5, and the HTTP-date form (about 1 s ahead)."""
        paths = {"/s/capped.bin": dict(retry_after=5), "/s/dated.bin": dict(retry_date=1)}
        result = self.fetch([self.url(path, status=503, times=1, **query) for path, query in paths.items()],
                            "--max-retry-after", "0.5", ranks=2)
        self.assertEqual(result.code, 0, result.out + result.err)
        for entry, path in zip(result.results, paths):
            self.assertOk(entry, path, 1000, attempts=2)
            first, second = self.server.requests(path)
            self.assertGreaterEqual(second.time - first.time, 0, path)

    def test_backoff(self):
        """The k-th retry waits at least retry_delay * 2^(k-1) / 2."""
        result = self.fetch([self.url("/s/busy.bin", status=500)], "--retries", "2", "--retry-delay", "0.4", ranks=1)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertFailed(result.results[0], attempts=3, http=500)
        times = [r.time for r in self.server.requests()]
        self.assertGreaterEqual(times[1] - times[0], 0.2)
        self.assertGreaterEqual(times[2] - times[1], 0.4)

    def test_connection_refused(self):
        with socket.socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        result = self.fetch([f"http://127.0.0.1:{port}/x.bin", self.url("/s/fine.bin")], "--retries", "2", ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertFailed(result.results[0], attempts=3, http=0)
        self.assertOk(result.results[1], "/s/fine.bin", 1000)


class BrokenBodyTest(FetchTestCase):
    def test_truncated_with_range_support(self):
        """Each retry asks for the rest (Range: bytes=N-) and appends the 206 answer; the checks still hold."""
        paths = {"/t/resume-once.bin": 1, "/t/resume-twice.bin": 2}  # truncated answers, 20 kB each
        result = self.fetch([f"{self.url(path, size=50_000, truncate=20_000, times=k, ranges=1)} size=50000 "
                             f"sha256={sha256(path, 50_000)}" for path, k in paths.items()], ranks=1)
        self.assertEqual(result.code, 0, result.out + result.err)
        for entry, (path, k) in zip(result.results, paths.items()):
            self.assertIn(entry["http_status"], (200, 206))
            self.assertOk(entry, path, 50_000, attempts=k + 1, http=entry["http_status"])
            self.assertEqual([r.headers.get("range") for r in self.server.requests(path)],
                             [None] + [f"bytes={20_000 * i}-" for i in range(1, k + 1)])

    def test_truncated_without_range_support(self):
        """The server ignores Range: the file restarts cleanly, whether or not Range was asked for."""
        result = self.fetch([self.url("/t/restart.bin", size=50_000, truncate=20_000, times=1),
                             self.url("/t/lying.bin", size=50_000, truncate=20_000, times=1, ranges="lie")], ranks=3)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertOk(result.results[0], "/t/restart.bin", 50_000, attempts=2)
        self.assertOk(result.results[1], "/t/lying.bin", 50_000, attempts=2)
        self.assertEqual(self.server.requests("/t/lying.bin")[1].headers.get("range"), "bytes=20000-")

    def test_short_body_without_content_length(self):
        """No Content-Length and the connection closes short of the list's size=: retried, not a final mismatch."""
        lines = [f"{self.url('/t/close-short.bin', size=50_000, cl='none', truncate=20_000, times=1)} size=50000",
                 f"{self.url('/t/close-always.bin', size=3000, cl='none')} size=3001"]
        result = self.fetch(lines, "--retries", "2", ranks=2)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertOk(result.results[0], "/t/close-short.bin", 50_000, attempts=2)
        self.assertFailed(result.results[1], attempts=3)
        self.assertEqual((self.server.hits("/t/close-short.bin"), self.server.hits("/t/close-always.bin")), (2, 3))

    def test_slow_steady_body(self):
        """--timeout 1 bounds each pause, not the transfer: 64 KiB as four 16 KiB pieces 0.3 s apart is fine."""
        paths = {"/t/drip.bin": {}, "/t/drip-close.bin": dict(cl="none")}
        result = self.fetch([self.url(path, size=65_536, drip=0.3, **query) for path, query in paths.items()], ranks=2)
        self.assertEqual(result.code, 0, result.out + result.err)
        for entry, path in zip(result.results, paths):
            self.assertOk(entry, path, 65_536)
            self.assertEqual(self.server.hits(path), 1)

    def test_truncated_every_time(self):
        result = self.fetch([self.url("/t/short.bin", size=5000, truncate=100, ranges=1)], "--retries", "2", ranks=1)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertFailed(result.results[0], attempts=3)
        self.assertEqual(self.server.hits(), 3)

    def test_stalled_body(self):
        """--timeout 1: a body that stops arriving is aborted and retried; retries can recover or run out."""
        result = self.fetch([self.url("/t/stall-once.bin", size=8000, stall=3000, times=1, sleep=20),
                             self.url("/t/stall-always.bin", size=8000, stall=3000, sleep=20)],
                            "--retries", "1", ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertOk(result.results[0], "/t/stall-once.bin", 8000, attempts=2)
        self.assertFailed(result.results[1], attempts=2)
        self.assertEqual(self.server.hits("/t/stall-always.bin"), 2)


class PartialAnswerTest(FetchTestCase):
    """A 206 is success only for `bytes S-E/T` with S the offset asked for (0 without Range), E = T-1 and
    Content-Length E-S+1; any other 206, and a 416 to a Range request, is retried with a plain GET."""

    def test_bad_answer_to_a_range_request(self):
        modes = ("wrong", "short", "badlength", "416")
        result = self.fetch([self.url(f"/p/{mode}.bin", size=50_000, truncate=20_000, times=1, ranges=mode)
                             for mode in modes], ranks=4)
        self.assertEqual(result.code, 0, result.out + result.err)
        for entry, mode in zip(result.results, modes):
            self.assertOk(entry, f"/p/{mode}.bin", 50_000, attempts=3)
            self.assertEqual([r.headers.get("range") for r in self.server.requests(f"/p/{mode}.bin")],
                             [None, "bytes=20000-", None], mode)

    def test_206_to_a_plain_get(self):
        """bytes 0-(T-1)/T is the whole body; a tail (bytes 5000-...) is not, however often it comes."""
        for retries in (0, 2):
            with self.subTest(retries=retries):
                before = self.server.hits("/p/tail.bin")
                result = self.fetch([self.url("/p/whole.bin", size=8000, ranges="always206", tail=0),
                                     self.url("/p/tail.bin", size=8000, ranges="always206")],
                                    "--retries", str(retries), ranks=2)
                self.assertEqual(result.code, 1, result.out + result.err)
                self.assertOk(result.results[0], "/p/whole.bin", 8000, http=206)
                self.assertFailed(result.results[1], attempts=retries + 1)
                self.assertEqual([r.headers.get("range") for r in self.server.requests("/p/tail.bin")[before:]],
                                 [None] * (retries + 1))


class RedirectTest(FetchTestCase):
    def test_redirect_chains(self):
        """Up to 10 hops are followed; the 11th fails without a retry."""
        result = self.fetch([self.url("/r/three.bin", redirect=3), self.url("/r/ten.bin", redirect=10),
                             self.url("/r/eleven.bin", redirect=11)], ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertOk(result.results[0], "/r/three.bin", 1000, name="three.bin")
        self.assertOk(result.results[1], "/r/ten.bin", 1000)
        self.assertEqual((self.server.hits("/r/three.bin"), self.server.hits("/r/ten.bin")), (4, 11))
        self.assertFailed(result.results[2], attempts=1)
        self.assertLessEqual(self.server.hits("/r/eleven.bin"), 11)

    def test_redirect_loop(self):
        result = self.fetch([self.url("/r/loop.bin", loop=1)], ranks=1)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertFailed(result.results[0], attempts=1)
        self.assertLessEqual(self.server.hits(), 11)

    def test_redirect_to_other_schemes(self):
        """file:// and ftp:// targets fail at once; nothing of /etc/passwd lands anywhere."""
        result = self.fetch([self.url("/r/passwd", location="file:///etc/passwd"),
                             self.url("/r/ftp.bin", location="ftp://127.0.0.1/x.bin")], ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        for entry in result.results:
            self.assertFailed(entry, attempts=1)
        self.assertEqual(self.server.hits(), 2)
        passwd = Path("/etc/passwd").read_bytes()[:32]
        leaked = [p for p in self.dir.rglob("*") if p.is_file() and passwd in p.read_bytes()]
        self.assertEqual(leaked, [])
        self.assertEqual(list((self.dir / "out").iterdir()) if (self.dir / "out").exists() else [], [])


class CheckTest(FetchTestCase):
    def test_max_size_with_content_length(self):
        result = self.fetch([self.url("/m/fits.bin", size=50_000), self.url("/m/over.bin", size=50_001)],
                            "--max-size", "50000", ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertOk(result.results[0], "/m/fits.bin", 50_000)
        self.assertFailed(result.results[1], attempts=1)
        self.assertEqual(self.server.hits("/m/over.bin"), 1)

    def test_max_size_without_content_length(self):
        """Enforced while receiving: the transfer stops long before the 4 MB body is all sent."""
        result = self.fetch([self.url("/m/close.bin", size=4_000_000, cl="none", drip=0.01),
                             self.url("/m/chunked.bin", size=4_000_000, cl="chunked", drip=0.01)],
                            "--max-size", "100000", ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        for entry in result.results:
            self.assertFailed(entry, attempts=1)
        self.assertEqual([r.completed for r in self.server.requests()], [False, False])

    def test_checksums(self):
        """A wrong sha256= or size= (a body longer than it, with or without Content-Length) fails without a
        retry; right ones (any hex case) pass."""
        good = sha256("/c/good.bin", 3000)
        lines = [f"{self.url('/c/good.bin', size=3000)} sha256={good.upper()} size=3000",
                 f"{self.url('/c/bad-sha.bin', size=3000)} sha256={good}",
                 f"{self.url('/c/bad-size.bin', size=3000)} size=2999",
                 f"{self.url('/c/bad-size-close.bin', size=3000, cl='none')} size=2999"]
        result = self.fetch(lines, ranks=4)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertOk(result.results[0], "/c/good.bin", 3000)
        for entry in result.results[1:]:
            self.assertFailed(entry, attempts=1)
        self.assertEqual(self.server.hits(), 4)


parallel_variants(globals(), BodyTest, StatusTest, BrokenBodyTest, PartialAnswerTest, RedirectTest, CheckTest)

if __name__ == "__main__":
    unittest.main()
