"""The client-side API of the binding: KnownHosts, preload_lookup, typed results and
errors, the clock, threads and files."""

from __future__ import annotations

import datetime
import threading
import time
from pathlib import Path

import pytest

import hstsguard
from hstsguard import (
    HostError,
    HstsGuardError,
    KnownHosts,
    PreloadListError,
    StoreFileError,
    UrlError,
)

NOW = 1_800_000_000


def test_preload_lookup_and_list_facts() -> None:
    m = hstsguard.preload_lookup("WWW.Accounts.Google.com.")
    assert m is not None
    assert (m.entry, m.include_subdomains, m.exact) == ("accounts.google.com", True, False)
    assert repr(m) == "PreloadMatch(entry='accounts.google.com', include_subdomains=True, exact=False)"
    assert m == hstsguard.preload_lookup("www.accounts.google.com")
    assert hash(m) == hash(hstsguard.preload_lookup("www.accounts.google.com"))
    assert hstsguard.preload_lookup("example.test") is None
    assert hstsguard.preload_lookup("app") is None
    assert hstsguard.preload_lookup("app", allow_single_label=True) is not None
    assert hstsguard.preload_lookup("192.0.2.1") is None
    datetime.date.fromisoformat(hstsguard.PRELOAD_LIST_DATE)
    assert hstsguard.PRELOAD_LIST_ENTRIES > 100_000
    assert KnownHosts().preload_list_date == hstsguard.PRELOAD_LIST_DATE
    list_day = datetime.date.fromisoformat(hstsguard.PRELOAD_LIST_DATE)
    midnight = int(datetime.datetime(list_day.year, list_day.month, list_day.day, tzinfo=datetime.timezone.utc).timestamp())
    assert hstsguard.preload_list_age(now=midnight + 86_400) == 86_400
    with pytest.raises(HostError) as info:
        hstsguard.preload_lookup("a b.example")
    assert info.value.code == "ua.host.invalid"
    assert isinstance(info.value, ValueError)


def test_receive_lookup_upgrade() -> None:
    store = KnownHosts(preload=False)
    out = store.receive("Example.COM.", ["max-age=600; includeSubDomains", "max-age=0"], now=NOW)
    assert (out.result, out.reason, out.changed) == ("added", None, True)
    assert repr(out) == "ReceiveOutcome(result='added', reason=None)"
    assert out.to_dict() == {"result": "added", "reason": None}
    assert store.receive("example.org", "max-age=600", secure=False, now=NOW).reason == "ua.receive.insecure_transport"
    assert store.receive("192.0.2.1", "max-age=600", now=NOW).reason == "ua.receive.ip_literal"
    assert store.receive("example.org", "max-age=x", now=NOW).result == "ignored"
    m = store.lookup("a.b.example.com", now=NOW + 100)
    assert m is not None
    assert (m.entry, m.include_subdomains, m.expires, m.remaining_seconds, m.source) == (
        "example.com",
        True,
        NOW + 600,
        500,
        "dynamic",
    )
    assert store.lookup("example.com", now=NOW + 600) is None  # expired
    store.receive("example.com", "max-age=600", now=NOW)
    up = store.upgrade_url("http://user@example.com:80/p?q#f", now=NOW)
    assert (up.url, up.upgraded, up.known) == ("https://user@example.com/p?q#f", True, True)
    assert str(up) == up.url
    assert store.upgrade_url("http://example.com:8080/", now=NOW).url == "https://example.com:8080/"
    assert store.upgrade_url("http://example.net/", now=NOW).upgraded is False
    with pytest.raises(UrlError) as info:
        store.upgrade_url("http://[bad/", now=NOW)
    assert info.value.code == "ua.url.invalid"
    assert store.should_upgrade("example.com", now=NOW)
    assert store.remove("example.com") and not store.remove("example.com")


def test_default_clock_is_the_system_clock() -> None:
    store = KnownHosts(preload=False)
    store.receive("clock.example", "max-age=1000")
    m = store.lookup("clock.example")
    assert m is not None and m.expires is not None
    assert abs(m.expires - (int(time.time()) + 1000)) <= 2
    assert "clock.example" in store


def test_preload_options() -> None:
    assert KnownHosts().lookup("accounts.google.com", now=NOW) is not None
    assert KnownHosts(preload=False).lookup("accounts.google.com", now=NOW) is None
    old = KnownHosts(preload_max_age=86_400)
    assert old.preload_max_age == 86_400
    assert not old.preload_in_use(now=NOW + 10**9)
    assert old.lookup("accounts.google.com", now=NOW + 10**9) is None
    assert KnownHosts(allow_single_label_preload=True).lookup("app", now=NOW) is not None
    with pytest.raises(PreloadListError) as info:
        KnownHosts(preload="/nonexistent/list.bin")
    assert info.value.code == "ua.store.io"


def test_preload_invalid_compiled(tmp_path: Path) -> None:
    bad = tmp_path / "list.bin"
    bad.write_bytes(b"not a list")
    with pytest.raises(PreloadListError) as info:
        KnownHosts(preload=bad)
    assert info.value.code == "ua.preload.invalid_compiled"


def test_entries_capacity_and_cache_text() -> None:
    store = KnownHosts(capacity=2, preload=False)
    assert store.capacity == 2
    store.insert("a.example", expires=NOW + 10, now=NOW)
    store.insert("b.example", include_subdomains=True, now=NOW)
    store.insert("c.example", expires=NOW + 20, now=NOW)
    hosts = [(e.host, e.include_subdomains, e.expires, e.kind) for e in store.entries(now=NOW)]
    assert hosts == [("b.example", True, None, "known_host"), ("c.example", False, NOW + 20, "known_host")]
    assert len(store) == 2
    text = store.to_cache_text(now=NOW)
    assert '.b.example "unlimited"' in text
    report = KnownHosts(preload=False).load_text(text + "garbage line here\n", now=NOW)
    assert report.loaded == 2
    assert [(line, code) for line, code, _ in report.skipped] == [(5, "ua.cache.malformed_line")]
    assert "LoadReport(loaded=2" in repr(report)
    with pytest.raises(HostError):
        store.insert("192.0.2.1")
    store.clear()
    assert len(store) == 0


def test_save_and_load_files(tmp_path: Path) -> None:
    path = tmp_path / "hsts.txt"
    a = KnownHosts(preload=False)
    a.receive("one.example", "max-age=1000", now=NOW)
    assert a.save(path, now=NOW).written == 1
    b = KnownHosts(preload=False)
    b.receive("two.example", "max-age=1000", now=NOW)
    saved = b.save(path, now=NOW)  # merges what `a` saved
    assert (saved.written, saved.merged_from_file) == (2, 1)
    assert repr(saved) == "SaveReport(written=2, merged_from_file=1)"
    c = KnownHosts(preload=False)
    assert c.load(path, now=NOW).loaded == 2
    assert c.load(tmp_path / "missing.txt", now=NOW).loaded == 0
    with pytest.raises(StoreFileError) as info:
        c.save(tmp_path, now=NOW)
    assert info.value.code == "ua.store.is_directory"


def test_one_store_shared_by_threads() -> None:
    store = KnownHosts(preload=False, capacity=100_000)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(500):
                store.receive(f"h{k}-{i}.example", "max-age=1000", now=NOW)
                assert store.should_upgrade(f"h{k}-{i}.example", now=NOW)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(store) == 4000


def test_error_classes() -> None:
    for cls in (HostError, UrlError, StoreFileError, PreloadListError, hstsguard.ScanOptionError):
        assert issubclass(cls, HstsGuardError) and issubclass(cls, ValueError)
        assert cls.__module__ == "hstsguard"
