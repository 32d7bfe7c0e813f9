"""A minimal Django project served by hstsguard.django.SecurityMiddleware.

The only changes from a stock project: the middleware line, the app (for the deploy
checks), security.W001 silenced (Django's check only knows its own middleware), and the
optional HSTSGUARD dict.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "example-only-4v9QeZr2pXb7LmT0sWc3HnJ8kYd6FgA1uRiO5tEwVqBxN"
)
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["example.com", ".example.com", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "hstsguard.django",  # the deploy checks (hstsguard.W0xx / E0xx)
]

MIDDLEWARE = [
    "hstsguard.django.SecurityMiddleware",  # was: django.middleware.security.SecurityMiddleware
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "exampleproject.urls"
WSGI_APPLICATION = "exampleproject.wsgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's settings, with Django's meaning.
SECURE_HSTS_SECONDS = 63072000  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # searched without the leading "/": matches /healthz
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W001"]

# hstsguard's extras.
HSTSGUARD = {
    # Believe SECURE_PROXY_SSL_HEADER only from the local reverse proxy.
    "TRUSTED_PROXIES": ["127.0.0.1", "::1"],
    # Every cookie, not only Django's own: Secure, HttpOnly, SameSite=Lax.
    "COOKIES": [{"name": "*", "secure": True, "http_only": True, "same_site": "Lax"}],
    # A staged max-age ramp instead of two years at once: 5 minutes from the start date,
    # then one stage a week; includeSubDomains and preload only at the last stage.
    # "POLICY": {"hsts": {"ramp": {"start": "2026-12-01",
    #                              "stages": ["5m", "1d", "1w", "30d", "1y", "2y"]}}},
}
