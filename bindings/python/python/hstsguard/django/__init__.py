"""Django integration: a drop-in ``SecurityMiddleware`` and deploy checks.

- ``MIDDLEWARE``: replace ``"django.middleware.security.SecurityMiddleware"`` with
  ``"hstsguard.django.SecurityMiddleware"``; the ``SECURE_*`` settings keep their meaning.
- ``INSTALLED_APPS``: add ``"hstsguard.django"`` for the checks (``manage.py check
  --deploy`` shows ``hstsguard.W0xx`` / ``hstsguard.E0xx``), and add ``"security.W001"``
  to ``SILENCED_SYSTEM_CHECKS`` (Django's check only knows its own middleware).
- Extra settings: the ``HSTSGUARD`` dict (trusted proxies, redirect statuses, cookie
  rules, HPKP, a policy file).

Importing this package does not read the settings; the middleware reads them once.
"""

from __future__ import annotations

from hstsguard.django.middleware import SecurityMiddleware

__all__ = ["SecurityMiddleware"]
