"""Where letter templates come from: the folder named, else `templates/` beside the register,
else the set shipped in the package; `foikit init` copies that set beside the register."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from letters_support import OFFICER, june_2021

from foikit.law.letter_kinds import LETTER_KINDS
from foikit.letters import letter_text, templates_dir
from foikit.letters.folders import (
    PACKAGE_TEMPLATES,
    copy_templates,
    default_templates,
    find_templates,
    shipped_templates,
)


@pytest.fixture(autouse=True)
def no_templates_env(monkeypatch):
    monkeypatch.delenv("FOIKIT_TEMPLATES", raising=False)


def test_the_package_ships_a_template_for_every_kind():
    assert sorted(p.stem for p in shipped_templates()) == sorted(LETTER_KINDS)
    assert PACKAGE_TEMPLATES.parent.name == "letters"


def test_which_folder_letters_come_from(tmp_path, monkeypatch):
    register = tmp_path / "register.db"
    assert find_templates(register).path == PACKAGE_TEMPLATES
    assert find_templates(register).source == "package"
    assert find_templates(None).source == "package"
    (tmp_path / "templates").mkdir()
    assert find_templates(register).path == tmp_path / "templates"
    assert find_templates(register).source == "register"
    monkeypatch.setenv("FOIKIT_TEMPLATES", str(tmp_path / "shared"))
    assert find_templates(register).path == tmp_path / "shared"
    assert find_templates(register).source == "environment"
    named = find_templates(register, tmp_path / "ours")
    assert (named.path, named.source) == (tmp_path / "ours", "option")
    assert named.describe() == f"Templates: {tmp_path / 'ours'} (named with --templates)"


def test_a_file_called_templates_beside_the_register_is_not_a_folder(tmp_path):
    (tmp_path / "templates").write_text("not a folder")
    assert find_templates(tmp_path / "register.db").source == "package"


def test_the_library_default_is_dot_templates_else_the_packages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_templates() == templates_dir() == PACKAGE_TEMPLATES
    (tmp_path / "templates").mkdir()
    assert default_templates() == templates_dir() == Path("templates")


def test_copy_templates_fills_a_new_folder_and_never_overwrites(tmp_path):
    register = tmp_path / "register.db"
    copied = copy_templates(register)
    folder = tmp_path / "templates"
    assert sorted(p.name for p in copied) == sorted(f"{k}.docx" for k in LETTER_KINDS)
    assert all(p.parent == folder for p in copied)
    assert [p.read_bytes() for p in copied] == [p.read_bytes() for p in shipped_templates()]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    (folder / "response.docx").write_bytes(b"the office's own")
    (folder / "fees.docx").unlink()
    assert copy_templates(register) == []
    assert (folder / "response.docx").read_bytes() == b"the office's own"
    assert not (folder / "fees.docx").exists()


def test_init_copies_the_templates_beside_the_register(invoke, db_path):
    result = invoke("init")
    assert result.exit_code == 0, result.output
    folder = db_path.parent / "templates"
    assert f"letter templates copied to {folder}: {len(LETTER_KINDS)}" in result.stdout
    assert sorted(p.stem for p in folder.glob("*.docx")) == sorted(LETTER_KINDS)
    again = invoke("init", "--json")
    data = json.loads(again.stdout)
    assert (data["templates"], data["templates_copied"]) == (str(folder), 0)
    assert "letter templates" not in invoke("init").stdout


def test_letter_says_which_templates_it_used(invoke, register, db_path, tmp_path):
    ref = june_2021(register)
    args = ("letter", ref, "response", "--today", "2021-06-10", "--by", OFFICER)

    shipped = invoke(*args)
    assert shipped.exit_code == 0, shipped.output
    assert shipped.stderr == f"Templates: {PACKAGE_TEMPLATES} (shipped with foikit)\n"
    assert Path(shipped.stdout.strip()).is_file()

    assert invoke("init").exit_code == 0  # copies the templates beside the register
    folder = db_path.parent / "templates"
    document = docx.Document()
    document.add_paragraph("Restyled: {{ request.reference }}")
    document.save(str(folder / "response.docx"))
    beside = invoke(*args)
    assert beside.stderr == f"Templates: {folder} (beside the register)\n"
    assert letter_text(beside.stdout.strip()) == f"Restyled: {ref}"

    data = json.loads(invoke(*args, "--json", "--templates", PACKAGE_TEMPLATES).stdout)
    assert data["template"] == str(PACKAGE_TEMPLATES / "response.docx")
    assert data["template_from"] == "option"
    assert "Restyled" not in letter_text(data["path"])


def test_letters_batch_and_templates_check_look_beside_the_register(invoke, register, db_path):
    june_2021(register, close=False)
    assert invoke("init").exit_code == 0
    folder = db_path.parent / "templates"
    batch = invoke("letters", "batch", "acknowledgement", "--today", "2021-06-07")
    assert batch.exit_code == 0, batch.output
    assert f"Templates: {folder} (beside the register)" in batch.stderr
    check = invoke("templates", "check")
    assert check.exit_code == 0, check.output
    assert check.stderr == f"Templates: {folder} (beside the register)\n"


def test_publish_renders_the_letter_text_with_no_templates_folder(register, tmp_path, monkeypatch):
    from foikit.publishing.build import letter_maker

    monkeypatch.chdir(tmp_path)  # no ./templates here: the package's own are used
    ref = june_2021(register)
    make = letter_maker()
    assert make is not None
    assert "Dear Applicant" in make(register, ref, tmp_path)
