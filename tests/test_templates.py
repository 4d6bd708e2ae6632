"""The shipped templates, `templates check`, and the script that builds the templates."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import docx
import pytest

from foikit import letters
from foikit.errors import TemplateError
from foikit.letters import CONTEXT_NAMES, CONTRACT_NAMES, LETTER_KINDS
from foikit.letters.check import check_templates, sample_context
from foikit.letters.folders import PACKAGE_TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE_TEMPLATES


def make_templates_module():
    spec = importlib.util.spec_from_file_location(
        "make_templates", ROOT / "scripts/make_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_template_ships_for_every_kind():
    assert sorted(p.stem for p in TEMPLATES.glob("*.docx")) == sorted(LETTER_KINDS)


def test_the_shipped_templates_pass_the_check():
    results = check_templates(TEMPLATES)
    assert {r.path.name: r.problems for r in results} == {
        f"{kind}.docx": [] for kind in LETTER_KINDS
    }


@pytest.mark.parametrize("kind", sorted(LETTER_KINDS))
def test_the_shipped_templates_use_only_context_names(kind):
    used = letters.load_template(TEMPLATES / f"{kind}.docx").variables()
    assert used <= CONTEXT_NAMES
    assert {"office", "ico", "request", "today"} <= used, "every letter uses the contract's names"


def test_the_contract_names_are_all_in_the_context():
    context = sample_context("response")
    assert set(context) >= CONTRACT_NAMES
    assert set(context) == CONTEXT_NAMES


def broken_folder(tmp_path: Path, **paragraphs: list[str]) -> Path:
    """A copy of the shipped templates with some replaced by one-paragraph documents."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    for kind, texts in paragraphs.items():
        document = docx.Document()
        for text in texts:
            document.add_paragraph(text)
        document.save(str(folder / f"{kind.replace('_', '-')}.docx"))
    return folder


@pytest.mark.parametrize(
    "paragraphs, problem, why",
    [
        (["Dear {{ recipient.name }}"], "unknown name: recipient", "a name not in the context"),
        (["{{ request.subjekt }}"], "subjekt", "a misspelt field, caught by the sample render"),
        (["{% if draft %}unclosed"], "end of template", "a syntax error"),
        (["{{ today|american_date }}"], "american_date", "an unknown filter"),
        (
            ["{{ office.name }} {{ gremlin }} {{ ogre }}"],
            "unknown names: gremlin, ogre",
            "all named",
        ),
    ],
)
def test_a_broken_template_is_reported(tmp_path, paragraphs, problem, why):
    folder = broken_folder(tmp_path, response=paragraphs)
    results = {r.path.name: r for r in check_templates(folder)}
    assert not results["response.docx"].ok, why
    assert problem in "; ".join(results["response.docx"].problems), why
    assert all(r.ok for name, r in results.items() if name != "response.docx")


def test_a_template_that_renders_broken_xml_is_reported(tmp_path):
    """An inline `if` opened in a paragraph and closed in a table cell cuts the table in half."""
    folder = broken_folder(tmp_path)
    document = docx.Document()
    document.add_paragraph("A {% if not draft %}B")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "C{% endif %} D"
    document.save(str(folder / "response.docx"))
    results = {r.path.name: r.problems for r in check_templates(folder)}
    assert "renders broken XML in word/document.xml" in results["response.docx"][0]


def test_a_missing_kind_is_reported(tmp_path):
    folder = broken_folder(tmp_path)
    (folder / "fees.docx").unlink()
    results = {r.path.name: r.problems for r in check_templates(folder)}
    assert results["fees.docx"] == ["missing"]


def test_a_file_that_is_not_a_docx_is_reported(tmp_path):
    folder = broken_folder(tmp_path)
    (folder / "fees.docx").write_text("not a zip")
    results = {r.path.name: r.problems for r in check_templates(folder)}
    assert "not a .docx template" in results["fees.docx"][0]


def test_no_folder_is_an_error(tmp_path):
    with pytest.raises(TemplateError, match="no templates folder"):
        check_templates(tmp_path / "nowhere")


def test_the_script_rebuilds_templates_that_match_the_shipped_ones(tmp_path):
    """The committed templates are what scripts/make_templates.py builds (until restyled)."""
    module = make_templates_module()
    assert module.main(["make_templates.py", str(tmp_path)]) == 0
    assert check_templates(tmp_path) and all(r.ok for r in check_templates(tmp_path))
    for kind in LETTER_KINDS:
        fresh = letters.letter_text(tmp_path / f"{kind}.docx")
        shipped = letters.letter_text(TEMPLATES / f"{kind}.docx")
        assert fresh == shipped, (
            f"foikit/letters/templates/{kind}.docx is stale: run scripts/make_templates.py"
        )


def test_a_restyled_template_keeps_working(tmp_path):
    """What an officer does in Word: change fonts and add a paragraph; the letter still renders."""
    folder = broken_folder(tmp_path)
    path = folder / "acknowledgement.docx"
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.font.name = "Georgia"
    document.paragraphs[0].insert_paragraph_before("Working together for a safer West Midlands")
    document.save(str(path))
    out = letters.render_docx(path, sample_context("acknowledgement"), tmp_path / "a.docx")
    text = letters.letter_text(out)
    assert text.startswith("Working together for a safer West Midlands\nOffice\n")
    assert "by 5 July 2021" in text
