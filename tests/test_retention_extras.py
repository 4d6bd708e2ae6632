"""Retention clears what else names people (issue 18): the request's redaction rules (third
parties withheld under s.40(2)) and the email attachments kept under `attachments/`.

UK GDPR Art 5(1)(e) (storage limitation) is the `why` of every row: personal data kept no
longer than necessary. The log built after retention must still hide each rule's phrase.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from lifecycle_support import OFFICER, answered_and_closed, fresh_register

from foikit.casework.intake import Attachment
from foikit.casework.received import store_attachments
from foikit.records.retention import apply_retention

THIRD = "PC Roderick Vantongeren"  # a constable named in a question, withheld under s.40(2)
LATER = dt.date(2030, 1, 1)


@pytest.fixture
def reg(db_path):
    with fresh_register(db_path) as r:
        yield r


def everything(path: Path) -> str:
    """Every value of every table of the register, the audit trail included."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return "\n".join(repr(row) for t in tables for row in conn.execute(f"SELECT * FROM [{t}]"))
    finally:
        conn.close()


def with_rule(reg, *, action="redact"):
    from foikit.publishing.rules import add_rule

    ref = answered_and_closed(reg, questions=[f"Did {THIRD} attend?", "Which ones?"])
    add_rule(reg, OFFICER, ref, THIRD, action=action)
    return ref


def published_questions(reg, tmp_path, name):
    from foikit.publishing.build import publish

    out = tmp_path / name
    publish(reg, out)
    conn = sqlite3.connect(out)
    try:
        return [tuple(r) for r in conn.execute("SELECT * FROM disclosures ORDER BY reference")]
    finally:
        conn.close()


RULES = [
    # (action, rule row left after retention, phrase left anywhere in the register, why)
    pytest.param(
        "redact",
        False,
        False,
        "Art 5(1)(e): a third party's name kept only for the log",
        id="redact",
    ),
    pytest.param(
        "keep",
        True,
        True,
        "a keep rule approves a public official's name: the log needs it to publish",
        id="keep",
    ),
]


@pytest.mark.parametrize(("action", "rule_left", "phrase_left", "why"), RULES)
def test_retention_clears_redact_rules_and_every_copy_of_their_phrase(
    reg, action, rule_left, phrase_left, why
):
    with_rule(reg, action=action)
    apply_retention(reg, OFFICER, older_than="1y", today=LATER)
    rules = reg.scalar("SELECT COUNT(*) FROM redaction_rules WHERE action = ?", (action,))
    assert bool(rules) is rule_left, why
    assert (THIRD.casefold() in everything(reg.path).casefold()) is phrase_left, why


def test_the_log_built_after_retention_still_hides_the_rule(reg, tmp_path):
    """Threat: the rule goes and the log, rebuilt, shows the third party's name."""
    with_rule(reg)
    before = published_questions(reg, tmp_path, "before.db")
    apply_retention(reg, OFFICER, older_than="1y", today=LATER)
    after = published_questions(reg, tmp_path, "after.db")
    assert THIRD not in json.dumps(after)
    assert after == before


def test_the_dry_run_keeps_the_rules(reg):
    with_rule(reg)
    apply_retention(reg, OFFICER, older_than="1y", today=LATER, dry_run=True)
    assert reg.scalar("SELECT COUNT(*) FROM redaction_rules") == 1


# -- attachments -----------------------------------------------------------------------------


def with_attachment(reg, data, **kw):
    """A request logged with an email's attachment (written as the intake writes it)."""
    from lifecycle_support import add

    rows, _ = store_attachments(reg, [Attachment("complaint.pdf", "application/pdf", data)])
    return add(reg, attachments=rows, **kw), reg.path.parent / rows[0]["path"]


def close(reg, ref):
    from foikit.casework.lifecycle import answer_question, close_request

    answer_question(reg, OFFICER, ref, 1, text="Seven.")
    answer_question(reg, OFFICER, ref, 2, text="All of them.")
    close_request(
        reg,
        OFFICER,
        ref,
        responded=dt.date(2024, 6, 20),
        outcome="granted-in-full",
        today=dt.date(2024, 7, 31),
    )


ATTACHMENTS = [
    # (case, file left after retention, why)
    pytest.param("own", False, "Art 5(1)(e): the requester's own email attachment", id="own"),
    pytest.param(
        "shared-with-an-open-request",
        True,
        "the same file (content-addressed) still belongs to a request kept",
        id="shared",
    ),
    pytest.param("dry-run", True, "a dry run deletes nothing, only names it", id="dry-run"),
]


@pytest.mark.parametrize(("case", "left", "why"), ATTACHMENTS)
def test_retention_deletes_email_attachments(reg, case, left, why):
    data = b"%PDF-1.4 letter from Mrs Example " + case.encode()
    ref, path = with_attachment(reg, data)
    close(reg, ref)
    if case == "shared-with-an-open-request":
        with_attachment(reg, data, requester_name="B. Other", requester_email="b.other@example.org")
    assert path.is_file()
    report = apply_retention(reg, OFFICER, older_than="1y", today=LATER, dry_run=case == "dry-run")
    assert path.is_file() is left, why
    listed = str(path) in report.files
    assert listed is (case != "shared-with-an-open-request"), why
    marked = reg.scalar(
        "SELECT deleted_at FROM attachments a JOIN requests r ON r.id = a.request_id"
        " WHERE r.reference = ?",
        (ref,),
    )
    assert (marked is not None) is (case != "dry-run"), why
