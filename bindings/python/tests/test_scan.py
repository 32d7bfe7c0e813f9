"""hstsguard.scan against a local site (a plain and a TLS listener, a test CA made by
the test), reached with connect_to as the CLI's --connect-to. A small test: the scanner
crate's own tests cover the scenarios."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

import hstsguard
from hstsguard import ScanOptionError

from .conftest import ROOT
from .hsts_lab import PRELOAD_STS, Listener, tls_context

DOMAIN = "hstsguard-lab.com"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[list[str], Path]]:
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    plain = Listener("site-http")
    tls = Listener("site-https", tls_context(ca, [DOMAIN, f"www.{DOMAIN}"]))
    rules = []
    for host in (DOMAIN, f"www.{DOMAIN}"):
        rules.append(f"{host}:80:127.0.0.1:{plain.port}")
        rules.append(f"{host}:443:127.0.0.1:{tls.port}")
    try:
        yield rules, ca_file
    finally:
        plain.stop()
        tls.stop()


def test_scan_a_preloadable_site(site: tuple[list[str], Path]) -> None:
    rules, ca_file = site
    report = hstsguard.scan(DOMAIN, connect_to=rules, ca_file=ca_file, connect_timeout=5, timeout=20)
    assert report["domain"] == DOMAIN
    assert report["errors"] == [], report
    assert report["ok"] is True and report["preloadable"] is True
    assert report["header"] == PRELOAD_STS
    assert set(report["chains"]) == {"http_apex", "https_apex", "http_www", "https_www"}
    first = report["chains"]["http_apex"][0]
    assert (first["url"], first["status"], first["location"]) == (f"http://{DOMAIN}/", 301, f"https://{DOMAIN}/")
    landing = report["chains"]["https_apex"][0]
    assert landing["tls"]["verified"] is True and landing["sts"] == [PRELOAD_STS]
    # Without the test CA the certificate does not verify: a finding, not an exception.
    untrusted = hstsguard.scan(DOMAIN, connect_to=rules, timeout=20)
    assert untrusted["ok"] is False
    assert "domain.tls.invalid_cert_chain" in untrusted["errors"]


def test_scan_equals_the_cli_json(site: tuple[list[str], Path]) -> None:
    cli = next((p for p in (ROOT / "target/release/hstsguard", ROOT / "target/debug/hstsguard") if p.exists()), None)
    if cli is None:
        pytest.skip("the hstsguard CLI is not built")
    rules, ca_file = site
    args = [a for r in rules for a in ("--connect-to", r)]
    out = subprocess.run([str(cli), "scan", DOMAIN, "--json", "--ca-file", str(ca_file), *args], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    ours = hstsguard.scan(DOMAIN, connect_to=rules, ca_file=str(ca_file))
    assert ours == json.loads(out.stdout)


def test_scan_option_errors(tmp_path: Path) -> None:
    with pytest.raises(ScanOptionError) as info:
        hstsguard.scan(DOMAIN, connect_to="nonsense")
    assert info.value.code == "scan.option.connect_to" and "nonsense" in str(info.value)
    with pytest.raises(ScanOptionError) as info:
        hstsguard.scan(DOMAIN, ca_file=tmp_path / "missing.pem")
    assert info.value.code == "scan.option.ca_file"
    with pytest.raises(ScanOptionError) as info:
        hstsguard.scan(DOMAIN, timeout=0)
    assert info.value.code == "scan.option.invalid"
    assert set(hstsguard.SCAN_ERROR_CODES) >= {"scan.option.connect_to", "scan.option.ca_file"}
    # A bad domain is a finding, as in the CLI.
    assert hstsguard.scan("not a domain")["ok"] is False


def test_scan_releases_the_gil() -> None:
    # A server that accepts and never answers: the scan waits for its timeout while
    # this thread keeps running Python code.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    result: dict[str, object] = {}

    def run() -> None:
        result.update(hstsguard.scan(DOMAIN, connect_to=f"::127.0.0.1:{port}", timeout=1.5, connect_timeout=1.0))

    t = threading.Thread(target=run)
    started = time.monotonic()
    t.start()
    spins = 0
    while t.is_alive():
        spins += 1
    elapsed = time.monotonic() - started
    silent.close()
    assert elapsed < 10
    assert result["ok"] is False
    assert spins > 10_000, f"the main thread ran only {spins} loops while the scan waited"
