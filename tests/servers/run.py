#!/usr/bin/env python3
"""Runs tests/servers/scenarios.json against real nginx and Apache on 127.0.0.1.

    python3 tests/servers/run.py --nginx-module PATH.so --apache-module PATH.so [-k TEXT] [-v]
        [--nginx-faults-module PATH.so --apache-faults-module PATH.so] [--memcheck]

For each server: render the site (templates/), start the server with a TLS and a plain
listener (nginx also a unix-domain one), send every request of the table raw, check its
expectations (and the lines it must log); then run each config_errors case through
`nginx -t` / `apache2 -t`. With the faults modules (test copies linked with the library's
test-faults feature), the table's faults cases run on them the same way. When both servers
ran, every request must also have had the same answer from both (status, Location,
Strict-Transport-Security, Set-Cookie). Every process is stopped by pid at the end,
whatever happens. The last line is `N passed, N failed`; the exit status is 1 when
anything failed.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import random
import shutil
import string
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

HERE = Path(__file__).resolve().parent


class Tally:
    def __init__(self, verbose: bool) -> None:
        self.passed = 0
        self.failed = 0
        self.failures: list[str] = []
        self.verbose = verbose

    def ok(self, what: str) -> None:
        self.passed += 1
        if self.verbose:
            print(f"ok   {what}")

    def fail(self, what: str, why: str) -> None:
        self.failed += 1
        self.failures.append(what)
        print(f"FAIL {what}\n     " + why.replace("\n", "\n     "))


def substitute(obj, values: dict[str, str]):
    """Fills ${NAME} placeholders in every string of a JSON value."""
    if isinstance(obj, str):
        return string.Template(obj).substitute(values)
    if isinstance(obj, list):
        return [substitute(x, values) for x in obj]
    if isinstance(obj, dict):
        return {k: substitute(v, values) for k, v in obj.items()}
    return obj


def sni_for(host: str | None) -> str | None:
    if not host:
        return None
    name = host.split(":", 1)[0].rstrip(".").lower()
    if not name or not all(c.isalnum() or c in ".-" for c in name):
        return None
    if name.replace(".", "").isdigit():
        return None
    return name


def request_bytes(case: dict) -> bytes:
    if "raw" in case:
        return case["raw"].encode("latin-1")
    return harness.build_request(case.get("method", "GET"), case.get("target", "/"),
                                 case.get("host", "example.com"), case.get("headers"),
                                 case.get("body"), case.get("version", "HTTP/1.1"))


def check(resp: harness.Response, expect: dict) -> list[str]:
    problems = []
    st = expect.get("status")
    if st is not None:
        allowed = st if isinstance(st, list) else [st]
        if resp.status not in allowed:
            problems.append(f"status {resp.status}, expected {st}")
    for name, value in expect.get("headers", {}).items():
        got = resp.all(name)
        if got != [value]:
            problems.append(f"{name}: got {got}, expected exactly [{value!r}]")
    for name in expect.get("absent", []):
        if resp.all(name):
            problems.append(f"{name} must be absent, got {resp.all(name)}")
    if "set_cookie" in expect:
        got = resp.all("Set-Cookie")
        if got != expect["set_cookie"]:
            problems.append("Set-Cookie differs:\n  got      " + "\n           ".join(map(repr, got))
                            + "\n  expected " + "\n           ".join(map(repr, expect["set_cookie"])))
    got_cookies = resp.all("Set-Cookie")
    if "set_cookie_endswith" in expect:
        ends = expect["set_cookie_endswith"]
        if len(got_cookies) != len(ends) or not all(g.endswith(e) for g, e in zip(got_cookies, ends)):
            problems.append(f"Set-Cookie {[g[-40:] for g in got_cookies]} do not end with {ends}")
    if "set_cookie_lengths" in expect:
        if [len(g) for g in got_cookies] != expect["set_cookie_lengths"]:
            problems.append(f"Set-Cookie lengths {[len(g) for g in got_cookies]}, "
                            f"expected {expect['set_cookie_lengths']}")
    if "body" in expect and resp.body.decode("latin-1") != expect["body"]:
        problems.append(f"body {resp.body[:200]!r}, expected {expect['body']!r}")
    head = resp.raw_head.decode("latin-1").lower()
    for s in expect.get("head_not_contains", []):
        if s.lower() in head:
            problems.append(f"the response head contains {s!r}")
    return problems


def summary(resp: harness.Response, expect: dict) -> tuple:
    """What must be identical between nginx and Apache: the status and the fields the
    module decides (a Location the server makes itself, such as the directory slash
    redirect, is each server's own business)."""
    names = set(expect.get("headers", {})) | set(expect.get("absent", []))
    location = tuple(resp.all("Location")) if "Location" in names else None
    return (resp.status, location, tuple(resp.all("Strict-Transport-Security")),
            tuple(resp.all("Set-Cookie")))


def run_sequence(port: int, tls, steps: list[dict]) -> tuple[list[str], list[tuple]]:
    """Sends the steps on one keep-alive connection (http.client); every response must
    leave the connection open."""
    conn: http.client.HTTPConnection
    if tls is not None:
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=10)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    problems, summaries = [], []
    try:
        for i, step in enumerate(steps):
            headers = {"Host": step.get("host", "example.com")}
            body = step.get("body")
            conn.request(step.get("method", "GET"), step.get("target", "/"), body=body,
                         headers=headers)
            r = conn.getresponse()
            data = r.read()
            head = f"HTTP/1.1 {r.status} {r.reason}\r\n" + "".join(
                f"{k}: {v}\r\n" for k, v in r.getheaders())
            resp = harness.Response(r.status, r.reason, list(r.getheaders()), data,
                                    head.encode("latin-1"))
            for p in check(resp, step["expect"]):
                problems.append(f"step {i + 1} ({step.get('method', 'GET')} {step.get('target', '/')}): {p}")
            if r.will_close:
                problems.append(f"step {i + 1}: the server closed the keep-alive connection")
                break
            summaries.append(summary(resp, step["expect"]))
    finally:
        conn.close()
    return problems, summaries


def log_size(srv: harness.Server) -> int:
    try:
        return srv.log.stat().st_size
    except OSError:
        return 0


def check_log(srv: harness.Server, mark: int, expect: dict) -> list[str]:
    """log_present: each text must appear in what the server logged from `mark` on (the
    line is written before the response is sent; a moment is allowed all the same);
    log_absent: the whole error log must not contain the text; log_count: the whole error
    log must contain each text exactly that many times (a line logged once per worker)."""
    problems = []
    counts = expect.get("log_count", {})
    if counts:
        deadline = time.monotonic() + 3
        while True:
            log = srv.log.read_text(errors="replace")
            got = {text: log.count(text) for text in counts}
            if all(got[t] >= n for t, n in counts.items()) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        for text, n in counts.items():
            if got[text] != n:
                problems.append(f"the error log has {text!r} {got[text]} times, expected {n}")
    want = expect.get("log_present", [])
    missing = list(want)
    deadline = time.monotonic() + 3
    while missing:
        with open(srv.log, "rb") as f:
            f.seek(mark)
            text = f.read().decode("latin-1")
        missing = [w for w in want if w not in text]
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for w in missing:
        problems.append(f"the error log has no {w!r} for this request")
    if expect.get("log_absent"):
        log = srv.log.read_text(errors="replace")
        for text in expect["log_absent"]:
            if text in log:
                problems.append(f"the error log contains {text!r}")
    return problems


def run_requests(kind: str, srv: harness.Server, ctx, table: dict, tally: Tally,
                 keyword: str | None, answers: dict, server: str | None = None) -> None:
    """Every case of table["requests"] on one running server. kind labels the output;
    server (nginx or apache, from kind by default) selects the cases (their "servers")
    and keys the answers compared between the two servers."""
    server = server or kind.split("+")[0].split("-")[0]
    values = {"TLS_PORT": str(srv.tls_port), "PLAIN_PORT": str(srv.plain_port), "DIR": str(srv.dir)}
    for raw_case in table["requests"]:
        if keyword and keyword not in raw_case["id"]:
            continue
        if server not in raw_case.get("servers", [server]):
            continue
        case = substitute(raw_case, values)
        what = f"{kind:6} {case['id']}"
        tls = case["listener"] == "tls"
        if "sequence" in case:
            mark = log_size(srv)
            try:
                problems, sums = run_sequence(srv.tls_port if tls else srv.plain_port,
                                              ctx if tls else None, case["sequence"])
            except Exception as e:  # noqa: BLE001
                problems, sums = [f"the exchange failed: {e}"], []
            problems += check_log(srv, mark, case.get("log", {}))
            answers.setdefault(case["id"], {})[server] = (
                tuple(sums), {"TLS_PORT": str(srv.tls_port), "PLAIN_PORT": str(srv.plain_port)})
            if problems:
                tally.fail(what, "\n".join(problems))
            else:
                tally.ok(what)
            continue
        mark = log_size(srv)
        try:
            resp = harness.send_raw(srv.tls_port if tls else srv.plain_port, request_bytes(case),
                                    tls=ctx if tls else None,
                                    sni=sni_for(case.get("host", "example.com")) if tls else None,
                                    source=case.get("source"),
                                    unix=srv.dir / "plain.sock" if case["listener"] == "unix" else None)
        except Exception as e:  # noqa: BLE001 - a failed exchange is a failed case
            tally.fail(what, f"no usable response: {e}")
            continue
        answers.setdefault(case["id"], {})[server] = (
            summary(resp, case["expect"]), {"TLS_PORT": str(srv.tls_port), "PLAIN_PORT": str(srv.plain_port)})
        problems = check(resp, case["expect"]) + check_log(srv, mark, case["expect"])
        if problems:
            tally.fail(what, "\n".join(problems) + "\n--- response head ---\n"
                       + resp.raw_head.decode("latin-1"))
        else:
            tally.ok(what)


def run_config_errors(kind: str, module: Path, base: Path, table: dict, tally: Tally,
                      keyword: str | None) -> None:
    template = "nginx-min.conf" if kind == "nginx" else "httpd-min.conf"
    for i, raw_case in enumerate(table["config_errors"]):
        if keyword and keyword not in raw_case["id"]:
            continue
        if kind not in raw_case:
            continue  # a case for the other server only (an Apache section kind, mod_cache)
        what = f"{kind:6} config {raw_case['id']}"
        d = base / f"{kind}-config-{i}"
        d.mkdir()
        d.chmod(0o755)
        values = {"DIR": str(d), "PLAIN_PORT": str(harness.free_port()), "TLS_PORT": "443"}
        case = substitute(raw_case, values)
        for name, text in case.get("files", {}).items():
            (d / name).write_text(text)
        snippets = {"HTTP_SNIPPET": "", "SERVER_SNIPPET": "", "LOCATION_SNIPPET": ""}
        indent = {"http": "    ", "server": "        ", "location": "            "}[case["where"]]
        if kind == "apache":
            indent = {"http": "", "server": "    ", "location": "        "}[case["where"]]
        lines = case[kind]
        snippets[f"{case['where'].upper()}_SNIPPET"] = "\n".join(indent + x for x in lines)
        # Lines at the top level before the case's own (LoadModule of another module).
        preamble = case.get(f"{kind}_preamble", [])
        if preamble:
            snippets["HTTP_SNIPPET"] = "\n".join(preamble + [snippets["HTTP_SNIPPET"]])
        if kind == "nginx":
            values.update(harness.nginx_values(d, module))
        else:
            values.update(harness.apache_values(d, module))
        values.update(snippets)
        conf = d / ("nginx.conf" if kind == "nginx" else "httpd.conf")
        conf.write_text(harness.render(template, values))
        try:
            rc, out = harness.config_test(kind, conf, d)
        except Exception as e:  # noqa: BLE001
            tally.fail(what, f"could not run the config test: {e}")
            continue
        problems = []
        rendered = conf.read_text().splitlines()

        def where_of(line: str) -> str:
            lineno = next(n for n, text in enumerate(rendered, 1) if text.strip() == line.strip())
            return f"{conf}:{lineno}" if kind == "nginx" else f"line {lineno} of {conf}"

        if case.get("ok"):
            if rc != 0:
                problems.append(f"the config must pass, exit {rc}")
            # Warnings it must print: each on a line of its own, and with warn_at (an index
            # of the case's lines) that line must point at that directive.
            at = where_of(lines[case["warn_at"]]) if "warn_at" in case else None
            for text in case.get("expect", []):
                hits = [x for x in out.splitlines() if text.lower() in x.lower()]
                if not hits:
                    problems.append(f"the output does not mention {text!r}")
                elif at is not None and not any(at in x for x in hits):
                    problems.append(f"{text!r} is not printed at {at}")
                elif not any("warn" in x for x in hits):
                    problems.append(f"{text!r} is not printed as a warning")
            for text in case.get("expect_absent", []):
                if text.lower() in out.lower():
                    problems.append(f"the output mentions {text!r}")
            for text, n in case.get("expect_count", {}).items():
                if out.count(text) != n:
                    problems.append(f"the output has {text!r} {out.count(text)} times, expected {n}")
        else:
            if rc == 0:
                problems.append("the config test passed; it must fail")
            low = out.lower()
            for s in case["expect"]:
                if s.lower() not in low:
                    problems.append(f"the output does not mention {s!r}")
            bad = lines[case["bad"]]
            directive = bad.split()[0]
            if directive.lower() not in low:
                problems.append(f"the output does not name the directive {directive}")
            where = where_of(bad)
            if where not in out:
                problems.append(f"the output does not point at {where}")
        if problems:
            tally.fail(what, "\n".join(problems) + f"\n--- {kind} -t said (exit {rc}) ---\n" + out.strip())
        else:
            tally.ok(what + (f"  ->  {out.strip().splitlines()[0]}" if not case.get("ok") else ""))


def run_http2(kind: str, srv: harness.Server, certs, table: dict, tally: Tally,
              keyword: str | None) -> None:
    """The same module code under HTTP/2 (nginx's v2 module, Apache's mod_http2): curl."""
    if shutil.which("curl") is None:
        print(f"{kind}: curl is missing, the HTTP/2 cases are skipped")
        return
    for case in table.get("http2", []):
        if keyword and keyword not in case["id"]:
            continue
        what = f"{kind:6} {case['id']}"
        url = f"https://example.com:{srv.tls_port}{case['target']}"
        r = subprocess.run(["curl", "-sS", "--http2", "-o", "/dev/null", "-D", "-", "--max-time", "10",
                            "--cacert", str(certs.ca),
                            "--resolve", f"example.com:{srv.tls_port}:127.0.0.1", url],
                           capture_output=True, text=True)
        head = r.stdout.replace("\r\n", "\n").strip()
        if r.returncode != 0 or not head.startswith("HTTP/2 "):
            tally.fail(what, f"no HTTP/2 response (curl exit {r.returncode}): {r.stderr.strip()} {head[:200]}")
            continue
        lines = head.split("\n")
        headers = [(k.strip(), v.strip()) for k, _, v in (x.partition(":") for x in lines[1:])]
        resp = harness.Response(int(lines[0].split()[1]), "", headers, b"",
                                ("\r\n".join(lines)).encode("latin-1"))
        problems = check(resp, case["expect"])
        if case["expect"].get("log_absent"):
            log = srv.log.read_text(errors="replace")
            for text in case["expect"]["log_absent"]:
                if text in log:
                    problems.append(f"the error log contains {text!r}")
        if problems:
            tally.fail(what, "\n".join(problems) + "\n--- response head ---\n" + head)
        else:
            tally.ok(what)


def hostile_request(rnd) -> bytes:
    """One odd request: method, target, Host and proxy headers from a seeded generator."""
    def junk(n: int) -> str:
        return "".join(chr(rnd.choice([rnd.randint(0x21, 0x7e), rnd.randint(0x80, 0xff)]))
                       for _ in range(rnd.randint(0, n)))
    method = rnd.choice(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "G\xe9T", "get", "X" * 40])
    target = rnd.choice(["/", "//evil.example/", "/\\evil", "/%0d%0aX:%20y", "/%00", "/health",
                         "/app/fuzzcookie/" + str(rnd.randint(0, 10**6)), "/app/cookies",
                         "/.well-known/acme-challenge/../x", "*", "http://evil.example/",
                         "https://example.com/a", "/" + junk(300), "/" + "a" * rnd.randint(0, 6000)])
    host = rnd.choice(["example.com", "EXAMPLE.COM.", "example.com:0", "example.com:99999",
                       "[::1]", "[::1", "127.0.0.1:80", "a" * 300, "ex\xffample.com",
                       "example.com@evil.example", "xn--nxasmq6b", "*", "", "example.com:",
                       ".example.com", "example..com", junk(40), None])
    lines = [f"{method} {target} HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {host}")
    for _ in range(rnd.randint(0, 3)):
        name = rnd.choice(["X-Forwarded-Proto", "Forwarded", "X-Forwarded-Ssl", "Front-End-Https"])
        lines.append(f"{name}: " + rnd.choice(["https", "http", "https, http", ", ,https",
                                                 "proto=https", "for=1;proto=\"https\"", "on",
                                                 junk(60)]))
    body = junk(100) if method in ("POST", "PUT") else ""
    if body:
        lines.append(f"Content-Length: {len(body.encode('latin-1'))}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("latin-1")


# A worker that died (nginx, Apache), a Rust panic (printed by its hook on stderr, which
# both servers send to the error log) or an API call that reported one.
CRASH = ("exited on signal", "exit signal", "AH00052", "Segmentation", "panicked", "(panic)")


def run_hostile(kind: str, srv: harness.Server, ctx, tally: Tally, count: int, seed: int) -> None:
    """Seeded odd requests (and odd upstream cookies) on both listeners: no worker may die,
    no panic may be logged, and the server must still answer normally afterwards."""
    rnd = random.Random(seed)
    what = f"{kind:6} hostile: {count} seeded odd requests (seed {seed})"
    answered = 0
    for i in range(count):
        tls = i % 2 == 1
        try:
            harness.send_raw(srv.tls_port if tls else srv.plain_port, hostile_request(rnd),
                             tls=ctx if tls else None, sni="example.com" if tls else None,
                             timeout=5)
            answered += 1
        except Exception:  # noqa: BLE001 - refusing odd input is fine; crashing is not
            pass
    log = srv.log.read_text(errors="replace")
    crashes = [line for line in log.splitlines() if any(c in line for c in CRASH)]
    try:
        ok = harness.send_raw(srv.tls_port, harness.build_request("GET", "/", "example.com", None, None),
                              tls=ctx, sni="example.com").status == 200
    except Exception:  # noqa: BLE001
        ok = False
    if crashes or not ok or srv.proc.poll() is not None:
        tally.fail(what, f"{answered} answered; server alive: {srv.proc.poll() is None}; "
                         f"normal request ok: {ok}\n" + "\n".join(crashes[:10]))
    else:
        tally.ok(f"{what}: {answered} answered, no crash, no panic")


def run_apache_cache(module: Path, work: Path, certs, ctx, extra: dict, table: dict,
                     tally: Tally, keyword: str | None) -> None:
    """Apache with mod_cache (CacheQuickHandler On, its default): the cache's quick handler
    serves stored pages before translate_name, so the module must decide before it. The
    cases of table["apache_cache"] run in order against one server (templates/
    httpd-cache.conf): the first ones fill the cache, the later ones must still be
    redirected."""
    cases = [c for c in table.get("apache_cache", []) if not keyword or keyword in c["id"]]
    if not cases:
        return
    d = work / "apache-cache"
    d.mkdir()
    d.chmod(0o755)
    (d / "cache").mkdir()
    (d / "cache").chmod(0o777)
    srv = None
    try:
        srv = harness.start_server("apache", module, "httpd-cache.conf", extra, d,
                                   name="apache-cache")
        print(f"apache-cache: pid {srv.proc.pid}, plain 127.0.0.1:{srv.plain_port}, "
              f"TLS 127.0.0.1:{srv.tls_port} (mod_cache)")
        before = tally.failed
        run_requests("apache-cache", srv, ctx, {"requests": cases}, tally, None, {})
        if tally.failed > before:
            print(f"--- apache-cache error log (tail) ---\n{srv.error_log()[-4000:]}")
    except Exception as e:  # noqa: BLE001
        tally.fail("apache-cache start", f"{e}")
    finally:
        if srv is not None:
            srv.stop()


EXAMPLES = HERE.parent.parent / "examples"


def site_wide_directives(kind: str, text: str) -> list[str]:
    """The hstsguard directives of a site file that sit outside every server block /
    <VirtualHost> (issue 16: a file meant for sites-enabled must not turn the module on,
    or set its policy, for every virtual host of the machine)."""
    found, depth = [], 0
    for line in text.splitlines():
        code = line.split("#", 1)[0].strip()
        if not code:
            continue
        if kind == "nginx":
            if depth == 0 and code.split()[0].startswith("hstsguard"):
                found.append(code)
            depth += code.count("{") - code.count("}")
        else:
            if code.startswith("</"):
                depth -= 1
            elif code.startswith("<"):
                depth += 1
            elif depth == 0 and code.split()[0].lower().startswith("hstsguard"):
                found.append(code)
    return found


def run_examples(kind: str, module: Path, base: Path, certs, docroot: Path, tally: Tally) -> None:
    """examples/nginx and examples/apache must pass `nginx -t` / `apache2 -t` as shipped,
    with only the install paths pointed at this build."""
    what = f"{kind:6} example examples/{kind}/"
    d = base / f"{kind}-example"
    d.mkdir()
    d.chmod(0o755)
    paths = {
        "/usr/lib/nginx/modules/ngx_http_hstsguard_module.so": str(module),
        "/usr/lib/apache2/modules/mod_hstsguard.so": str(module),
        "/etc/nginx/hstsguard.toml": str(EXAMPLES / "policy.toml"),
        "/etc/apache2/hstsguard.toml": str(EXAMPLES / "policy.toml"),
        "/etc/apache2/hstsguard-static.conf": str(d / "hstsguard-static.conf"),
        "/etc/ssl/certs/example.com.pem": str(certs.cert),
        "/etc/ssl/private/example.com.key": str(certs.key),
        "/var/www/example.com": str(docroot),
    }
    site = EXAMPLES / kind / "hstsguard-site.conf"
    wide = site_wide_directives(kind, site.read_text())
    if wide:
        tally.fail(f"{kind:6} example {site.name} leaves other sites alone",
                   "directives outside every server block / <VirtualHost>: " + "; ".join(wide))
    else:
        tally.ok(f"{kind:6} example {site.name} leaves other sites alone")
    for src in sorted((EXAMPLES / kind).iterdir()):
        text = src.read_text()
        for old, new in paths.items():
            text = text.replace(old, new)
        (d / src.name).write_text(text)
    if kind == "nginx":
        values = harness.nginx_values(d, module)
        conf = d / "nginx.conf"
        conf.write_text(f"""include {d}/mod-http-hstsguard.conf;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 16; }}
http {{
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    include {d}/hstsguard-site.conf;
}}
""")
    else:
        values = harness.apache_values(d, module)
        loads = "\n".join(x for x in values["LOADMODULES"].splitlines() if "hstsguard" not in x)
        conf = d / "httpd.conf"
        conf.write_text(f"""ServerRoot "{d}"
DefaultRuntimeDir "{d}"
PidFile "{d}/httpd.pid"
ErrorLog "{d}/error.log"
Mutex file:{d} default
Listen 127.0.0.1:{harness.free_port()}
{loads}
{values["USER"]}
ServerName localhost
Include {d}/hstsguard.load
Include {d}/hstsguard-site.conf
""")
    rc, out = harness.config_test(kind, conf, d)
    if rc != 0:
        tally.fail(what, f"{kind} -t failed (exit {rc}):\n{out.strip()}")
    else:
        tally.ok(what)


# A worker that died (not a panic: the faults pass makes the C API panic on purpose).
DIED = ("exited on signal", "exit signal", "AH00052", "Segmentation")


def run_pass(kind: str, module: Path, template: str, extra: dict, work: Path, certs, ctx,
             table: dict, tally: Tally, args, answers: dict, memcheck: bool,
             faults: bool = False) -> None:
    """One server started, every request of the table (plain pass: answers recorded for
    the nginx/Apache comparison; memcheck pass: under valgrind, then its logs checked).
    faults: the module is the test copy linked with the test-faults library, and the
    requests are table["faults"]: afterwards no worker may have died."""
    label = (f"{kind}-faults" if faults else kind) + ("+vg" if memcheck else "")
    d = work / label
    d.mkdir()
    d.chmod(0o755)
    srv = None
    try:
        srv = harness.start_server(kind, module, template, extra, d, memcheck=memcheck)
        print(f"{label}: pid {srv.proc.pid}, plain 127.0.0.1:{srv.plain_port}, "
              f"TLS 127.0.0.1:{srv.tls_port}" + (" (valgrind memcheck)" if memcheck else "")
              + (" (test-faults library)" if faults else ""))
        before = tally.failed
        if faults:
            run_requests(label, srv, ctx, {"requests": table["faults"]}, tally, args.keyword,
                         {} if memcheck else answers, server=kind)
            log = srv.log.read_text(errors="replace")
            died = [line for line in log.splitlines() if any(c in line for c in DIED)]
            panics = log.count("could not be evaluated (panic)")
            if died or srv.proc.poll() is not None:
                tally.fail(f"{label:6} no worker died",
                           f"server alive: {srv.proc.poll() is None}\n" + "\n".join(died[:10]))
            elif not args.keyword:
                tally.ok(f"{label:6} no worker died ({panics} panics caught and answered)")
        else:
            run_requests(label, srv, ctx, table, tally, args.keyword, {} if memcheck else answers)
            run_http2(label, srv, certs, table, tally, args.keyword)
            if not args.keyword:
                run_hostile(label, srv, ctx, tally, args.hostile, args.seed)
        if tally.failed > before:
            print(f"--- {label} error log (tail) ---\n{srv.error_log()[-4000:]}")
    except Exception as e:  # noqa: BLE001
        tally.fail(f"{label:6} start", f"{e}")
    finally:
        if srv is not None:
            srv.stop()
            if memcheck:
                bad = harness.memcheck_errors(d)
                logs = len(list(d.glob("valgrind.*.log")))
                if bad or logs == 0:
                    tally.fail(f"{label:6} memcheck", "\n".join(bad) or "no valgrind log")
                else:
                    tally.ok(f"{label:6} memcheck: {logs} processes, no memory error")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nginx-module", type=Path)
    ap.add_argument("--apache-module", type=Path)
    ap.add_argument("--nginx-faults-module", type=Path,
                    help="the nginx module linked with the library built with the test-faults "
                         "feature: runs the table's faults cases")
    ap.add_argument("--apache-faults-module", type=Path, help="the same for Apache")
    ap.add_argument("-k", dest="keyword", help="only the cases whose id contains this text")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every passing check")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (its path is printed)")
    ap.add_argument("--memcheck", action="store_true",
                    help="then run every request again with the servers under valgrind memcheck, "
                         "failing on any memory error")
    ap.add_argument("--hostile", type=int, default=400, help="seeded odd requests per server")
    ap.add_argument("--seed", type=int, default=20261123, help="seed of the odd requests")
    args = ap.parse_args()
    if not args.nginx_module and not args.apache_module:
        ap.error("give --nginx-module and/or --apache-module")
    if (args.nginx_faults_module and not args.nginx_module) or (
            args.apache_faults_module and not args.apache_module):
        ap.error("a faults module runs with the module it is a test copy of")

    table = json.loads((HERE / "scenarios.json").read_text())
    tally = Tally(args.verbose)
    procs = harness.processes()
    answers: dict[str, dict] = {}
    try:
        work = harness.make_workdir(keep=args.keep)
        if args.keep:
            print(f"work directory: {work}")
        certs = harness.make_certs(work / "pki")
        ctx = harness.tls_context(certs.ca)
        upstream = harness.start_upstream()
        docroot = harness.write_docroot(work)
        # A ramp that started 8 days ago (UTC), a week a stage: the second stage is in force.
        ramp_start = datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=8)
        extra = {"CERT": str(certs.cert), "KEY": str(certs.key), "DOCROOT": str(docroot),
                 "UPSTREAM_PORT": str(upstream), "RAMP_START": ramp_start.isoformat()}
        for kind, module, faults_module, template in (
                ("nginx", args.nginx_module, args.nginx_faults_module, "nginx.conf"),
                ("apache", args.apache_module, args.apache_faults_module, "httpd.conf")):
            if module is None:
                continue
            module = harness.private_copy(module.resolve(), work)
            passes = [False, True] if args.memcheck else [False]
            for memcheck in passes:
                run_pass(kind, module, template, extra, work, certs, ctx, table, tally, args,
                         answers, memcheck)
            if faults_module is not None:
                faults_dir = work / f"{kind}-faults-module"
                faults_dir.mkdir()
                faults_module = harness.private_copy(faults_module.resolve(), faults_dir)
                for memcheck in passes:
                    run_pass(kind, faults_module, template, extra, work, certs, ctx, table,
                             tally, args, answers, memcheck, faults=True)
            if kind == "apache":
                run_apache_cache(module, work, certs, ctx, extra, table, tally, args.keyword)
            run_config_errors(kind, module, work, table, tally, args.keyword)
            if not args.keyword:
                run_examples(kind, module, work, certs, docroot, tally)
        if args.nginx_module and args.apache_module:
            for case_id, by_kind in answers.items():
                if len(by_kind) != 2:
                    continue
                (n, nvals), (a, avals) = by_kind["nginx"], by_kind["apache"]
                # Ports differ between the two runs: compare with them named.
                norm = lambda s, v: json.dumps(s).replace(v["TLS_PORT"], "${TLS_PORT}")  # noqa: E731
                if norm(n, nvals) != norm(a, avals):
                    tally.fail(f"same   {case_id}", f"nginx:  {norm(n, nvals)}\napache: {norm(a, avals)}")
                else:
                    tally.ok(f"same   {case_id}")
    except Exception:  # noqa: BLE001
        tally.fail("harness", traceback.format_exc())
    finally:
        procs.stop_all()
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed or tally.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
