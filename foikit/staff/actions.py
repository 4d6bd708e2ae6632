"""Each staff form as one call to the library: parse the form fields, call, say what was done.

The same functions the CLI calls (foikit.casework.lifecycle, foikit.casework.reviews,
foikit.letters, foikit.publishing.build), with the logged-in user as the actor. A field the
library cannot accept raises the library's own FoikitError, so the page shows the same message
the CLI prints.

Every form carries the version of the request it was made from, and each action passes it to
the library as `expected_version`: the check runs inside the transaction that writes, so a
change made meanwhile by anyone (another officer, the CLI, another server) refuses the form
(StaleRecord) instead of being overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foikit.errors import FoikitError, InvalidRequest, StaleRecord
from foikit.law.letter_kinds import LETTER_KINDS
from foikit.register import Register

Form = dict[str, list[str]]


def field(form: Form, key: str) -> str:
    values = form.get(key)
    return values[0].strip() if values else ""


def optional(form: Form, key: str) -> str | None:
    return field(form, key) or None


def required(form: Form, key: str, what: str) -> str:
    value = field(form, key)
    if not value:
        raise InvalidRequest(f"{what} is missing")
    return value


def number(form: Form, key: str, what: str) -> int:
    value = required(form, key, what)
    try:
        return int(value)
    except ValueError:
        raise InvalidRequest(f"{what} {value!r} is not a whole number") from None


def version(form: Form) -> int:
    """The request version the form was made from (its hidden `version` field)."""
    token = field(form, "version")
    # Pages served before the token was the bare version carried `version.audit-id`.
    head = token.split(".", 1)[0]
    if not head.isdigit():
        raise StaleRecord(
            "the form did not say which version of the request it was made from: "
            "reload the request and try again"
        )
    return int(head)


@dataclass(frozen=True)
class Action:
    capability: str  # see foikit.staff.auth.CAPABILITIES
    run: Callable[[Register, str, Form, str, dt.date], str]


def _answer(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.lifecycle import answer_question

    expected = version(form)
    n = number(form, "number", "the question number")
    kind = field(form, "kind") or "text"
    text = optional(form, "text")
    if kind == "text":
        answer_question(reg, actor, reference, n, text=text, expected_version=expected)
    elif kind == "not-held":
        answer_question(
            reg, actor, reference, n, text=text, not_held=True, expected_version=expected
        )
    elif kind == "exempt":
        section = required(form, "section", "the exemption (choose it from the list)")
        answer_question(
            reg,
            actor,
            reference,
            n,
            text=text,
            exemptions=[(section, optional(form, "reason"), optional(form, "public_interest"))],
            ncnd=field(form, "ncnd") == "1",
            expected_version=expected,
        )
    else:
        raise InvalidRequest(f"unknown kind of answer {kind!r}")
    return f"Question {n} answered"


def _clarify(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.lifecycle import clarify

    sent = required(form, "sent", "the date clarification was asked for")
    clarify(
        reg,
        actor,
        reference,
        sent=sent,
        detail=optional(form, "detail"),
        today=today,
        expected_version=version(form),
    )
    return "Clarification asked for: the clock has stopped"


def _clarified(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.lifecycle import clarified

    received = required(form, "received", "the date the clarification arrived")
    clarified(
        reg,
        actor,
        reference,
        received=received,
        detail=optional(form, "detail"),
        today=today,
        expected_version=version(form),
    )
    return "Clarification received: 20 working days run again from its receipt"


def _fee(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.lifecycle import fee

    sent = required(form, "sent", "the date the fees notice was given")
    fee(
        reg,
        actor,
        reference,
        sent=sent,
        amount=optional(form, "amount"),
        detail=optional(form, "detail"),
        today=today,
        expected_version=version(form),
    )
    return "Fees notice recorded: the clock has stopped until the fee is paid"


def _fee_paid(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.lifecycle import fee_paid

    paid = required(form, "paid", "the date the fee was received")
    fee_paid(reg, actor, reference, paid=paid, today=today, expected_version=version(form))
    return "Fee received: the clock runs again"


def _extend(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.lifecycle import extend

    days = optional(form, "days")
    if days is not None and not days.isdigit():
        raise InvalidRequest(f"the number of working days {days!r} is not a whole number")
    extend(
        reg,
        actor,
        reference,
        reason=required(form, "reason", "the reason for the extension"),
        days=int(days) if days else None,
        detail=optional(form, "detail"),
        today=today,
        expected_version=version(form),
    )
    return "Extension recorded"


def _close(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.lifecycle import close_request

    close_request(
        reg,
        actor,
        reference,
        responded=required(form, "responded", "the response date"),
        outcome=required(form, "outcome", "the outcome"),
        today=today,
        expected_version=version(form),
    )
    return "Request closed"


def _review_open(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.reviews import open_review

    reviewer = required(form, "reviewer", "the reviewer")
    open_review(
        reg,
        actor,
        reference,
        received=required(form, "received", "the date the review was asked for"),
        reviewer=reviewer,
        grounds=optional(form, "grounds"),
        today=today,
        expected_version=version(form),
    )
    return f"Internal review opened, with {reviewer} as reviewer"


def request_id(reg: Register, reference: str) -> int:
    from foikit.casework.lifecycle import request_id as lookup

    return lookup(reg, reference)


def _review_close(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.reviews import close_review

    # Who may decide (the named reviewer, or an administrator who took no part) is the
    # library's rule, so the CLI and imports are held to it too.
    close_review(
        reg,
        actor,
        reference,
        decided=required(form, "decided", "the date of the decision"),
        outcome=required(form, "outcome", "the review outcome"),
        reasons=optional(form, "reasons"),
        release=optional(form, "release"),
        release_by=optional(form, "release_by"),
        today=today,
        expected_version=version(form),
    )
    return "Internal review decided"


def _review_extend(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.reviews import extend_review

    review = extend_review(
        reg,
        actor,
        reference,
        reason=optional(form, "reasons"),
        expected_version=version(form),
    )
    return f"Internal review extended: now due {review['due']}"


ACTIONS: dict[str, Action] = {
    "answer": Action("work", _answer),
    "clarify": Action("work", _clarify),
    "clarified": Action("work", _clarified),
    "fee": Action("work", _fee),
    "fee-paid": Action("work", _fee_paid),
    "extend": Action("work", _extend),
    "close": Action("work", _close),
    "review-open": Action("open-review", _review_open),
    "review-close": Action("decide-review", _review_close),
    "review-extend": Action("decide-review", _review_extend),
}


def add(reg: Register, form: Form, actor: str, today: dt.date) -> str:
    """Log a new request from the form; returns its reference."""
    from foikit.casework.lifecycle import add_request
    from foikit.casework.questions import questions_from_lines

    if field(form, "intake"):
        from foikit.staff.casework_pages import add_from_intake

        return add_from_intake(reg, form, actor, today)
    questions = questions_from_lines(field(form, "questions"))
    if not questions:
        raise InvalidRequest("a request needs at least one question: one per line")
    return add_request(
        reg,
        actor,
        received=required(form, "received", "the date received"),
        subject=required(form, "subject", "the subject"),
        regime=field(form, "regime") or "foi",
        questions=questions,
        requester_name=optional(form, "requester_name"),
        requester_email=optional(form, "requester_email"),
        requester_address=optional(form, "requester_address"),
        handler=optional(form, "handler") or actor,
        channel=optional(form, "channel"),
        today=today,
        as_received=optional(form, "as_received"),
        source="letter" if field(form, "channel") == "post" else "form",
    )


class LetterFailed(FoikitError):
    pass


def letter(
    reg: Register,
    reference: str,
    kind: str,
    fmt: str,
    *,
    actor: str,
    today: dt.date,
    published: bool,
    config: dict[str, Any],
    draft: bool = False,
) -> Path:
    """Render the letter now (as the CLI's `foikit letter` does) and return the file to send.
    `draft`: a preview (foikit.letters.drafts), which never counts as a letter sent."""
    from foikit import letters

    if kind not in LETTER_KINDS:
        raise LetterFailed(f"unknown letter kind {kind!r}: use one of {', '.join(LETTER_KINDS)}")
    if fmt not in ("docx", "pdf"):
        raise LetterFailed(f"unknown letter format {fmt!r}: use docx or pdf")
    from foikit.casework.lifecycle import normalise_reference

    out = letters.responses_dir(config.get("responses")) / letters.letter_filename(
        normalise_reference(reference), kind, published=published, draft=draft
    )
    path = letters.render_letter(
        reg,
        reference,
        kind,
        template_dir=config.get("templates"),
        out=out,
        published=published,
        draft=draft,
        today=today,
        actor=actor,
    )
    if fmt == "pdf":
        path = letters.convert_to_pdf(path)
    return Path(path)


def disclosure_path(config: dict[str, Any]) -> Path:
    """Where the public log is written: beside the register unless configured."""
    if config.get("disclosure"):
        return Path(config["disclosure"])
    return Path(config["register"]).parent / "disclosure.db"


def publish(
    reg: Register,
    *,
    config: dict[str, Any],
    today: dt.date,
    actor: str | None = None,
    dry_run: bool = False,
) -> Any:
    """Build the public log (the publication goes in the audit trail as `actor`), or with
    `dry_run` only list what would be redacted and held back."""
    from foikit.publishing.build import publish as publish_log

    return publish_log(reg, disclosure_path(config), today=today, actor=actor, dry_run=dry_run)


def choices() -> dict[str, Any]:
    """The pickers on the forms, from the registries the law is defined in."""
    from foikit.casework.lifecycle import CHANNELS
    from foikit.clock.rules import EXTENSION_REASONS
    from foikit.law.exemptions import EXEMPTIONS
    from foikit.law.outcomes import OUTCOMES, REVIEW_OUTCOMES
    from foikit.law.regimes import REGIMES, REQUEST_REGIMES

    return {
        "exemptions": list(EXEMPTIONS.values()),
        "outcomes": OUTCOMES,
        "review_outcomes": REVIEW_OUTCOMES,
        "extension_reasons": EXTENSION_REASONS,
        "regimes": {k: REGIMES[k] for k in REQUEST_REGIMES},
        "channels": CHANNELS,
        "letter_kinds": LETTER_KINDS,
        "pdf": pdf_available(),
    }


def pdf_available() -> bool:
    import shutil

    return shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


# -- redaction rules (foikit request redact) ----------------------------------------------------


def _redact(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.publishing.rules import add_rule, remove_rule

    phrase = required(form, "phrase", "the phrase")
    what = field(form, "do") or "redact"
    expected = version(form)
    if what == "remove":
        remove_rule(reg, actor, reference, phrase, expected_version=expected)
        return f"Removed the redaction rule {phrase!r}"
    action = "keep" if what == "keep" else "redact"
    rule = add_rule(reg, actor, reference, phrase, action=action, expected_version=expected)
    if rule["action"] == "keep":
        return f"Approved {rule['phrase']!r} for publication"
    return f"{rule['phrase']!r} will be redacted from every public output"


ACTIONS["redact"] = Action("work", _redact)


def _edit(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.staff.casework_pages import edit_action

    return edit_action(reg, reference, form, actor, today)


ACTIONS["edit"] = Action("work", _edit)


def _id_requested(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.lifecycle import identity_requested

    sent = required(form, "sent", "the date identity evidence was asked for")
    identity_requested(
        reg,
        actor,
        reference,
        sent=sent,
        detail=optional(form, "detail"),
        today=today,
        expected_version=version(form),
    )
    return "Identity evidence asked for: the request waits until it arrives"


def _id_received(reg: Register, reference: str, form: Form, actor: str, today: dt.date) -> str:
    from foikit.casework.lifecycle import identity_received

    received = required(form, "received", "the date the identity evidence arrived")
    identity_received(
        reg, actor, reference, received=received, today=today, expected_version=version(form)
    )
    return "Identity evidence received: one calendar month runs afresh from that day"


# Subject access identity verification (UK GDPR Art 12A; issue 21).
ACTIONS["id-requested"] = Action("work", _id_requested)
ACTIONS["id-received"] = Action("work", _id_received)
