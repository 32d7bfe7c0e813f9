#!/usr/bin/env python3
"""Benchmarks of the nginx and Apache modules against the hand-written configurations
they replace, measured in the same run (a script, not a timed test).

    python3 tests/servers/bench.py --nginx-module SO --apache-module SO
        [--skip-cachegrind] [--skip-wrk] [--skip-rss] [--rss-requests 1000000]
        [--only CASES] [--profile DIR] [-v]

1. Instructions per request (valgrind counts instructions, which wall time on a noisy
   2-core machine cannot resolve): each server runs
   as one process under `valgrind --tool=cachegrind --cache-sim=no` (nginx
   `master_process off`, Apache `-X` with mpm_prefork), serves N1 = 500 and then, in a
   second run, N2 = 2,500 keep-alive requests from one client; (I2 - I1) / (N2 - N1) is
   the cost of one request, start-up and shutdown cancel out. Repeats to a few
   instructions, so differences of a fraction of a percent are real. With --profile DIR
   the same difference is taken per function, and each row's "ours minus its baseline"
   is written to DIR (the top functions are printed too).
2. Throughput: wrk on loopback, every configuration running at once; for each row's
   (ours, peer) pair, rounds of back-to-back runs in alternating order, the ratio being
   the median of the per-round ratios. On a noisy 2-core machine this cannot resolve
   differences under about 5-10%: the instruction counts are the precise figure.
3. Worker RSS: the worker's (nginx) / child's (Apache) VmRSS from /proc while wrk sends
   about a million requests (HSTS and five cookies flagged), for the module and for the
   peer. "Flat" is the growth from the first sample after a fifth of the requests (the
   warm-up) to the last: at most 1 MB.

Cases (HSTS and cookie cases over TLS on a keep-alive connection; redirects over plain
HTTP). The module is loaded in every case, so its filter's cost when it is off is in
every baseline.
  nginx   none            return 200
          add_header      + add_header Strict-Transport-Security "..." always
          module          + hstsguard on; hstsguard_hsts max_age=1y include_subdomains
          301/return      return 301 https://$host$request_uri
          301/module      hstsguard's redirect (then return 200, never reached)
          .../alt         the same with two Hosts in turn (none/alt, module/alt,
                          301/return/alt, 301/module/alt): no answer for the previous
                          request's Host can be reused
          cN/none         proxy_pass to an upstream nginx on 127.0.0.1 (keep-alive) whose
                          response has N Set-Cookie fields (N = 1, 5), nothing else
          cN/flags        + proxy_cookie_flags ~ secure httponly samesite=lax
          cN/module       + the module with the same flags and nothing else
                          (hstsguard_hsts off; hstsguard_cookie * secure httponly
                          samesite=lax)
          c5/hsts+flags   + add_header Strict-Transport-Security ... always and
                          proxy_cookie_flags (what the module replaces)
          c5/hsts+module  + the module with HSTS and the same flags
  apache  none            a static file
          headers         + Header always set Strict-Transport-Security "..."
          module          + HstsGuard On, HstsGuardHsts max_age=1y include_subdomains
          301/redirect    Redirect permanent "/" "https://example.com/" (mod_alias)
          301/rewrite     RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]
          301/module      hstsguard's redirect (301/module/alt: two Hosts in turn)
          cN/none         a static file with N `Header always add Set-Cookie` fields
          cN/edit         + Header always edit Set-Cookie ^(.*)$ "$1; Secure; HttpOnly;
                          SameSite=Lax"
          cN/module       + the module with the same flags and nothing else
          c5/hsts+edit    + Header always set Strict-Transport-Security and the edit
          c5/hsts+module  + the module with HSTS and the same flags

Rows: the issue's ratio for each (marginal against marginal for HSTS and cookies, each
over the same configuration without either; total against total for redirects), its
target, and whether it was met.
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
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

HSTS = "max-age=31536000; includeSubDomains"
VERBOSE = False
N1, N2 = 500, 2500

# Five cookies an application sets, each needing Secure, HttpOnly and SameSite=Lax.
COOKIES = [
    "sid=31d4d96e407aad42; Path=/",
    "theme=dark; Path=/; Max-Age=31536000",
    "lang=en-GB; Path=/",
    "csrftoken=9f8e7d6c5b4a3f2e1d0c; Path=/",
    "prefs=compact%3D1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT",
]

# ---------------------------------------------------------------------------------------
# Configurations
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    listener: str           # "tls" or "plain"
    snippet: str            # inside the location / virtual host
    cookies: int = 0        # nginx: proxied to the upstream with this many Set-Cookie
    hosts: tuple[str, ...] = ("example.com",)   # the Host of each request, in turn


# Two Hosts of the same length in turn: every request asks the module about another Host
# than the one before (no answer of the previous request can be reused).
ALT_HOSTS = ("example.com", "www.example")

NGX_HSTS = f'add_header Strict-Transport-Security "{HSTS}" always;'
NGX_MOD_HSTS = "hstsguard on; hstsguard_hsts max_age=1y include_subdomains;"
NGX_FLAGS = "proxy_cookie_flags ~ secure httponly samesite=lax;"
NGX_MOD_RULE = "hstsguard_cookie * secure httponly samesite=lax;"
NGX_MOD_COOKIES = f"hstsguard on; hstsguard_hsts off; {NGX_MOD_RULE}"

NGINX_CASES = {
    "none": Case("tls", ""),
    "add_header": Case("tls", NGX_HSTS),
    "module": Case("tls", NGX_MOD_HSTS),
    "none/alt": Case("tls", "", hosts=ALT_HOSTS),
    "module/alt": Case("tls", NGX_MOD_HSTS, hosts=ALT_HOSTS),
    "301/return": Case("plain", "return 301 https://$host$request_uri;"),
    "301/module": Case("plain", "hstsguard on;"),
    "301/return/alt": Case("plain", "return 301 https://$host$request_uri;", hosts=ALT_HOSTS),
    "301/module/alt": Case("plain", "hstsguard on;", hosts=ALT_HOSTS),
    "c1/none": Case("tls", "", 1),
    "c1/flags": Case("tls", NGX_FLAGS, 1),
    "c1/module": Case("tls", NGX_MOD_COOKIES, 1),
    "c5/none": Case("tls", "", 5),
    "c5/flags": Case("tls", NGX_FLAGS, 5),
    "c5/module": Case("tls", NGX_MOD_COOKIES, 5),
    "c5/hsts+flags": Case("tls", f"{NGX_HSTS} {NGX_FLAGS}", 5),
    "c5/hsts+module": Case("tls", f"{NGX_MOD_HSTS} {NGX_MOD_RULE}", 5),
}

AP_HSTS = f'Header always set Strict-Transport-Security "{HSTS}"'
AP_EDIT = 'Header always edit Set-Cookie "^(.*)$" "$1; Secure; HttpOnly; SameSite=Lax"'
AP_MOD_HSTS = "HstsGuard On\nHstsGuardHsts max_age=1y include_subdomains"
AP_MOD_RULE = "HstsGuardCookie * secure httponly samesite=lax"
AP_MOD_COOKIES = f"HstsGuard On\nHstsGuardHsts Off\n{AP_MOD_RULE}"


def ap_cookies(n: int) -> str:
    # mod_headers reads `%` as the start of a format: `%%` is a literal one.
    return "\n".join(f'Header always add Set-Cookie "{c.replace("%", "%%")}"'
                     for c in COOKIES[:n])


APACHE_CASES = {
    "none": Case("tls", ""),
    "headers": Case("tls", AP_HSTS),
    "module": Case("tls", AP_MOD_HSTS),
    "none/alt": Case("tls", "", hosts=ALT_HOSTS),
    "module/alt": Case("tls", AP_MOD_HSTS, hosts=ALT_HOSTS),
    "301/redirect": Case("plain", 'Redirect permanent "/" "https://example.com/"'),
    "301/rewrite": Case("plain", "RewriteEngine On\n"
                                 "RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]"),
    "301/module": Case("plain", "HstsGuard On"),
    "301/module/alt": Case("plain", "HstsGuard On", hosts=ALT_HOSTS),
    "c1/none": Case("tls", ap_cookies(1)),
    "c1/edit": Case("tls", f"{ap_cookies(1)}\n{AP_EDIT}"),
    "c1/module": Case("tls", f"{ap_cookies(1)}\n{AP_MOD_COOKIES}"),
    "c5/none": Case("tls", ap_cookies(5)),
    "c5/edit": Case("tls", f"{ap_cookies(5)}\n{AP_EDIT}"),
    "c5/module": Case("tls", f"{ap_cookies(5)}\n{AP_MOD_COOKIES}"),
    "c5/hsts+edit": Case("tls", f"{ap_cookies(5)}\n{AP_HSTS}\n{AP_EDIT}"),
    "c5/hsts+module": Case("tls", f"{ap_cookies(5)}\n{AP_MOD_HSTS}\n{AP_MOD_RULE}"),
}


@dataclass(frozen=True)
class Row:
    what: str
    ours: tuple[str, str | None]    # (case, its baseline) or (case, None): total
    peer: tuple[str, str | None]
    peer_name: str
    target: float | None            # the ceiling for ours / peer; None: shown only


ROWS = {
    "nginx": [
        Row("HSTS, marginal", ("module", "none"), ("add_header", "none"),
            'add_header Strict-Transport-Security "..." always', 1.25),
        Row("HSTS, marginal, Host changing", ("module/alt", "none/alt"), ("add_header", "none"),
            'add_header Strict-Transport-Security "..." always', None),
        Row("redirect, total", ("301/module", None), ("301/return", None),
            "return 301 https://$host$request_uri", 1.0),
        Row("redirect, Host changing", ("301/module/alt", None),
            ("301/return/alt", None), "return 301 https://$host$request_uri", None),
        Row("1 cookie flagged, marginal", ("c1/module", "c1/none"), ("c1/flags", "c1/none"),
            "proxy_cookie_flags ~ secure httponly samesite=lax", 1.0),
        Row("5 cookies flagged, marginal", ("c5/module", "c5/none"), ("c5/flags", "c5/none"),
            "proxy_cookie_flags ~ secure httponly samesite=lax", 1.0),
        Row("HSTS + 5 cookies, marginal", ("c5/hsts+module", "c5/none"),
            ("c5/hsts+flags", "c5/none"), "add_header ... always + proxy_cookie_flags", None),
    ],
    "apache": [
        Row("HSTS, marginal", ("module", "none"), ("headers", "none"),
            'Header always set Strict-Transport-Security "..."', 0.75),
        Row("HSTS, marginal, Host changing", ("module/alt", "none/alt"), ("headers", "none"),
            'Header always set Strict-Transport-Security "..."', None),
        Row("redirect, total", ("301/module", None), ("301/redirect", None),
            'Redirect permanent "/" "https://example.com/"', 1.0),
        Row("redirect, total", ("301/module", None), ("301/rewrite", None),
            "RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]", None),
        Row("redirect, Host changing", ("301/module/alt", None), ("301/redirect", None),
            'Redirect permanent "/" "https://example.com/"', None),
        Row("1 cookie flagged, marginal", ("c1/module", "c1/none"), ("c1/edit", "c1/none"),
            'Header always edit Set-Cookie "^(.*)$" "$1; Secure; HttpOnly; SameSite=Lax"', 1.0),
        Row("5 cookies flagged, marginal", ("c5/module", "c5/none"), ("c5/edit", "c5/none"),
            'Header always edit Set-Cookie "^(.*)$" "$1; Secure; HttpOnly; SameSite=Lax"', 1.0),
        Row("HSTS + 5 cookies, marginal", ("c5/hsts+module", "c5/none"),
            ("c5/hsts+edit", "c5/none"), "Header always set + Header always edit", None),
    ],
}

# RSS over ~1M requests: the module and the peer, HSTS and five cookies flagged.
RSS_CASES = {
    "nginx": [("c5/hsts+module", "module: HSTS + 5 proxied cookies flagged"),
              ("c5/hsts+flags", "peer: add_header + proxy_cookie_flags")],
    "apache": [("c5/hsts+module", "module: HSTS + 5 cookies flagged"),
               ("c5/hsts+edit", "peer: Header always set + edit")],
}

# The upstream of the proxied nginx cases: a plain nginx (no module), one port per
# number of cookies; set by main().
UPSTREAM_PORTS: dict[int, int] = {}


def upstream_conf(d: Path) -> str:
    servers = []
    for n, port in sorted(UPSTREAM_PORTS.items()):
        cookies = "\n            ".join(f'add_header Set-Cookie "{c}" always;'
                                       for c in COOKIES[:n])
        servers.append(f"""    server {{
        listen 127.0.0.1:{port};
        location / {{
            {cookies}
            return 200 "ok\\n";
        }}
    }}""")
    body = "\n".join(servers)
    return f"""daemon off;
master_process on;
worker_processes 1;
{"user nobody nogroup;" if harness.is_root() else ""}
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
{body}
}}
"""


def start_upstream(work: Path) -> None:
    d = work / "upstream"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (d / "tmp" / sub).mkdir(parents=True)
    for n in (1, 5):
        UPSTREAM_PORTS[n] = harness.free_port()
    conf = d / "nginx.conf"
    conf.write_text(upstream_conf(d))
    log = open(d / "stderr.log", "wb")
    proc = harness.processes().start("upstream nginx", ["nginx", "-p", str(d), "-c", str(conf)],
                                     signal.SIGQUIT, stdout=log, stderr=subprocess.STDOUT,
                                     env=harness.server_env())
    log.close()
    harness.wait_ready(proc, list(UPSTREAM_PORTS.values()), d / "stderr.log")


def nginx_conf(d: Path, module: Path, cert: harness.Certs, docroot: Path, port: int,
               case: Case, single: bool) -> str:
    ssl_bits = "ssl" if case.listener == "tls" else ""
    proc = ("master_process off;\nworker_processes 1;" if single
            else "master_process on;\nworker_processes 1;")
    upstream = ""
    if case.cookies:
        upstream = (f"upstream hsg_upstream {{ server 127.0.0.1:{UPSTREAM_PORTS[case.cookies]};"
                    " keepalive 8; }")
        content = ("proxy_pass http://hsg_upstream; proxy_http_version 1.1; "
                   'proxy_set_header Connection "";')
    else:
        content = 'return 200 "ok\\n";'
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
    {upstream}
    server {{
        listen 127.0.0.1:{port} {ssl_bits};
        server_name example.com;
        root {docroot};
        location / {{
            {case.snippet}
            {content}
        }}
    }}
}}
"""


def apache_conf(d: Path, module: Path, cert: harness.Certs, docroot: Path, port: int,
                case: Case, single: bool) -> str:
    mpm = "prefork" if single else "event"
    mods = [mpm if mpm == "prefork" else "mpm_event", "authz_core", "mime", "ssl", "headers",
            "rewrite", "alias"]
    lines = []
    for m in mods:
        name = "mpm_prefork" if m == "prefork" else m
        lines.append(f"LoadModule {name}_module {harness.APACHE_MODULES}/mod_{name}.so")
    lines.append(f"LoadModule hstsguard_module {module}")
    tls = (f'SSLEngine on\nSSLCertificateFile "{cert.cert}"\n'
           f'SSLCertificateKeyFile "{cert.key}"') if case.listener == "tls" else ""
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
{case.snippet}
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


def cases_of(kind: str) -> dict[str, Case]:
    return NGINX_CASES if kind == "nginx" else APACHE_CASES


def start(kind: str, name: str, module: Path, certs, docroot: Path, work: Path, single: bool,
          valgrind: bool) -> Running:
    case = cases_of(kind)[name]
    d = work / f"{kind}-{name.replace('/', '-')}-{'vg' if valgrind else 'run'}-{time.monotonic_ns()}"
    d.mkdir()
    # Apache switches to User even with -X: valgrind's output file is written at exit.
    d.chmod(0o777 if valgrind else 0o755)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (d / "tmp" / sub).mkdir(parents=True)
    port = harness.free_port()
    if kind == "nginx":
        conf = d / "nginx.conf"
        conf.write_text(nginx_conf(d, module, certs, docroot, port, case, single))
        argv = ["nginx", "-p", str(d), "-c", str(conf)]
        sig = signal.SIGQUIT
    else:
        conf = d / "httpd.conf"
        conf.write_text(apache_conf(d, module, certs, docroot, port, case, single))
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
    return Running(proc, port, case.listener, d)


def client(run: Running) -> http.client.HTTPConnection:
    if run.listener == "tls":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection("127.0.0.1", run.port, context=ctx, timeout=120)
    return http.client.HTTPConnection("127.0.0.1", run.port, timeout=120)


def send(conn: http.client.HTTPConnection, n: int,
         hosts: tuple[str, ...]) -> tuple[dict[int, int], list[tuple[str, str]]]:
    statuses: dict[int, int] = {}
    last = None
    for i in range(n):
        conn.request("GET", "/index.html", headers={"Host": hosts[i % len(hosts)]})
        resp = conn.getresponse()
        resp.read()
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
        last = resp
    return statuses, last.getheaders() if last else []


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


def functions(out: Path) -> dict[str, int]:
    """Instructions per function of a cachegrind output file (--cache-sim=no: Ir only)."""
    per: dict[str, int] = defaultdict(int)
    fn = "?"
    with open(out, errors="replace") as f:
        for line in f:
            if line.startswith("fn="):
                fn = line[3:].strip()
            elif line[:1].isdigit():
                parts = line.split()
                if len(parts) >= 2:
                    per[fn] += int(parts[1])
    return per


@dataclass
class Measured:
    irefs: int
    statuses: dict[int, int]
    headers: list[tuple[str, str]]
    functions: dict[str, int] | None


def irefs(kind: str, name: str, n: int, module, certs, docroot, work,
          profile: bool) -> Measured:
    t0 = time.monotonic()
    run = start(kind, name, module, certs, docroot, work, single=True, valgrind=True)
    t1 = time.monotonic()
    try:
        conn = client(run)
        statuses, headers = send(conn, n, cases_of(kind)[name].hosts)
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
    per = functions(run.dir / "cachegrind.out") if profile else None
    return Measured(int(m.group(1).replace(",", "")), statuses, headers, per)


@dataclass
class PerRequest:
    total: float
    functions: dict[str, float] | None


def cachegrind(kind: str, names: list[str], module, certs, docroot, work,
               profile: bool) -> dict[str, PerRequest]:
    out = {}
    for name in names:
        a = irefs(kind, name, N1, module, certs, docroot, work, profile)
        b = irefs(kind, name, N2, module, certs, docroot, work, profile)
        per = None
        if profile:
            keys = set(a.functions) | set(b.functions)
            per = {k: (b.functions.get(k, 0) - a.functions.get(k, 0)) / (N2 - N1) for k in keys}
        out[name] = PerRequest((b.irefs - a.irefs) / (N2 - N1), per)
        shown = [f"{k}: {v}" for k, v in b.headers
                 if k.lower() in ("strict-transport-security", "location", "set-cookie")]
        print(f"  {kind:6} {name:15} {out[name].total:10.0f} instr/request   "
              f"statuses {b.statuses}", flush=True)
        if VERBOSE or name.endswith(("module", "flags", "edit")):
            for h in shown:
                print(f"  {'':22} {h}", flush=True)
    return out


def cost(ir: dict[str, PerRequest], pair: tuple[str, str | None]) -> float:
    case, base = pair
    return ir[case].total - (ir[base].total if base else 0)


def function_cost(ir: dict[str, PerRequest], pair: tuple[str, str | None]) -> dict[str, float]:
    case, base = pair
    f = dict(ir[case].functions or {})
    if base:
        for k, v in (ir[base].functions or {}).items():
            f[k] = f.get(k, 0) - v
    return f


def row_line(kind: str, row: Row, ours: float, peer: float) -> str:
    ratio = ours / peer if peer > 0 else float("inf")
    if row.target is None:
        verdict = "(shown, no target)"
    else:
        met = ratio <= row.target
        verdict = (f"target <= {row.target:.2f}x: {'met' if met else 'MISSED'}"
                   + ("" if met else f" (by {ours - row.target * peer:,.0f} instr)"))
    sign = "+" if row.ours[1] else ""
    return (f"{kind:6} {row.what:28} ours {sign}{ours:,.0f}  peer {sign}{peer:,.0f}  "
            f"ratio {ratio:.2f}x  {verdict}   [peer: {row.peer_name}]")


def write_profile(d: Path, kind: str, row: Row, ir: dict[str, PerRequest], top: int) -> None:
    """Where the instructions of ours (minus its baseline) and of the peer go."""
    d.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{kind} {row.what} {row.peer[0]}".lower()).strip("-")
    lines = []
    for label, pair in (("ours", row.ours), ("peer", row.peer)):
        f = function_cost(ir, pair)
        total = sum(f.values())
        lines.append(f"== {label}: {pair[0]}" + (f" - {pair[1]}" if pair[1] else "")
                     + f"  ({total:,.0f} instr/request)")
        for name, v in sorted(f.items(), key=lambda kv: -abs(kv[1])):
            if abs(v) < 0.5:
                break
            lines.append(f"{v:10.1f}  {name}")
        lines.append("")
    (d / f"{slug}.txt").write_text("\n".join(lines))
    print(f"\n  {kind} {row.what} vs {row.peer[0]}: top functions of ours "
          f"({row.ours[0]}{' - ' + row.ours[1] if row.ours[1] else ''}), per request:")
    f = function_cost(ir, row.ours)
    for name, v in sorted(f.items(), key=lambda kv: -abs(kv[1]))[:top]:
        print(f"    {v:9.1f}  {name}")


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


def throughput(kind: str, pairs: list[tuple[str, str]], module, certs, docroot, work,
               rounds: int, seconds: float) -> dict[tuple[str, str], tuple[list[float], list[float]]]:
    """For each (ours, peer) pair, `rounds` rounds of back-to-back wrk runs in alternating
    order (AB BA AB ...), so that both sides of a ratio see the same machine speed."""
    names = sorted({n for pair in pairs for n in pair})
    runs = {n: start(kind, n, module, certs, docroot, work, single=False, valgrind=False)
            for n in names}
    try:
        for run in runs.values():
            wrk_rps(run, 1)  # warm up
        out = {}
        for ours, peer in pairs:
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


def module_size(so: Path) -> str:
    """The module's size as built, and stripped of debug information (as shipped)."""
    built = so.stat().st_size
    stripped = so.parent / (so.name + ".stripped")
    shown = f"{built / 1e6:.2f} MB as built"
    if shutil.which("strip"):
        r = subprocess.run(["strip", "--strip-debug", "-o", str(stripped), str(so)],
                           capture_output=True)
        if r.returncode == 0:
            shown += f", {stripped.stat().st_size / 1e6:.2f} MB without debug information"
            stripped.unlink()
    return shown


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nginx-module", type=Path)
    ap.add_argument("--apache-module", type=Path)
    ap.add_argument("--skip-cachegrind", action="store_true")
    ap.add_argument("--skip-wrk", action="store_true")
    ap.add_argument("--skip-rss", action="store_true")
    ap.add_argument("--only", default="",
                    help="comma-separated cases to measure with cachegrind (kind:case or case); "
                         "rows whose cases were not all measured are left out")
    ap.add_argument("--profile", type=Path, metavar="DIR",
                    help="per-function instructions of each row, written to DIR")
    ap.add_argument("--top", type=int, default=25, help="functions printed per row with --profile")
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
    only = [o.strip() for o in args.only.split(",") if o.strip()]

    def wanted(kind: str, name: str) -> bool:
        return not only or name in only or f"{kind}:{name}" in only

    procs = harness.processes()
    try:
        work = harness.make_workdir()
        certs = harness.make_certs(work / "pki")
        docroot = harness.write_docroot(work)
        summary: list[str] = [f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}"]
        for kind, m in servers:
            summary.append(f"{kind:6} module {m.name}: {module_size(m)}")
        servers = [(k, harness.private_copy(m, work)) for k, m in servers]
        if any(k == "nginx" for k, _ in servers):
            start_upstream(work)

        if not args.skip_cachegrind:
            print(f"== instructions per request (cachegrind, (I[{N2}] - I[{N1}]) / {N2 - N1})",
                  flush=True)
            for kind, module in servers:
                names = [n for n in cases_of(kind) if wanted(kind, n)]
                if not names:
                    continue
                ir = cachegrind(kind, names, module, certs, docroot, work, bool(args.profile))
                for row in ROWS[kind]:
                    needed = {c for pair in (row.ours, row.peer) for c in pair if c}
                    if not needed <= set(ir):
                        continue
                    summary.append(row_line(kind, row, cost(ir, row.ours), cost(ir, row.peer)))
                    if args.profile:
                        write_profile(args.profile, kind, row, ir, args.top)
                if {"c1/module", "c5/module"} <= set(ir):
                    peer = ("c1/flags", "c5/flags") if kind == "nginx" else ("c1/edit", "c5/edit")
                    per = [(ir[b].total - ir[a].total) / 4 for a, b in
                           (("c1/module", "c5/module"), peer)]
                    summary.append(f"{kind:6} each cookie after the first      ours {per[0]:,.0f}"
                                   f"  peer {per[1]:,.0f}  ratio {per[0] / per[1]:.2f}x"
                                   "   (shown, no target)")

        if not args.skip_wrk:
            print(f"== throughput (wrk -t1 -c16 on loopback; per pair {args.rounds} rounds of "
                  f"back-to-back {args.seconds:g} s runs, alternating order)", flush=True)
            for kind, module in servers:
                pairs = list(dict.fromkeys((r.ours[0], r.peer[0]) for r in ROWS[kind]
                                           if r.target is not None))
                res = throughput(kind, pairs, module, certs, docroot, work, args.rounds,
                                 args.seconds)
                for ours, peer in pairs:
                    a, b = res[(ours, peer)]
                    ratios = [x / y for x, y in zip(a, b)]
                    print(f"  {kind:6} {ours:15} vs {peer:15} {statistics.median(a):8.0f} vs "
                          f"{statistics.median(b):8.0f} req/s   per round "
                          f"{' '.join(f'{x:.2f}' for x in ratios)}", flush=True)
                    summary.append(f"{kind:6} throughput {ours} / {peer}: "
                                   f"{statistics.median(ratios):.3f}x "
                                   f"(rounds {min(ratios):.2f}-{max(ratios):.2f})")

        if not args.skip_rss:
            print(f"== worker RSS (VmRSS) while serving ~{args.rss_requests:,} requests over TLS "
                  f"(wrk -c16 in 5 s slices), ours and the peer", flush=True)
            for kind, module in servers:
                for name, label in RSS_CASES[kind]:
                    samples = rss_run(kind, name, module, certs, docroot, work, args.rss_requests)
                    print(f"  {kind:6} {label:42} " + "  ".join(f"{n // 1000}k: {kb}" for n, kb in samples)
                          + "  (kB)", flush=True)
                    warm = [s for s in samples if s[0] >= args.rss_requests // 5] or samples[-1:]
                    growth = warm[-1][1] - warm[0][1]
                    verdict = ("flat within 1 MB: met" if growth <= 1024
                               else "flat within 1 MB: MISSED") if name.endswith("module") else ""
                    summary.append(f"{kind:6} RSS {label:42} {warm[0][1]} kB after "
                                   f"{warm[0][0]:,} requests, {warm[-1][1]} kB after "
                                   f"{warm[-1][0]:,} ({growth:+d} kB) {verdict}")

        print("\n== summary (ours vs the peer, same run)")
        for line in summary:
            print(line)
    finally:
        procs.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
