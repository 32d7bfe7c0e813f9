"""Interop with the real ``curl --hsts`` (curl's HSTS cache format, both ways), against
the loopback lab: a file hstsguard wrote upgrades curl, and a file curl wrote is read
by hstsguard and upgrades httpx."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from hstsguard import KnownHosts
from hstsguard.httpx import HSTSTransport

from .hsts_lab import Lab

CURL = shutil.which("curl") or "/usr/bin/curl"
pytestmark = pytest.mark.skipif(not Path(CURL).exists(), reason="curl is not installed")


def curl(lab: Lab, tmp_path: Path, *args: str) -> str:
    ca = tmp_path / "ca.pem"
    lab.ca.cert_pem.write_to_path(str(ca))
    routes = [a for (name, port), to in lab.routes.items() for a in ("--connect-to", f"{name}:{port}:127.0.0.1:{to}")]
    out = subprocess.run(
        [CURL, "-sS", "--max-time", "10", "--cacert", str(ca), *routes, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def test_curl_reads_a_file_hstsguard_wrote(lab: Lab, tmp_path: Path) -> None:
    host = "curl.hstsguard.test"
    path = tmp_path / "hsts.txt"
    # Without an entry, curl uses plain HTTP (so the check below can fail).
    assert curl(lab, tmp_path, f"http://{host}/probe") == f"plain:{host}:/probe"
    assert lab.plain.connections == 1
    store = KnownHosts(preload=False)
    assert store.receive(host, "max-age=3600", secure=True).result == "added"
    store.save(path)
    assert curl(lab, tmp_path, "--hsts", str(path), f"http://{host}/upgraded") == f"tls:{host}:/upgraded"
    assert lab.plain.connections == 1


def test_hstsguard_reads_a_file_curl_wrote(lab: Lab, tmp_path: Path) -> None:
    host = "dyn.hstsguard.test"
    path = tmp_path / "curl-hsts.txt"
    curl(lab, tmp_path, "--hsts", str(path), f"https://{host}/sts")
    text = path.read_text()
    assert f".{host} " in text, text  # curl wrote the entry, includeSubDomains
    store = KnownHosts(preload=False)
    report = store.load(path)
    assert report.loaded == 1 and report.skipped == []
    m = store.lookup(f"www.{host}")
    assert m is not None and m.entry == host and m.include_subdomains
    with httpx.Client(
        transport=HSTSTransport(verify=lab.client_context(), store=KnownHosts(preload=False), store_file=path)
    ) as c:
        assert str(c.get(f"http://{host}/x").url) == f"https://{host}/x"
    assert lab.plain.connections == 0
