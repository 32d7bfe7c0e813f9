"""hstsguard.httpx against real servers on 127.0.0.1 (tests/hsts_lab.py), with the real
httpx: no plaintext byte reaches a known host, redirects are upgraded, certificate
errors of known hosts are fatal even with verify=False, and the store file persists."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import httpx
import pytest

import hstsguard
from hstsguard import KnownHosts
from hstsguard.httpx import AsyncHSTSTransport, HSTSTransport, KnownHostCertificateError

from .conftest import PRELOADED
from .hsts_lab import Lab

DYN = "dyn.hstsguard.test"


def client(lab: Lab, *, inner_verify: bool | ssl.SSLContext | None = None, **kwargs: object) -> httpx.Client:
    verify = lab.client_context() if inner_verify is None else inner_verify
    transport = HSTSTransport(httpx.HTTPTransport(verify=verify), verify=lab.client_context(), **kwargs)  # type: ignore[arg-type]
    return httpx.Client(transport=transport)


def test_received_header_makes_a_known_host_and_no_plaintext_follows(lab: Lab) -> None:
    with client(lab) as c:
        # Before: the name is not known, so plain HTTP reaches the plain listener.
        r = c.get(f"http://{DYN}/before")
        assert r.text == f"plain:{DYN}:/before"
        assert lab.plain.connections == 1
        # The STS field of a verified HTTPS response makes it a Known HSTS Host.
        r = c.get(f"https://{DYN}/sts")
        assert r.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        store = c._transport.store  # type: ignore[attr-defined]
        m = store.lookup(DYN)
        assert m is not None and m.source == "dynamic" and m.include_subdomains
        # After: http:// leaves as https://, for the host and (includeSubDomains) its subdomains.
        for host in (DYN, f"sub.{DYN}"):
            r = c.get(f"http://{host}/after?x=1")
            assert r.status_code == 200
            assert str(r.url) == f"https://{host}/after?x=1"
            assert r.text == f"tls:{host}:/after?x=1"
    assert lab.plain.connections == 1, "a plaintext connection reached a known host"


def test_preloaded_host_is_never_contacted_over_http(lab: Lab) -> None:
    assert hstsguard.preload_lookup(PRELOADED) is not None
    with client(lab) as c:
        r = c.get(f"http://{PRELOADED}/first-visit")
        assert str(r.url) == f"https://{PRELOADED}/first-visit"
        assert r.text.startswith("tls:")
    assert lab.plain.connections == 0
    assert lab.plain.requests == []


def test_redirects_to_http_on_a_known_host_are_upgraded(lab: Lab) -> None:
    with client(lab, store=KnownHosts(preload=False)) as c:
        c.get(f"https://{DYN}/sts")
        # An HTTPS page of the known host redirects to its http:// URL.
        r = c.get(f"https://{DYN}/redirect?to=http://{DYN}/landing", follow_redirects=True)
        assert [h.status_code for h in r.history] == [302]
        assert str(r.url) == f"https://{DYN}/landing"
        assert r.text == f"tls:{DYN}:/landing"
        # An unknown host's plain page redirects to an http:// URL of the known host.
        other = "other.hstsguard.test"
        r = c.get(f"http://{other}/redirect?to=http://{DYN}/two", follow_redirects=True)
        assert str(r.history[0].url) == f"http://{other}/redirect?to=http://{DYN}/two"
        assert str(r.url) == f"https://{DYN}/two"
    # Only the unknown host's first hop used the plain listener.
    assert lab.plain.requests == [(other, f"/redirect?to=http://{DYN}/two")]
    assert lab.plain.connections == 1


def test_sts_over_plain_http_or_unverified_tls_is_ignored(lab: Lab) -> None:
    store = KnownHosts(preload=False)
    with client(lab, store=store, inner_verify=False) as c:
        c.get(f"http://{DYN}/?sts=max-age%3D600")
        assert store.lookup(DYN) is None
        lab.route(DYN, bad_cert=True)
        r = c.get(f"https://{DYN}/?sts=max-age%3D600")  # verify=False: the bad cert is accepted
        assert r.headers["strict-transport-security"] == "max-age=600"
        assert store.lookup(DYN) is None, "an STS field over unverified TLS was recorded"


def test_certificate_error_of_a_known_host_is_fatal_even_with_verify_false(lab: Lab) -> None:
    store = KnownHosts(preload=False)
    store.insert(DYN, include_subdomains=False)
    lab.route(DYN, bad_cert=True)
    lab.route("other.hstsguard.test", bad_cert=True)
    with client(lab, store=store, inner_verify=False) as c:
        # The same bad server is accepted for an unknown host (the caller's verify=False) ...
        assert c.get("https://other.hstsguard.test/").text.startswith("badtls:")
        # ... but not for a known host, over https:// or upgraded http://.
        for url in (f"https://{DYN}/", f"http://{DYN}/"):
            with pytest.raises(KnownHostCertificateError) as info:
                c.get(url)
            assert isinstance(info.value, httpx.ConnectError)
            assert DYN in str(info.value)
            assert info.value.code == "ua.tls.certificate_error"
            assert info.value.code in hstsguard.ISSUE_CODES
    assert lab.plain.connections == 0


def test_verification_for_known_hosts_cannot_be_turned_off() -> None:
    with pytest.raises(ValueError, match="verify=False"):
        HSTSTransport(verify=False)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with pytest.raises(ValueError, match="CERT_REQUIRED"):
        AsyncHSTSTransport(verify=ctx)


def test_store_file_persists_across_clients(lab: Lab, tmp_path: Path) -> None:
    path = tmp_path / "hsts.txt"
    with client(lab, store=KnownHosts(preload=False), store_file=path) as c:
        c.get(f"https://{DYN}/sts")
        # Saved at once when a host is added (another process may read it now).
        assert f'.{DYN} "' in path.read_text()
    assert lab.plain.connections == 0
    with client(lab, store=KnownHosts(preload=False), store_file=path) as c2:
        r = c2.get(f"http://{DYN}/again")
        assert str(r.url) == f"https://{DYN}/again"
    assert lab.plain.connections == 0
    # A max-age=0 deletes the entry, and the file at once.
    with client(lab, store=KnownHosts(preload=False), store_file=path) as c3:
        c3.get(f"https://{DYN}/?sts=max-age%3D0")
        assert DYN not in path.read_text()


def test_async_transport(lab: Lab, tmp_path: Path) -> None:
    path = tmp_path / "hsts.txt"

    async def main() -> None:
        transport = AsyncHSTSTransport(
            httpx.AsyncHTTPTransport(verify=False), verify=lab.client_context(), store_file=path
        )
        async with httpx.AsyncClient(transport=transport) as c:
            r = await c.get(f"http://{PRELOADED}/a")
            assert str(r.url) == f"https://{PRELOADED}/a"
            # Unknown host, wrapped transport with verify=False: its STS field is ignored.
            await c.get(f"https://{DYN}/sts")
            assert transport.store.lookup(DYN) is None
            # Known (preloaded) host: verified by the strict transport, its field counts.
            await c.get(f"https://{PRELOADED}/sts")
            m = transport.store.lookup(PRELOADED)
            assert m is not None and m.source == "dynamic"
            r = await c.get(f"https://{PRELOADED}/redirect?to=http://{PRELOADED}/b", follow_redirects=True)
            assert str(r.url) == f"https://{PRELOADED}/b"
            # A fresh known host behind a bad certificate (no pooled connection to reuse).
            transport.store.insert("other.hstsguard.test")
            lab.route("other.hstsguard.test", bad_cert=True)
            with pytest.raises(KnownHostCertificateError):
                await c.get("http://other.hstsguard.test/c")

    asyncio.run(main())
    assert lab.plain.connections == 0
    # The host the response added was saved at once (the direct insert was not saved:
    # the transport writes the file when a response changes the store).
    assert KnownHosts(preload=False).load(path).loaded == 1
