"""Real servers from Debian for the HTTPS tests of `rankpool fetch`: test certificates made with the `openssl`
command, nginx serving static files over TLS (HTTP/2 and HTTP/1.1) and plain HTTP, and tinyproxy as a
forward proxy. Each server is a context manager: it starts the daemon in the foreground on 127.0.0.1 with
free ports, in its own temporary folder, waits until it accepts connections, and on exit (also after an
exception) stops it and every process it started.

    certs = TestCertificates(folder)            # certs.ca, certs.good.cert, certs.expired.key, ...
    with Nginx(root, certs) as site, Tinyproxy() as proxy:
        site.url("good") + "/a.bin"             # https://127.0.0.1:PORT/a.bin, HTTP/2, trusted by certs.ca
        site.access_log(count=1)                # [{"port": PORT, "protocol": "HTTP/2.0", ...}]
        proxy.url, proxy.lines(), proxy.connects()

Where a program is missing, the constructors raise NotInstalled, whose message is `not installed: PROGRAM
(...)`; `missing_programs()` lists them up front (ctest skips on "not installed: ").

By hand (prints the URLs and waits for Ctrl-C):
    python3 tests/helpers/tls_sites.py [ROOT]
"""
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

PROGRAMS = {"openssl": "/usr/bin/openssl", "nginx": "/usr/sbin/nginx", "tinyproxy": "/usr/bin/tinyproxy"}
PACKAGES = {"openssl": "openssl", "nginx": "nginx-light", "tinyproxy": "tinyproxy"}
START_TIMEOUT = 10.0  # seconds for a daemon to accept connections
STOP_TIMEOUT = 5.0    # seconds for it to end after SIGTERM, before SIGKILL

# Site kinds of Nginx: the certificate each TLS port presents, and whether it offers HTTP/2 (ALPN h2).
TLS_KINDS = {"good": ("good", True), "expired": ("expired", True), "other_host": ("other_host", True),
             "self_signed": ("self_signed", True), "http1": ("good", False)}
KINDS = (*TLS_KINDS, "http")


class NotInstalled(RuntimeError):
    """A program the servers need is missing; the message starts with `not installed: PROGRAM`."""


def find(program):
    """The path of `program` (PATH, then /usr/sbin, /sbin and Debian's own location), or None."""
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", str(Path(PROGRAMS[program]).parent)])
    return shutil.which(program, path=path)


def missing_programs(*programs):
    """Those of `programs` (default: all three) that are not installed."""
    return [p for p in programs or PROGRAMS if find(p) is None]


def require(program):
    found = find(program)
    if found is None:
        raise NotInstalled(f"not installed: {program} (Debian package {PACKAGES[program]}; scripts/setup.sh test)")
    return found


def free_port():
    """A TCP port free on 127.0.0.1 right now (the daemon binds it a moment later; a start that loses the race
    is retried with new ports)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Daemon:
    """A foreground daemon in its own session and process group (so that stopping it reaches every process it
    started); `ports` (on `host`) must accept connections before the start counts as done."""

    def __init__(self, name, command, ports, log, cwd, host="127.0.0.1"):
        self.name, self.command, self.ports, self.log_path, self.host = name, command, ports, log, host
        self.output = open(log, "wb")
        self.proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=self.output,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self):
        """True when every port accepts connections, False when the daemon exited first (e.g. a port was taken);
        raises when it is neither after START_TIMEOUT."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if all(accepts(self.host, port) for port in self.ports):
                return True
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"{self.name} did not accept connections on {self.ports} within {START_TIMEOUT} s: "
                           f"{self.messages()}")

    def messages(self):
        return Path(self.log_path).read_text(errors="replace").strip()

    def stop(self):
        """SIGTERM to the process group, then SIGKILL after STOP_TIMEOUT (or at once for what is left); returns
        the exit status of the daemon."""
        try:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    pass
            try:  # workers or helpers still in the group (the group outlives its leader while it has members)
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            return self.proc.wait()
        finally:
            self.output.close()


def start(name, make_command, attempts=3):
    """Starts the Daemon make_command() describes (a fresh choice of ports each time) until one is ready."""
    for attempt in range(attempts):
        daemon = make_command()
        if daemon.wait_ready():
            return daemon
        daemon.stop()
        if attempt == attempts - 1:
            raise RuntimeError(f"{name} exited at start ({' '.join(map(str, daemon.command))}): {daemon.messages()}")
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------------------------------------------
# Certificates

OPENSSL_CONFIG = """\
# A throw-away CA for the tests (openssl ca); every section below is one kind of certificate.
[ca]
default_ca = test_ca
[test_ca]
dir = .
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
email_in_dn = no
[any]
commonName = supplied
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[other_host_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


class KeyPair(NamedTuple):
    cert: Path  # PEM certificate
    key: Path   # PEM private key (EC P-256, unencrypted)


class TestCertificates:
    """A test CA and server certificates, made with the `openssl` command in `folder`:

      ca           the CA's certificate (ca.pem): what --ca-cert gets; ca_key its key
      good         signed by the CA for IP:127.0.0.1 and DNS:localhost, valid from yesterday for 10 years
      expired      the same names, signed by the CA, valid only in January 2020
      other_host   signed by the CA, valid, for DNS:other.example only
      self_signed  for IP:127.0.0.1 and DNS:localhost, valid, signed by its own key (no CA)

    Each of the four is a KeyPair (cert, key)."""

    __test__ = False  # not a test class, whatever its name says

    def __init__(self, folder):
        self.openssl = require("openssl")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "issued").mkdir(exist_ok=True)
        self.config = self.folder / "openssl.cnf"
        self.config.write_text(OPENSSL_CONFIG)
        (self.folder / "index.txt").write_text("")
        (self.folder / "serial").write_text("1000\n")
        self.ca = self.folder / "ca.pem"
        self.ca_key = self.folder / "ca.key"
        self._req("-x509", "-days", "3650", "-subj", "/CN=rankpool test CA", "-extensions", "ca_ext",
                  "-keyout", self.ca_key, "-out", self.ca)
        yesterday = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
        self.good = self._signed("good", "server_ext", yesterday, yesterday + datetime.timedelta(days=3650))
        self.expired = self._signed("expired", "server_ext", datetime.datetime(2020, 1, 1),
                                    datetime.datetime(2020, 2, 1))
        self.other_host = self._signed("other_host", "other_host_ext", yesterday,
                                       yesterday + datetime.timedelta(days=3650))
        self.self_signed = KeyPair(self.folder / "self_signed.pem", self.folder / "self_signed.key")
        self._req("-x509", "-days", "3650", "-subj", "/CN=127.0.0.1", "-extensions", "server_ext",
                  "-keyout", self.self_signed.key, "-out", self.self_signed.cert)
        # What the certificates are meant to be, checked with openssl itself.
        for pair in (self.good, self.other_host):
            self._openssl("verify", "-CAfile", self.ca, pair.cert)
        for pair, error in ((self.expired, "certificate has expired"), (self.self_signed, "self-signed certificate")):
            checked = self._openssl("verify", "-CAfile", self.ca, pair.cert, check=False)
            assert checked.returncode != 0 and error in checked.stdout + checked.stderr, checked
        assert self._openssl("x509", "-checkend", "0", "-noout", "-in", self.expired.cert, check=False).returncode == 1
        assert self._openssl("x509", "-checkend", "86400", "-noout", "-in", self.good.cert).returncode == 0

    def pair(self, kind):
        """The KeyPair of `kind`: good, expired, other_host or self_signed."""
        return getattr(self, kind)

    def _openssl(self, *args, check=True):
        done = subprocess.run([self.openssl, *map(str, args)], cwd=self.folder, capture_output=True, text=True,
                              env=dict(os.environ, OPENSSL_CONF=str(self.config)))
        if check and done.returncode != 0:
            raise RuntimeError(f"openssl {' '.join(map(str, args))} failed: {done.stdout}{done.stderr}")
        return done

    def _req(self, *args):
        self._openssl("req", "-config", self.config, "-new", "-newkey", "ec", "-pkeyopt",
                      "ec_paramgen_curve:prime256v1", "-nodes", *args)

    def _signed(self, name, extensions, not_before, not_after):
        pair = KeyPair(self.folder / f"{name}.pem", self.folder / f"{name}.key")
        request = self.folder / f"{name}.csr"
        self._req("-subj", "/CN=127.0.0.1" if name != "other_host" else "/CN=other.example",
                  "-keyout", pair.key, "-out", request)
        stamp = "%Y%m%d%H%M%SZ"
        self._openssl("ca", "-config", self.config, "-batch", "-notext", "-cert", self.ca, "-keyfile", self.ca_key,
                      "-extensions", extensions, "-startdate", not_before.strftime(stamp),
                      "-enddate", not_after.strftime(stamp), "-in", request, "-out", pair.cert)
        return pair


# ----------------------------------------------------------------------------------------------------------------
# nginx

# One JSON object per request (escape=json: strings are JSON-escaped, empty values are "").
LOG_FORMAT = ('{"port":$server_port,"protocol":"$server_protocol","request":"$request","method":"$request_method",'
              '"uri":"$uri","status":$status,"bytes_sent":$bytes_sent,"body_bytes_sent":$body_bytes_sent,'
              '"connection":$connection,"connection_requests":$connection_requests,"ssl_protocol":"$ssl_protocol",'
              '"range":"$http_range","via":"$http_via","user_agent":"$http_user_agent"}')


class Nginx:
    """Debian's nginx serving the files under `root` on 127.0.0.1, one port per kind:

      good, expired, other_host, self_signed   TLS with that certificate of `certs`, HTTP/2 offered (ALPN h2)
      http1                                    TLS with the good certificate, HTTP/1.1 only
      http                                     plain HTTP

    `url(kind)` is the base URL (https://127.0.0.1:PORT, no trailing slash; host="localhost" for that name),
    `ports[kind]` the port, `access_log()` the requests so far (dicts, see LOG_FORMAT; "port" tells the kind,
    "protocol" is HTTP/2.0, HTTP/1.1 or HTTP/1.0). Everything nginx writes (pid, logs, temporary files) stays
    in its temporary folder. `extra_server` is added to every server block (e.g. "limit_rate 1m;")."""

    def __init__(self, root, certs, extra_server=""):
        self.nginx = require("nginx")
        self.root = Path(root).resolve()
        self.certs = certs
        self.extra_server = extra_server
        self.ports = {}
        self.daemon = None
        self._tmp = None

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="rankpool-nginx-")
        self.prefix = Path(self._tmp.name)
        try:
            self.daemon = start("nginx", self._launch)
        except BaseException:
            self._tmp.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.daemon is not None:
            self.daemon.stop()
            self.daemon = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def url(self, kind, host="127.0.0.1"):
        scheme = "http" if kind == "http" else "https"
        return f"{scheme}://{host}:{self.ports[kind]}"

    def kind_of(self, port):
        return next(kind for kind, p in self.ports.items() if p == port)

    @property
    def access_log_path(self):
        return self.prefix / "access.log"

    @property
    def error_log_path(self):
        return self.prefix / "error.log"

    def access_log(self, count=0, timeout=5.0, **match):
        """The requests logged so far, oldest first, those whose fields equal `match` only (e.g. kind="good",
        uri="/a.bin"; kind is turned into its port). nginx logs a request only after sending the last byte, so
        a client can be done a moment earlier: this waits up to `timeout` seconds for at least `count` of them."""
        if "kind" in match:
            match["port"] = self.ports[match.pop("kind")]
        deadline = time.monotonic() + timeout
        while True:
            text = self.access_log_path.read_text() if self.access_log_path.exists() else ""
            entries = [json.loads(line) for line in text.splitlines() if line.strip()]
            entries = [e for e in entries if all(e.get(key) == value for key, value in match.items())]
            if len(entries) >= count or time.monotonic() > deadline:
                return entries
            time.sleep(0.05)

    def _launch(self):
        self.ports = {kind: free_port() for kind in KINDS}
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / "temp" / name).mkdir(parents=True, exist_ok=True)
        servers = []
        for kind, (cert_kind, http2) in TLS_KINDS.items():
            pair = self.certs.pair(cert_kind)
            servers.append(f"""
    server {{  # {kind}
        listen 127.0.0.1:{self.ports[kind]} ssl{" http2" if http2 else ""};
        ssl_certificate {pair.cert};
        ssl_certificate_key {pair.key};
        root {self.root};
        {self.extra_server}
    }}""")
        servers.append(f"""
    server {{  # http
        listen 127.0.0.1:{self.ports["http"]};
        root {self.root};
        {self.extra_server}
    }}""")
        user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must read files in 0700 folders
        conf = self.prefix / "nginx.conf"
        conf.write_text(f"""# written by tests/helpers/tls_sites.py
{user}worker_processes 1;
pid {self.prefix}/nginx.pid;
error_log {self.error_log_path} info;
events {{
    worker_connections 512;
}}
http {{
    default_type application/octet-stream;
    types {{ }}
    log_format rankpool escape=json '{LOG_FORMAT}';
    access_log {self.access_log_path} rankpool;
    client_body_temp_path {self.prefix}/temp/client_body;
    proxy_temp_path {self.prefix}/temp/proxy;
    fastcgi_temp_path {self.prefix}/temp/fastcgi;
    uwsgi_temp_path {self.prefix}/temp/uwsgi;
    scgi_temp_path {self.prefix}/temp/scgi;
    sendfile on;
    keepalive_timeout 30s;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;
{"".join(servers)}
}}
""")
        return Daemon("nginx", [self.nginx, "-p", f"{self.prefix}/", "-e", str(self.error_log_path),
                                "-c", str(conf), "-g", "daemon off;"],
                      list(self.ports.values()), self.prefix / "nginx.out", self.prefix)


# ----------------------------------------------------------------------------------------------------------------
# tinyproxy


class Tinyproxy:
    """Debian's tinyproxy as a forward proxy on `address` (`url`: http://ADDRESS:PORT; default 127.0.0.1), for
    clients in `clients` (an address or a network; default 127.0.0.1 only), reaching any destination (127.0.0.1
    included). With `connect_ports` (a list of ports) it tunnels (CONNECT) only to those ports and answers 403 to
    any other CONNECT; without it, to any port. `lines()` is its log; `connects()` and `gets()` the requests in it
    ("127.0.0.1:PORT" and absolute URLs), `clients()` the addresses that connected."""

    def __init__(self, connect_ports=None, address="127.0.0.1", clients="127.0.0.1"):
        self.tinyproxy = require("tinyproxy")
        self.connect_ports = connect_ports
        self.address, self.allowed = address, clients
        self.daemon = None
        self._tmp = None

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="rankpool-tinyproxy-")
        self.folder = Path(self._tmp.name)
        try:
            self.daemon = start("tinyproxy", self._launch)
        except BaseException:
            self._tmp.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.daemon is not None:
            self.daemon.stop()
            self.daemon = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    @property
    def url(self):
        return f"http://{self.address}:{self.port}"

    @property
    def log_path(self):
        return self.folder / "tinyproxy.log"

    def lines(self):
        return self.log_path.read_text(errors="replace").splitlines() if self.log_path.exists() else []

    def requests(self):
        """The request lines it received, in order: ["CONNECT 127.0.0.1:4433 HTTP/1.1", "GET http://... HTTP/1.1"]."""
        marker = "]: Request (file descriptor "
        found = []
        for line in self.lines():
            if marker in line:
                found.append(line.split(marker, 1)[1].split("): ", 1)[1].strip())
        return found

    def connects(self):
        """The CONNECT targets ("127.0.0.1:PORT") it was asked for, in order."""
        return [r.split()[1] for r in self.requests() if r.startswith("CONNECT ")]

    def gets(self):
        """The absolute URLs of the proxied GET requests, in order."""
        return [r.split()[1] for r in self.requests() if r.startswith("GET ")]

    def clients(self):
        """The addresses it accepted connections from, in order ("Connect (file descriptor 7): 10.211.0.1")."""
        marker = "]: Connect (file descriptor "
        return [line.split(marker, 1)[1].split("): ", 1)[1].split()[0] for line in self.lines() if marker in line]

    def _launch(self):
        self.port = free_port()
        conf = self.folder / "tinyproxy.conf"
        ports = "".join(f"ConnectPort {p}\n" for p in self.connect_ports or ())
        conf.write_text(f"""# written by tests/helpers/tls_sites.py
Port {self.port}
Listen {self.address}
Timeout 60
LogFile "{self.log_path}"
LogLevel Info
MaxClients 64
Allow {self.allowed}
DisableViaHeader No
{ports}""")
        return Daemon("tinyproxy", [self.tinyproxy, "-d", "-c", str(conf)], [self.port],
                      self.folder / "tinyproxy.out", self.folder, host=self.address)


def main():
    """Starts nginx over ROOT (default: the current folder) with fresh certificates and a tinyproxy; prints the
    URLs and the curl command lines to try them; Ctrl-C stops both."""
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    with tempfile.TemporaryDirectory(prefix="rankpool-certs-") as folder:
        certs = TestCertificates(folder)
        with Nginx(root, certs) as site, Tinyproxy() as proxy:
            for kind in KINDS:
                print(f"{kind:12} {site.url(kind)}/")
            print(f"{'proxy':12} {proxy.url}")
            print(f"curl --cacert {certs.ca} {site.url('good')}/FILE    (Ctrl-C stops)", flush=True)
            try:
                signal.pause()
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
