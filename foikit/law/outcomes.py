"""Request outcomes: the categories of the official FOI statistics (docs/contract.md).

Resolvable requests (Cabinet Office, "Freedom of Information statistics: definitions"): those
where the information could be supplied, withheld in part or withheld in full; information not
held, advice and assistance, withdrawn, lapsed and transferred requests are not resolvable.
"""

from __future__ import annotations

from dataclasses import dataclass

from foikit.errors import UnknownOutcome


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    resolvable: bool  # counted among "resolvable requests" in the official statistics
    needs_answers: bool  # closing needs every question answered


OUTCOMES: dict[str, Outcome] = {
    o.key: o
    for o in (
        Outcome("granted-in-full", "Granted in full", True, True),
        Outcome("partially-withheld", "Partially withheld", True, True),
        Outcome("withheld-in-full", "Withheld in full", True, True),
        # The Cabinet Office's FOI statistics count "information not held" separately: it is
        # not a resolvable request (nor is advice and assistance).
        Outcome("not-held", "Information not held", False, True),
        Outcome("withdrawn", "Withdrawn", False, False),
        Outcome("lapsed", "Lapsed (clarification or fee not received)", False, False),
        Outcome("transferred", "Transferred to another authority", False, False),
        Outcome("advice-and-assistance", "Advice and assistance given", False, True),
    )
}

# How one question was answered: the one list (the register's answers.status column, the
# importer's status_N columns, the letters' check that every question is answered, the log).
ANSWER_STATUS_LABELS: dict[str, str] = {
    "answered": "Answered",
    "not-held": "Not held",
    "exempt": "Exempt",
}
ANSWER_STATUSES: tuple[str, ...] = tuple(ANSWER_STATUS_LABELS)

REVIEW_OUTCOMES: dict[str, str] = {
    "upheld": "Original decision upheld",
    "partly-upheld": "Original decision partly upheld",
    "overturned": "Original decision overturned",
}


def get_outcome(key: str) -> Outcome:
    try:
        return OUTCOMES[key]
    except KeyError:
        raise UnknownOutcome(f"unknown outcome {key!r}: use one of {', '.join(OUTCOMES)}") from None


def check_review_outcome(key: str) -> str:
    if key not in REVIEW_OUTCOMES:
        raise UnknownOutcome(
            f"unknown review outcome {key!r}: use one of {', '.join(REVIEW_OUTCOMES)}"
        )
    return key
