"""HTTP Public Key Pinning (RFC 7469), **deprecated**: every major browser removed it.

Parse and audit headers that are still sent, compute pins, and build a header only with
guard rails (at least two distinct pins). The same names are also in :mod:`hstsguard`.
"""

from __future__ import annotations

from hstsguard._native import (
    HpkpHeader,
    ParsedHpkp,
    parse_hpkp,
    pin_from_pem_or_der,
    pin_of_spki,
    pins_from_pem_chain,
)

__all__ = [
    "HpkpHeader",
    "ParsedHpkp",
    "parse_hpkp",
    "pin_from_pem_or_der",
    "pin_of_spki",
    "pins_from_pem_chain",
]
