"""Every letter kind states what its section requires: each rendering read back against the
rubric in docs/letters.md, and the cases the rubric's last paragraph names, kind by kind."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from foikit.letters import (
    LETTER_KINDS,
    LetterNotApplicable,
    letter_text,
    make_context,
    render_docx,
)
from foikit.letters.check import sample_inputs

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "foikit" / "letters" / "templates"


def rubric() -> dict[str, tuple[str, list[str]]]:
    """kind -> (section it satisfies, phrases), from the rubric table in docs/letters.md."""
    text = (ROOT / "docs" / "letters.md").read_text(encoding="utf-8")
    part = text.split("### Rubric", 1)[1].split("\n\n", 3)[2]
    rows = {}
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = (cells[1], re.findall(r'"([^"]+)"', cells[2]))
    return rows


def render(tmp_path: Path, kind: str, inputs: dict | None = None) -> str:
    context = make_context(**(inputs or sample_inputs()), kind=kind)
    out = render_docx(TEMPLATES / f"{kind}.docx", context, tmp_path / f"{kind}.docx")
    return " ".join(letter_text(out).split())


def test_the_rubric_has_one_line_per_kind_with_its_section():
    rows = rubric()
    assert sorted(rows) == sorted(LETTER_KINDS)
    for kind, (law, phrases) in rows.items():
        assert law == LETTER_KINDS[kind].law, kind
        assert len(phrases) >= 3, kind


@pytest.mark.parametrize("kind", sorted(LETTER_KINDS))
def test_each_kind_reads_back_against_the_rubric(tmp_path, kind):
    law, phrases = rubric()[kind]
    text = render(tmp_path, kind)
    for phrase in phrases:
        assert phrase in text, f"{kind} ({law}): {phrase!r} missing"


def _with(**changes):
    inputs = copy.deepcopy(sample_inputs())
    for key, value in changes.items():
        target, name = inputs, key
        if "__" in key:
            first, name = key.split("__")
            target = inputs[first]
        target[name] = value
    return inputs


def _eir_questions():
    return [
        {"number": 1, "text": "Readings?", "status": "exempt", "answer": None,
         "exemptions": [{"section": "reg 12(5)(b)", "reason": "Court case.",
                         "public_interest": "Justice outweighs.", "ncnd": False}]},
        {"number": 2, "text": "Old data?", "status": "not-held", "answer": None,
         "exemptions": [{"section": "reg 12(4)(a)", "reason": None, "public_interest": None,
                         "ncnd": False}]},
    ]  # fmt: skip


def _s12_questions():
    return [
        {"number": 1, "text": "This year?", "status": "answered", "answer": "Seven.",
         "exemptions": []},
        {"number": 2, "text": "Every year?", "status": "exempt",
         "answer": "Ask for five years only.",
         "exemptions": [{"section": "12", "reason": "About 40 hours of searching.",
                         "public_interest": None, "ncnd": False}]},
    ]  # fmt: skip


def _ncnd_questions():
    return [
        {"number": 1, "text": "Informants?", "status": "exempt", "answer": None,
         "exemptions": [{"section": "31(1)(a)", "reason": "Would reveal tactics.",
                         "public_interest": "Confirming would harm policing.", "ncnd": True}]},
    ]  # fmt: skip


CASES = [
    ("response", "eir", _eir_questions(),
     ["under the exception in regulation 12(5)(b) of the Regulations",
      "regulation 12(1)(b)", "presumption in favour of disclosure",
      "Regulation 12(4)(a) of the Regulations applies"],
     ["qualified exemption", "absolute exemption", "We are withholding"],
     "EIR regs 12(1)(b), 12(2), 12(4)(a): exceptions, never FOIA's exemptions"),
    ("response", "foi", _ncnd_questions(),
     ["relying on section 31(3)", "section 31(1)(a) (Law enforcement) would apply",
      "maintaining the exclusion of the duty to confirm or deny"],
     ["public interest in withholding the information"],
     "s.31(3), s.2(1)(b): NCND weighs confirming or denying"),
    ("response", "foi", _s12_questions(),
     ["appropriate limit of £450", "18 hours of staff time at £25 an hour",
      "Our estimate: About 40 hours of searching.",
      "Advice and assistance (section 16 of the Act): Ask for five years only."],
     ["Everything?"],
     "s.12 and s.16 for some questions: the estimate, the limit, advice labelled as advice"),
    ("acknowledgement", "sar", None,
     ["within three months of your last meaningful contact"],
     ["weeks of our final response"],
     "subject access: the ICO's three months, not FOIA's six weeks"),
    ("review-acknowledgement", "eir", None,
     ["representations under regulation 11", "no later than 40 working days"], [],
     "EIR reg 11: reconsideration within 40 working days"),
]  # fmt: skip


@pytest.mark.parametrize(
    "kind, regime, questions, present, absent, why", CASES, ids=[c[5] for c in CASES]
)
def test_letters_say_what_the_law_requires_case_by_case(
    tmp_path, kind, regime, questions, present, absent, why
):
    inputs = copy.deepcopy(sample_inputs())
    inputs["request"]["regime"] = regime
    if questions is not None:
        inputs["request"]["questions"] = questions
    text = render(tmp_path, kind, inputs)
    for phrase in present:
        assert phrase in text, f"{why}: {phrase!r} missing"
    for phrase in absent:
        assert phrase not in text, f"{why}: {phrase!r} present"


def test_an_overturned_review_is_not_the_final_response(tmp_path):
    inputs = copy.deepcopy(sample_inputs())
    inputs["request"]["review"]["outcome"] = "overturned"
    text = render(tmp_path, "review-outcome", inputs)
    assert "We will send you a fresh response" in text
    assert "This letter is our final response" not in text  # the fresh response will be
    assert "Our fresh response will be our final response" in text


def test_the_review_outcome_is_signed_by_the_reviewer(tmp_path):
    inputs = copy.deepcopy(sample_inputs())
    text = render(tmp_path, "review-outcome", inputs)
    reviewer = inputs["request"]["review"]["reviewer"]
    assert text.endswith(f"Yours sincerely, {reviewer} Internal reviewer Office")
    assert inputs["office"]["signatory_name"] not in text


def test_a_fees_notice_without_an_amount_is_refused():
    inputs = copy.deepcopy(sample_inputs())
    for event in inputs["request"]["events"]:
        if event["kind"] == "fee":
            event["amount"] = None
    with pytest.raises(LetterNotApplicable, match=r"s\.9\(1\)"):
        make_context(**inputs, kind="fees")


def test_a_late_extension_notice_says_it_is_late(tmp_path):
    inputs = copy.deepcopy(sample_inputs())
    for event in inputs["request"]["events"]:
        if event["kind"] == "extend":
            event["late"] = 1
    text = render(tmp_path, "extension", inputs)
    assert "we apologise that it is late" in text
    assert "late" not in render(tmp_path, "extension")  # in time: no apology
