"""`rankpool fetch` over HTTPS against real servers from Debian (tests/helpers/tls_sites.py): nginx with test
certificates -- HTTP/2 offered by ALPN, HTTP/1.1 only, plain HTTP, an expired certificate, one for another host
name, a self-signed one -- and tinyproxy as the proxy. Where trust comes from (--ca-cert, CURL_CA_BUNDLE,
SSL_CERT_FILE), TLS failures (never retried), the protocol each transfer used, --parallel over HTTP/2, and
proxies from --proxy and the environment (CONNECT for https, a proxied GET for http, no_proxy, a dead proxy, a
proxy that refuses the tunnel). Every file is compared byte for byte with the one nginx serves, and nginx's and
tinyproxy's own logs say what really went over the wire. Skipped, saying "not installed: ...", without nginx,
openssl or tinyproxy (scripts/setup.sh test)."""
import hashlib
import json
import os
import random
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

from fetch_testing import FetchTestCase, Fetched, url_lines
from rankpool_testing import BINARY, MPIEXEC, TempDirTestCase, kill_session
from tls_sites import Nginx, TestCertificates, Tinyproxy, missing_programs

# The variables rankpool (or libcurl under it) reads for trust and proxies: no run sees them unless the test sets
# them (this machine's own, e.g. CURL_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt, would change the outcome).
CLEARED = {"http_proxy", "https_proxy", "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
           "CURL_CA_BUNDLE", "SSL_CERT_FILE"}
OPTIONS = {"--retry-delay": "0.05", "--timeout": "10", "--connect-timeout": "5"}  # unless a test gives its own
TLS_ERRORS = {"good": "unknown CA", "expired": "certificate has expired",
              "other_host": "certificate is for another host name", "self_signed": "self-signed certificate"}

CERTS = SITE = PROXY = ROOT = None


def setUpModule():
    global CERTS, SITE, PROXY, ROOT
    if missing := missing_programs():
        reason = f"not installed: {', '.join(missing)} (scripts/setup.sh test installs them)"
        print(f"skipped: {reason}", file=sys.stderr)
        raise unittest.SkipTest(reason)
    folder = tempfile.TemporaryDirectory(prefix="rankpool-https-")
    unittest.addModuleCleanup(folder.cleanup)
    ROOT = Path(folder.name) / "site"
    ROOT.mkdir()
    CERTS = TestCertificates(Path(folder.name) / "certs")
    SITE = Nginx(ROOT, CERTS).__enter__()
    unittest.addModuleCleanup(SITE.stop)
    PROXY = Tinyproxy().__enter__()
    unittest.addModuleCleanup(PROXY.stop)


def closed_ports(count):
    """`count` different ports on 127.0.0.1 that nothing listens on."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def run_fetch(args, ranks, cwd, env, export=(), timeout=90):
    """`MPIEXEC -q --oversubscribe [-x VAR]... -np RANKS BINARY fetch ARGS` with this process's environment less
    CLEARED, plus `env`; `export`: the names to pass with mpirun's -x too (without it the ranks inherit them
    from mpirun). Returns (returncode, stdout, stderr)."""
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", **env)
    exported = [word for name in export for word in ("-x", name)]
    command = [*shlex.split(MPIEXEC), "-q", "--oversubscribe", *exported, "-np", str(ranks), BINARY, "fetch",
               *map(str, args)]
    with subprocess.Popen(command, cwd=cwd, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_session(proc.pid)
            proc.communicate()
            raise AssertionError(f"timed out after {timeout} s: {' '.join(command)}") from None
    # Open MPI's libevent warning as processes end (see rankpool_testing.run): not rankpool's output.
    err = "".join(line for line in err.splitlines(keepends=True) if not line.startswith("[warn] Epoll "))
    return proc.returncode, out, err


class HttpsTestCase(FetchTestCase):
    """A temporary folder (self.dir) per test; the module's nginx (SITE), tinyproxy (PROXY) and certificates
    (CERTS) serve every test, each test's files under its own path on the site (/TEST_NAME/...)."""

    def setUp(self):
        TempDirTestCase.setUp(self)  # FetchTestCase's own FaultServer is not needed here

    def serve(self, name, size):
        """Puts `size` random bytes on the site as /TEST_NAME/NAME; returns that path."""
        path = f"/{self._testMethodName}/{name}"
        file = ROOT / path.lstrip("/")
        file.parent.mkdir(exist_ok=True)
        file.write_bytes(random.randbytes(size))
        return path

    def served(self, path):
        return (ROOT / path.lstrip("/")).read_bytes()

    def url(self, kind, path, host="127.0.0.1"):
        return SITE.url(kind, host) + path

    def fetch(self, lines, *args, ranks=2, env=None, export=(), timeout=90):
        """Writes `lines` to urls.txt, runs `rankpool fetch urls.txt --out out --report report.json OPTIONS ARGS`
        (run_fetch: `env` on top of the cleaned environment, `export` with -x), checks what must hold after every
        run (fetch_testing) and returns a Fetched."""
        self.write_list(lines)
        report_path = self.dir / "report.json"
        report_path.unlink(missing_ok=True)
        defaults = [word for option, value in OPTIONS.items() if option not in args for word in (option, value)]
        code, out, err = run_fetch(["urls.txt", "--out", "out", "--report", "report.json", *defaults, *args],
                                   ranks, self.dir, env or {}, export, timeout)
        report = json.loads(report_path.read_text()) if report_path.exists() else None
        if code in (0, 1):
            self.assertIsNotNone(report, f"no report (exit {code}):\n{out}{err}")
            self.assertEqual(len(report["results"]), len(url_lines("\n".join(lines))), out + err)
            self.assertInvariants(code, report, self.dir / "out", out + err)
            self.assertIn("parallel", report)
            for entry in report["results"]:
                self.assertIn("protocol", entry)
        return Fetched(code, out, err, report)

    def assertServed(self, entry, path, protocol, proxy=None):
        """An ok line: report fields, and the file in out/ holds exactly the bytes nginx serves for `path`."""
        data = self.served(path)
        self.assertEqual(entry["status"], "ok", entry)
        self.assertEqual((entry["http_status"], entry["bytes"], entry["attempts"], entry["sha256"], entry["error"]),
                         (200, len(data), 1, hashlib.sha256(data).hexdigest(), None), entry)
        self.assertEqual(entry["protocol"], protocol, entry)
        self.assertEqual(entry.get("proxy"), proxy, entry)
        self.assertEqual((self.dir / "out" / entry["file"]).read_bytes(), data, entry["file"])

    def assertTlsFailure(self, entry, kind):
        """A line that failed on the server's certificate: at once, without a response, naming the cause and
        --ca-cert."""
        self.assertFailed(entry, attempts=1, error=TLS_ERRORS[kind])
        self.assertIn("--ca-cert", entry["error"])
        self.assertIsNone(entry["protocol"], entry)

    def assertLogged(self, path, kind, protocol, count=1):
        """nginx logged `count` complete GETs of `path` on the port of `kind`, all over `protocol` ("HTTP/2.0",
        "HTTP/1.1")."""
        entries = SITE.access_log(count=count, uri=path)
        self.assertEqual([(SITE.kind_of(e["port"]), e["method"], e["protocol"], e["status"], e["body_bytes_sent"])
                          for e in entries],
                         [(kind, "GET", protocol, 200, len(self.served(path)))] * count, entries)
        return entries

    def assertNotLogged(self, *paths):
        """nginx never answered a request for any of `paths` (after a moment for a late log line)."""
        time.sleep(0.2)
        self.assertEqual([e for e in SITE.access_log() if e["uri"] in paths], [])


class TrustTest(HttpsTestCase):
    def test_protocols_with_ca_cert(self):
        """HTTP/2 where the server offers it (ALPN), HTTP/1.1 on the HTTP/1.1-only port and for plain http; the
        good certificate also for the name localhost."""
        for ranks in (1, 2):
            with self.subTest(ranks=ranks):
                cases = [("good", "127.0.0.1", "HTTP/2", "HTTP/2.0"), ("good", "localhost", "HTTP/2", "HTTP/2.0"),
                         ("http1", "127.0.0.1", "HTTP/1.1", "HTTP/1.1"), ("http", "127.0.0.1", "HTTP/1.1", "HTTP/1.1")]
                paths = [self.serve(f"{ranks}-{i}.bin", 50_000 + 1000 * i) for i in range(len(cases))]
                result = self.fetch([self.url(kind, path, host) for path, (kind, host, _, _) in zip(paths, cases)],
                                    "--ca-cert", CERTS.ca, ranks=ranks)
                self.assertEqual(result.code, 0, result.out + result.err)
                self.assertIsInstance(result.report["parallel"], int)
                self.assertGreaterEqual(result.report["parallel"], 1)
                self.assertEqual([e["rank"] for e in result.results], [i % ranks for i in range(len(cases))])
                for entry, path, (kind, _, protocol, logged) in zip(result.results, paths, cases):
                    self.assertServed(entry, path, protocol)
                    self.assertLogged(path, kind, logged)

    def test_untrusted_ca(self):
        """Without --ca-cert (and without CURL_CA_BUNDLE or SSL_CERT_FILE) the system store does not know the
        test CA: that line fails at once, however many retries are allowed; the plain http line succeeds."""
        tls, plain = self.serve("a.bin", 20_000), self.serve("b.bin", 30_000)
        result = self.fetch([self.url("good", tls), self.url("http", plain)], "--retries", "3")
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertTlsFailure(result.results[0], "good")
        self.assertServed(result.results[1], plain, "HTTP/1.1")
        self.assertNotLogged(tls)
        self.assertLogged(plain, "http", "HTTP/1.1")

    def test_trust_from_the_environment(self):
        """--ca-cert, else CURL_CA_BUNDLE, else SSL_CERT_FILE, on every rank (passed with -x or inherited); a
        bundle that exists but lacks the test CA (the self-signed certificate) makes the good site unknown."""
        wrong = str(CERTS.self_signed.cert)
        cases = [("CURL_CA_BUNDLE", {"CURL_CA_BUNDLE": str(CERTS.ca)}, [], True, True),
                 ("SSL_CERT_FILE", {"SSL_CERT_FILE": str(CERTS.ca)}, [], False, True),
                 ("CURL_CA_BUNDLE before SSL_CERT_FILE", {"CURL_CA_BUNDLE": str(CERTS.ca), "SSL_CERT_FILE": wrong},
                  [], True, True),
                 ("CURL_CA_BUNDLE, wrong, before SSL_CERT_FILE", {"CURL_CA_BUNDLE": wrong, "SSL_CERT_FILE":
                  str(CERTS.ca)}, [], False, False),
                 ("--ca-cert before CURL_CA_BUNDLE", {"CURL_CA_BUNDLE": wrong}, ["--ca-cert", CERTS.ca], True, True),
                 ("--ca-cert, wrong, before CURL_CA_BUNDLE", {"CURL_CA_BUNDLE": str(CERTS.ca)}, ["--ca-cert", wrong],
                  False, False)]
        for n, (label, env, args, export, trusted) in enumerate(cases):
            with self.subTest(label):
                paths = [self.serve(f"{n}-{i}.bin", 10_000 + i) for i in range(2)]
                result = self.fetch([self.url("good", path) for path in paths], *args, "--retries", "2", env=env,
                                    export=env if export else ())
                self.assertEqual(result.code, 0 if trusted else 1, result.out + result.err)
                self.assertEqual([e["rank"] for e in result.results], [0, 1])
                for entry, path in zip(result.results, paths):
                    if trusted:
                        self.assertServed(entry, path, "HTTP/2")
                        self.assertLogged(path, "good", "HTTP/2.0")
                    else:
                        self.assertTlsFailure(entry, "good")
                        self.assertNotLogged(path)

    def test_missing_ca_file(self):
        """A CA file that does not exist, from --ca-cert, CURL_CA_BUNDLE or SSL_CERT_FILE: exit 2 before anything
        is downloaded, one message naming the file and where it came from."""
        missing = str(self.dir / "no-such-ca.pem")
        cases = [("--ca-cert", {}, ["--ca-cert", missing]), ("CURL_CA_BUNDLE", {"CURL_CA_BUNDLE": missing}, []),
                 ("SSL_CERT_FILE", {"SSL_CERT_FILE": missing}, [])]
        for n, (source, env, args) in enumerate(cases):
            with self.subTest(source):
                paths = [self.serve(f"{n}-tls.bin", 1000), self.serve(f"{n}-plain.bin", 1000)]
                result = self.fetch([self.url("good", paths[0]), self.url("http", paths[1])], *args, env=env,
                                    export=env)
                self.assertEqual(result.code, 2, result.out + result.err)
                self.assertEqual(result.out, "")
                lines = result.err.splitlines()
                self.assertTrue(lines and lines[0].startswith("rankpool: "), result.err)
                self.assertIn(missing, lines[0])
                self.assertIn(source, lines[0])
                self.assertEqual([line for line in lines if missing in line], lines[:1], "not one message")
                self.assertIn(lines[1:], ([], ["Run with --help for more information."]), result.err)
                self.assertEqual(list((self.dir / "out").iterdir()) if (self.dir / "out").exists() else [], [])
                self.assertNotLogged(*paths)


class TlsFailureTest(HttpsTestCase):
    def test_bad_certificates(self):
        """Expired, for another host name, self-signed: each line fails at once (no retry, no response, no file,
        no .part), saying why and pointing at --ca-cert; the good lines of the same list, on both ranks, succeed."""
        bad = ["expired", "other_host", "self_signed"]
        bad_paths = [self.serve(f"{kind}.bin", 40_000) for kind in bad]
        good, http1 = self.serve("good.bin", 300_000), self.serve("http1.bin", 200_000)
        lines = [self.url(kind, path) for kind, path in zip(bad, bad_paths)]
        result = self.fetch([*lines, self.url("good", good), self.url("http1", http1)], "--ca-cert", CERTS.ca,
                            "--retries", "3")
        self.assertEqual(result.code, 1, result.out + result.err)
        for entry, kind in zip(result.results, bad):
            self.assertTlsFailure(entry, kind)
        self.assertServed(result.results[3], good, "HTTP/2")
        self.assertServed(result.results[4], http1, "HTTP/1.1")
        self.assertEqual([e["rank"] for e in result.results], [0, 1, 0, 1, 0])
        self.assertNotLogged(*bad_paths)
        self.assertLogged(good, "good", "HTTP/2.0")
        self.assertLogged(http1, "http1", "HTTP/1.1")


class ParallelTest(HttpsTestCase):
    def test_many_files_over_http2(self):
        """20 files of random sizes up to 3 MB, --parallel 4 on each of 2 ranks, all over HTTP/2: every byte
        arrives, and the report's sha256 is hashlib's."""
        sizes = [random.randint(0, 3_000_000) for _ in range(18)] + [0, 3_000_000]
        paths = [self.serve(f"f{i:02}.bin", size) for i, size in enumerate(sizes)]
        result = self.fetch([self.url("good", path) for path in paths], "--ca-cert", CERTS.ca, "--parallel", "4",
                            timeout=120)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual(result.report["parallel"], 4)
        self.assertEqual(sorted({e["rank"] for e in result.results}), [0, 1])
        for entry, path in zip(result.results, paths):
            self.assertServed(entry, path, "HTTP/2")
            self.assertLogged(path, "good", "HTTP/2.0")


class ProxyTest(HttpsTestCase):
    def new_proxy_requests(self, before):
        """What tinyproxy received since it had `before` requests: (CONNECT targets, absolute GET URLs)."""
        requests = PROXY.requests()[before:]
        return ([r.split()[1] for r in requests if r.startswith("CONNECT ")],
                [r.split()[1] for r in requests if r.startswith("GET ")])

    def test_https_proxy_from_the_environment(self):
        """https_proxy (with -x) or HTTPS_PROXY (inherited): https goes through a CONNECT tunnel, on every rank,
        still HTTP/2 inside it; http is not proxied by an https proxy."""
        for n, (variable, export) in enumerate((("https_proxy", True), ("HTTPS_PROXY", False))):
            with self.subTest(variable):
                tls = [self.serve(f"{n}-{i}.bin", 100_000 + i) for i in range(2)]
                plain = self.serve(f"{n}-plain.bin", 5000)
                before = len(PROXY.requests())
                env = {variable: PROXY.url}
                result = self.fetch([*(self.url("good", path) for path in tls), self.url("http", plain)],
                                    "--ca-cert", CERTS.ca, env=env, export=env if export else ())
                self.assertEqual(result.code, 0, result.out + result.err)
                for entry, path in zip(result.results, tls):
                    self.assertServed(entry, path, "HTTP/2", proxy=PROXY.url)
                    self.assertLogged(path, "good", "HTTP/2.0")
                self.assertEqual([e["rank"] for e in result.results], [0, 1, 0])
                self.assertServed(result.results[2], plain, "HTTP/1.1")
                self.assertEqual(SITE.access_log(count=1, uri=plain)[0]["via"], "")
                connects, gets = self.new_proxy_requests(before)
                self.assertGreaterEqual(len(connects), 2, "not one tunnel per rank")  # ranks share no connection
                self.assertEqual(set(connects), {f"127.0.0.1:{SITE.ports['good']}"})
                self.assertEqual(gets, [])

    def test_http_proxy_from_the_environment(self):
        """http_proxy (with -x) or HTTP_PROXY (inherited): http goes to the proxy as a GET of the absolute URL,
        on every rank; https is not proxied by an http proxy."""
        for n, (variable, export) in enumerate((("http_proxy", True), ("HTTP_PROXY", False))):
            with self.subTest(variable):
                plain = [self.serve(f"{n}-{i}.bin", 70_000 + i) for i in range(2)]
                tls = self.serve(f"{n}-tls.bin", 5000)
                before = len(PROXY.requests())
                env = {variable: PROXY.url}
                result = self.fetch([*(self.url("http", path) for path in plain), self.url("good", tls)],
                                    "--ca-cert", CERTS.ca, env=env, export=env if export else ())
                self.assertEqual(result.code, 0, result.out + result.err)
                for entry, path in zip(result.results, plain):
                    self.assertServed(entry, path, "HTTP/1.1", proxy=PROXY.url)
                    self.assertIn("tinyproxy", self.assertLogged(path, "http", "HTTP/1.1")[0]["via"])
                self.assertEqual([e["rank"] for e in result.results], [0, 1, 0])
                self.assertServed(result.results[2], tls, "HTTP/2")
                connects, gets = self.new_proxy_requests(before)
                self.assertEqual(connects, [])
                self.assertEqual(sorted(gets), sorted(self.url("http", path) for path in plain))

    def test_proxy_option_wins(self):
        """--proxy URL is used for http and https even where the variables name another (dead) proxy."""
        dead = f"http://127.0.0.1:{closed_ports(1)[0]}"
        tls, plain = self.serve("a.bin", 60_000), self.serve("b.bin", 50_000)
        before = len(PROXY.requests())
        env = {"https_proxy": dead, "http_proxy": dead, "HTTPS_PROXY": dead, "HTTP_PROXY": dead}
        result = self.fetch([self.url("good", tls), self.url("http", plain)], "--ca-cert", CERTS.ca,
                            "--proxy", PROXY.url, "--retries", "0", env=env, export=env)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertServed(result.results[0], tls, "HTTP/2", proxy=PROXY.url)
        self.assertServed(result.results[1], plain, "HTTP/1.1", proxy=PROXY.url)
        self.assertEqual(self.new_proxy_requests(before),
                         ([f"127.0.0.1:{SITE.ports['good']}"], [self.url("http", plain)]))

    def test_no_proxy(self):
        """A host no_proxy (NO_PROXY) names goes direct -- nothing in tinyproxy's log, no proxy in the report --
        while the same server under its other name goes through the proxy."""
        cases = [("no_proxy", "https_proxy", "127.0.0.1", "localhost", True),
                 ("NO_PROXY", "HTTPS_PROXY", "localhost", "127.0.0.1", False)]
        for n, (no_variable, variable, direct_host, proxied_host, export) in enumerate(cases):
            with self.subTest(no_variable):
                direct, proxied = self.serve(f"{n}-direct.bin", 30_000), self.serve(f"{n}-proxied.bin", 40_000)
                before = len(PROXY.requests())
                env = {variable: PROXY.url, no_variable: direct_host}
                result = self.fetch([self.url("good", direct, direct_host), self.url("good", proxied, proxied_host)],
                                    "--ca-cert", CERTS.ca, env=env, export=env if export else ())
                self.assertEqual(result.code, 0, result.out + result.err)
                self.assertServed(result.results[0], direct, "HTTP/2")
                self.assertServed(result.results[1], proxied, "HTTP/2", proxy=PROXY.url)
                self.assertLogged(direct, "good", "HTTP/2.0")
                self.assertLogged(proxied, "good", "HTTP/2.0")
                self.assertEqual(self.new_proxy_requests(before), ([f"{proxied_host}:{SITE.ports['good']}"], []))

    def test_dead_proxy(self):
        """A proxy nothing listens on: the line fails, naming the proxy and where it came from (each scheme its
        own variable, here two dead proxies on two ports), on every rank."""
        dead_tls, dead_plain = (f"http://127.0.0.1:{port}" for port in closed_ports(2))
        cases = [({"https_proxy": dead_tls, "http_proxy": dead_plain}, [], ("https_proxy", "http_proxy")),
                 ({"HTTPS_PROXY": dead_tls, "HTTP_PROXY": dead_plain}, [], ("HTTPS_PROXY", "HTTP_PROXY")),
                 ({}, ["--proxy", dead_tls], ("--proxy", "--proxy"))]
        for n, (env, args, sources) in enumerate(cases):
            with self.subTest(sources[0]):
                paths = [self.serve(f"{n}-tls.bin", 1000), self.serve(f"{n}-plain.bin", 1000)]
                result = self.fetch([self.url("good", paths[0]), self.url("http", paths[1])], "--ca-cert", CERTS.ca,
                                    "--retries", "0", *args, env=env, export=env)
                self.assertEqual(result.code, 1, result.out + result.err)
                proxies = (dead_tls, dead_plain) if env else (dead_tls, dead_tls)
                for entry, proxy, source in zip(result.results, proxies, sources):
                    self.assertFailed(entry, attempts=1, error=f"proxy {proxy}")
                    self.assertIn(f"(from {source})", entry["error"])
                    self.assertIsNone(entry["protocol"], entry)
                    self.assertEqual(entry.get("proxy"), proxy, entry)
                self.assertEqual([e["rank"] for e in result.results], [0, 1])
                self.assertNotLogged(*paths)

    def test_proxy_refusing_the_tunnel(self):
        """A proxy that answers CONNECT with 403 (tinyproxy tunnels to port 443 only): the https line fails at once
        with the proxy's 403 and is not retried; an http line through the same proxy succeeds."""
        tls, plain = self.serve("a.bin", 10_000), self.serve("b.bin", 20_000)
        with Tinyproxy(connect_ports=[443]) as strict:
            env = {"https_proxy": strict.url, "http_proxy": strict.url}
            result = self.fetch([self.url("good", tls), self.url("http", plain)], "--ca-cert", CERTS.ca,
                                "--retries", "3", env=env, export=env)
            self.assertEqual(result.code, 1, result.out + result.err)
            entry = result.results[0]
            self.assertFailed(entry, attempts=1, error="403")
            self.assertIn("proxy", entry["error"])
            self.assertIsNone(entry["protocol"], entry)
            self.assertEqual(entry.get("proxy"), strict.url, entry)
            self.assertServed(result.results[1], plain, "HTTP/1.1", proxy=strict.url)
            self.assertEqual(strict.connects(), [f"127.0.0.1:{SITE.ports['good']}"])  # once: not retried
            self.assertEqual(strict.gets(), [self.url("http", plain)])
            self.assertTrue(any(f"Refused CONNECT method on port {SITE.ports['good']}" in line
                                for line in strict.lines()), strict.lines())
        self.assertNotLogged(tls)


if __name__ == "__main__":
    unittest.main()
