"""`foikit templates check`: every name a template uses exists in the letter context, and the
template renders with a full sample context (which catches a misspelt field too)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foikit.errors import FoikitError, TemplateError
from foikit.law.exemptions import APPROPRIATE_LIMIT_GBP, HOURLY_RATE_GBP
from foikit.letters import CONTEXT_NAMES, LETTER_KINDS, make_context, templates_dir
from foikit.letters.docx import compile_template, render_parts


def sample_inputs() -> dict[str, Any]:
    """The inputs of `make_context` with every field set: what `templates check` renders with."""
    questions = [
        {
            "number": 1,
            "text": "How many?",
            "status": "answered",
            "answer": "Seven.",
            "exemptions": [],
        },
        {
            "number": 2,
            "text": "Is it held?",
            "status": "not-held",
            "answer": None,
            "exemptions": [],
        },
        {
            "number": 3,
            "text": "Who?",
            "status": "exempt",
            "answer": "Part of the information is released.",
            "exemptions": [
                {
                    "section": "40(2)",
                    "reason": "Personal data.",
                    "public_interest": None,
                    "ncnd": False,
                },
                {
                    "section": "31(1)(a)",
                    "reason": "Prejudice to crime prevention.",
                    "public_interest": "On balance the public interest favours withholding.",
                    "ncnd": False,
                },
            ],
        },
        {
            "number": 4,
            "text": "Everything?",
            "status": "exempt",
            "answer": "You could ask for one year only.",
            "exemptions": [
                {
                    "section": "12",
                    "reason": "Over 18 hours.",
                    "public_interest": None,
                    "ncnd": False,
                },
                {
                    "section": "14(1)",
                    "reason": "Vexatious.",
                    "public_interest": None,
                    "ncnd": False,
                },
                {
                    "section": "23(5)",
                    "reason": "Security bodies.",
                    "public_interest": None,
                    "ncnd": True,
                },
            ],
        },
    ]
    events = [
        {
            "kind": "clarify",
            "date": "2021-06-08",
            "amount": None,
            "days": None,
            "reason": None,
            "detail": "Which years do you mean?",
        },
        {
            "kind": "fee",
            "date": "2021-06-09",
            "amount": 25.5,
            "days": None,
            "reason": None,
            "detail": "Pay by cheque.",
        },
        {
            "kind": "extend",
            "date": None,
            "amount": None,
            "days": 20,
            "reason": "public-interest",
            "detail": "section 31(1)(a)",
        },
    ]
    review = {
        "received": "2021-07-01",
        "reviewer": "A Reviewer",
        "due": "2021-07-29",
        "decided": "2021-07-20",
        "outcome": "partly-upheld",
        "reasons": "Some reasons.",
        "extended": False,
        "late_request": False,
        "grounds": "The harm under section 31 was not explained.",
    }
    request = {
        "reference": "FOI-2021-0001",
        "regime": "foi",
        "status": "closed",
        "subject": "A subject",
        "received": "2021-06-05",
        "due": "2021-07-05",
        "responded": "2021-06-10",
        "outcome": "partially-withheld",
        "handler": "an.officer",
        "questions": questions,
        "events": events,
        "review": review,
        "notice_due": "2021-07-05",
        "clock_stopped": None,
    }
    office = {
        "name": "Office",
        "short_name": "OPCC",
        "address": ["Line 1", "Town", "B4 6NQ"],
        "phone": "0121",
        "email": "office@example.org",
        "website": "example.org",
        "signatory_name": "A Signatory",
        "signatory_title": "Title",
        "disclosure_log_url": "https://example.org/log",
        "cost_limit": APPROPRIATE_LIMIT_GBP,
        "hourly_rate": HOURLY_RATE_GBP,
        "review_within_days": 40,
    }
    ico = {
        "name": "ICO",
        "address": ["Wycliffe House", "SK9 5AF"],
        "helpline": "0303",
        "website": "ico.org.uk",
        "complaint_url": "ico.org.uk/make-a-complaint",
        "complaint_weeks": 6,
    }
    csps: list[dict[str, Any]] = [
        {
            "name": "Birmingham",
            "website": None,
            "email": "a@example.org",
            "emails": [],
            "email_withheld": False,
            "withheld_reason": None,
            "withheld_count": 0,
        },
        {
            "name": "Dudley",
            "website": None,
            "email": None,
            "emails": [],
            "email_withheld": True,
            "withheld_reason": "Personal data (FOIA s.40(2))",
            "withheld_count": 1,
        },
    ]
    figures = [
        {
            "topic": "dhr",
            "measure": "claimed",
            "area": "Sandwell",
            "period": "2019-20",
            "value": 3,
            "unit": "count",
            "note": None,
            "source": "A source",
        }
    ]
    return {
        "office": office,
        "ico": ico,
        "request": request,
        "requester": {
            "name": "A Person",
            "email": "a@example.org",
            "address": ["1 Street", "Town"],
        },
        "today": "2021-06-10",
        "csps": csps,
        "figures": figures,
    }


def sample_context(kind: str, *, published: bool = False, draft: bool = False) -> dict[str, Any]:
    """A full context for `kind` from `sample_inputs()`."""
    return make_context(**sample_inputs(), kind=kind, published=published, draft=draft)


@dataclass
class TemplateCheck:
    path: Path
    kind: str | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_template(path: Path) -> TemplateCheck:
    """Every variable the template uses exists in the letter context, and it renders."""
    kind = path.stem if path.stem in LETTER_KINDS else None
    problems: list[str] = []
    try:
        compiled = compile_template(path)
    except TemplateError as e:
        return TemplateCheck(path, kind, [str(e)])
    unknown = sorted(compiled.variables() - CONTEXT_NAMES)
    if unknown:
        problems.append(f"unknown name{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    if not problems:
        for published in (False, True):
            try:
                context = sample_context(kind or "response", published=published, draft=True)
                render_parts(compiled, context)  # raises on broken XML too
            except FoikitError as e:
                problems.append(f"{'published copy: ' if published else ''}{e}")
                break
    return TemplateCheck(path, kind, problems)


def check_templates(directory: str | os.PathLike[str] | None = None) -> list[TemplateCheck]:
    """Check every .docx in the folder; a letter kind with no template is a problem too."""
    folder = templates_dir(directory)
    if not folder.is_dir():
        raise TemplateError(f"no templates folder at {str(folder)!r}")
    results = [
        check_template(p) for p in sorted(folder.glob("*.docx")) if not p.name.startswith("~$")
    ]
    have = {r.kind for r in results}
    for kind in LETTER_KINDS:
        if kind not in have:
            results.append(TemplateCheck(folder / f"{kind}.docx", kind, ["missing"]))
    return results
