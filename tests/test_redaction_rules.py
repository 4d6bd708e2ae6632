"""Redaction rules (`foikit request redact`), doubtful names held back, `publish --dry-run`,
the publication in the audit trail, and `request show --json` without the requester."""

from __future__ import annotations

import hashlib
import json

import pytest
from lifecycle_support import answered_and_closed

from foikit.publishing.build import publish


@pytest.fixture
def closed(register):
    return answered_and_closed(register, subject="Stop and search by PC Davies in Walsall")


def published_subject(out):
    import sqlite3

    conn = sqlite3.connect(out)
    try:
        return [r[0] for r in conn.execute("SELECT subject FROM disclosures")]
    finally:
        conn.close()


def test_a_doubtful_name_holds_the_request_back_until_an_officer_decides(
    closed, register, invoke, tmp_path
):
    out = tmp_path / "d.db"
    report = publish(register, out)
    [held] = report.held_back
    assert held.reference == closed and "PC Davies" in held.reason, "held back, not published"
    assert published_subject(out) == []
    # The officer withholds him (s.40(2)): the request is published without the name.
    assert invoke("request", "redact", closed, "Davies").exit_code == 0
    assert publish(register, out).held_back == []
    assert published_subject(out) == ["Stop and search by PC [redacted] in Walsall"]
    # Or decides the name is public: it is published as written.
    assert invoke("request", "redact", closed, "Davies", "--remove").exit_code == 0
    assert invoke("request", "redact", closed, "PC Davies", "--keep").exit_code == 0
    assert publish(register, out).held_back == []
    assert published_subject(out) == ["Stop and search by PC Davies in Walsall"]


def test_rules_are_listed_and_audited(closed, invoke):
    assert (
        invoke("request", "redact", closed, "Constable  Evans", "--by", "jo.bloggs").exit_code == 0
    )
    assert invoke("request", "redact", closed, "Constable Evans").exit_code == 0, "no duplicate"
    listed = json.loads(invoke("request", "redact", closed, "--list", "--json").output)
    assert [(r["phrase"], r["action"], r["created_by"]) for r in listed] == [
        ("Constable Evans", "redact", "jo.bloggs")
    ]
    assert "Constable Evans" in invoke("request", "redact", closed, "--list").output
    invoke("request", "redact", closed, "constable evans", "--remove")
    history = invoke("request", "history", closed, "--json").output
    assert "redaction rule added" in history and "redaction rule removed" in history
    assert json.loads(invoke("request", "redact", closed, "--list", "--json").output) == []


@pytest.mark.parametrize(
    "args, message, why",
    [
        (["redact", "{ref}"], "PHRASE", "nothing to redact"),
        (["redact", "{ref}", " x "], "at least", "a one-letter phrase would wreck the text"),
        (["redact", "{ref}", "[redacted]"], "not something", "the marker itself"),
        (["redact", "{ref}", "Nobody", "--remove"], "no redaction rule", "a typo is not a removal"),
        (["redact", "{ref}", "X Y", "--remove", "--keep"], "cannot go together", "which one?"),
        (["redact", "{ref}", "A B", "--list"], "--list takes no", "a list adds nothing"),
        (["redact", "FOI-1999-0001", "A Name"], "no request", "an unknown request"),
    ],
)
def test_bad_rules_are_one_error_line(closed, invoke, args, message, why):
    result = invoke("request", *[a.format(ref=closed) for a in args])
    assert result.exit_code == 1, why
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], why


def test_a_dry_run_lists_everything_and_writes_nothing(closed, register, invoke, tmp_path):
    audit_rows = register.scalar("SELECT count(*) FROM audit")
    out = tmp_path / "d.db"
    result = invoke("publish", "--dry-run", "--out", out, "--json")
    report = json.loads(result.output)
    assert report["dry_run"] is True and report["sha256"] is None
    assert [h["reference"] for h in report["held_back"]] == [closed]
    assert not out.exists(), "nothing written"
    assert register.scalar("SELECT count(*) FROM audit") == audit_rows, "nothing recorded"


def test_publishing_is_in_the_audit_trail(closed, register, invoke, tmp_path):
    invoke("request", "redact", closed, "Davies")
    out = tmp_path / "d.db"
    result = invoke("publish", "--out", out, "--by", "pat.publisher", "--json")
    report = json.loads(result.output)
    row = register.one("SELECT * FROM audit WHERE action = 'publish' ORDER BY id DESC LIMIT 1")
    assert row is not None and row["actor"] == "pat.publisher"
    recorded = json.loads(row["new"])
    assert recorded["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest() == report["sha256"]
    assert recorded["published"] == 1 and recorded["redactions"] >= 1


def test_request_show_json_keeps_the_requester_out_unless_asked(closed, invoke):
    plain = invoke("request", "show", closed, "--json").output
    assert "requester" not in json.loads(plain)
    from lifecycle_support import REQUESTER

    for value in (REQUESTER["requester_name"], REQUESTER["requester_email"]):
        assert value not in plain
    full = json.loads(invoke("request", "show", closed, "--json", "--with-requester").output)
    assert full["requester"]["name"] == REQUESTER["requester_name"]


def test_a_published_letter_of_a_held_back_request_is_refused(closed, invoke, tmp_path):
    target = tmp_path / "p.docx"
    result = invoke("letter", closed, "response", "--published", "--out", target)
    assert result.exit_code == 1 and "held back from publication" in result.output
    assert result.output.count("\n") == 1 and not target.exists(), "one line, nothing written"
    invoke("request", "redact", closed, "Davies")
    assert invoke("letter", closed, "response", "--published", "--out", target).exit_code == 0
