"""The kinds of letter foikit writes, defined once as data (docs/contract.md "Letter kinds").

Kept apart from foikit.letters so that the command line and the staff interface can name the
kinds without importing the rendering machinery.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LetterKind:
    key: str
    title: str  # what the letter is, for listings and the `Re:` line's prefix
    law: str  # the provisions the letter gives effect to


LETTER_KINDS: dict[str, LetterKind] = {
    k.key: k
    for k in (
        LetterKind("acknowledgement", "Acknowledgement", "FOIA s.10(1), s.17(7); s.45 Code para 4"),
        LetterKind(
            "clarification",
            "Request for clarification",
            "FOIA s.1(3), s.10(6)(b), s.16; EIR reg 9; UK GDPR Art 12A",
        ),
        LetterKind("fees", "Fees notice", "FOIA s.9(1), s.9(2), s.10(2); EIR reg 8"),
        LetterKind("extension", "Extension of time", "FOIA s.10(3), s.17(2); EIR reg 7"),
        LetterKind("response", "Response", "FOIA s.1(1), s.17(1), s.17(3), s.17(7); EIR reg 12"),
        LetterKind("refusal", "Refusal notice", "FOIA s.12, s.14, s.16, s.17(1), s.17(5)"),
        LetterKind(
            "review-acknowledgement",
            "Internal review: acknowledgement",
            "s.45 Code para 5; EIR reg 11; FOIA s.50",
        ),
        LetterKind(
            "review-outcome", "Internal review: outcome", "s.45 Code para 5; EIR reg 11; FOIA s.50"
        ),
    )
}
