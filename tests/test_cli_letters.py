"""`foikit letter`, `foikit letters batch`, `foikit templates check`, and LibreOffice conversion."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from letters_support import OFFICER, june_2021, lifecycle
from lifecycle_support import plant_answer

from foikit.letters import LETTER_KINDS, convert_letters, letter_text, render_letter
from foikit.letters.folders import PACKAGE_TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE_TEMPLATES


@pytest.fixture(autouse=True)
def shipped_templates(monkeypatch):
    monkeypatch.setenv("FOIKIT_TEMPLATES", str(TEMPLATES))


@pytest.fixture
def worked(register):
    return june_2021(register)


def test_letter_prints_the_path_it_wrote(invoke, worked, tmp_path):
    result = invoke("letter", worked, "response", "--today", "2021-06-10", "--by", OFFICER)
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == tmp_path / "responses" / "FOI-2021-0001-response.docx"
    assert "Date: 10 June 2021" in letter_text(path)


@pytest.mark.parametrize(
    "flags, name, expect, why",
    [
        ([], "FOI-2021-0001-response.docx", "Dear A. Requester,", "the letter itself"),
        (["--published"], "FOI-2021-0001-response-published.docx", "Dear Applicant,", "anonymised"),
        (["--draft"], "FOI-2021-0001-response-draft.docx", "DRAFT: NOT FOR SENDING", "a draft"),
    ],
)
def test_letter_json(invoke, worked, flags, name, expect, why):
    result = invoke("letter", worked, "response", *flags, "--today", "2021-06-10", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert Path(data["path"]).name == name, why
    assert data["reference"] == worked and data["kind"] == "response" and data["pdf"] is None
    assert data["published"] == ("--published" in flags) and data["draft"] == ("--draft" in flags)
    assert expect in letter_text(data["path"]), why


def test_out_template_and_templates_options(invoke, worked, tmp_path):
    custom = tmp_path / "ours"
    custom.mkdir()
    document = docx.Document()
    document.add_paragraph("Ours: {{ request.reference }} for {{ requester.name }} & co")
    document.save(str(custom / "response.docx"))
    out = tmp_path / "elsewhere" / "letter.docx"
    result = invoke("letter", worked, "response", "--templates", custom, "--out", out)
    assert result.exit_code == 0, result.output
    assert letter_text(out) == "Ours: FOI-2021-0001 for A. Requester & co"
    single = tmp_path / "single.docx"
    shutil.copy(custom / "response.docx", single)
    result = invoke(
        "letter", worked, "response", "--template", single, "--out", tmp_path / "b.docx"
    )
    assert result.exit_code == 0, result.output
    assert letter_text(tmp_path / "b.docx").startswith("Ours: FOI-2021-0001")


@pytest.mark.parametrize(
    "args, message, why",
    [
        (["FOI-2099-0001", "response"], "Error: ", "no such request"),
        (["{ref}", "response", "--today", "10/06/2021"], "--today '10/06/2021' is not", "bad date"),
        (["{ref}", "fees"], "has no fee", "no fees notice given"),
        (["{ref}", "clarification"], "has no clarify", "no clarification asked for"),
        (["{ref}", "review-outcome"], "has no internal review", "no review"),
        (["{ref}", "response", "--template", "/nowhere/t.docx"], "no template at", "bad path"),
    ],
)
def test_letter_errors_are_one_line(invoke, worked, args, message, why):
    result = invoke("letter", *[a.format(ref=worked) for a in args])
    assert result.exit_code == 1, why
    assert message in result.stderr, why
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unanswered_response_is_refused_unless_draft(invoke, register):
    ref = june_2021(register, close=False)
    from foikit.casework.lifecycle import add_question

    add_question(register, OFFICER, ref, "Six?")
    add_question(register, OFFICER, ref, "Seven?")
    result = invoke("letter", ref, "response")
    assert result.exit_code == 1
    assert "questions 6, 7 have no answer" in result.stderr
    assert invoke("letter", ref, "response", "--draft").exit_code == 0


def test_pdf_without_libreoffice_is_a_clear_error(invoke, worked, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = invoke("letter", worked, "response", "--pdf")
    assert result.exit_code == 1
    assert "Error: LibreOffice (soffice) is not installed" in result.stderr


def test_templates_check_on_the_shipped_templates(invoke):
    result = invoke("templates", "check", TEMPLATES)
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.splitlines()) == sorted(f"{k}.docx: ok" for k in LETTER_KINDS)
    assert result.stderr == f"Templates: {TEMPLATES} (named on the command line)\n"
    default = invoke("templates", "check")  # FOIKIT_TEMPLATES
    assert default.exit_code == 0 and default.stdout == result.stdout
    assert default.stderr == f"Templates: {TEMPLATES} (from $FOIKIT_TEMPLATES)\n"


def test_templates_check_on_a_broken_template(invoke, tmp_path):
    folder = tmp_path / "t"
    shutil.copytree(TEMPLATES, folder)
    document = docx.Document()
    document.add_paragraph("Dear {{ recipient }}")
    document.save(str(folder / "fees.docx"))
    result = invoke("templates", "check", folder)
    assert result.exit_code == 1
    assert "fees.docx: unknown name: recipient" in result.output
    assert "Error: 1 template with problems" in result.stderr
    data = json.loads(invoke("templates", "check", folder, "--json").stdout)
    assert [d["kind"] for d in data if not d["ok"]] == ["fees"]


def test_batch_renders_every_request_that_needs_the_letter(invoke, register, tmp_path):
    refs = lifecycle(register)
    dry = invoke("letters", "batch", "acknowledgement", "--dry-run", "--json")
    assert len(json.loads(dry.output)) == 6
    result = invoke("letters", "batch", "acknowledgement", "--today", "2021-06-07", "--by", OFFICER)
    assert result.exit_code == 0, result.output
    paths = result.stdout.splitlines()
    assert len(paths) == 6
    assert refs["acknowledgement"] in paths[0]
    for path in paths:
        assert "Date: 7 June 2021" in letter_text(path)
    assert "acknowledgement letters" in result.stderr, "the progress bar's label"
    again = invoke("letters", "batch", "acknowledgement", "--dry-run")
    assert again.output == "", "all sent"


def test_batch_reports_a_failure_and_goes_on(invoke, register):

    refs = lifecycle(register)
    plant_answer(register, refs["response"], 1, "{{ nonesuch }}")
    other = june_2021(register, close=False)
    result = invoke("letters", "batch", "response", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["reference"], d["error"] is None) for d in data] == [
        (refs["response"], False),
        (other, True),
    ]
    assert f"Error: {refs['response']}: " in result.stderr
    assert "uses nonesuch, which an answer cannot" in result.stderr


HEAVY = {"docxtpl", "docx", "jinja2", "lxml", "datasette", "matplotlib", "holidays"}


@pytest.mark.parametrize("module", ["foikit/cli/letters.py", "foikit/formats.py"])
def test_no_heavy_imports_at_module_level(module):
    """`foikit deadline` must start fast: heavy libraries load inside the functions using them."""
    tree = ast.parse((ROOT / module).read_text())
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            top.add(node.module.split(".")[0])
    assert not top & HEAVY


def test_letters_module_imports_no_heavy_library_at_load():
    code = (
        "import sys, foikit.letters, foikit.formats; "
        "print(sorted(m for m in ('docxtpl', 'docx', 'jinja2', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]", out.stderr


# -- LibreOffice ------------------------------------------------------------------------------


def read_back(pdfs: list[Path], letters: list[Path], tmp_path: Path) -> list[str]:
    """The text of each PDF (pdftotext), else of each letter as LibreOffice reads it (txt)."""
    if shutil.which("pdftotext"):
        return [
            subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
            for pdf in pdfs
        ]
    texts = convert_letters(letters, tmp_path / "txt", fmt="txt:Text")
    return [t.read_text(encoding="utf-8-sig") for t in texts]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_every_kind_converts_to_pdf_with_libreoffice(register, tmp_path):
    refs = lifecycle(register)
    kinds = sorted(LETTER_KINDS)
    paths = [render_letter(register, refs[k], k, today="2021-07-02") for k in kinds]
    pdfs = convert_letters(paths, tmp_path / "pdf")
    for kind, pdf, text in zip(kinds, pdfs, read_back(pdfs, paths, tmp_path), strict=True):
        assert pdf.read_bytes().startswith(b"%PDF"), kind
        words = " ".join(text.split())
        assert f"Our reference: {refs[kind]}" in words, kind
        assert "Wycliffe House" in words, kind
        signer = (
            "the.reviewer Internal reviewer"
            if kind.startswith("review-")  # no accounts: the reviewer as recorded
            else "Alethea Fuller Deputy Chief Executive"
        )
        assert signer in words, kind
        assert "DRAFT" not in words, kind


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_letter_pdf_option(invoke, worked):
    result = invoke("letter", worked, "response", "--pdf", "--today", "2021-06-10")
    assert result.exit_code == 0, result.output
    docx_path, pdf_path = result.stdout.splitlines()
    assert Path(pdf_path).suffix == ".pdf" and Path(pdf_path).stat().st_size > 1000


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_batch_pdf_converts_every_letter_in_one_run(invoke, register):
    lifecycle(register)
    result = invoke("letters", "batch", "acknowledgement", "--pdf", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data) == 6
    for row in data:
        assert Path(row["pdf"]).read_bytes().startswith(b"%PDF")
        assert Path(row["pdf"]).stem == Path(row["path"]).stem
