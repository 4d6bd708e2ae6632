"""Letters: the kinds, the template context built from the register, and rendering a letter.

The context is docs/contract.md's "Letter template context" plus a few names of foikit's own
(CONTEXT_NAMES). Requester text is only ever a value; officer-written answer text may use the
register (`{{ figure('dhr', 'claimed', area='Sandwell', period='2019-20') }}`) and is evaluated
first, in the same sandbox as the letter, as plain text, then put into the letter as a value.
Before a letter is written it is checked against what the law needs for its kind (a response
answers every question; a s.17(2) notice names the exemption; ...); a draft never is.
Rendering itself lives in foikit.letters.docx, PDF conversion in foikit.letters.pdf.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError, MissingAnswer
from foikit.law.letter_kinds import LETTER_KINDS, LetterKind
from foikit.law.outcomes import ANSWER_STATUSES
from foikit.letters.docx import (
    TAG,
    answer_environment,
    letter_text,
    load_template,
    render_docx,
    template_errors,
)
from foikit.letters.pdf import convert_letters, convert_to_pdf
from foikit.letters.presentation import cited_figures, salutation
from foikit.letters.sandbox import (
    ANSWER_SECONDS,
    MAX_ANSWER_OUTPUT,
    budget,
    check_answer_syntax,
    plain,
    render_bounded,
)
from foikit.letters.signatory import default_signatory, signatory_for
from foikit.register.facts import figure_function

if TYPE_CHECKING:
    from foikit.clock.workdays import Calendar
    from foikit.register.core import Register


# Re-exported: the disclosure log reads letters with letters.letter_text.
__all__ = [
    "convert_letters",
    "convert_to_pdf",
    "letter_text",
    "load_template",
    "render_docx",
    "render_letter",
    "build_context",
    "make_context",
]


class LetterNotApplicable(FoikitError):
    """The request is not in a state this kind of letter can be written for."""


class UnknownLetterKind(FoikitError):
    pass


# The kinds of letter are defined once, in foikit.law.letter_kinds (light enough for the CLI).
# How letters name the law a request was made under (request.regime -> words).
REGIME_WORDS: dict[str, dict[str, str]] = {
    "foi": {
        "act": "the Freedom of Information Act 2000",
        "short": "the Act",
        "time_limit": "20 working days",
        "clarify_law": "section 1(3) of the Freedom of Information Act 2000",
        "complaint_law": "section 50 of the Freedom of Information Act 2000",
        "refusal_law": "section 17 of the Freedom of Information Act 2000",
        # Fees: the power to charge, what the charge is, the paused clock, and when it lapses.
        "fee_law": "section 9 of the Freedom of Information Act 2000",
        "fee_basis": "",
        "fee_time_law": "section 10(2) of the Freedom of Information Act 2000",
        "fee_lapse": "three months",
        "fee_lapse_law": "section 9(2) of the Freedom of Information Act 2000",
        "clarify_effect": "a new period of 20 working days will start from the day we receive "
        "your reply (section 10(6)(b))",
        "review_law": "",
        "review_time": "We aim to complete reviews within 20 working days, and in exceptional "
        "cases within 40 working days.",
        "complaint_time": "",
    },
    "eir": {
        "act": "the Environmental Information Regulations 2004",
        "short": "the Regulations",
        "time_limit": "20 working days",
        "clarify_law": "regulation 9(2) of the Environmental Information Regulations 2004",
        "complaint_law": (
            "section 50 of the Freedom of Information Act 2000, as applied by regulation 18 of "
            "the Environmental Information Regulations 2004"
        ),
        "refusal_law": "regulation 14 of the Environmental Information Regulations 2004",
        # Regulation 8: a reasonable charge on a published schedule, payable in advance; the
        # days until payment are disregarded and, unpaid after 60 working days, no duty remains.
        # Cited as the whole regulation: its paragraphs were not confirmable at the time.
        "fee_law": "regulation 8 of the Environmental Information Regulations 2004",
        "fee_basis": (
            "The charge is a reasonable amount, set in line with our published schedule of "
            "charges, and is payable in advance."
        ),
        "fee_time_law": "regulation 8 of the Environmental Information Regulations 2004",
        "fee_lapse": "60 working days",
        "fee_lapse_law": "regulation 8 of the Environmental Information Regulations 2004",
        "clarify_effect": "a new period of 20 working days will start from the day we receive "
        "your reply (regulation 9(4))",
        "review_law": "regulation 11 of the Environmental Information Regulations 2004",
        "review_time": "Under regulation 11(4) we will tell you our decision as soon as possible "
        "and no later than 40 working days after we receive your representations.",
        "complaint_time": "",
    },
    "sar": {
        "act": "the UK General Data Protection Regulation (Article 15, the right of access)",
        "short": "the UK GDPR",
        "time_limit": "one calendar month",
        "clarify_law": "Article 12A of the UK General Data Protection Regulation",
        "complaint_law": "Article 77 of the UK General Data Protection Regulation",
        "refusal_law": "Article 12(4) of the UK General Data Protection Regulation",
        # Subject access is free; a fee only for a manifestly unfounded or excessive request
        # (Art 12(5)) or further copies (Art 15(3)). The month runs from the fee's receipt.
        "fee_law": (
            "Article 12(5) of the UK General Data Protection Regulation (a manifestly unfounded "
            "or excessive request) or Article 15(3) (further copies)"
        ),
        "fee_basis": (
            "Access to your personal data is normally free of charge; this fee is a reasonable "
            "one based on the administrative cost of providing the information."
        ),
        "fee_time_law": "",
        "fee_lapse": "",
        "fee_lapse_law": "",
        "clarify_effect": "the time for our response is paused from the day we asked until the "
        "day we receive your reply, both included, and then runs on (Article 12A)",
        "review_law": "",
        "review_time": "We aim to complete reviews within 20 working days.",
        # The ICO asks for data protection complaints within three months (its complaints pages).
        "complaint_time": "within three months of your last meaningful contact with us",
    },
}

# Every name the letter context gives a template: docs/contract.md's, then foikit's additions.
CONTRACT_NAMES = frozenset(
    {"office", "ico", "request", "requester", "today", "csps", "figure", "figures"}
)
CONTEXT_NAMES = CONTRACT_NAMES | {
    "kind",
    "draft",
    "published",
    "regime",
    "event",
    "review",
    "exemptions",
    "signatory",  # foikit.letters.signatory
}

REFUSAL_SECTIONS = ("12", "14", "14(1)", "14(2)")


def get_kind(key: str) -> LetterKind:
    try:
        return LETTER_KINDS[key]
    except KeyError:
        raise UnknownLetterKind(
            f"unknown letter kind {key!r}: use one of {', '.join(LETTER_KINDS)}"
        ) from None


# -- where things live ------------------------------------------------------------------------


def templates_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--templates`, else FOIKIT_TEMPLATES, else ./templates (docs/contract.md), else the
    package's own."""
    from foikit.letters.folders import default_templates

    return Path(explicit or os.environ.get("FOIKIT_TEMPLATES") or default_templates())


def responses_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where letters are written: FOIKIT_RESPONSES, else ./responses."""
    return Path(explicit or os.environ.get("FOIKIT_RESPONSES") or "responses")


def template_path(kind: str, template_dir: str | os.PathLike[str] | None = None) -> Path:
    get_kind(kind)
    return templates_dir(template_dir) / f"{kind}.docx"


def letter_filename(
    reference: str, kind: str, *, published: bool = False, draft: bool = False
) -> str:
    suffix = "-published" if published else ""
    suffix += "-draft" if draft else ""
    return f"{reference}-{kind}{suffix}.docx"


# -- the context ------------------------------------------------------------------------------


def _iso(value: dt.date | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def regime_words(regime: str) -> dict[str, str]:
    base = regime.split("-")[0]
    return {"key": regime, **REGIME_WORDS.get(base, REGIME_WORDS["foi"])}


def enrich_exemption(exemption: Mapping[str, Any], regime: str | None = None) -> dict[str, Any]:
    """An exemption with what a s.17 notice needs to say: its label, kind and test."""
    from foikit.law.exemptions import get_exemption

    result = dict(exemption)
    try:
        entry = get_exemption(str(exemption["section"]), regime)
    except FoikitError:
        entry = None
    section = str(exemption["section"])
    if not result.get("name"):
        result["name"] = entry.name if entry else section
    from foikit.law.exemptions import citation

    # Cite the provision as the officer recorded it (31(1)(a)), not only its parent section.
    result["label"] = entry.label if entry is not None and entry.cite else citation(section)
    # NCND relies on the provision removing the duty to confirm or deny (s.31(3)), not s.31(1).
    ncnd = entry.ncnd_subsection if entry else None
    result["ncnd_label"] = citation(ncnd) if ncnd else result["label"]
    result["kind"] = entry.kind if entry else "qualified"
    result["ground"] = entry.ground if entry else "exemption"
    result["public_interest_test"] = bool(entry and entry.needs_public_interest)
    result["refusal"] = section in REFUSAL_SECTIONS
    result["ncnd"] = bool(exemption.get("ncnd"))
    return result


def _unique_exemptions(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per section and reason across the request, with the questions it covers."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for q in questions:
        for e in q.get("exemptions") or []:
            key = (e["section"], e.get("reason"), e.get("public_interest"), e.get("ncnd"))
            if key not in seen:
                seen[key] = {**e, "questions": [], "advice": None}
            entry = seen[key]
            entry["questions"].append(q["number"])
            if entry["advice"] is None and q.get("answer"):
                entry["advice"] = q["answer"]
    return list(seen.values())


@functools.lru_cache(maxsize=1024)
def _answer_template(text: str) -> Any:
    """An answer text checked against the answer language and compiled once (the same text is
    rendered in the letter, its published copy, the log and every redraft)."""
    env = answer_environment()
    check_answer_syntax(text, env)
    return env.from_string(text)


# The request facts an answer may use: never the requester, the questions or another request.
ANSWER_REQUEST_FIELDS = ("reference", "regime", "received", "due", "responded")


def answer_context(
    *,
    office: Mapping[str, Any],
    ico: Mapping[str, Any],
    request: Mapping[str, Any],
    today: dt.date | str | None,
    csps: list[dict[str, Any]],
    figures: list[dict[str, Any]],
) -> dict[str, Any]:
    """What an officer's answer is rendered with: plain data and `figure()`, nothing else."""
    figures = plain(figures, "figures")
    return {
        "office": plain(office, "office"),
        "ico": plain(ico, "ico"),
        "request": plain({k: request.get(k) for k in ANSWER_REQUEST_FIELDS}, "request"),
        "today": _iso(today),
        "csps": plain(csps, "csps"),
        "figures": figures,
        "figure": figure_function(figures),
    }


def render_answer(text: str | None, context: Mapping[str, Any], where: str) -> str | None:
    """One answer worked out: the only rendering of an answer, used by letters, the disclosure
    log and the check made when an answer is saved. Plain text in, plain text out."""
    if not text or not TAG.search(text):
        return text
    with (
        template_errors(f"{where} could not be worked out", where),
        budget(where, ANSWER_SECONDS, MAX_ANSWER_OUTPUT),
    ):
        return render_bounded(_answer_template(text), context)


def answer_context_for(
    reg: Register, reference: str, today: dt.date | str | None = None
) -> dict[str, Any]:
    """The answer context of one request, read from the register (read-only)."""
    from foikit.casework.lifecycle import get_request_row
    from foikit.register.facts import csps_context, figures_context
    from foikit.register.settings import ico_context, office_context

    with reg.read_only():
        return answer_context(
            office=office_context(reg),
            ico=ico_context(reg),
            request=get_request_row(reg, reference),
            today=today if today is not None else dt.date.today(),
            csps=csps_context(reg),
            figures=figures_context(reg),
        )


def check_answer(reg: Register, reference: str, text: str | None, where: str) -> None:
    """Work an answer out against the request's own context before it is saved, so a broken
    or hostile answer is refused at entry rather than found when the letter is due."""
    if text and TAG.search(text):
        render_answer(text, answer_context_for(reg, reference), where)


def render_answers(
    questions: Iterable[Mapping[str, Any]], context: Mapping[str, Any]
) -> dict[int, str | None]:
    """Each question's answer worked out, by question number."""
    return {
        int(q["number"]): render_answer(
            q.get("answer"), context, f"the answer to question {q['number']}"
        )
        for q in questions
    }


def evaluate_answers(context: dict[str, Any]) -> None:
    """Evaluate each officer-written answer in the answer sandbox, in place, as plain text.

    Only answer texts are evaluated; the requester's questions and the subject are values.
    """
    questions = context["request"]["questions"]
    worked = render_answers(questions, context["answer_context"])
    for q in questions:
        q["answer"] = worked[int(q["number"])]


def _latest(events: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    found = [e for e in events if e.get("kind") == kind]
    return dict(found[-1]) if found else None


# EIR reg 8: no duty to supply unless an advance payment arrives within 60 working days of the
# notice (FOIA s.9(2) gives three months; subject access has no such lapse).
def fee_lapses(regime: str, notified: dt.date, calendar: Calendar | None = None) -> dt.date | None:
    """The last day a fee can be paid in time (the clock's rule, foikit.clock.last_day_to_pay);
    None when no limit applies (subject access) or without the calendar an EIR date needs."""
    from foikit.clock.rules import last_day_to_pay

    if calendar is None:
        if regime.split("-")[0] == "eir":
            return None
        from foikit.clock.workdays import Calendar

        calendar = Calendar.from_rows([])
    return last_day_to_pay(regime, notified, calendar)


def _event_for(
    kind: str, request: Mapping[str, Any], calendar: Calendar | None = None
) -> dict[str, Any] | None:
    from foikit.formats import as_date

    events = list(request.get("events") or [])
    if kind == "clarification":
        return _latest(events, "clarify")
    if kind == "fees":
        event = _latest(events, "fee")
        if event is not None:
            lapses = None
            if event.get("date"):
                regime = str(request.get("regime") or "foi")
                lapses = fee_lapses(regime, as_date(event["date"]), calendar)
            event["lapses"] = _iso(lapses)
        return event
    if kind == "extension":
        event = _latest(events, "extend")
        if event is not None:
            event["late"] = bool(event.get("late"))  # told after the date in force (s.17(2))
        return event
    return None


def check_letter(context: Mapping[str, Any], kind: str) -> None:
    """What the law needs before this kind of letter can go out (a draft is never refused)."""
    if context.get("draft"):
        return
    request = context["request"]
    ref = request["reference"]
    questions = request.get("questions") or []
    missing = [q["number"] for q in questions if q.get("status") not in ANSWER_STATUSES]
    if kind in ("response", "refusal") and missing:
        listed = ", ".join(map(str, missing))
        plural = len(missing) > 1
        raise MissingAnswer(
            f"{ref}: question{'s' if plural else ''} {listed} {'have' if plural else 'has'} no "
            f"answer; answer {'them' if plural else 'it'} first or render with --draft"
        )
    if kind in ("clarification", "fees", "extension") and context.get("event") is None:
        step = {"clarification": "clarify", "fees": "fee", "extension": "extend"}[kind]
        raise LetterNotApplicable(
            f"{ref} has no {step} on its clock: record it with `foikit request {step}` first"
        )
    if kind == "fees" and not context["event"].get("amount"):
        raise LetterNotApplicable(
            f"{ref}: a fees notice states the fee (FOIA s.9(1)): record the notice with --amount"
        )
    if kind == "extension":
        event = context["event"]
        if event.get("reason") != "complex" and not (event.get("detail") or context["exemptions"]):
            raise LetterNotApplicable(
                f"{ref}: a s.17(2) notice must name the exemption being considered: record it "
                "as the extension's detail or as an exempt answer"
            )
    if kind in ("response", "refusal"):
        for e in context["exemptions"]:
            if e["public_interest_test"] and not e.get("ncnd") and not e.get("public_interest"):
                raise MissingAnswer(
                    f"{ref}: {e['label']} is a qualified exemption: record the public interest "
                    "reasons (s.17(3)) with the answer"
                )
            if e["section"] == "12" and not e.get("advice"):
                raise MissingAnswer(
                    f"{ref}: a s.12 refusal must offer advice on narrowing the request (s.16): "
                    "give it as the answer text"
                )
    if kind == "refusal" and not context["exemptions"]:
        raise LetterNotApplicable(
            f"{ref} relies on no exemption or refusal ground: send a response letter instead"
        )
    if kind.startswith("review-"):
        review = context.get("review")
        if review is None:
            raise LetterNotApplicable(f"{ref} has no internal review: `foikit review open` first")
        if kind == "review-outcome" and not review.get("decided"):
            raise LetterNotApplicable(
                f"the internal review of {ref} is not decided yet: `foikit review close` first"
            )
        if kind == "review-outcome" and not review.get("reasons"):
            raise LetterNotApplicable(
                f"the internal review of {ref} has no reasons recorded: the outcome letter must "
                "give them (foikit review close --reasons)"
            )


def _addressed(requester: Mapping[str, Any]) -> dict[str, Any]:
    """The requester as a letter addresses them: `salutation` is "Ms Sharma" (title and surname)."""
    return {**plain(requester, "requester"), "salutation": salutation(requester)}


def make_context(
    *,
    office: Mapping[str, Any],
    ico: Mapping[str, Any],
    request: Mapping[str, Any],
    requester: Mapping[str, Any] | None,
    today: dt.date | str,
    csps: list[dict[str, Any]],
    figures: list[dict[str, Any]],
    kind: str,
    published: bool = False,
    draft: bool = False,
    calendar: Calendar | None = None,
    signatory: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The letter context (docs/contract.md "Letter template context") from plain values.

    Answers are evaluated, exemptions described for s.17, and the letter checked against what
    the law needs for its kind. `requester` is dropped for a published copy. `calendar` (the
    working-day Calendar) dates an EIR fee's 60 working days; without it that date is left out.

    Everything in the context is plain data (foikit.letters.sandbox.plain); `figure` is a
    closure over the plain list of figures, so nothing a template can reach leads back to the
    register.
    """
    get_kind(kind)
    request = plain(request, "request")
    req = {**request, "questions": [dict(q) for q in request.get("questions") or []]}
    regime = str(req.get("regime") or "foi")
    plain_figures = plain(figures, "figures")
    for q in req["questions"]:
        q["exemptions"] = [enrich_exemption(e, regime) for e in q.get("exemptions") or []]
        # Read from the answer's own tags before it is worked out: the table under it.
        q["figures"] = cited_figures(q.get("answer"), plain_figures)
    review = req.get("review")
    if review is not None:
        from foikit.clock.rules import review_working_days
        from foikit.law.outcomes import REVIEW_OUTCOMES

        review = {
            **review,
            "outcome_label": REVIEW_OUTCOMES.get(str(review.get("outcome")), None),
            # the working days the review has: 20, 40 extended, 40 under the EIR (reg 11(4))
            "days": review_working_days(regime, bool(review.get("extended"))),
            "grounds": review.get("grounds"),
        }
        req["review"] = review
    context: dict[str, Any] = {
        "office": plain(office, "office"),
        "ico": plain(ico, "ico"),
        "request": req,
        "requester": None if published or requester is None else _addressed(requester),
        "today": _iso(today),
        "csps": plain(csps, "csps"),
        "figures": plain_figures,
        "figure": figure_function(plain_figures),
        "kind": kind,
        "draft": draft,
        "published": published,
        "signatory": plain(dict(signatory or default_signatory(office, req, kind)), "signatory"),
        "regime": regime_words(regime),
        "event": _event_for(kind, req, calendar),
        "review": review,
        "exemptions": [],
    }
    context["answer_context"] = answer_context(
        office=office, ico=ico, request=req, today=today, csps=csps, figures=figures
    )
    evaluate_answers(context)
    del context["answer_context"]
    context["exemptions"] = _unique_exemptions(req["questions"])
    event = context["event"]
    if kind == "extension" and event is not None:
        # s.17(2): the notice names the exemption whose public interest test is still running.
        named = "; ".join(f"{e['label']} ({e['name']})" for e in context["exemptions"])
        event["considering"] = event.get("detail") or named or None
    check_letter(context, kind)
    return context


def build_context(
    reg: Register,
    reference: str,
    kind: str,
    *,
    published: bool = False,
    draft: bool = False,
    today: dt.date | str | None = None,
) -> dict[str, Any]:
    """The letter context for one request, read from the register through a read-only view
    (whatever reaches SQL while a letter is worked out cannot write)."""
    with reg.read_only():
        return _build_context(reg, reference, kind, published=published, draft=draft, today=today)


def _build_context(
    reg: Register,
    reference: str,
    kind: str,
    *,
    published: bool,
    draft: bool,
    today: dt.date | str | None,
) -> dict[str, Any]:
    from foikit.casework.lifecycle import requester_of, show_request
    from foikit.clock.duedates import load_calendar
    from foikit.register.facts import csps_context, figures_context
    from foikit.register.settings import get_setting, ico_context, office_context

    get_kind(kind)
    from foikit.letters.dating import letter_date
    from foikit.publishing.public import release_letter_context

    day = today if today is not None else letter_date(reg, reference, kind, published=published)
    request = show_request(reg, reference, today=day)
    office = office_context(reg)
    office["review_within_days"] = int(get_setting(reg, "review.request_within_days"))
    context = make_context(
        office=office,
        ico=ico_context(reg),
        request=request,
        requester=None if published else requester_of(reg, reference),
        today=day,
        csps=csps_context(reg),
        figures=figures_context(reg),
        kind=kind,
        published=published,
        draft=draft,
        calendar=load_calendar(reg) if kind == "fees" else None,
        signatory=signatory_for(reg, request, kind, office),
    )
    # A published copy is what `release` lets the public see, and nothing else.
    return release_letter_context(reg, reference, context) if published else context


# -- the library entry point --------------------------------------------------------------------


def render_letter(
    reg: Register,
    reference: str,
    kind: str,
    *,
    template_dir: str | os.PathLike[str] | None = None,
    template: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    published: bool = False,
    draft: bool = False,
    today: dt.date | str | None = None,
    actor: str | None = None,
) -> Path:
    """Render one letter for a request and record it in the `letters` table; returns its path."""
    from foikit.casework.lifecycle import get_request_row
    from foikit.register import current_actor

    get_kind(kind)
    row = get_request_row(reg, reference)
    path = Path(template) if template is not None else template_path(kind, template_dir)
    compiled = load_template(path)
    context = build_context(
        reg, row["reference"], kind, published=published, draft=draft, today=today
    )
    from foikit.letters.versions import record_letter, write_new_letter

    name = letter_filename(row["reference"], kind, published=published, draft=draft)
    with reg.read_only():
        written = write_new_letter(reg, compiled, context, out, responses_dir() / name)
    with reg.transaction(current_actor(actor)) as tx:
        record_letter(
            tx,
            row["id"],
            kind,
            written,
            published=published,
            draft=draft,
            dated=context["today"],
        )
    return written


# Batches live in foikit.letters.batch (re-exported here and in foikit.letters).
