"""Settings of the Django test project (pytest-django's DJANGO_SETTINGS_MODULE).

Tests change settings with pytest-django's ``settings`` fixture; the middleware reads
them when a new test client builds its handler."""

SECRET_KEY = "hstsguard-tests-" + "k" * 50
DEBUG = False
ALLOWED_HOSTS = ["testserver", "example.com", ".example.org"]
ROOT_URLCONF = "tests.urls"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "hstsguard.django",
]
MIDDLEWARE = [
    "hstsguard.django.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
TEMPLATES: list[dict[str, object]] = []
SILENCED_SYSTEM_CHECKS = ["security.W001"]
SECURE_HSTS_SECONDS = 31536000
SECURE_SSL_REDIRECT = True
