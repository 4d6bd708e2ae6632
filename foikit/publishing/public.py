"""What the public may see: one function, `release`, and the record type only it makes.

Every public output of a request goes through `release(request, policy)`: the disclosure log's
file (and so its pages, JSON, CSV, Atom feed and full-text index) is written only from the
`PublicRecord`s it returns, and a `--published` letter is rendered only from the request it
returns (`release_letter_context`). `build_public_db` refuses any record `release` did not make,
a hand-built one or a `dataclasses.replace` copy included (tests/test_public_path.py).

`release` takes a request in the `request show --json` shape with its answers worked out, and
the scan policy of `foikit.publishing.redact`. It redacts every free text (subject, questions,
answers, exemption reasons, public interest reasons, clock event details, review reasons),
drops the requester's grounds for a review, replaces the names of staff fields, and holds the
request back when it is the requester's own personal data (s.40(1)), when nothing but
personal data is left of the subject, or when a titled name is left that no officer has
decided about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foikit.errors import PublishError
from foikit.law.exemptions import citation
from foikit.publishing.redact import REDACTED, Policy, Scanner, only_redactions

if TYPE_CHECKING:
    from foikit.register.core import Register


# The requester's own personal data (FOIA s.40(1)): the request was in effect a subject access
# request, and publishing it would tell the world what the requester asked about themselves.
OWN_DATA_SECTIONS = ("40(1)",)

# s.12 (cost) and s.14 (vexatious or repeated) are grounds for refusing a request, not
# exemptions: the log shows them as refusal grounds, with their refusal notice.
REFUSAL_SECTIONS = frozenset({"12", "14", "14(1)", "14(2)"})

# Only `release` holds this; a record carries it only when `release` made it.
_RELEASED = object()


class HeldBackFromPublication(PublishError):
    """A published copy was asked for a request that must not be published as it stands."""


@dataclass(frozen=True)
class PublicExemption:
    section: str
    name: str

    @property
    def label(self) -> str:
        return f"{citation(self.section, short=True)} {self.name}".strip()

    @property
    def refusal(self) -> bool:
        return self.section.strip().removeprefix("s.") in REFUSAL_SECTIONS

    @property
    def search_text(self) -> str:
        """What the search index holds for it: "section 40(2) s.40(2) Personal information"."""
        return f"{citation(self.section)} {self.label}"


@dataclass(frozen=True)
class PublicQuestion:
    number: int
    text: str
    status: str | None = None
    answer: str | None = None
    exemptions: tuple[PublicExemption, ...] = ()  # named on the exempt answer itself


@dataclass(frozen=True)
class PublicRecord:
    """One disclosed request as the public sees it: nothing here leads back to a person.
    Made only by `release`; the writers refuse any other (`is_released`)."""

    reference: str
    regime: str
    subject: str
    received: str | None
    responded: str | None
    outcome: str | None
    in_time: bool | None = None
    exemptions: tuple[PublicExemption, ...] = ()
    questions: tuple[PublicQuestion, ...] = ()
    review_outcome: str | None = None
    letter_text: str = ""
    _seal: object = field(default=None, init=False, repr=False, compare=False)


def is_released(record: object) -> bool:
    """Was this record made by `release` (and not copied or built by hand since)?"""
    return isinstance(record, PublicRecord) and record._seal is _RELEASED


@dataclass(frozen=True)
class Redaction:
    reference: str
    field: str  # subject | question 2 | answer 2 | reason 2 | review reasons | letter
    kind: str  # name | email | phone | address | postcode | staff | rule
    found: str


@dataclass(frozen=True)
class HeldBack:
    reference: str
    reason: str


@dataclass
class Release:
    """The outcome of `release` for one request."""

    reference: str
    record: PublicRecord | None  # None: held back
    request: dict[str, Any]  # the request with every text redacted (for a published letter)
    redactions: list[Redaction]
    held: str | None
    scanner: Scanner


class _Cleaner:
    def __init__(self, reference: str, scanner: Scanner):
        self.reference = reference
        self.scanner = scanner
        self.redactions: list[Redaction] = []
        self.doubtful: list[tuple[str, str]] = []

    def text(self, value: Any, where: str) -> Any:
        if not isinstance(value, str) or not value:
            return value
        cleaned, hits = self.scanner.redact(value)
        self.redactions.extend(Redaction(self.reference, where, h.kind, h.found) for h in hits)
        self.doubtful.extend((where, name) for name in self.scanner.doubtful(cleaned))
        return cleaned

    def person(self, value: Any) -> Any:
        """A field that names a member of staff (the handler, a reviewer): never public, so
        replaced whole and not listed as a redaction of the text."""
        return REDACTED if value else value


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _copy(value: Any) -> Any:
    """A deep copy of plain data (dicts, lists, scalars): cheaper than copy.deepcopy. Exact
    types first: an isinstance check against the Mapping ABC costs more than the copy."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    if kind is list:
        return [_copy(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    return value


def _clean_request(request: Mapping[str, Any], c: _Cleaner) -> dict[str, Any]:
    req: dict[str, Any] = _copy(request)
    req.pop("requester", None)
    req["subject"] = c.text(req.get("subject"), "subject") or ""
    req["handler"] = c.person(req.get("handler"))
    for q in req.get("questions") or []:
        n = q.get("number")
        q["text"] = c.text(q.get("text"), f"question {n}") or ""
        q["answer"] = c.text(q.get("answer"), f"answer {n}")
        if "answered_by" in q:
            q["answered_by"] = c.person(q.get("answered_by"))
        for e in q.get("exemptions") or []:
            e["reason"] = c.text(e.get("reason"), f"reason {n}")
            e["public_interest"] = c.text(e.get("public_interest"), f"public interest {n}")
    for e in req.get("events") or []:
        e["detail"] = c.text(e.get("detail"), f"{e.get('kind')} detail")
    reviews = [r for r in [req.get("review"), *(req.get("reviews") or [])] if r]
    for r in reviews:
        r["reasons"] = c.text(r.get("reasons"), "review reasons")
        r["reviewer"] = c.person(r.get("reviewer"))
        # The requester's grounds for a review are their own words: never public, not even
        # redacted (a name typed into them would be one scan away from the log).
        if "grounds" in r:
            r["grounds"] = None
    for case in req.get("ico") or []:
        case["notes"] = None  # internal notes on an ICO case are never public
    req["notes"] = None
    return req


def release(request: Mapping[str, Any], policy: Policy, letter_text: str = "") -> Release:
    """THE decision on what the public may see of one request (see the module's docstring)."""
    reference = str(request["reference"])
    scanner = Scanner.for_policy(policy)
    cleaner = _Cleaner(reference, scanner)
    req = _clean_request(request, cleaner)
    letter = cleaner.text(letter_text, "letter") or ""
    redactions = _unique(cleaner.redactions)

    def held(reason: str) -> Release:
        return Release(reference, None, req, redactions, reason, scanner)

    sections = {
        e["section"] for q in request.get("questions") or () for e in q.get("exemptions") or ()
    }
    if sections & set(OWN_DATA_SECTIONS):
        return held("the requester's own personal data (s.40(1)): a subject access matter")
    if only_redactions(req["subject"]):
        return held("the subject is personal data and nothing else")
    if cleaner.doubtful:
        where, name = cleaner.doubtful[0]
        others = len({n for _, n in cleaner.doubtful}) - 1
        more = f" (and {others} more)" if others else ""
        return held(
            f"a possible name {name!r} in the {where}{more}: redact it (`foikit request redact "
            f"{reference} PHRASE`) or approve it (`--keep`)"
        )
    record = _record(req, letter)
    object.__setattr__(record, "_seal", _RELEASED)
    return Release(reference, record, req, redactions, None, scanner)


def _unique(redactions: list[Redaction]) -> list[Redaction]:
    seen: dict[Redaction, None] = {}
    for r in redactions:
        seen.setdefault(r, None)
    return list(seen)


def _record(req: Mapping[str, Any], letter: str) -> PublicRecord:
    questions = tuple(
        PublicQuestion(
            int(q["number"]),
            q.get("text") or "",
            q.get("status"),
            q.get("answer"),
            tuple(
                PublicExemption(e["section"], e.get("name") or e["section"])
                for e in q.get("exemptions") or ()
            ),
        )
        for q in req.get("questions") or ()
    )
    exemptions = {
        (e["section"], e.get("name") or e["section"])
        for q in req.get("questions") or ()
        for e in q.get("exemptions") or ()
    }
    exemptions.update((e["section"], e["name"]) for e in req.get("exemptions") or ())
    review = req.get("review")
    return PublicRecord(
        reference=str(req["reference"]),
        regime=str(req["regime"]),
        subject=req["subject"],
        received=req.get("received"),
        responded=req.get("responded"),
        outcome=req.get("outcome"),
        in_time=req.get("in_time"),
        exemptions=tuple(PublicExemption(s, n) for s, n in sorted(exemptions)),
        questions=questions,
        review_outcome=review.get("outcome") if review else None,
        letter_text=letter,
    )


def release_letter_context(
    reg: Register, reference: str, context: dict[str, Any]
) -> dict[str, Any]:
    """A letter context made fit for a published copy by `release`: the request as released,
    no requester, and the exemptions and clock event drawn from the released request. Refused
    (HeldBackFromPublication) when the request would be held back from the log."""
    from foikit.casework.common import request_id
    from foikit.letters.context import _unique_exemptions
    from foikit.publishing.redact import policy_for

    policy = policy_for(reg, request_id(reg, reference), context["request"])
    released = release(context["request"], policy)
    if released.held is not None:
        raise HeldBackFromPublication(
            f"{released.reference} is held back from publication: {released.held}"
        )
    out = dict(context)
    out["request"] = released.request
    out["review"] = released.request.get("review")
    out["requester"] = None
    out["signatory"] = _public_signatory(context.get("signatory"))
    out["exemptions"] = _unique_exemptions(released.request.get("questions") or [])
    event = context.get("event")
    if event is not None:
        event = dict(event)
        for key in ("detail", "considering", "reason"):
            if isinstance(event.get(key), str):
                event[key] = released.scanner.redact(event[key])[0]
        out["event"] = event
    return out


def _public_signatory(signatory: Any) -> Any:
    """A published copy names the office signatory (the letters are signed by them) but not a
    handler or reviewer who signed (staff names below senior level are redacted): their name is
    replaced, their job title kept."""
    if not isinstance(signatory, Mapping) or signatory.get("who") == "office":
        return signatory
    return {**signatory, "name": REDACTED, "user": None}


_RECORD_FIELDS = frozenset(PublicRecord.__dataclass_fields__) - {"_seal"}


def release_record(
    data: Mapping[str, Any] | PublicRecord, policy: Policy | None = None
) -> PublicRecord:
    """A record given in the public shape (a synthetic log, an import, a test) through
    `release`: with no policy, the scan every text gets (emails, phone numbers, postcodes,
    titled names). PublishError when it is held back or not in the expected shape."""
    from dataclasses import is_dataclass

    raw = {k: getattr(data, k) for k in _RECORD_FIELDS} if is_dataclass(data) else dict(data)
    unknown = set(raw) - _RECORD_FIELDS
    try:
        if unknown:
            raise KeyError(f"unknown fields {sorted(unknown)}")
        request = {
            **{k: raw.get(k) for k in ("reference", "regime", "subject", "received")},
            **{k: raw.get(k) for k in ("responded", "outcome", "in_time")},
            "exemptions": [
                _fields(e, ("section", "name"), ()) for e in raw.get("exemptions") or ()
            ],
            "questions": [
                {
                    **_fields(q, ("number", "text"), ("status", "answer")),
                    "exemptions": [
                        _fields(e, ("section", "name"), ())
                        for e in (q.get("exemptions") if isinstance(q, Mapping) else q.exemptions)
                        or ()
                    ],
                }
                for q in raw.get("questions") or ()
            ],
            "review": {"outcome": raw["review_outcome"]} if raw.get("review_outcome") else None,
        }
        released = release(request, policy or Policy(), raw.get("letter_text") or "")
    except (TypeError, KeyError) as e:
        raise PublishError(f"a disclosure record is not in the expected shape: {e}") from None
    if released.record is None:
        raise PublishError(f"{released.reference} is held back: {released.held}")
    return released.record


def _fields(item: Any, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return {**{k: item[k] for k in required}, **{k: item.get(k) for k in optional}}
    return {k: getattr(item, k) for k in (*required, *optional)}
