"""hstsguard.requests against real servers on 127.0.0.1 (tests/hsts_lab.py), with the
real requests: no plaintext byte reaches a known host, redirects are upgraded,
verify=False is overridden for known hosts, and the store file persists."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

import hstsguard
from hstsguard import KnownHosts
from hstsguard.requests import HSTSAdapter, session

from .conftest import PRELOADED
from .hsts_lab import Lab

DYN = "dyn.hstsguard.test"


def make_session(lab: Lab, tmp_path: Path, **kwargs: object) -> requests.Session:
    ca = tmp_path / "ca.pem"
    lab.ca.cert_pem.write_to_path(str(ca))
    s = session(verify=str(ca), **kwargs)  # type: ignore[arg-type]
    # REQUESTS_CA_BUNDLE (set on some machines) would override the session's verify.
    s.trust_env = False
    s.verify = str(ca)
    return s


def test_received_header_then_https_only(lab: Lab, tmp_path: Path) -> None:
    s = make_session(lab, tmp_path, store=KnownHosts(preload=False))
    assert s.get(f"http://{DYN}/before").text == f"plain:{DYN}:/before"
    assert lab.plain.connections == 1
    s.get(f"https://{DYN}/sts")
    r = s.get(f"http://{DYN}/after")
    assert r.url == f"https://{DYN}/after"
    assert r.text == f"tls:{DYN}:/after"
    r = s.get(f"http://sub.{DYN}/x")
    assert r.url == f"https://sub.{DYN}/x"
    s.close()
    assert lab.plain.connections == 1


def test_preloaded_host(lab: Lab, tmp_path: Path) -> None:
    assert hstsguard.preload_lookup(PRELOADED) is not None
    s = make_session(lab, tmp_path)
    r = s.get(f"http://{PRELOADED}/first")
    assert r.url == f"https://{PRELOADED}/first"
    assert lab.plain.connections == 0


def test_redirect_hops_are_upgraded(lab: Lab, tmp_path: Path) -> None:
    s = make_session(lab, tmp_path, store=KnownHosts(preload=False))
    s.get(f"https://{DYN}/sts")
    r = s.get(f"https://{DYN}/redirect?to=http://{DYN}/landing")
    assert [h.status_code for h in r.history] == [302]
    assert r.url == f"https://{DYN}/landing"
    other = "other.hstsguard.test"
    r = s.get(f"http://{other}/redirect?to=http://{DYN}/two")
    assert r.url == f"https://{DYN}/two"
    assert lab.plain.requests == [(other, f"/redirect?to=http://{DYN}/two")]


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_verify_false_is_overridden_for_known_hosts(lab: Lab, tmp_path: Path) -> None:
    store = KnownHosts(preload=False)
    store.insert(DYN)
    s = make_session(lab, tmp_path, store=store)
    s.verify = False
    lab.route(DYN, bad_cert=True)
    lab.route("other.hstsguard.test", bad_cert=True)
    assert s.get("https://other.hstsguard.test/").text.startswith("badtls:")
    for url in (f"https://{DYN}/", f"http://{DYN}/"):
        with pytest.raises(requests.exceptions.SSLError):
            s.get(url)
        with pytest.raises(requests.exceptions.SSLError):
            s.get(url, verify=False)
    assert lab.plain.connections == 0
    with pytest.raises(ValueError, match="verify=False"):
        HSTSAdapter(verify=False)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_sts_over_unverified_tls_is_ignored(lab: Lab, tmp_path: Path) -> None:
    store = KnownHosts(preload=False)
    s = make_session(lab, tmp_path, store=store)
    s.get(f"http://{DYN}/?sts=max-age%3D600")
    assert store.lookup(DYN) is None
    lab.route("other.hstsguard.test", bad_cert=True)
    s.get("https://other.hstsguard.test/?sts=max-age%3D600", verify=False)
    assert store.lookup("other.hstsguard.test") is None


def test_store_file_across_sessions(lab: Lab, tmp_path: Path) -> None:
    path = tmp_path / "hsts.txt"
    s1 = make_session(lab, tmp_path, store=KnownHosts(preload=False), store_file=path)
    s1.get(f"https://{DYN}/sts")
    s1.close()
    s2 = make_session(lab, tmp_path, store=KnownHosts(preload=False), store_file=path)
    assert s2.get(f"http://{DYN}/again").url == f"https://{DYN}/again"
    s2.close()
    assert lab.plain.connections == 0
