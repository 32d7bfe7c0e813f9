"""examples/django runs: ``manage.py check --deploy`` is clean and the dev server serves
requests through the middleware (started on 127.0.0.1, stopped by its pid)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "django"


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=60, check=False,
    )


def test_check_deploy_is_clean() -> None:
    result = manage("check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=EXAMPLE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read() if proc.stdout else ""
                    pytest.fail(f"runserver did not start:\n{out}")
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait(timeout=10)


def get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_dev_server_redirects_plain_http(server: int) -> None:
    r = get(server, "/?a=1")
    assert r.status == 301
    assert r.getheader("Location") == f"https://127.0.0.1:{server}/?a=1"
    assert r.getheader("Strict-Transport-Security") is None
    assert r.getheader("X-Content-Type-Options") == "nosniff"


def test_dev_server_exempt_path(server: int) -> None:
    assert get(server, "/healthz").status == 200


def test_dev_server_behind_the_trusted_proxy(server: int) -> None:
    r = get(server, "/", {"Host": "example.com", "X-Forwarded-Proto": "https"})
    assert r.status == 200
    assert r.getheader("Strict-Transport-Security") == (
        "max-age=63072000; includeSubDomains; preload"
    )
    cookie = r.getheader("Set-Cookie") or ""
    assert cookie.startswith("visited=1")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
