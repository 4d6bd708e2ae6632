"""The statutory time limits, defined once as data (docs/contract.md "Regimes").

An unknown key is refused: a wrong due date is the worst bug foikit can have,
so nothing falls back to a default regime.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from foikit.errors import UnknownRegime

Unit = Literal["working_days", "months"]


@dataclass(frozen=True)
class Regime:
    key: str
    label: str
    unit: Unit
    amount: int
    prefix: str  # the reference prefix: FOI-2024-0001
    law: str
    request: bool  # may a request be logged under it (rather than reached by an event)?


REGIMES: dict[str, Regime] = {
    r.key: r
    for r in (
        Regime(
            "foi",
            "Freedom of Information Act 2000",
            "working_days",
            20,
            "FOI",
            "FOIA s.10(1)",
            True,
        ),
        Regime(
            "eir",
            "Environmental Information Regulations 2004",
            "working_days",
            20,
            "EIR",
            "EIR reg 5(2)",
            True,
        ),
        Regime(
            "eir-extended",
            "EIR, complex and voluminous",
            "working_days",
            40,
            "EIR",
            "EIR reg 7(1)",
            False,
        ),
        Regime("sar", "UK GDPR subject access", "months", 1, "SAR", "UK GDPR Art 12(3)", True),
        Regime(
            "sar-extended",
            "UK GDPR subject access, extended",
            "months",
            3,
            "SAR",
            "UK GDPR Art 12(3)",
            False,
        ),
        Regime(
            "review",
            "Internal review",
            "working_days",
            20,
            "REV",
            "s.45 Code of Practice (2018) para 5.4",
            False,
        ),
        Regime(
            "review-extended",
            "Internal review, exceptional cases",
            "working_days",
            40,
            "REV",
            "s.45 Code of Practice (2018) para 5.4",
            False,
        ),
    )
}

REQUEST_REGIMES = tuple(k for k, r in REGIMES.items() if r.request)


def get_regime(key: str) -> Regime:
    try:
        return REGIMES[key]
    except KeyError:
        raise UnknownRegime(f"unknown regime {key!r}: use one of {', '.join(REGIMES)}") from None


def get_request_regime(key: str) -> Regime:
    regime = get_regime(key)
    if not regime.request:
        raise UnknownRegime(
            f"a request is logged as one of {', '.join(REQUEST_REGIMES)}, not {key!r}; "
            "extensions are clock events (foikit request extend)"
        )
    return regime
