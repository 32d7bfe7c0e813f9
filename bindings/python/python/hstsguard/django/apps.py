"""The Django app: add ``"hstsguard.django"`` to ``INSTALLED_APPS`` for the checks."""

from __future__ import annotations

from django.apps import AppConfig


class HstsGuardConfig(AppConfig):
    name = "hstsguard.django"
    label = "hstsguard"
    verbose_name = "hstsguard"

    def ready(self) -> None:
        from hstsguard.django import checks  # noqa: F401  (registers the checks)
