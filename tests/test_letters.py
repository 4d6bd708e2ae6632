"""Letters: what each kind says in law, safety with any input, and the register-backed path.

Every test opens the .docx it wrote and reads the text back (foikit.letters.letter_text).
"""

from __future__ import annotations

import copy
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from letters_support import OFFICER, june_2021, lifecycle
from lifecycle_support import plant_answer

from foikit import letters
from foikit.casework.lifecycle import InvalidAnswer
from foikit.errors import MissingAnswer, TemplateError
from foikit.letters import (
    LETTER_KINDS,
    LetterNotApplicable,
    letter_text,
    make_context,
    render_docx,
    render_letter,
)
from foikit.letters.check import sample_context, sample_inputs
from foikit.letters.docx import compile_template, load_template
from foikit.letters.folders import PACKAGE_TEMPLATES

TEMPLATES = PACKAGE_TEMPLATES


def render(tmp_path: Path, kind: str, inputs: dict | None = None, **flags) -> str:
    """Render `kind` from plain inputs with the shipped template; the letter's text."""
    context = make_context(**(inputs or sample_inputs()), kind=kind, **flags)
    out = render_docx(TEMPLATES / f"{kind}.docx", context, tmp_path / f"{kind}.docx")
    return letter_text(out)


# -- what each kind must say ---------------------------------------------------------------------

ICO_NOW = ["Wycliffe House", "Helpline: 0303", "ico.org.uk", "six weeks"]
REVIEW_RIGHT = ["internal review", "within 40 working days", *ICO_NOW]

LAW = [
    (
        "acknowledgement",
        ["FOI-2021-0001", "received on 5 June 2021", "by 5 July 2021", *REVIEW_RIGHT],
        "reference, date received and date due",
    ),
    (
        "clarification",
        ["section 1(3)", "Which years do you mean?", "stopped on 8 June 2021", "new period of 20"],
        "s.1(3): what is unclear; the clock stops until the reply",
    ),
    (
        "fees",
        ["fees notice under section 9", "£25.50", "Pay by cheque.", "within three months",
         "by 8 September 2021", "section 10(2)"],
        "s.9: amount, how to pay, three months",
    ),
    (
        "extension",
        ["section 17(2)", "Section 10(3)", "section 31(1)(a)", "by 5 July 2021", "public interest"],
        "s.10(3)/s.17(2): the exemption considered and when a decision is expected",
    ),
    (
        "response",
        ["Question 1", "How many?", "Seven.", "We do not hold this information.",
         "section 40(2) of the Act (Personal data of third parties)", "Personal data.",
         "section 31(1)(a)", "qualified exemption", "On balance the public interest favours",
         "absolute exemption", "neither confirm nor deny", *REVIEW_RIGHT],
        "s.17(1): each question in the requester's words, the section, why, and the PI reasons",
    ),
    (
        "refusal",
        ["refusal notice under section 17", "appropriate limit of £450", "18 hours",
         "£25 an hour", "section 16", "You could ask for one year only.", "vexatious",
         "No public interest test applies to section 14", *REVIEW_RIGHT],
        "s.17 with s.12 and s.16 advice, and s.14",
    ),
    (
        "review-acknowledgement",
        ["received on 1 July 2021", "by 29 July 2021", "not involved in the original", *ICO_NOW],
        "the date the review is due",
    ),
    (
        "review-outcome",
        ["upholds our original response in part", "Some reasons.", "decided on 20 July 2021",
         "final response", *ICO_NOW],
        "the decision, its reasons, and the ICO right",
    ),
]  # fmt: skip


@pytest.mark.parametrize("kind, phrases, why", LAW, ids=[k for k, _, _ in LAW])
def test_each_kind_says_what_the_law_requires(tmp_path, kind, phrases, why):
    text = render(tmp_path, kind)
    for phrase in phrases:
        assert phrase in text, f"{kind}: {why}: {phrase!r} missing"


def test_every_kind_has_a_law_case():
    assert sorted(k for k, _, _ in LAW) == sorted(LETTER_KINDS)


@pytest.mark.parametrize("kind", sorted(LETTER_KINDS))
def test_every_kind_is_laid_out_as_an_opcc_letter(tmp_path, kind):
    text = render(tmp_path, kind)
    lines = text.splitlines()
    assert lines[0] == "Office", "letterhead: the office's name first"
    assert "B4 6NQ" in lines[:6], "letterhead: the office's address"
    assert "Our reference: FOI-2021-0001" in lines
    assert "Date: 10 June 2021" in lines
    assert lines.index("A Person") < lines.index("Dear A Person,"), "addressee block"
    assert "Re: A subject" in lines
    review = kind.startswith("review-")
    signed = ["A Reviewer", "Internal reviewer"] if review else ["A Signatory", "Title"]
    # a review's letters are the reviewer's (s.45 Code; foikit.letters.signatory)
    assert lines[-3:] == [*signed, "Office"], "signed by name and title"
    assert "DRAFT" not in text


# -- draft, published, refusals to render -------------------------------------------------------


def unanswered_inputs() -> dict:
    inputs = sample_inputs()
    inputs["request"]["questions"][1].update(status="unanswered", answer=None)
    inputs["request"]["questions"][2].update(status="unanswered", answer=None, exemptions=[])
    return inputs


def test_a_response_is_refused_while_questions_have_no_answer():
    with pytest.raises(MissingAnswer, match=r"questions 2, 3 have no answer"):
        make_context(**unanswered_inputs(), kind="response")


def test_a_draft_response_renders_and_says_draft(tmp_path):
    text = render(tmp_path, "response", unanswered_inputs(), draft=True)
    assert "DRAFT: NOT FOR SENDING" in text
    assert text.count("[No answer recorded yet]") == 2
    with zipfile.ZipFile(tmp_path / "response.docx") as zf:
        header = zf.read("word/header1.xml").decode()
    assert ">DRAFT<" in header, "every page's header says DRAFT"


def test_the_published_copy_has_no_requester(tmp_path):
    text = render(tmp_path, "response", published=True)
    assert "Dear Applicant," in text
    for personal in ("A Person", "1 Street", "a@example.org"):
        assert personal not in text
    assert "Published copy" in text


@pytest.mark.parametrize(
    "kind, change, error, why",
    [
        ("clarification", lambda i: i["request"].update(events=[]), "no clarify", "no event"),
        ("fees", lambda i: i["request"].update(events=[]), "no fee", "no fees notice recorded"),
        (
            "extension",
            lambda i: (
                i["request"]["events"][2].update(detail=None),
                [q.update(exemptions=[]) for q in i["request"]["questions"]],
            ),
            "must name the exemption",
            "s.17(2) needs the exemption being considered",
        ),
        (
            "response",
            lambda i: i["request"]["questions"][2]["exemptions"][1].update(public_interest=None),
            "public interest",
            "s.17(3): a qualified exemption needs its public interest reasons",
        ),
        (
            "refusal",
            lambda i: i["request"]["questions"][3].update(answer=None),
            "s.16",
            "a s.12 refusal must give advice on narrowing the request",
        ),
        (
            "refusal",
            lambda i: [q.update(exemptions=[]) for q in i["request"]["questions"]],
            "no exemption",
            "nothing to refuse on",
        ),
        ("review-acknowledgement", lambda i: i["request"].update(review=None), "no internal", ""),
        (
            "review-outcome",
            lambda i: i["request"]["review"].update(decided=None),
            "not decided",
            "an outcome letter needs the decision",
        ),
        (
            "review-outcome",
            lambda i: i["request"]["review"].update(reasons=None),
            "no reasons",
            "an outcome letter gives the reasons",
        ),
    ],
)
def test_letters_the_law_does_not_allow_yet(kind, change, error, why):
    inputs = sample_inputs()
    change(inputs)
    with pytest.raises((LetterNotApplicable, MissingAnswer), match=error):
        make_context(**inputs, kind=kind)
    make_context(**inputs, kind=kind, draft=True)  # a draft is never refused


# -- templates: escaping, StrictUndefined, the sandbox --------------------------------------------


def write_template(path: Path, *paragraphs: str) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_a_missing_variable_is_an_error_naming_it(tmp_path):
    template = write_template(tmp_path / "t.docx", "Dear {{ requester.name }}", "{{ nonesuch }}")
    context = sample_context("response")
    with pytest.raises(TemplateError, match="'nonesuch' is undefined"):
        render_docx(template, context, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists(), "nothing half-written"


def test_a_misspelt_field_is_an_error_naming_it(tmp_path):
    template = write_template(tmp_path / "t.docx", "Re: {{ request.subjekt }}")
    with pytest.raises(TemplateError, match="subjekt"):
        render_docx(template, sample_context("response"), tmp_path / "out.docx")


def test_a_template_syntax_error_names_the_file_and_the_text(tmp_path):
    template = write_template(tmp_path / "broken.docx", "Hello", "{% if draft %}never closed")
    with pytest.raises(TemplateError, match=r"broken\.docx.*end of template"):
        compile_template(template)


def test_the_sandbox_refuses_python_internals(tmp_path):
    template = write_template(tmp_path / "t.docx", "{{ request.__class__.__mro__ }}")
    with pytest.raises(TemplateError):
        render_docx(template, sample_context("response"), tmp_path / "out.docx")


def test_literal_braces_escaped_the_docxtpl_way(tmp_path):
    template = write_template(tmp_path / "t.docx", "Write {_{ name }_} and {_% tag %_}")
    out = render_docx(template, sample_context("response"), tmp_path / "out.docx")
    assert letter_text(out) == "Write {{ name }} and {% tag %}"


def test_templates_are_compiled_once_per_file_version(tmp_path):
    template = write_template(tmp_path / "t.docx", "One {{ kind }}")
    first = load_template(template)
    assert load_template(template) is first, "cached"
    import os

    write_template(template, "Two {{ kind }}")
    os.utime(template, ns=(1, first.path.stat().st_mtime_ns + 10**9))
    second = load_template(template)
    assert second is not first, "a changed file is parsed again"
    out = render_docx(second, sample_context("response"), tmp_path / "out.docx")
    assert letter_text(out) == "Two response"


# -- officer-written answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, expected, why",
    [
        ("{{ figure('dhr', 'claimed') }} reviews", "3 reviews", "a figure from the plain table"),
        ("{{ csps|length }} CSPs", "2 CSPs", "the CSP list"),
        ("{{ 15000|money }} a year", "£15,000 a year", "the letter filters"),
        ("{{ '<b>' }} & co", "<b> & co", "answer output is text, escaped once by the letter"),
        ("Plain & <simple>", "Plain & <simple>", "no tags: left exactly as written"),
        (
            "{% for c in csps %}{{ c.name }}: {{ c.email or 'withheld' }}; {% endfor %}",
            "Birmingham: a@example.org; Dudley: withheld; ",
            "a withheld contact said plainly",
        ),
    ],
)
def test_answer_text_is_evaluated_in_the_sandbox(tmp_path, answer, expected, why):
    inputs = sample_inputs()
    inputs["request"]["questions"][0]["answer"] = answer
    text = render(tmp_path, "response", inputs)
    assert f"How many?\n{expected}\n" in text, why


@pytest.mark.parametrize(
    "answer, error, why",
    [
        ("{{ figure('dhr', 'nonesuch') }}", "question 1 could not be worked out: the register", ""),
        ("{{ nonesuch }}", "question 1 could not be worked out: uses nonesuch", "unknown name"),
        ("{% for %}", "question 1 is not a valid template", "a syntax error"),
        ("{{ ''.__class__.__subclasses__() }}", "question 1", "the sandbox"),
        ("{{ figure.args }}", "question 1", "no attribute of a function"),
    ],
)
def test_answer_text_errors_are_clear(answer, error, why):
    inputs = sample_inputs()
    inputs["request"]["questions"][0]["answer"] = answer
    with pytest.raises(TemplateError, match=error):
        make_context(**inputs, kind="response")


# -- hostile input ------------------------------------------------------------------------------

HOSTILE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t&<>{}%#"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


def hostile_inputs(value: str) -> dict:
    inputs = sample_inputs()
    request = inputs["request"]
    request["subject"] = value
    request["questions"][0]["text"] = value
    request["questions"][2]["exemptions"][0]["reason"] = value
    for event in request["events"]:
        event["detail"] = value
    request["review"]["reasons"] = value
    inputs["requester"] = {"name": value, "email": None, "address": [value, "Town"]}
    return inputs


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=HOSTILE)
@example(value="Smith & Sons <b>bold</b> {{ requester.name }} {% raw %} {# c #}")
@example(value="😀 emoji 👩🏽‍⚖️ and a flag 🇬🇧")
@example(value="مرحبا بالعالم — שלום עולם — mixed RTL")
@example(value="{_{ not an escape }_} {_% nor this %_}")
@example(value="  leading and trailing spaces  ")
@example(value="line one\nline two\ttabbed")
@example(value="x" * 5000)
def test_hostile_text_comes_out_exactly_in_every_kind(tmp_path, value):
    inputs = hostile_inputs(value)
    where = {
        "acknowledgement": ["Re: ", "1) ", "Dear "],
        "clarification": ["Re: ", "detail"],
        "fees": ["Re: ", "detail"],
        "extension": ["Re: ", "detail"],
        "response": ["Re: ", "question", "reason", "Dear "],
        "refusal": ["Re: ", "1) ", "reason"],
        "review-acknowledgement": ["Re: "],
        "review-outcome": ["Re: ", "reasons"],
    }
    for kind, places in where.items():
        text = render(tmp_path, kind, copy.deepcopy(inputs))
        assert f"Re: {value}\n" in text, kind
        assert f"\n{value}\n" in text, f"{kind}: the addressee block"
        if "Dear " in places:
            assert f"Dear {value}," in text
        if "1) " in places:
            assert f"1) {value}\n" in text
        if "reason" in places:
            assert f"(Personal data of third parties). {value}\n" in text
        if "reasons" in places or "detail" in places:
            assert text.count(value) >= 4, kind


def test_characters_xml_cannot_hold_are_dropped_not_fatal(tmp_path):
    inputs = sample_inputs()
    inputs["request"]["subject"] = "bell\x07 null\x00 form\x0c feed\r\nnext"
    text = render(tmp_path, "acknowledgement", inputs)
    assert "Re: bell null form feed\nnext\n" in text


# -- from the register ----------------------------------------------------------------------------


def test_the_june_2021_response_is_rebuilt_from_the_register(register, tmp_path):
    ref = june_2021(register)
    path = render_letter(register, ref, "response", today=dt.date(2021, 6, 10), actor=OFFICER)
    assert path.name == "FOI-2021-0001-response.docx"
    assert path.parent == tmp_path / "responses", "FOIKIT_RESPONSES"
    text = letter_text(path)
    assert "There are 7 Community Safety Partnerships" in text, "seven CSPs, counted"
    for name in ("Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall"):
        assert f"{name}: web address not held" in text
    assert (
        "Coventry 0; Dudley 0; Sandwell 3 (+1 child friendly report); Solihull 3; Walsall 1; "
        "Wolverhampton 1." in text
    ), "the 2019-20 DHR claims, from the register"
    assert "Sandwell: 3." in text, "figure() in an answer"
    assert "Birmingham - cspenquiries@birmingham.gov.uk\n" in text
    assert "Coventry - PCB@coventry.gov.uk\n" in text
    for name in ("Dudley", "Walsall", "Wolverhampton"):
        assert f"{name} - withheld: Personal data (FOIA s.40(2))\n" in text, "withheld, plainly"
    assert "XXXX" not in text
    assert "Dear A. Requester," in text
    assert "received in this office on 5 June 2021" in text
    assert "Wycliffe House\nWater Lane\nWilmslow\nCheshire\nSK9 5AF" in text, "current ICO"
    assert "Helpline: 0303 123 1113" in text
    assert "08456" not in text and "ico.gov.uk" not in text, "not the obsolete 2021 details"
    assert "Alethea Fuller\nDeputy Chief Executive" in text
    row = register.one("SELECT * FROM letters")
    assert (row["kind"], row["path"], row["published"], row["draft"]) == (
        "response",
        str(path),
        0,
        0,
    )
    audit = register.one("SELECT actor, action FROM audit WHERE table_name = 'letters'")
    assert audit == {"actor": OFFICER, "action": "letter"}, "recorded with its audit row"


def test_the_published_copy_from_the_register(register):
    ref = june_2021(register)
    path = render_letter(register, ref, "response", published=True, today="2021-06-10")
    assert path.name == "FOI-2021-0001-response-published.docx"
    text = letter_text(path)
    assert "Dear Applicant," in text
    assert "A. Requester" not in text and "a.requester@example.org" not in text
    assert register.scalar("SELECT published FROM letters") == 1


def test_an_unanswered_request_renders_only_as_a_draft(register):
    ref = june_2021(register, close=False)
    from foikit.casework.lifecycle import add_question

    add_question(register, OFFICER, ref, "And one more?")
    with pytest.raises(MissingAnswer, match="question 6 has no answer"):
        render_letter(register, ref, "response", today="2021-06-10")
    assert register.scalar("SELECT COUNT(*) FROM letters") == 0, "nothing recorded"
    path = render_letter(register, ref, "response", draft=True, today="2021-06-10")
    assert path.name == "FOI-2021-0001-response-draft.docx"
    assert "DRAFT: NOT FOR SENDING" in letter_text(path)


def test_a_bad_answer_names_the_question_and_writes_nothing(register, tmp_path):
    from foikit.casework.lifecycle import answer_question

    ref = june_2021(register, close=False)
    with pytest.raises(InvalidAnswer, match="question 1 .*area='Mars'.*not saved"):
        answer_question(
            register, OFFICER, ref, 1, text="{{ figure('dhr', 'claimed', area='Mars') }}"
        )
    # An answer already in the register (an older register, a bypass) is caught at rendering.
    plant_answer(register, ref, 1, "{{ figure('dhr', 'claimed', area='Mars') }}")
    with pytest.raises(TemplateError, match="question 1 .*area='Mars'"):
        render_letter(register, ref, "response", today="2021-06-10")
    assert not (tmp_path / "responses" / "FOI-2021-0001-response.docx").exists()


KIND_FROM_REGISTER = [
    ("acknowledgement", ["received on 5 June 2021", "by 2 July 2021", "WS1 1AA"]),
    ("clarification", ["Which years?", "stopped on 8 June 2021"]),
    ("fees", ["£12.50", "By card.", "by 8 September 2021"]),
    # 2 August 2021 was a Scottish bank holiday, so 20 working days past 2 July end on 3 August.
    ("extension", ["section 31(1)(a)", "section 17(2)", "by 3 August 2021"]),
    ("response", ["All the figures, please.", "Here they are & more."]),
    ("refusal", ["£450", "About 40 hours.", "Ask for one year only."]),
    # 12 July 2021 was a Northern Ireland bank holiday: 20 working days from 15 June end on 14 July.
    ("review-acknowledgement", ["received on 15 June 2021", "by 14 July 2021"]),
    ("review-outcome", ["upholds our original response", "The answer was complete."]),
]


def test_every_kind_from_the_register(register):
    refs = lifecycle(register)
    for kind, phrases in KIND_FROM_REGISTER:
        path = render_letter(register, refs[kind], kind, today="2021-07-02")
        text = letter_text(path)
        for phrase in phrases:
            assert phrase in text, f"{kind}: {phrase!r}"
    assert register.scalar("SELECT COUNT(*) FROM letters") == len(KIND_FROM_REGISTER)


@pytest.mark.parametrize(
    "kind, expected",
    [
        (
            "acknowledgement",
            ["Acknowledged", "Unclear", "Costly", "Sensitive", "Everything", "Answered"],
        ),
        ("clarification", ["Unclear"]),
        ("fees", ["Costly"]),
        ("extension", ["Sensitive"]),
        ("response", ["Answered"]),
        ("refusal", ["Everything"]),
        ("review-acknowledgement", ["Reviewed"]),
        ("review-outcome", ["Decided"]),
    ],
)
def test_which_requests_need_which_letter(register, kind, expected):
    lifecycle(register)
    refs = letters.needing_letter(register, kind)
    subjects = [
        register.scalar("SELECT subject FROM requests WHERE reference = ?", (r,)) for r in refs
    ]
    assert subjects == expected
    render_letter(register, refs[0], kind, today="2021-07-02")
    assert refs[0] not in letters.needing_letter(register, kind), "sent: no longer needed"


def test_a_table_row_loop_the_docxtpl_way(tmp_path):
    """`{%tr for %}` repeats a table row: a CSP contact table an officer might design."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for c in csps %}"
    table.cell(1, 0).text = "{{ c.name }}"
    table.cell(1, 1).text = "{{ c.email or 'withheld: ' ~ c.withheld_reason }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    document.save(str(tmp_path / "t.docx"))
    out = render_docx(tmp_path / "t.docx", sample_context("response"), tmp_path / "out.docx")
    assert letter_text(out).splitlines() == [
        "Birmingham",
        "a@example.org",
        "Dudley",
        "withheld: Personal data (FOIA s.40(2))",
    ]


# -- the law by regime: each letter cites the regime the request was made under ------------------


def _regime_request(reg, regime: str, kind: str) -> str:
    """A request under `regime` in the state a fees or clarification letter is written for."""
    from foikit.casework import lifecycle as requests

    ref = requests.add_request(
        reg,
        OFFICER,
        received="2021-06-05",
        subject="Air quality monitoring",
        regime=regime,
        requester_name="A. Requester",
        requester_address=["1 High Street", "Walsall", "WS1 1AA"],
        handler=OFFICER,
        questions=["All the readings, please."],
        today="2021-06-07",
    )
    if kind == "fees":
        requests.fee(
            reg,
            OFFICER,
            ref,
            sent="2021-06-09",
            amount="12.50",
            detail="By card.",
            today="2021-06-09",
        )
    else:
        requests.clarify(
            reg, OFFICER, ref, sent="2021-06-08", detail="Which years?", today="2021-06-08"
        )
    return ref


REGIME_LETTERS = [
    (
        "foi", "fees",
        ["fees notice under section 9 of the Freedom of Information Act 2000", "£12.50",
         "(section 10(2) of the Freedom of Information Act 2000)", "within three months",
         "by 8 September 2021", "(section 9(2) of the Freedom of Information Act 2000)"],
        ["regulation 8", "Environmental Information", "Article 12(5)"],
        "FOIA s.9 fees notice; s.10(2) disregards the days until payment; s.9(2) three months",
    ),
    (
        "eir", "fees",
        ["fees notice under regulation 8 of the Environmental Information Regulations 2004",
         "£12.50", "reasonable amount", "published schedule of charges", "payable in advance",
         "(regulation 8 of the Environmental Information Regulations 2004)",
         # 60 working days from 9 June 2021, past 12 July (NI), 2 August (Scotland), 30 August.
         "within 60 working days of the date of this notice, that is by 6 September 2021"],
        ["section 9", "section 10", "three months", "Article 12(5)"],
        "EIR reg 8: a reasonable charge in advance; 60 working days to pay, never FOIA s.9",
    ),
    (
        "sar", "fees",
        ["Article 12(5) of the UK General Data Protection Regulation", "Article 15(3)",
         "normally free of charge", "administrative cost",
         "The one calendar month we have to respond runs from the day we receive your payment.",
         "not obliged to respond to your request until the fee is paid"],
        ["section 9", "section 10", "regulation 8", "within three months of the date",
         "working days from the date", "weeks of our final response"],
        "subject access: a fee only for a manifestly unfounded or excessive request or copies; "
        "ICO complaints within three months of the last contact, not FOIA's six weeks",
    ),
    (
        "sar", "clarification",
        ["Under Article 12A of the UK General Data Protection Regulation", "paused",
         "both included", "within three months of your last meaningful contact"],
        ["section 1(3)", "new period", "weeks of our final response"],
        "UK GDPR Art 12A: the month pauses for clarification, never FOIA s.1(3)/s.10(6)",
    ),
    (
        "eir", "acknowledgement",
        ["representations under regulation 11 of the Environmental Information Regulations",
         "regulation 11(4)", "no later than 40 working days"],
        ["aim to complete reviews within 20 working days"],
        "EIR reg 11: reconsideration on representations, decided within 40 working days",
    ),
    (
        "foi", "clarification",
        ["Under section 1(3) of the Freedom of Information Act 2000", "Which years?",
         "new period of 20 working days"],
        ["regulation 9", "Environmental Information"],
        "FOIA s.1(3): no duty until the clarification arrives",
    ),
    (
        "eir", "clarification",
        ["Under regulation 9(2) of the Environmental Information Regulations 2004",
         "Which years?", "new period of 20 working days"],
        ["section 1(3)", "section 9"],
        "EIR reg 9: asking for particulars, never FOIA s.1(3)",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    "regime, kind, present, absent, why",
    REGIME_LETTERS,
    ids=[f"{r}-{k}" for r, k, *_ in REGIME_LETTERS],
)
def test_letters_cite_the_law_of_the_requests_regime(register, regime, kind, present, absent, why):
    ref = _regime_request(register, regime, kind)
    path = render_letter(register, ref, kind, today="2021-06-10")
    text = letter_text(path)  # the .docx read back
    assert ref.startswith(regime.upper()), "a request logged under the regime"
    for phrase in present:
        assert phrase in text, f"{regime} {kind}: {why}: {phrase!r} missing"
    for phrase in absent:
        assert phrase not in text, f"{regime} {kind}: {why}: {phrase!r} is the wrong law"


def test_every_regime_words_every_key():
    """A template may use any key for any regime: a key missing for one would fail its letters."""
    keys = {regime: set(words) for regime, words in letters.REGIME_WORDS.items()}
    assert keys["eir"] == keys["foi"] == keys["sar"]
    assert {"fee_law", "fee_basis", "fee_time_law", "fee_lapse", "fee_lapse_law"} <= keys["foi"]


@pytest.mark.parametrize(
    "regime, calendar, expected, why",
    [
        ("foi", False, dt.date(2021, 9, 8), "s.9(2): three months beginning with the notice day"),
        ("eir", True, dt.date(2021, 9, 6), "reg 8: 60 working days, UK-wide bank holidays"),
        ("eir-extended", True, dt.date(2021, 9, 6), "an extended EIR request: still reg 8"),
        ("eir", False, None, "no calendar: the date is left out rather than guessed"),
        ("sar", True, None, "subject access: no statutory lapse"),
    ],
)
def test_when_an_unpaid_fee_lapses(register, regime, calendar, expected, why):
    from foikit.clock.duedates import load_calendar

    cal = load_calendar(register) if calendar else None
    assert letters.fee_lapses(regime, dt.date(2021, 6, 9), cal) == expected, why
