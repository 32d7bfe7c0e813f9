#!/usr/bin/env python3
"""Benchmarks of the nginx and Apache modules against the hand-written configurations
they replace, measured in the same run (a script, not a timed test).

    python3 tests/servers/bench.py --nginx-module SO --apache-module SO
        [--skip-cachegrind] [--skip-wrk] [--skip-rss] [--rss-requests 1000000]

1. Instructions per request (valgrind counts instructions, which wall time on a noisy
   2-core machine cannot resolve): each server runs
   as one process under `valgrind --tool=cachegrind --cache-sim=no` (nginx
   `master_process off`, Apache `-X` with mpm_prefork), serves N1 = 500 and then, in a
   second run, N2 = 2,500 keep-alive requests from one client; (I2 - I1) / (N2 - N1) is
   the cost of one request, start-up and shutdown cancel out. Repeats to a few
   instructions, so differences of a fraction of a percent are real.
2. Throughput: wrk on loopback, every configuration running at once; for each (ours,
   peer) pair, rounds of back-to-back runs in alternating order, the ratio being the median
   of the per-round ratios. On a noisy 2-core machine this cannot resolve differences under
   about 5-10%: the instruction counts are the precise figure.
3. Worker RSS: the worker's (nginx) / child's (Apache) VmRSS from /proc while wrk sends
   about a million requests, sampled along the way, for the module and for the peer.

Cases (HSTS cases over TLS on a keep-alive connection; redirect cases over plain HTTP):
  nginx   none        return 200
          add_header  + add_header Strict-Transport-Security "..." always
          module      + hstsguard on; hstsguard_hsts max_age=1y include_subdomains
          cookie/none add_header Set-Cookie "sid=abc; Path=/" (no module)
          cookie/mod  the same with the module (HSTS + the cookie flagged)
          301/return  return 301 https://$host$request_uri
          301/module  hstsguard's redirect (then return 200, never reached)
  apache  none        a static file
          headers     + Header always set Strict-Transport-Security "..."
          module      + HstsGuard On, HstsGuardHsts max_age=1y include_subdomains
          301/rewrite RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]
          301/module  hstsguard's redirect
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

HSTS = "max-age=31536000; includeSubDomains"
VERBOSE = False
N1, N2 = 500, 2500

# ---------------------------------------------------------------------------------------
# Configurations
# ---------------------------------------------------------------------------------------

NGINX_CASES = {
    "none": ("tls", ""),
    "add_header": ("tls", f'add_header Strict-Transport-Security "{HSTS}" always;'),
    "module": ("tls", "hstsguard on; hstsguard_hsts max_age=1y include_subdomains;"),
    "cookie/none": ("tls", 'add_header Set-Cookie "sid=abc; Path=/" always;'),
    "cookie/mod": ("tls", 'add_header Set-Cookie "sid=abc; Path=/" always; '
                          "hstsguard on; hstsguard_hsts max_age=1y include_subdomains;"),
    "301/return": ("plain", "return 301 https://$host$request_uri;"),
    "301/module": ("plain", "hstsguard on;"),
}

APACHE_CASES = {
    "none": ("tls", ""),
    "headers": ("tls", f'Header always set Strict-Transport-Security "{HSTS}"'),
    "module": ("tls", "HstsGuard On\nHstsGuardHsts max_age=1y include_subdomains"),
    "301/rewrite": ("plain", "RewriteEngine On\n"
                             "RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]"),
    "301/module": ("plain", "HstsGuard On"),
}

PAIRS = {
    # (ours, peer, what)
    "nginx": [("module", "none", "HSTS: module vs no header"),
              ("module", "add_header", "HSTS: module vs add_header ... always"),
              ("cookie/mod", "cookie/none", "HSTS + 1 cookie flagged vs neither"),
              ("301/module", "301/return", "redirect: module vs return 301")],
    "apache": [("module", "none", "HSTS: module vs no header"),
               ("module", "headers", "HSTS: module vs Header always set"),
               ("301/module", "301/rewrite", "redirect: module vs mod_rewrite")],
}


def nginx_conf(d: Path, module: Path, cert: harness.Certs, docroot: Path, port: int,
               listener: str, snippet: str, single: bool) -> str:
    ssl_bits = "ssl" if listener == "tls" else ""
    proc = ("master_process off;\nworker_processes 1;" if single
            else "master_process on;\nworker_processes 1;")
    return f"""load_module {module};
daemon off;
{proc}
{"user nobody nogroup;" if harness.is_root() and not single else ""}
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    ssl_certificate {cert.cert};
    ssl_certificate_key {cert.key};
    ssl_session_cache off;
    server {{
        listen 127.0.0.1:{port} {ssl_bits};
        server_name example.com;
        root {docroot};
        location / {{
            {snippet}
            return 200 "ok\\n";
        }}
    }}
}}
"""


def apache_conf(d: Path, module: Path, cert: harness.Certs, docroot: Path, port: int,
                listener: str, snippet: str, single: bool) -> str:
    mpm = "prefork" if single else "event"
    mods = [mpm if mpm == "prefork" else "mpm_event", "authz_core", "mime", "ssl", "headers",
            "rewrite"]
    lines = []
    for m in mods:
        name = "mpm_prefork" if m == "prefork" else m
        lines.append(f"LoadModule {name}_module {harness.APACHE_MODULES}/mod_{name}.so")
    lines.append(f"LoadModule hstsguard_module {module}")
    tls = (f'SSLEngine on\nSSLCertificateFile "{cert.cert}"\n'
           f'SSLCertificateKeyFile "{cert.key}"') if listener == "tls" else ""
    procs = ("StartServers 1\nServerLimit 1\nThreadsPerChild 32\nMinSpareThreads 1\n"
             "MaxSpareThreads 32\nMaxRequestWorkers 32" if not single else "")
    loadmods = "\n".join(lines)
    user = "User nobody\nGroup nogroup" if harness.is_root() else ""
    return f"""ServerRoot "{d}"
DefaultRuntimeDir "{d}"
PidFile "{d}/httpd.pid"
ErrorLog "{d}/error.log"
LogLevel warn
Mutex file:{d} default
Listen 127.0.0.1:{port}
{loadmods}
{user}
TypesConfig /etc/mime.types
ServerName example.com
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 300
{procs}
<Directory />
    Require all denied
</Directory>
<VirtualHost 127.0.0.1:{port}>
    ServerName example.com
    DocumentRoot "{docroot}"
    <Directory "{docroot}">
        Require all granted
    </Directory>
    {tls}
{snippet}
</VirtualHost>
"""


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------


@dataclass
class Running:
    proc: subprocess.Popen
    port: int
    listener: str
    dir: Path


def start(kind: str, name: str, module: Path, certs, docroot: Path, work: Path, single: bool,
          valgrind: bool) -> Running:
    listener, snippet = (NGINX_CASES if kind == "nginx" else APACHE_CASES)[name]
    d = work / f"{kind}-{name.replace('/', '-')}-{'vg' if valgrind else 'run'}-{time.monotonic_ns()}"
    d.mkdir()
    # Apache switches to User even with -X: valgrind's output file is written at exit.
    d.chmod(0o777 if valgrind else 0o755)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (d / "tmp" / sub).mkdir(parents=True)
    port = harness.free_port()
    if kind == "nginx":
        conf = d / "nginx.conf"
        conf.write_text(nginx_conf(d, module, certs, docroot, port, listener, snippet, single))
        argv = ["nginx", "-p", str(d), "-c", str(conf)]
        sig = signal.SIGQUIT
    else:
        conf = d / "httpd.conf"
        conf.write_text(apache_conf(d, module, certs, docroot, port, listener, snippet, single))
        argv = ["apache2", "-f", str(conf), "-DFOREGROUND"] + (["-X"] if single else [])
        sig = signal.SIGTERM
    if valgrind:
        argv = ["valgrind", "--tool=cachegrind", "--cache-sim=no",
                f"--cachegrind-out-file={d}/cachegrind.out"] + argv
    log = open(d / "stderr.log", "wb")
    proc = harness.processes().start(f"{kind} {name}", argv, sig, stdout=log,
                                     stderr=subprocess.STDOUT, env=harness.server_env())
    log.close()
    harness.wait_ready(proc, [port], d / "stderr.log", timeout=120 if valgrind else 15)
    return Running(proc, port, listener, d)


def client(run: Running) -> http.client.HTTPConnection:
    if run.listener == "tls":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection("127.0.0.1", run.port, context=ctx, timeout=120)
    return http.client.HTTPConnection("127.0.0.1", run.port, timeout=120)


def send(conn: http.client.HTTPConnection, n: int) -> tuple[dict[int, int], dict[str, str]]:
    statuses: dict[int, int] = {}
    last = None
    for _ in range(n):
        conn.request("GET", "/index.html", headers={"Host": "example.com"})
        resp = conn.getresponse()
        resp.read()
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
        last = resp
    return statuses, dict(last.getheaders()) if last else {}


def stop_valgrind(run: Running, sig: int) -> None:
    """Stops a server under valgrind so that it prints its totals. A signal that lands
    just before the single process blocks in epoll_wait is only seen at the next event
    (nginx's single-process loop has that race; valgrind widens it): send it again."""
    for _ in range(60):
        try:
            run.proc.send_signal(sig)
        except ProcessLookupError:
            break
        try:
            run.proc.wait(2)
            break
        except subprocess.TimeoutExpired:
            continue
    harness.processes().stop(run.proc)


def irefs(kind: str, name: str, n: int, module, certs, docroot,
          work) -> tuple[int, dict[int, int], dict[str, str]]:
    t0 = time.monotonic()
    run = start(kind, name, module, certs, docroot, work, single=True, valgrind=True)
    t1 = time.monotonic()
    try:
        conn = client(run)
        statuses, headers = send(conn, n)
        conn.close()
    finally:
        t2 = time.monotonic()
        stop_valgrind(run, signal.SIGQUIT if kind == "nginx" else signal.SIGTERM)
    if VERBOSE:
        print(f"    {kind} {name} N={n}: start {t1 - t0:.1f}s, requests {t2 - t1:.1f}s, "
              f"stop {time.monotonic() - t2:.1f}s", flush=True)
    text = (run.dir / "stderr.log").read_text(errors="replace")
    m = re.search(r"I\s+refs:\s+([\d,]+)", text)
    if not m:
        raise RuntimeError(f"no I refs in the valgrind output of {kind} {name}:\n{text[-2000:]}")
    return int(m.group(1).replace(",", "")), statuses, headers


def cachegrind(kind: str, names: list[str], module, certs, docroot, work) -> dict[str, float]:
    per_request = {}
    for name in names:
        i1, _, _ = irefs(kind, name, N1, module, certs, docroot, work)
        i2, statuses, headers = irefs(kind, name, N2, module, certs, docroot, work)
        per_request[name] = (i2 - i1) / (N2 - N1)
        shown = {k: v for k, v in headers.items()
                 if k.lower() in ("strict-transport-security", "location", "set-cookie")}
        print(f"  {kind:6} {name:12} {per_request[name]:10.0f} instr/request   "
              f"statuses {statuses}  {shown}", flush=True)
    return per_request


def wrk_rps(run: Running, seconds: float, conns: int = 16) -> tuple[float, int]:
    scheme = "https" if run.listener == "tls" else "http"
    proc = harness.processes().start(
        "wrk", ["wrk", "-t1", f"-c{conns}", f"-d{seconds:g}s", "-H", "Host: example.com",
                f"{scheme}://127.0.0.1:{run.port}/index.html"],
        signal.SIGTERM, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=seconds + 60)
    finally:
        harness.processes().stop(proc)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if rps is None or total is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return float(rps.group(1)), int(total.group(1))


def throughput(kind: str, module, certs, docroot, work, rounds: int,
               seconds: float) -> dict[tuple[str, str], tuple[list[float], list[float]]]:
    """For each (ours, peer) pair, `rounds` rounds of back-to-back wrk runs in alternating
    order (AB BA AB ...), so that both sides of a ratio see the same machine speed."""
    names = sorted({n for pair in PAIRS[kind] for n in pair[:2]})
    runs = {n: start(kind, n, module, certs, docroot, work, single=False, valgrind=False)
            for n in names}
    try:
        for run in runs.values():
            wrk_rps(run, 1)  # warm up
        out = {}
        for ours, peer, _ in PAIRS[kind]:
            a, b = [], []
            for r in range(rounds):
                if r % 2 == 0:
                    a.append(wrk_rps(runs[ours], seconds)[0])
                    b.append(wrk_rps(runs[peer], seconds)[0])
                else:
                    b.append(wrk_rps(runs[peer], seconds)[0])
                    a.append(wrk_rps(runs[ours], seconds)[0])
            out[(ours, peer)] = (a, b)
        return out
    finally:
        for run in runs.values():
            harness.processes().stop(run.proc)


def children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rss_run(kind: str, name: str, module, certs, docroot, work, total_wanted: int) -> list[tuple[int, int]]:
    run = start(kind, name, module, certs, docroot, work, single=False, valgrind=False)
    try:
        time.sleep(0.5)
        kids = children(run.proc.pid)
        if not kids:
            raise RuntimeError(f"no worker under {run.proc.pid}")
        worker = kids[0]
        samples = [(0, rss_kb(worker))]
        done = 0
        while done < total_wanted:
            _, n = wrk_rps(run, 5, conns=16)
            done += n
            if not Path(f"/proc/{worker}").exists():
                kids = children(run.proc.pid)
                print(f"  note: {kind} worker {worker} is gone after {done:,} requests"
                      f" (now {kids}); the error log says:", flush=True)
                log = (run.dir / "error.log").read_text(errors="replace").splitlines()
                print("    " + "\n    ".join(log[-10:]), flush=True)
                if not kids:
                    break
                worker = kids[0]
            samples.append((done, rss_kb(worker)))
        return samples
    finally:
        harness.processes().stop(run.proc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nginx-module", type=Path)
    ap.add_argument("--apache-module", type=Path)
    ap.add_argument("--skip-cachegrind", action="store_true")
    ap.add_argument("--skip-wrk", action="store_true")
    ap.add_argument("--skip-rss", action="store_true")
    ap.add_argument("--rounds", type=int, default=8, help="wrk rounds per pair")
    ap.add_argument("--seconds", type=float, default=2, help="seconds per wrk run")
    ap.add_argument("--rss-requests", type=int, default=1_000_000)
    ap.add_argument("-v", "--verbose", action="store_true", help="time every step")
    args = ap.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    servers = [(k, m.resolve()) for k, m in (("nginx", args.nginx_module),
                                             ("apache", args.apache_module)) if m]
    if not servers:
        ap.error("give --nginx-module and/or --apache-module")
    for tool in ([] if args.skip_cachegrind else ["valgrind"]) + \
                ([] if args.skip_wrk and args.skip_rss else ["wrk"]):
        if shutil.which(tool) is None:
            ap.error(f"{tool} is not installed")

    procs = harness.processes()
    try:
        work = harness.make_workdir()
        certs = harness.make_certs(work / "pki")
        docroot = harness.write_docroot(work)
        servers = [(k, harness.private_copy(m, work)) for k, m in servers]
        summary: list[str] = []

        if not args.skip_cachegrind:
            print(f"== instructions per request (cachegrind, (I[{N2}] - I[{N1}]) / {N2 - N1})",
                  flush=True)
            for kind, module in servers:
                names = list(NGINX_CASES if kind == "nginx" else APACHE_CASES)
                ir = cachegrind(kind, names, module, certs, docroot, work)
                for ours, peer, what in PAIRS[kind]:
                    line = (f"{kind:6} {what:44} {ir[ours]:8.0f} vs {ir[peer]:8.0f} instr   "
                            f"{ir[ours] - ir[peer]:+7.0f} ({ir[ours] / ir[peer]:.3f}x)")
                    summary.append(line)

        if not args.skip_wrk:
            print(f"== throughput (wrk -t1 -c16 on loopback; per pair {args.rounds} rounds of "
                  f"back-to-back {args.seconds:g} s runs, alternating order)", flush=True)
            for kind, module in servers:
                res = throughput(kind, module, certs, docroot, work, args.rounds, args.seconds)
                for ours, peer, what in PAIRS[kind]:
                    a, b = res[(ours, peer)]
                    ratios = [x / y for x, y in zip(a, b)]
                    print(f"  {kind:6} {what:44} {statistics.median(a):8.0f} vs "
                          f"{statistics.median(b):8.0f} req/s   per round "
                          f"{' '.join(f'{x:.2f}' for x in ratios)}", flush=True)
                    summary.append(f"{kind:6} {what:44} throughput {statistics.median(ratios):.3f}x "
                                   f"(rounds {min(ratios):.2f}-{max(ratios):.2f})")

        if not args.skip_rss:
            print(f"== worker RSS (VmRSS) while serving ~{args.rss_requests:,} requests over TLS "
                  f"(wrk -c16 in 5 s slices), ours and the peer", flush=True)
            for kind, module in servers:
                cases = ([("cookie/mod", "module: HSTS + 1 cookie flagged"),
                          ("cookie/none", "peer: add_header Set-Cookie, no module")]
                         if kind == "nginx" else
                         [("module", "module: HSTS"), ("headers", "peer: Header always set")])
                for name, label in cases:
                    samples = rss_run(kind, name, module, certs, docroot, work, args.rss_requests)
                    print(f"  {kind:6} {label:38} " + "  ".join(f"{n // 1000}k: {kb}" for n, kb in samples)
                          + "  (kB)", flush=True)
                    warm = samples[1:]
                    summary.append(f"{kind:6} RSS {label:38} {warm[0][1]} kB after {warm[0][0]:,} "
                                   f"requests, {warm[-1][1]} kB after {warm[-1][0]:,} "
                                   f"({warm[-1][1] - warm[0][1]:+d} kB)")

        print("\n== summary (ours vs the peer, same run)")
        for line in summary:
            print(line)
    finally:
        procs.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
