"""Per-request cost of hstsguard.django.SecurityMiddleware against Django's own
SecurityMiddleware, measured in the same run.

Same settings, same request objects, two paths:

- hsts: a secure GET that reaches the view; the middleware adds HSTS, nosniff,
  Referrer-Policy and Cross-Origin-Opener-Policy;
- redirect: a plain-HTTP GET that is redirected to HTTPS (Host checked against
  ALLOWED_HOSTS by request.get_host(), Location built, headers added).

A third contender, "floor", makes only the Django calls that a middleware keeping
Django's semantics through Django's public API cannot skip: on the HSTS path the four
header stores (``response.headers[name] = value``, which validate the value); on the
redirect path ``request.get_host()`` (ALLOWED_HOSTS), ``request.get_full_path()``,
an instance of Django's redirect class and the three header stores. The redirect is
made by hstsguard's own maker for a Location Django's constructor would keep as it is
(``_made``: ``HttpResponse.__init__`` given its Content-Type, and the Location stored
through the header mapping, which validates it; the constructor's ``iri_to_uri``,
length and scheme checks change nothing for such a Location). It is no middleware (it
decides nothing); it shows how much of each path is Django's own work.

The machine's speed drifts, so each repeat times every case in alternating chunks
(the order rotates every chunk) and the cost of a middleware is its time minus the
no-middleware baseline (the bare view) measured in the same repeat. The report is the
median of those paired differences over the repeats, per request, with the ratio
ours / Django's. Targets: ratio <= 0.5 on the HSTS path, <= 0.75 on the redirect path.

    python bench/bench_django.py [--repeats 15] [--chunks 6] [--calls 2000]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time

import django
from django.conf import settings

SETTINGS = dict(
    SECRET_KEY="bench-" + "k" * 60,
    DEBUG=False,
    ALLOWED_HOSTS=["example.com", ".example.org"],
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SECURE_SSL_REDIRECT=True,
    SECURE_CONTENT_TYPE_NOSNIFF=True,
    SECURE_REFERRER_POLICY="same-origin",
    SECURE_CROSS_ORIGIN_OPENER_POLICY="same-origin",
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["hstsguard.django"],
)
urlpatterns: list = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--chunks", type=int, default=6)
    parser.add_argument("--calls", type=int, default=2000, help="calls per chunk and case")
    args = parser.parse_args()

    settings.configure(**SETTINGS)
    django.setup()
    from django.http import HttpResponse, HttpResponsePermanentRedirect
    from django.middleware.security import SecurityMiddleware as DjangoMiddleware
    from django.test import RequestFactory

    from hstsguard.django import SecurityMiddleware as OurMiddleware
    from hstsguard.django.middleware import _made

    # The view returns one response whose headers are reset to the view's own on every
    # call, so each middleware sees a fresh response without paying for building one.
    response = HttpResponse(b"ok")
    pristine = dict(response.headers._store)

    def view(request):
        response.headers._store = dict(pristine)
        return response

    django_mw = DjangoMiddleware(view)
    our_mw = OurMiddleware(view)
    rf = RequestFactory()

    hsts_value = "max-age=31536000; includeSubDomains; preload"
    defaults = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
                ("Cross-Origin-Opener-Policy", "same-origin")]

    content_type = f"text/html; charset={settings.DEFAULT_CHARSET}"
    make_redirect = _made(HttpResponsePermanentRedirect, content_type)

    def floor(request):
        if request.is_secure():
            r = view(request)
            headers = r.headers
            headers["Strict-Transport-Security"] = hsts_value
        else:
            r = make_redirect("https://" + request.get_host() + request.get_full_path())
            headers = r.headers
        for name, value in defaults:
            headers[name] = value
        return r

    requests = {
        "hsts": rf.get("/a/b?x=1", secure=True, HTTP_HOST="example.com"),
        "redirect": rf.get("/a/b?x=1", HTTP_HOST="www.example.org"),
    }

    # The two middlewares (and the floor) must agree on these requests before they are
    # timed.
    for path, req in requests.items():
        a, b, c = django_mw(req), our_mw(req), floor(req)
        assert type(a) is type(b) is type(c), (path, type(a), type(b), type(c))
        assert (a.status_code, list(a.items())) == (b.status_code, list(b.items())), (
            path, a.status_code, list(a.items()), b.status_code, list(b.items()))
        assert (a.status_code, list(a.items())) == (c.status_code, list(c.items())), path

    handlers = {"none": view, "django": django_mw, "hstsguard": our_mw, "floor": floor}
    contenders = ("django", "hstsguard", "floor")
    n = args.calls
    results: dict[str, dict[str, list[float]]] = {
        path: {name: [] for name in contenders} for path in requests
    }
    names = list(handlers)
    for repeat in range(args.repeats):
        for path, req in requests.items():
            totals = dict.fromkeys(handlers, 0)
            for chunk in range(args.chunks):
                order = names[chunk % len(names):] + names[:chunk % len(names)]
                for name in order:
                    f = handlers[name]
                    gc.disable()
                    t0 = time.perf_counter_ns()
                    for _ in range(n):
                        f(req)
                    t1 = time.perf_counter_ns()
                    gc.enable()
                    totals[name] += t1 - t0
            calls = n * args.chunks
            base = totals["none"] / calls
            for name in contenders:
                results[path][name].append(totals[name] / calls - base)

    print(f"per-request cost over the bare view, median of {args.repeats} repeats "
          f"({args.chunks} alternating chunks x {n} calls per case and repeat)")
    print(f"{'path':<10} {'django':>12} {'hstsguard':>12} {'ratio':>8} {'floor':>12} {'ratio':>8}")
    targets = {"hsts": 0.5, "redirect": 0.75}
    verdicts = []
    for path, r in results.items():
        d = statistics.median(r["django"])
        o = statistics.median(r["hstsguard"])
        f = statistics.median(r["floor"])
        ratio = o / d
        spread = (min(x / y for x, y in zip(r["hstsguard"], r["django"])),
                  max(x / y for x, y in zip(r["hstsguard"], r["django"])))
        print(f"{path:<10} {d / 1000:>9.2f} us {o / 1000:>9.2f} us {ratio:>7.2f}x"
              f" {f / 1000:>9.2f} us {f / d:>7.2f}x"
              f"   (per-repeat ratios {spread[0]:.2f}-{spread[1]:.2f})")
        target = targets[path]
        verdicts.append(f"{path} <= {target}x: {'met' if ratio <= target else 'MISSED'} "
                        f"({ratio:.2f}x)")
    print("targets: " + "; ".join(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
