"""Letters: the template context built from the register, and docx rendering that is safe with
any input.

A template is a Word document with Jinja tags (docxtpl's dialect: `{%p for ... %}` on a
paragraph of its own, `{%tr %}` for table rows). Rendering uses a sandboxed Jinja environment
with autoescape (so `&` and `<` in a requester's words reach the XML escaped, never as markup)
and StrictUndefined (so a missing variable is an error naming it, never a blank). Requester
text is only ever a value; officer-written answer text may use the register
(`{{ figure('dhr', 'claimed', area='Sandwell', period='2019-20') }}`) and is evaluated first,
in the same sandbox, as plain text, then put into the letter as a value.

Each template is parsed once per file version: the zip members are kept in memory, the XML
parts that carry tags are patched the docxtpl way and compiled once, and a letter is a Jinja
render of those parts written straight into a new zip. docxtpl's own `render` reloads and
re-parses the whole document with python-docx on every call; bench/letters.py measures both.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import (
    ConversionError,
    FoikitError,
    MissingAnswer,
    TemplateError,
)
from foikit.formats import FILTERS, FormatError

if TYPE_CHECKING:
    from jinja2 import Environment, Template


class LetterNotApplicable(FoikitError):
    """The request is not in a state this kind of letter can be written for."""


class UnknownLetterKind(FoikitError):
    pass


# -- the kinds of letter, defined once ---------------------------------------------------------


@dataclass(frozen=True)
class LetterKind:
    key: str
    title: str  # what the letter is, for listings and the `Re:` line's prefix
    law: str  # the provisions the letter gives effect to


LETTER_KINDS: dict[str, LetterKind] = {
    k.key: k
    for k in (
        LetterKind("acknowledgement", "Acknowledgement", "FOIA s.10(1); s.45 Code para 4"),
        LetterKind("clarification", "Request for clarification", "FOIA s.1(3), s.10(6)(b), s.16"),
        LetterKind("fees", "Fees notice", "FOIA s.9, s.10(2)"),
        LetterKind("extension", "Extension of time", "FOIA s.10(3), s.17(2); EIR reg 7(1)"),
        LetterKind("response", "Response", "FOIA s.1(1), s.17(1), s.17(3), s.17(7)"),
        LetterKind("refusal", "Refusal notice", "FOIA s.12, s.14, s.16, s.17(1), s.17(5)"),
        LetterKind(
            "review-acknowledgement", "Internal review: acknowledgement", "s.45 Code para 5"
        ),
        LetterKind("review-outcome", "Internal review: outcome", "s.45 Code para 5; FOIA s.50"),
    )
}

# How letters name the law a request was made under (request.regime -> words).
REGIME_WORDS: dict[str, dict[str, str]] = {
    "foi": {
        "act": "the Freedom of Information Act 2000",
        "short": "the Act",
        "time_limit": "20 working days",
        "clarify_law": "section 1(3) of the Freedom of Information Act 2000",
        "complaint_law": "section 50 of the Freedom of Information Act 2000",
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
    },
    "sar": {
        "act": "the UK General Data Protection Regulation (Article 15, the right of access)",
        "short": "the UK GDPR",
        "time_limit": "one calendar month",
        "clarify_law": "Article 12(3) of the UK General Data Protection Regulation",
        "complaint_law": "Article 77 of the UK General Data Protection Regulation",
    },
}

# Every name the letter context gives a template: CONTRACT.md's, then foikit's additions.
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
}

ANSWERED = ("answered", "not-held", "exempt")
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
    """`--templates`, else FOIKIT_TEMPLATES, else ./templates (CONTRACT.md)."""
    return Path(explicit or os.environ.get("FOIKIT_TEMPLATES") or "templates")


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


# -- the Jinja environment ----------------------------------------------------------------------

# Characters XML 1.0 cannot carry; a pasted control character must not corrupt the letter.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: Any) -> Any:
    """Text as a letter can hold it: Windows line ends made plain, XML-illegal characters gone."""
    if isinstance(value, str):
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return _XML_ILLEGAL.sub("", value)
    return value


def _filter(func: Callable[[Any], str]) -> Callable[[Any], str]:
    @functools.wraps(func)
    def wrapped(value: Any) -> str:
        from jinja2 import Undefined

        if isinstance(value, Undefined):
            value._fail_with_undefined_error()
        if value is None:
            raise FormatError(f"{func.__name__} was given no value (None)")
        return func(value)

    return wrapped


@functools.cache
def environment(*, autoescape: bool = True) -> Environment:
    """The sandbox every letter and every answer text is rendered in.

    `autoescape=True` for the docx XML; answer texts are rendered with `autoescape=False` to
    plain text, which the letter then escapes as a value.
    """
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        autoescape=autoescape,
        undefined=StrictUndefined,
        finalize=xml_safe,
        keep_trailing_newline=True,
    )
    env.filters.update({name: _filter(f) for name, f in FILTERS.items()})
    return env


def _describe_error(exc: BaseException) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError

    if isinstance(exc, UndefinedError):
        return f"{exc.message} (no such name or field in the letter context)"
    if isinstance(exc, TemplateSyntaxError):
        return f"{exc.message}"
    if isinstance(exc, SecurityError):
        return f"not allowed in a letter: {exc}"
    return str(exc)


# -- compiled templates -------------------------------------------------------------------------

# The XML parts of a .docx that may carry template tags.
_TEMPLATE_PART = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$"
)
_TAG = re.compile(r"\{[{%#]")
_TAG_OR_ESCAPE = re.compile(r"\{[{%#]|\{_[{%]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
_TAG_TEXT = re.compile(r"<[^>]+>")


@dataclass
class CompiledPart:
    name: str
    declaration: str
    source: str  # patched XML, with a newline before each paragraph (for error lines)
    template: Template
    fix_tables: bool


@dataclass
class CompiledTemplate:
    """A .docx template parsed once: its zip members and its compiled XML parts."""

    path: Path
    members: list[tuple[zipfile.ZipInfo, bytes]]
    parts: dict[str, CompiledPart] = field(default_factory=dict)

    def variables(self) -> set[str]:
        """The names the template uses that it does not define itself."""
        from jinja2 import meta

        env = environment()
        names: set[str] = set()
        for part in self.parts.values():
            names |= meta.find_undeclared_variables(env.parse(part.source))
        return names


def _docxtpl() -> Any:
    """An object to call docxtpl's XML helpers on without opening a document."""
    from docxtpl import DocxTemplate

    return DocxTemplate.__new__(DocxTemplate)


def _patch(xml: str) -> str:
    src = _docxtpl().patch_xml(xml)
    # docxtpl's escapes for literal braces ({_{ ... }_}) become Jinja string literals, so the
    # rendered letter is never post-processed (a requester's own "{_{" must survive as typed).
    for escaped, literal in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        src = src.replace(escaped, "{{ '" + literal + "' }}")
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", src)


def _context_lines(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()[max(lineno - 2, 0) : lineno + 1]
    text = " ".join(t for t in (_TAG_TEXT.sub("", line).strip() for line in lines) if t)
    return f" near: {text[:160]!r}" if text else ""


def compile_template(path: Path) -> CompiledTemplate:
    from jinja2 import TemplateSyntaxError

    try:
        with zipfile.ZipFile(path) as zf:
            members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    except FileNotFoundError:
        raise TemplateError(f"no template at {str(path)!r}") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise TemplateError(f"{str(path)!r} is not a .docx template: {e}") from None
    compiled = CompiledTemplate(path, members)
    env = environment()
    for info, data in members:
        if not _TEMPLATE_PART.match(info.filename):
            continue
        xml = data.decode("utf-8")
        if not _TAG_OR_ESCAPE.search(xml):
            continue
        match = _DECLARATION.match(xml)
        declaration = match.group(0) if match else ""
        source = _patch(xml[len(declaration) :])
        try:
            template = env.from_string(source)
        except TemplateSyntaxError as e:
            raise TemplateError(
                f"{path.name}: {_describe_error(e)} in {info.filename}"
                f"{_context_lines(source, e.lineno)}"
            ) from None
        compiled.parts[info.filename] = CompiledPart(
            info.filename, declaration, source, template, "<w:tblGrid" in source and "tc " in source
        )
    return compiled


_CACHE: dict[str, tuple[tuple[int, int], CompiledTemplate]] = {}


def load_template(path: str | os.PathLike[str]) -> CompiledTemplate:
    """The compiled template, parsed once per file version (path, mtime and size)."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise TemplateError(f"no template at {str(p)!r}") from None
    key = str(p.resolve())
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    compiled = compile_template(p)
    _CACHE[key] = (stamp, compiled)
    return compiled


_NEEDS_LISTING = re.compile("[\t\n\x07\x0c]")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")\d+(")')


def _render_part(
    compiled: CompiledTemplate, part: CompiledPart, context: Mapping[str, Any]
) -> bytes:
    try:
        xml = part.template.render(context)
    except FoikitError as e:
        # figure() and friends raise foikit errors naming what was asked for.
        raise TemplateError(f"{compiled.path.name}: {e}") from None
    except FormatError as e:
        raise TemplateError(f"{compiled.path.name}: {e}") from None
    except Exception as e:
        from jinja2 import TemplateError as JinjaError

        if not isinstance(
            e, JinjaError | TypeError | ValueError | AttributeError | ArithmeticError
        ):
            raise
        raise TemplateError(f"{compiled.path.name}: {_describe_error(e)}") from None
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    if _NEEDS_LISTING.search(xml):
        # Line breaks and tabs inside a value become Word's <w:br/> and <w:tab/>.
        xml = _docxtpl().resolve_listing(xml)
    if part.fix_tables:
        from lxml import etree

        tree = _docxtpl().fix_tables(xml)
        xml = etree.tostring(tree, encoding="unicode")
    if "<wp:docPr" in xml:
        # Pictures repeated by a loop need distinct ids or Word reports the file as damaged.
        counter = iter(range(1000, 1_000_000))
        xml = _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(2)}", xml)
    return (part.declaration + xml).encode("utf-8")


def render_docx(
    template: str | os.PathLike[str] | CompiledTemplate,
    context: Mapping[str, Any],
    out: str | os.PathLike[str],
) -> Path:
    """Render a template with a ready context to `out`; written whole or not at all."""
    compiled = template if isinstance(template, CompiledTemplate) else load_template(template)
    rendered = {
        name: _render_part(compiled, part, context) for name, part in compiled.parts.items()
    }
    out_path = Path(out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary name beside the target, then a rename: a letter is written whole or not at
    # all. open("xb") rather than mkstemp so the file gets the usual permissions (umask).
    tmp_path = out_path.with_name(f".{out_path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp_path, "xb") as fh, zipfile.ZipFile(fh, "w") as zf:
            for info, data in compiled.members:
                zf.writestr(info, rendered.get(info.filename, data))
        os.replace(tmp_path, out_path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return out_path


# -- reading a letter back --------------------------------------------------------------------


def letter_text(docx_path: str | os.PathLike[str]) -> str:
    """All paragraph and table text of a letter's body, in document order, one paragraph a line."""
    import docx
    from docx.table import Table

    def cells(table: Table) -> Iterable[str]:
        for row in table.rows:
            for cell in row.cells:
                for item in cell.iter_inner_content():
                    if isinstance(item, Table):
                        yield from cells(item)
                    else:
                        yield item.text

    try:
        document = docx.Document(str(docx_path))
    except Exception as e:  # python-docx raises several kinds for a damaged file
        raise TemplateError(f"cannot read {str(docx_path)!r} as a letter: {e}") from None
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            lines.extend(cells(item))
        else:
            lines.append(item.text)
    return "\n".join(lines)


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
    from foikit.exemptions import get_exemption

    result = dict(exemption)
    try:
        entry = get_exemption(str(exemption["section"]), regime)
    except FoikitError:
        entry = None
    section = str(exemption["section"])
    result.setdefault("name", entry.name if entry else section)
    if not result.get("name"):
        result["name"] = entry.name if entry else section
    # Cite the provision as the officer recorded it (31(1)(a)), not only its parent section.
    result["label"] = (
        f"regulation {section.removeprefix('reg ')}"
        if section.startswith("reg ")
        else f"section {section}"
    )
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


def evaluate_answers(context: dict[str, Any]) -> None:
    """Evaluate each officer-written answer in the sandbox, in place, as plain text.

    Only answer texts are evaluated; the requester's questions and the subject are values.
    """
    from jinja2 import TemplateSyntaxError

    env = environment(autoescape=False)
    for q in context["request"]["questions"]:
        text = q.get("answer")
        if not text or not _TAG.search(text):
            continue
        where = f"the answer to question {q['number']}"
        try:
            q["answer"] = env.from_string(text).render(context)
        except TemplateSyntaxError as e:
            raise TemplateError(f"{where} is not a valid template: {_describe_error(e)}") from None
        except FoikitError as e:
            raise TemplateError(f"{where} could not be worked out: {e}") from None
        except FormatError as e:
            raise TemplateError(f"{where} could not be worked out: {e}") from None
        except Exception as e:
            from jinja2 import TemplateError as JinjaError

            if not isinstance(
                e, JinjaError | TypeError | ValueError | AttributeError | ArithmeticError
            ):
                raise
            raise TemplateError(f"{where} could not be worked out: {_describe_error(e)}") from None


def _latest(events: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    found = [e for e in events if e.get("kind") == kind]
    return dict(found[-1]) if found else None


def _event_for(kind: str, request: Mapping[str, Any]) -> dict[str, Any] | None:
    from foikit.clock import FEE_MONTHS, add_months
    from foikit.formats import as_date

    events = list(request.get("events") or [])
    if kind == "clarification":
        return _latest(events, "clarify")
    if kind == "fees":
        event = _latest(events, "fee")
        if event is not None and event.get("date"):
            event["lapses"] = add_months(as_date(event["date"]), FEE_MONTHS).isoformat()
        return event
    if kind == "extension":
        return _latest(events, "extend")
    return None


def check_letter(context: Mapping[str, Any], kind: str) -> None:
    """What the law needs before this kind of letter can go out (a draft is never refused)."""
    if context.get("draft"):
        return
    request = context["request"]
    ref = request["reference"]
    questions = request.get("questions") or []
    missing = [q["number"] for q in questions if q.get("status") not in ANSWERED]
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


def make_context(
    *,
    office: Mapping[str, Any],
    ico: Mapping[str, Any],
    request: Mapping[str, Any],
    requester: Mapping[str, Any] | None,
    today: dt.date | str,
    csps: list[dict[str, Any]],
    figures: list[dict[str, Any]],
    figure: Callable[..., int | float],
    kind: str,
    published: bool = False,
    draft: bool = False,
) -> dict[str, Any]:
    """The letter context (CONTRACT.md "Letter template context") from plain values.

    Answers are evaluated, exemptions described for s.17, and the letter checked against what
    the law needs for its kind. `requester` is dropped for a published copy.
    """
    get_kind(kind)
    req = {**request, "questions": [dict(q) for q in request.get("questions") or []]}
    regime = str(req.get("regime") or "foi")
    for q in req["questions"]:
        q["exemptions"] = [enrich_exemption(e, regime) for e in q.get("exemptions") or []]
    review = req.get("review")
    if review is not None:
        from foikit.outcomes import REVIEW_OUTCOMES

        review = {**review, "outcome_label": REVIEW_OUTCOMES.get(str(review.get("outcome")), None)}
        req["review"] = review
    context: dict[str, Any] = {
        "office": dict(office),
        "ico": dict(ico),
        "request": req,
        "requester": None if published or requester is None else dict(requester),
        "today": _iso(today),
        "csps": csps,
        "figures": figures,
        "figure": figure,
        "kind": kind,
        "draft": draft,
        "published": published,
        "regime": regime_words(regime),
        "event": _event_for(kind, req),
        "review": review,
        "exemptions": [],
    }
    evaluate_answers(context)
    context["exemptions"] = _unique_exemptions(req["questions"])
    event = context["event"]
    if kind == "extension" and event is not None:
        # s.17(2): the notice names the exemption whose public interest test is still running.
        named = "; ".join(f"{e['label']} ({e['name']})" for e in context["exemptions"])
        event["considering"] = event.get("detail") or named or None
    check_letter(context, kind)
    return context


def build_context(
    reg: Any,
    reference: str,
    kind: str,
    *,
    published: bool = False,
    draft: bool = False,
    today: dt.date | str | None = None,
) -> dict[str, Any]:
    """The letter context for one request, read from the register."""
    from foikit.reference import csps_context, figure, figures_context
    from foikit.requests import requester_of, show_request
    from foikit.settings import get_setting, ico_context, office_context

    get_kind(kind)
    day = today if today is not None else dt.date.today()
    request = show_request(reg, reference, today=day)
    office = office_context(reg)
    office["review_within_days"] = int(get_setting(reg, "review.request_within_days"))
    return make_context(
        office=office,
        ico=ico_context(reg),
        request=request,
        requester=None if published else requester_of(reg, reference),
        today=day,
        csps=csps_context(reg),
        figures=figures_context(reg),
        figure=functools.partial(figure, reg),
        kind=kind,
        published=published,
        draft=draft,
    )


# -- the library entry point --------------------------------------------------------------------


def render_letter(
    reg: Any,
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
    from foikit.register import current_actor
    from foikit.requests import get_request_row

    get_kind(kind)
    row = get_request_row(reg, reference)
    path = Path(template) if template is not None else template_path(kind, template_dir)
    compiled = load_template(path)
    context = build_context(
        reg, row["reference"], kind, published=published, draft=draft, today=today
    )
    target = (
        Path(out)
        if out is not None
        else responses_dir()
        / letter_filename(row["reference"], kind, published=published, draft=draft)
    )
    written = render_docx(compiled, context, target)
    with reg.transaction(current_actor(actor)) as tx:
        tx.insert(
            "letters",
            {
                "request_id": row["id"],
                "kind": kind,
                "path": str(written),
                "published": int(published),
                "draft": int(draft),
                "rendered_at": tx.at,
            },
            request_id=row["id"],
            action="letter",
        )
    return written


# -- batches ------------------------------------------------------------------------------------

# The requests each kind of letter is due for: the trigger happened and no letter of that kind
# has been rendered since (drafts and published copies do not count as sent).
_SENT_SINCE = (
    "NOT EXISTS (SELECT 1 FROM letters l WHERE l.request_id = r.id AND l.kind = :kind"
    " AND l.draft = 0 AND l.published = 0 AND l.rendered_at >= {since})"
)
_EVENT_SINCE = (
    "(SELECT MAX(e.created_at) FROM clock_events e WHERE e.request_id = r.id AND e.kind = '{ev}')"
)
_ALL_ANSWERED = (
    "EXISTS (SELECT 1 FROM questions q WHERE q.request_id = r.id) AND NOT EXISTS (SELECT 1 FROM"
    " questions q LEFT JOIN answers a ON a.question_id = q.id WHERE q.request_id = r.id"
    " AND a.id IS NULL)"
)
_REFUSED = (
    "EXISTS (SELECT 1 FROM answer_exemptions x JOIN answers a ON a.id = x.answer_id"
    " JOIN questions q ON q.id = a.question_id WHERE q.request_id = r.id"
    " AND x.section IN ('12', '14', '14(1)', '14(2)'))"
)
_REVIEW = "(SELECT MAX(v.id) FROM reviews v WHERE v.request_id = r.id{extra})"
NEEDS: dict[str, str] = {
    "acknowledgement": "r.status = 'open' AND " + _SENT_SINCE.format(since="''"),
    "clarification": "r.clock_stopped = 'clarification' AND "
    + _SENT_SINCE.format(since=_EVENT_SINCE.format(ev="clarify")),
    "fees": "r.clock_stopped = 'fee' AND "
    + _SENT_SINCE.format(since=_EVENT_SINCE.format(ev="fee")),
    "extension": "r.status = 'open' AND "
    + _EVENT_SINCE.format(ev="extend")
    + " IS NOT NULL AND "
    + _SENT_SINCE.format(since=_EVENT_SINCE.format(ev="extend")),
    "response": "r.status = 'open' AND "
    + _ALL_ANSWERED
    + " AND NOT "
    + _REFUSED
    + " AND "
    + _SENT_SINCE.format(since="''"),
    "refusal": "r.status = 'open' AND "
    + _ALL_ANSWERED
    + " AND "
    + _REFUSED
    + " AND "
    + _SENT_SINCE.format(since="''"),
    "review-acknowledgement": _REVIEW.format(extra=" AND v.decided IS NULL")
    + " IS NOT NULL AND "
    + _SENT_SINCE.format(since="(SELECT MAX(v.received) FROM reviews v WHERE v.request_id = r.id)"),
    "review-outcome": _REVIEW.format(extra=" AND v.decided IS NOT NULL")
    + " IS NOT NULL AND "
    + _SENT_SINCE.format(since="(SELECT MAX(v.decided) FROM reviews v WHERE v.request_id = r.id)"),
}


def needing_letter(reg: Any, kind: str) -> list[str]:
    """References of the requests that need a letter of this kind, oldest first."""
    get_kind(kind)
    sql = f"SELECT r.reference FROM requests r WHERE {NEEDS[kind]} ORDER BY r.received, r.id"
    return [r["reference"] for r in reg.query(sql, {"kind": kind})]


@dataclass
class BatchResult:
    reference: str
    path: Path | None
    error: str | None


def render_batch(
    reg: Any,
    kind: str,
    references: Iterable[str],
    *,
    template_dir: str | os.PathLike[str] | None = None,
    template: str | os.PathLike[str] | None = None,
    today: dt.date | str | None = None,
    actor: str | None = None,
) -> Iterable[BatchResult]:
    """Render one letter per reference; a failure is reported and the batch goes on."""
    for reference in references:
        try:
            path = render_letter(
                reg,
                reference,
                kind,
                template_dir=template_dir,
                template=template,
                today=today,
                actor=actor,
            )
        except FoikitError as e:
            yield BatchResult(reference, None, str(e))
        else:
            yield BatchResult(reference, path, None)


# -- checking templates -------------------------------------------------------------------------


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
        "cost_limit": 450,
        "hourly_rate": 25,
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
    csps = [
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
        "figure": lambda *a, **k: 1,
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
        with tempfile.TemporaryDirectory() as tmp:
            for published in (False, True):
                try:
                    context = sample_context(kind or "response", published=published, draft=True)
                    out = render_docx(compiled, context, Path(tmp) / "check.docx")
                    letter_text(out)
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


# -- PDF --------------------------------------------------------------------------------------


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    docx_path: str | os.PathLike[str],
    outdir: str | os.PathLike[str] | None = None,
    *,
    fmt: str = "pdf",
    timeout: float = 180,
) -> Path:
    """Convert a letter with LibreOffice (`soffice --headless --convert-to pdf`)."""
    soffice = soffice_path()
    if soffice is None:
        raise ConversionError("LibreOffice (soffice) is not installed: cannot make a PDF")
    source = Path(docx_path)
    target_dir = Path(outdir) if outdir is not None else source.parent
    target_dir.mkdir(parents=True, exist_ok=True)
    # A private profile: two conversions at once must not fight over one user profile.
    with tempfile.TemporaryDirectory(prefix="foikit-soffice-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(target_dir),
            str(source),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ConversionError(
                f"LibreOffice took more than {timeout:.0f}s on {source.name}"
            ) from None
    target = target_dir / f"{source.stem}.{fmt.split(':')[0]}"
    if done.returncode != 0 or not target.exists():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise ConversionError(
            f"LibreOffice could not convert {source.name}: {detail[-1] if detail else 'no output'}"
        )
    return target
