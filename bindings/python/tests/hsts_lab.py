"""A loopback lab for the client-side tests: a test CA (trustme), a plain HTTP listener
that counts its connections, TLS listeners, and a resolver patch that points names at
them (the ``--connect-to`` of curl, for Python's socket layer).

Every server binds 127.0.0.1 on a free port and is stopped by the fixture that started
it. The TLS path is real: the client connects to the listener, sends SNI for the name
and verifies the certificate the test CA issued for that name.
"""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

DEFAULT_STS = "max-age=31536000; includeSubDomains"
PRELOAD_STS = "max-age=63072000; includeSubDomains; preload"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.server.lab_requests.append((self.headers.get("Host", ""), self.path))
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        headers: list[tuple[str, str]] = []
        status = 200
        if parts.path == "/redirect":
            status = 302
            headers.append(("Location", query["to"][0]))
        for value in query.get("sts", []):
            headers.append(("Strict-Transport-Security", value))
        if parts.path == "/sts" and "sts" not in query:
            headers.append(("Strict-Transport-Security", DEFAULT_STS))
        if self.server.lab_kind == "site-http":
            # A preloadable site's plain half: everything redirects to HTTPS.
            status = 301
            headers.append(("Location", f"https://{self.headers.get('Host', '')}{self.path}"))
        if self.server.lab_kind == "site-https":
            headers.append(("Strict-Transport-Security", PRELOAD_STS))
        body = f"{self.server.lab_kind}:{self.headers.get('Host', '')}:{self.path}".encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    lab_kind: str
    lab_requests: list[tuple[str, str]]
    lab_connections: int
    lab_bytes: int

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = self.socket.accept()
        self.lab_connections += 1
        return sock, addr


class Listener:
    """One HTTP or HTTPS server on 127.0.0.1, in a thread."""

    def __init__(self, kind: str, context: ssl.SSLContext | None = None) -> None:
        self.kind = kind
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.lab_kind = kind
        self.server.lab_requests = []
        self.server.lab_connections = 0
        if context is not None:
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def connections(self) -> int:
        """TCP connections accepted so far."""
        return self.server.lab_connections

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(Host header, path) of every request served."""
        return self.server.lab_requests

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def tls_context(ca: trustme.CA, names: list[str]) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*names).configure_cert(ctx)
    return ctx


class Lab:
    """A test CA, one plain listener, a good TLS listener and a TLS listener whose
    certificate comes from another (untrusted) CA; ``route`` maps names to them."""

    def __init__(self, names: list[str]) -> None:
        self.ca = trustme.CA()
        self.other_ca = trustme.CA()
        self.names = names
        self.plain = Listener("plain")
        self.tls = Listener("tls", tls_context(self.ca, names))
        self.bad_tls = Listener("badtls", tls_context(self.other_ca, names))
        self.routes: dict[tuple[str, int], int] = {}

    def route(self, name: str, *, bad_cert: bool = False) -> None:
        """Port 80 of ``name`` goes to the plain listener, 443 to a TLS listener."""
        self.routes[(name, 80)] = self.plain.port
        self.routes[(name, 443)] = (self.bad_tls if bad_cert else self.tls).port

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts the test CA."""
        ctx = ssl.create_default_context()
        self.ca.configure_trust(ctx)
        return ctx

    def stop(self) -> None:
        for listener in (self.plain, self.tls, self.bad_tls):
            listener.stop()


@contextmanager
def patched_resolver(lab: Lab) -> Iterator[None]:
    """Resolves the lab's (name, port) pairs to 127.0.0.1 and the listener's port."""
    real: Callable[..., Any] = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        try:
            key = (str(name).lower(), int(port))
        except (TypeError, ValueError):
            return real(host, port, *args, **kwargs)
        if key in lab.routes:
            return [
                (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", lab.routes[key]))
            ]
        return real(host, port, *args, **kwargs)

    # anyio (httpx's async path) resolves the name but connects to the port it was
    # given, so its connect_tcp is pointed at the listener too.
    import anyio

    real_connect = anyio.connect_tcp

    async def fake_connect(remote_host: Any, remote_port: int, **kwargs: Any) -> Any:
        key = (str(remote_host).lower(), int(remote_port))
        if key in lab.routes:
            return await real_connect("127.0.0.1", lab.routes[key], **kwargs)
        return await real_connect(remote_host, remote_port, **kwargs)

    socket.getaddrinfo = fake
    anyio.connect_tcp = fake_connect
    try:
        yield
    finally:
        socket.getaddrinfo = real
        anyio.connect_tcp = real_connect
