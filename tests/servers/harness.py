"""Black-box plumbing for the server tests: a throwaway CA, configs rendered from
templates, real nginx / Apache processes on 127.0.0.1, a small upstream, and a raw
HTTP client. Python 3 standard library only.

Every process started here is recorded by pid and stopped by `Processes.stop_all()`,
which runs from try/finally in the runner, from atexit, and from SIGINT/SIGTERM.
"""

from __future__ import annotations

import atexit
import http.server
import json
import os
import random
import shutil
import signal
import socket
import ssl
import string
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TEMPLATES = HERE / "templates"
APACHE_MODULES = Path("/usr/lib/apache2/modules")


# --------------------------------------------------------------------------------------
# Processes: every one we start is stopped by pid, whatever happens.
# --------------------------------------------------------------------------------------


@dataclass
class Managed:
    name: str
    proc: subprocess.Popen
    stop_signal: int


class Processes:
    """The registry of started servers. `stop_all()` is idempotent."""

    def __init__(self) -> None:
        self._procs: list[Managed] = []
        self._cleanups: list = []
        self._lock = threading.Lock()
        atexit.register(self.stop_all)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, _frame):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        self.stop_all()
        sys.stderr.write(f"\ninterrupted by signal {signum}; every server was stopped\n")
        os._exit(128 + signum)

    def start(self, name: str, argv: list[str], stop_signal: int, **kw) -> subprocess.Popen:
        # A session of its own: the server's pid is also its process group id, so
        # workers orphaned by a crashed master can be reached through it.
        proc = subprocess.Popen(argv, start_new_session=True, **kw)
        with self._lock:
            self._procs.append(Managed(name, proc, stop_signal))
        return proc

    def on_stop(self, fn) -> None:
        """Registers a cleanup (upstream shutdown, temp dir removal) run by stop_all()."""
        self._cleanups.append(fn)

    def stop(self, proc: subprocess.Popen, timeout: float = 10.0) -> None:
        with self._lock:
            entry = next((m for m in self._procs if m.proc is proc), None)
            if entry is not None:
                self._procs.remove(entry)
        if entry is None:
            return
        _stop_one(entry, timeout)

    def stop_all(self) -> None:
        with self._lock:
            procs, self._procs = self._procs, []
        for m in reversed(procs):
            _stop_one(m, 10.0)
        cleanups, self._cleanups = self._cleanups, []
        for fn in reversed(cleanups):
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - cleanup must go on
                sys.stderr.write(f"cleanup failed: {e}\n")


def _stop_one(m: Managed, timeout: float) -> None:
    pid = m.proc.pid
    if m.proc.poll() is not None:
        return
    try:
        os.kill(pid, m.stop_signal)
    except ProcessLookupError:
        pass
    try:
        m.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        m.proc.wait(5)
    # Workers left behind by a master that did not take them down: its process group (a
    # session we created for it, so the group id cannot be anyone else's while it has
    # members).
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


PROCESSES: Processes | None = None


def processes() -> Processes:
    global PROCESSES
    if PROCESSES is None:
        PROCESSES = Processes()
    return PROCESSES


# --------------------------------------------------------------------------------------
# Temp dir, ports, certificates
# --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_workdir(keep: bool = False) -> Path:
    d = Path(tempfile.mkdtemp(prefix="hstsguard-servers-"))
    # Workers run as nobody when we are root: they must read the docroot.
    d.chmod(0o755)
    if not keep:
        processes().on_stop(lambda: shutil.rmtree(d, ignore_errors=True))
    return d


def private_copy(module: Path, d: Path) -> Path:
    """A copy of a module .so in the work dir: a rebuild of target/servers/ while the
    servers run (another session's test run) must not change the file they have mapped."""
    dest = d / module.name
    shutil.copy2(module, dest)
    dest.chmod(0o755)
    return dest


def run(argv: list[str], cwd: Path | None = None) -> None:
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")


@dataclass
class Certs:
    ca: Path
    cert: Path
    key: Path


def make_certs(d: Path) -> Certs:
    """A throwaway CA and a server certificate for every test host (ECDSA P-256)."""
    d.mkdir(parents=True, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run(["openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem",
         "-days", "2", "-subj", "/CN=hstsguard throwaway test CA"], cwd=d)
    run(["openssl", "req", *ec, "-keyout", "server.key", "-out", "server.csr",
         "-subj", "/CN=example.com"], cwd=d)
    (d / "san.ext").write_text(
        "subjectAltName=DNS:example.com,DNS:*.example.com,DNS:file.example,"
        "DNS:www.file.example,IP:127.0.0.1\n"
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
    run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext"], cwd=d)
    for name in ("ca.key", "server.key"):
        (d / name).chmod(0o600)
    return Certs(ca=d / "ca.pem", cert=d / "server.pem", key=d / "server.key")


# --------------------------------------------------------------------------------------
# The upstream application: sets cookies, answers any status.
# --------------------------------------------------------------------------------------

UPSTREAM_COOKIES = [
    "sid=abc; Path=/",
    "already=1; Secure; HttpOnly",
    "lower=1; secure",
    "__Host-id=1",
    "__Host-dom=1; Domain=example.com; Path=/",
    "theme=dark; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Max-Age=100",
    "cross=1; SameSite=None",
    "dup=1; Secure; secure",
]


def fuzz_cookies(seed: int) -> list[str]:
    """Odd but transmittable Set-Cookie values (no CR, LF or NUL), from a seed."""
    rnd = random.Random(seed)
    attrs = ["Secure", "secure", "HttpOnly", "SameSite=None", "SameSite=lax", "SameSite=",
             "Path=/", "Path", "Domain=example.com", "Domain=", "Max-Age=-1", "Expires=Thu, 01",
             "Partitioned", "=", ";", " ", "x" * 50, "\xff", "\xe9t\xe9", "\t"]
    names = ["sid", "__Host-a", "__Secure-b", "__host-c", "", " ", "=", "a b", "\xff", "n" * 300]
    out = []
    for _ in range(rnd.randint(1, 6)):
        value = "".join(chr(rnd.choice([rnd.randint(0x20, 0x7e), rnd.randint(0x80, 0xff), 0x09]))
                        for _ in range(rnd.randint(0, 40)))
        parts = [rnd.choice(names) + rnd.choice(["=", "", "=="]) + value]
        parts += [rnd.choice(attrs) for _ in range(rnd.randint(0, 6))]
        out.append(rnd.choice(["; ", ";", " ; "]).join(parts))
    return out


class UpstreamHandler(http.server.BaseHTTPRequestHandler):
    server_version = "upstream/1"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        parts = [p for p in path.split("/") if p]
        status, cookies, extra = 200, [], []
        if parts[-1:] == ["cookies"]:
            cookies = UPSTREAM_COOKIES
        elif len(parts) >= 2 and parts[-2] == "status" and parts[-1].isdigit():
            status = int(parts[-1])
            cookies = ["err=1; Path=/"]
        elif parts[-1:] == ["bigcookie"]:
            cookies = ["big=" + "x" * 3000 + "; Path=/"]
        elif parts[-1:] == ["badcookie"]:
            cookies = ["bad=\xff; Path=/", "good=1"]  # not UTF-8: flagged byte-wise
        elif parts[-1:] == ["namelesscookie"]:
            cookies = ["abc", "=def; Path=/"]  # nameless: flagged like any other
        elif parts[-1:] == ["bigokcookie"]:
            cookies = ["big=" + "x" * 3000 + "; Path=/; Secure"]  # already right, > 1 KiB
        elif len(parts) >= 2 and parts[-2] == "fuzzcookie" and parts[-1].isdigit():
            cookies = fuzz_cookies(int(parts[-1]))
        elif parts[-1:] == ["hsts"]:
            extra = [("Strict-Transport-Security", "max-age=60")]
        elif parts[-1:] == ["echo"]:
            pass
        body = json.dumps({"path": self.path, "method": self.command,
                           "headers": dict(self.headers.items())}).encode()
        self.send_response(status)
        for c in cookies:
            self.send_header("Set-Cookie", c)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _answer


def start_upstream() -> int:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), UpstreamHandler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, name="upstream", daemon=True)
    t.start()

    def stop():
        srv.shutdown()
        srv.server_close()

    processes().on_stop(stop)
    return srv.server_address[1]


# --------------------------------------------------------------------------------------
# Configs and servers
# --------------------------------------------------------------------------------------


def render(template: str, values: dict[str, str]) -> str:
    return string.Template((TEMPLATES / template).read_text()).substitute(values)


def write_docroot(d: Path) -> Path:
    root = d / "www"
    files = {
        "index.html": "<h1>home</h1>\n",
        "health": "ok\n",
        "healthz": "okz\n",
        "inner/index.html": "inner\n",
        "preload/index.html": "preload\n",
        "off/index.html": "off\n",
        ".well-known/acme-challenge/token": "acme\n",
        "forbidden": "never served\n",
        "errpage/index.html": "errpage\n",
        "errors/404.html": "custom 404\n",
        "upgrade/index.html": "upgrade\n",
        "nested/index.html": "nested\n",
        "nested/free": "free\n",
        "nested/deeper/index.html": "deeper\n",
        "nested/deeper/free": "deeper free\n",
        "multi/index.html": "multi\n",
        "v6/x": "v6\n",
        "errout/index.html": "errout\n",
        "cached.html": "cached page\n",
        "short/index.html": "short\n",
        "ramp/index.html": "ramp\n",
        "zone/index.html": "zone\n",
    }
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    for p in [root, *root.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    # Old enough for mod_cache's heuristic freshness (a tenth of its age, up to a day).
    os.utime(root / "cached.html", (1_000_000_000, 1_000_000_000))
    return root


def wait_ready(proc: subprocess.Popen, ports: list[int], log: Path, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    pending = list(ports)
    while pending:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{tail(log)}")
        port = pending[0]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                pending.pop(0)
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not listening on {port} after {timeout}s:\n{tail(log)}")
            time.sleep(0.05)


def tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return f"({path} unreadable)"


def is_root() -> bool:
    return os.geteuid() == 0


@dataclass
class Server:
    """One running server: its kind, ports, work dir and process."""

    kind: str
    dir: Path
    plain_port: int
    tls_port: int
    conf: Path
    log: Path
    proc: subprocess.Popen
    values: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        processes().stop(self.proc)

    def error_log(self) -> str:
        return tail(self.log, 200)


def nginx_values(d: Path, module: Path) -> dict[str, str]:
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (d / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    return {
        "DIR": str(d),
        "MODULE": str(module),
        "USER": "user nobody nogroup;" if is_root() else "",
    }


def apache_values(d: Path, module: Path) -> dict[str, str]:
    mods = ["mpm_event", "authz_core", "mime", "dir", "headers", "proxy", "proxy_http", "ssl",
            "alias", "http2", "remoteip"]
    lines = [f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in mods]
    lines.append(f"LoadModule hstsguard_module {module}")
    return {
        "DIR": str(d),
        "MODULE": str(module),
        "LOADMODULES": "\n".join(lines),
        "USER": "User nobody\nGroup nogroup" if is_root() else "",
    }


def start_server(kind: str, module: Path, template: str, extra: dict[str, str],
                 d: Path, name: str | None = None, memcheck: bool = False) -> Server:
    """Renders `template` into d and starts the server in the foreground; with memcheck,
    under valgrind (every process, one log each: memcheck_errors() reads them)."""
    plain, tls = free_port(), free_port()
    values = {"PLAIN_PORT": str(plain), "TLS_PORT": str(tls), **extra}
    values.update(nginx_values(d, module) if kind == "nginx" else apache_values(d, module))
    conf = d / ("nginx.conf" if kind == "nginx" else "httpd.conf")
    conf.write_text(render(template, values))
    # Included files and policy documents: TEMPLATE_DIR/{kind,common}-NAME.inc -> d/NAME
    for prefix in (kind, "common"):
        for inc in sorted(TEMPLATES.glob(f"{prefix}-*.inc")):
            (d / inc.name[len(prefix) + 1:].removesuffix(".inc")).write_text(
                string.Template(inc.read_text()).substitute(values))
    log = d / "error.log"
    log.touch()
    log.chmod(0o666)
    out = open(d / "stderr.log", "wb")
    if kind == "nginx":
        argv = ["nginx", "-p", str(d), "-c", str(conf)]
        sig = signal.SIGQUIT
    else:
        argv = ["apache2", "-f", str(conf), "-DFOREGROUND"]
        sig = signal.SIGTERM
    if memcheck:
        d.chmod(0o777)  # workers (nobody) write their own valgrind logs
        argv = ["valgrind", "--tool=memcheck", "--trace-children=yes", "--leak-check=no",
                "--track-origins=no", f"--log-file={d}/valgrind.%p.log"] + argv
    proc = processes().start(name or kind, argv, sig, stdout=out, stderr=subprocess.STDOUT,
                             env=server_env())
    out.close()
    srv = Server(kind, d, plain, tls, conf, log, proc, values)
    try:
        wait_ready(proc, [plain, tls], log, timeout=120 if memcheck else 15)
    except RuntimeError as e:
        raise RuntimeError(f"{e}\n{tail(d / 'stderr.log')}") from None
    return srv


def memcheck_errors(d: Path) -> list[str]:
    """The valgrind logs of d that report memory errors (one line each)."""
    bad = []
    for f in sorted(d.glob("valgrind.*.log")):
        text = f.read_text(errors="replace")
        for line in text.splitlines():
            if "ERROR SUMMARY:" in line and " 0 errors" not in line:
                bad.append(f"{f.name}: {line.split('==', 2)[-1].strip()}")
    return bad


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LANG", "C")
    return env


def config_test(kind: str, conf: Path, d: Path) -> tuple[int, str]:
    """`nginx -t` / `apache2 -t` on a rendered config: (exit code, output). The process is
    registered like a server, so an interrupted run does not leave it behind."""
    if kind == "nginx":
        argv = ["nginx", "-t", "-p", str(d), "-c", str(conf)]
    else:
        argv = ["apache2", "-t", "-f", str(conf)]
    proc = processes().start(f"{kind} -t", argv, signal.SIGKILL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=server_env())
    try:
        out, _ = proc.communicate(timeout=60)
    finally:
        processes().stop(proc)
    return proc.returncode, out


# --------------------------------------------------------------------------------------
# The raw client
# --------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    raw_head: bytes

    def all(self, name: str) -> list[str]:
        n = name.lower()
        return [v for k, v in self.headers if k.lower() == n]

    def get(self, name: str) -> str | None:
        vals = self.all(name)
        return vals[0] if vals else None


def tls_context(ca: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(ca))
    # Requests carry hostile Host headers on purpose: the name check is not the point.
    ctx.check_hostname = False
    return ctx


def send_raw(port: int, raw: bytes, tls: ssl.SSLContext | None = None, sni: str | None = None,
             source: str | None = None, timeout: float = 10.0,
             unix: Path | None = None) -> Response:
    """Sends `raw` as is and reads the response up to the end of the connection (requests
    are sent with `Connection: close`). unix: connect to that unix-domain socket instead
    of 127.0.0.1:port."""
    if unix is not None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(str(unix))
        except OSError:
            sock.close()
            raise
    else:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                        source_address=(source, 0) if source else None)
    try:
        if tls is not None:
            sock = tls.wrap_socket(sock, server_hostname=sni)
        sock.sendall(raw)
        chunks = []
        while True:
            try:
                b = sock.recv(65536)
            except (ConnectionResetError, ssl.SSLError):
                break
            if not b:
                break
            chunks.append(b)
    finally:
        sock.close()
    return parse_response(b"".join(chunks))


def parse_response(data: bytes) -> Response:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError(f"no complete response head in {data[:200]!r}")
    lines = head.split(b"\r\n")
    parts = lines[0].decode("latin-1").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise ValueError(f"bad status line {lines[0]!r}")
    headers = []
    for line in lines[1:]:
        k, _, v = line.decode("latin-1").partition(":")
        headers.append((k.strip(), v.strip()))
    return Response(int(parts[1]), parts[2] if len(parts) > 2 else "", headers, body, head)


def build_request(method: str, target: str, host: str | None, headers: list[list[str]] | None,
                  body: str | None, version: str = "HTTP/1.1") -> bytes:
    lines = [f"{method} {target} {version}"]
    if host is not None:
        lines.append(f"Host: {host}")
    for k, v in headers or []:
        lines.append(f"{k}: {v}")
    data = (body or "").encode()
    if body is not None:
        lines.append(f"Content-Length: {len(data)}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data
