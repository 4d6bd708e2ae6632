"""One path to the public: the log's writer takes only records `release` made, and nothing in
foikit makes or seals a public record anywhere else."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from foikit.errors import PublishError
from foikit.publishing.build import build_public_db
from foikit.publishing.public import PublicQuestion, PublicRecord, release_record

PACKAGE = Path(__file__).resolve().parent.parent / "foikit"
RAW = {
    "reference": "FOI-2024-0001",
    "regime": "foi",
    "subject": "Funding asked for by Kieran Walsh, kieran.walsh@example.org",
    "received": "2024-03-01",
    "responded": "2024-03-20",
    "outcome": "granted-in-full",
    "questions": [{"number": 1, "text": "Ring me on 07700 900123", "answer": "Four."}],
}


def released():
    return release_record(RAW)


@pytest.mark.parametrize(
    "make, why",
    [
        (lambda: RAW, "a raw row straight from somewhere"),
        (lambda: PublicRecord("FOI-1", "foi", "Kieran Walsh", None, None, None),
         "a record built by hand, never scanned"),
        (lambda: dataclasses.replace(released(), subject="Kieran Walsh"),
         "a released record copied with its text put back"),
        (lambda: dataclasses.replace(
            released(), questions=(PublicQuestion(1, "Ring me on 07700 900123"),)),
         "a released record with a raw question swapped in"),
    ],
    ids=["raw row", "hand-built", "replace subject", "replace questions"],
)  # fmt: skip
def test_the_writer_refuses_anything_release_did_not_make(tmp_path, make, why):
    out = tmp_path / "d.db"
    with pytest.raises(PublishError, match="never from a raw row"):
        build_public_db([make()], out)
    assert not out.exists(), why


def test_a_released_record_is_written_and_was_scanned(tmp_path):
    record = released()
    assert "kieran.walsh@" not in record.subject and "07700" not in record.questions[0].text
    build_public_db([record], tmp_path / "d.db")


def _python_files():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _uses(tree: ast.AST, name: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name:
            return True
        if isinstance(node, ast.Attribute) and node.attr == name:
            return True
    return False


def _calls(tree: ast.AST, name: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == name) or (
                isinstance(f, ast.Attribute) and f.attr == name
            ):
                return True
    return False


@pytest.mark.parametrize(
    "name, check, allowed, why",
    [
        ("_RELEASED", _uses, {"publishing/public.py"}, "only release seals a record"),
        ("_seal", _uses, {"publishing/public.py"}, "nobody else touches the seal"),
        ("PublicRecord", _calls, {"publishing/public.py"}, "only release builds a record"),
        ("build_public_db", _calls, {"publishing/build.py"}, "the log is built by publish"),
        ("release_letter_context", _calls, {"letters/context.py"},
         "every published letter's context is released as it is built"),
    ],
)  # fmt: skip
def test_no_other_path_in_the_code(name, check, allowed, why):
    found = {
        str(path.relative_to(PACKAGE))
        for path in _python_files()
        if check(ast.parse(path.read_text()), name)
    }
    assert found == allowed, why


def test_published_letter_contexts_always_go_through_release():
    """`_build_context` is the only builder of a letter's context from the register, and it
    hands every published one to `release_letter_context`."""
    source = (PACKAGE / "letters" / "context.py").read_text()
    tree = ast.parse(source)
    [fn] = [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_build_context"
    ]
    body = ast.unparse(fn)
    assert "release_letter_context(reg, reference, context) if published else context" in body
