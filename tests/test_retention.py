"""Retention: who is anonymised, what is blanked, and what must not change."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3

import pytest

from foikit.errors import FoikitError
from foikit.letters.folders import PACKAGE_TEMPLATES
from foikit.records.retention import apply_retention, cutoff_date
from foikit.records.stats import register_stats

TODAY = dt.date(2024, 5, 1)
ACTOR = "retention.officer"

CUTOFFS = [
    ("2y", dt.date(2022, 5, 1), "two years"),
    ("18m", dt.date(2022, 11, 1), "eighteen months"),
    ("400d", dt.date(2023, 3, 28), "four hundred days"),
    ("6w", dt.date(2024, 3, 20), "six weeks"),
    ("2 years", dt.date(2022, 5, 1), "words"),
    ("1Y", dt.date(2023, 5, 1), "capitals"),
]


@pytest.mark.parametrize("text, expected, why", CUTOFFS, ids=[c[2] for c in CUTOFFS])
def test_cutoff(text, expected, why):
    assert cutoff_date(TODAY, text) == expected, why


def test_a_leap_day_goes_back_to_the_28th():
    assert cutoff_date(dt.date(2024, 2, 29), "1y") == dt.date(2023, 2, 28)


@pytest.mark.parametrize("text", ["2x", "y", "0d", "-1y", "two years", ""])
def test_bad_periods_are_refused(text):
    with pytest.raises(FoikitError, match="is not like 2y"):
        cutoff_date(TODAY, text)


# key: (received, responded or None, review decided, ICO case open, anonymised with 2y?, why)
CASES = {
    "old": ("2021-03-01", "2021-03-20", None, False, True, "closed three years ago"),
    "exact": ("2022-04-04", "2022-05-01", None, False, False, "closed exactly two years ago"),
    "reviewed": ("2021-01-04", "2021-01-20", "2022-06-01", False, False, "review decided later"),
    "ico": ("2020-06-01", "2020-06-20", None, True, False, "an ICO case is still under way"),
    "open": ("2020-02-03", None, None, False, False, "still open"),
    "recent": ("2024-01-08", "2024-01-20", None, False, False, "closed this year"),
}


def build(reg):
    from foikit.casework.ico import open_complaint
    from foikit.casework.lifecycle import add_request, answer_question, close_request
    from foikit.casework.reviews import close_review, open_review

    refs = {}
    for key, (received, responded, review_decided, ico, _, _) in CASES.items():
        name = f"Jane {key.capitalize()}doe"
        ref = add_request(
            reg,
            ACTOR,
            received=received,
            subject=f"Grants to CSPs, asked by {name}",
            questions=[
                f"How much was granted? Please reply to {name} at {key}@example.org or"
                " 0121 496 0000, 12 Acacia Avenue, B1 1AA. Copy to other@example.net."
            ],
            requester_name=name,
            requester_email=f"{key}@example.org",
            requester_address=["12 Acacia Avenue", "Birmingham", "B1 1AA"],
            handler="alex",
            today=TODAY,
        )
        refs[key] = ref
        if responded is None:
            continue
        answer_question(reg, ACTOR, ref, 1, text=f"Dear {name}, £15,000 to each CSP.")
        close_request(reg, ACTOR, ref, responded=responded, outcome="granted-in-full", today=TODAY)
        if review_decided:
            open_review(reg, ACTOR, ref, received=responded, reviewer="rev.iewer", today=TODAY)
            close_review(
                reg, "rev.iewer", ref, decided=review_decided, outcome="upheld", today=TODAY
            )
        if ico:
            open_complaint(
                reg, ACTOR, ref, case_reference="IC-1-A", complained=responded, today=TODAY
            )
    return refs


@pytest.fixture
def cases(register):
    return build(register)


def requester(reg, ref):
    return reg.one(
        "SELECT p.* FROM requesters p JOIN requests r ON r.requester_id = p.id"
        " WHERE r.reference = ?",
        (ref,),
    )


@pytest.mark.parametrize("key", list(CASES), ids=[c[5] for c in CASES.values()])
def test_who_is_anonymised(register, cases, key):
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    anonymised = {ref for c in report.cases for ref in c.references}
    expected = CASES[key][4]
    assert (cases[key] in anonymised) == expected, CASES[key][5]
    person = requester(register, cases[key])
    if expected:
        assert (person["name"], person["email"], person["address"]) == (None, None, None)
        assert person["anonymised_at"] is not None
    else:
        assert person["name"] == f"Jane {key.capitalize()}doe"
        assert person["anonymised_at"] is None


def test_their_details_in_the_texts_become_redacted_and_nothing_else(register, cases):
    apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    ref = cases["old"]
    row = register.one("SELECT id, subject FROM requests WHERE reference = ?", (ref,))
    question = register.scalar("SELECT text FROM questions WHERE request_id = ?", (row["id"],))
    answer = register.scalar(
        "SELECT a.text FROM answers a JOIN questions q ON q.id = a.question_id"
        " WHERE q.request_id = ?",
        (row["id"],),
    )
    assert row["subject"] == "Grants to CSPs, asked by [redacted]"
    assert question == (
        "How much was granted? Please reply to [redacted] at [redacted] or 0121 496 0000,"
        " [redacted], [redacted]. Copy to other@example.net."
    ), "a phone number not on record and another's address are the log's business"
    assert answer == "Dear [redacted], £15,000 to each CSP."
    kept = register.scalar("SELECT subject FROM requests WHERE reference = ?", (cases["recent"],))
    assert kept == "Grants to CSPs, asked by Jane Recentdoe"


def test_dry_run_lists_and_changes_nothing(register, cases):
    before = register.scalar("SELECT COUNT(*) FROM audit")
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY, dry_run=True)
    assert [c.references for c in report.cases] == [[cases["old"]]]
    assert register.scalar("SELECT COUNT(*) FROM audit") == before
    assert requester(register, cases["old"])["name"] == "Jane Olddoe"


def test_audited_and_repeatable(register, cases):
    before = register.scalar("SELECT MAX(id) FROM audit")
    apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    rows = register.query("SELECT * FROM audit WHERE id > ? ORDER BY id", (before,))
    assert {r["actor"] for r in rows} == {ACTOR}
    assert rows[-1]["action"] == "retention"
    assert json.loads(rows[-1]["new"])["requesters"] == 1
    assert any(r["table_name"] == "requesters" and r["action"] == "anonymise" for r in rows)
    again = apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    assert again.cases == [], "an anonymised requester is not anonymised twice"
    assert register.scalar("SELECT MAX(id) FROM audit") == rows[-1]["id"]


def test_a_shorter_period_takes_more(register, cases):
    report = apply_retention(register, ACTOR, older_than="6w", today=TODAY)
    # "reviewed" decided 2022-06-01, "exact" 2022-05-01, "recent" 2024-01-20: all over 6 weeks.
    assert sorted(ref for c in report.cases for ref in c.references) == sorted(
        [cases["old"], cases["exact"], cases["reviewed"], cases["recent"]]
    )


def test_statistics_are_unchanged(register, cases):
    before = register_stats(register, today=TODAY, by="quarter")
    apply_retention(register, ACTOR, older_than="6w", today=TODAY)
    assert register_stats(register, today=TODAY, by="quarter") == before


def _public(path):
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = {
            t: sorted(map(repr, conn.execute(f"SELECT * FROM [{t}]")))
            for t in tables
            if not t.startswith(("sqlite_", "disclosures_fts"))
        }
        # Each build has its own id; everything else must match.
        found["publication"] = [r for r in found["publication"] if "'build'" not in r]
        return found
    finally:
        conn.close()


def test_the_published_log_is_unchanged(register, cases, tmp_path):
    from foikit.publishing.build import publish

    publish(register, tmp_path / "before.db", today=TODAY)
    apply_retention(register, ACTOR, older_than="6w", today=TODAY)
    publish(register, tmp_path / "after.db", today=TODAY)
    before, after = _public(tmp_path / "before.db"), _public(tmp_path / "after.db")
    assert before["disclosures"], "the log has requests in it"
    assert after == before
    assert "Olddoe" not in repr(after)


def test_the_audit_trail_keeps_no_copy(register, cases):
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    assert report.audit_scrubbed
    trail = repr(register.query("SELECT old, new FROM audit"))
    assert "Olddoe" not in trail
    assert "old@example.org" not in trail


def test_cli(register, cases, invoke):
    result = invoke("retention", "--older-than", "2y", "--dry-run", "--today", "2024-05-01")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        "Would anonymise 1 requester (1 request closed before 2022-05-01)",
        f"  {cases['old']}  closed 2021-03-20",
    ]
    result = invoke("retention", "--older-than", "2y", "--today", "2024-05-01", "--json")
    data = json.loads(result.output)
    assert (data["requesters"], data["dry_run"]) == (1, False)
    result = invoke("retention", "--older-than", "soon")
    assert result.exit_code == 1
    assert result.output.startswith("Error: the retention period 'soon' is not like 2y")


# -- letter files ---------------------------------------------------------------------------------

TEMPLATES = PACKAGE_TEMPLATES

# key: (case, kind, published, deleted by retention with 2y?, why)
LETTERS = {
    "old-ack": ("old", "acknowledgement", False, True, "names the requester of an old case"),
    "old-response": ("old", "response", False, True, "names the requester of an old case"),
    "old-pdf": ("old", "response", False, True, "the same-named .pdf beside the .docx"),
    "old-published": (
        "old",
        "response",
        True,
        True,
        "the published copy quotes the requester's own words, which may name them (issue 15)",
    ),
    "recent-response": ("recent", "response", False, False, "the case is too recent"),
}


@pytest.fixture
def lettered(register, cases):
    """Real letters rendered for the old and recent cases; key -> the file's path."""
    from foikit.letters import render_letter

    files = {}
    for key, (case, kind, published, _, _) in LETTERS.items():
        if key.endswith("-pdf"):
            continue
        files[key] = render_letter(
            register,
            cases[case],
            kind,
            template_dir=TEMPLATES,
            published=published,
            today=CASES[case][1],
            actor=ACTOR,
        )
    # `foikit letter --pdf` writes the PDF beside the .docx; LibreOffice is not needed to test
    # that retention finds it, only a file of that name.
    files["old-pdf"] = files["old-response"].with_suffix(".pdf")
    files["old-pdf"].write_bytes(b"%PDF-1.4 letter to Jane Olddoe")
    assert all(path.exists() for path in files.values())
    return {key: str(path) for key, path in files.items()}


def deleted_at(reg, path):
    return reg.scalar("SELECT deleted_at FROM letters WHERE path = ?", (path,))


@pytest.mark.parametrize("key", list(LETTERS), ids=[c[4] for c in LETTERS.values()])
def test_the_letters_of_anonymised_requesters_are_deleted(register, lettered, key):
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    path, expected = lettered[key], LETTERS[key][3]
    assert os.path.exists(path) != expected, LETTERS[key][4]
    assert (path in report.deleted) == expected
    if not key.endswith("-pdf"):
        assert (deleted_at(register, path) is not None) == expected, "the row is marked"


def test_the_letters_rows_stay_and_the_audit_names_each_file(register, lettered):
    letters_before = register.scalar("SELECT COUNT(*) FROM letters")
    before = register.scalar("SELECT MAX(id) FROM audit")
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    expected = sorted(lettered[k] for k, c in LETTERS.items() if c[3])
    assert sorted(report.deleted) == expected
    assert register.scalar("SELECT COUNT(*) FROM letters") == letters_before, "history kept"
    rows = register.query(
        "SELECT * FROM audit WHERE id > ? AND action = 'delete-file' ORDER BY id", (before,)
    )
    assert sorted(json.loads(r["old"])["path"] for r in rows) == expected
    assert {r["actor"] for r in rows} == {ACTOR}
    assert "Olddoe" not in repr(rows), "the path, never the content"
    summary = register.one("SELECT new FROM audit WHERE id > ? AND action = 'retention'", (before,))
    assert json.loads(summary["new"])["letter_files"] == 4
    again = apply_retention(register, ACTOR, older_than="6w", today=TODAY)
    assert lettered["old-response"] not in again.files, "a deleted letter is not chosen again"
    assert again.deleted == [lettered["recent-response"]]


def test_dry_run_lists_the_files_and_deletes_nothing(register, lettered):
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY, dry_run=True)
    assert sorted(report.files) == sorted(lettered[k] for k, c in LETTERS.items() if c[3])
    assert report.deleted == []
    assert all(os.path.exists(path) for path in lettered.values())
    assert register.scalar("SELECT COUNT(*) FROM letters WHERE deleted_at IS NOT NULL") == 0


def test_a_file_already_gone_is_reported_not_fatal(register, cases, lettered):
    os.remove(lettered["old-ack"])
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    assert report.missing == [lettered["old-ack"]]
    assert report.failed == []
    assert not os.path.exists(lettered["old-response"]), "the others are still deleted"
    assert deleted_at(register, lettered["old-ack"]) is not None
    assert requester(register, cases["old"])["name"] is None


def test_a_file_that_cannot_be_deleted_is_an_error_and_the_anonymisation_stands(
    register, cases, lettered, invoke
):
    # A directory where the letter should be: unlink fails for any user, root included.
    os.remove(lettered["old-response"])
    os.mkdir(lettered["old-response"])
    result = invoke("retention", "--older-than", "2y", "--today", "2024-05-01")
    assert result.exit_code == 1
    assert f"Error: could not delete {lettered['old-response']}" in result.stderr
    assert f"  {lettered['old-ack']}" in result.stdout, "the rest are deleted and reported"
    assert not os.path.exists(lettered["old-ack"])
    assert requester(register, cases["old"])["name"] is None, "the register change stays"
    failed = register.one("SELECT * FROM audit WHERE action = 'delete-file-failed'")
    assert json.loads(failed["new"])["path"] == lettered["old-response"]


def test_cli_reports_the_files(register, cases, lettered, invoke):
    args = ("retention", "--older-than", "2y", "--today", "2024-05-01")
    result = invoke(*args, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would delete 4 letter files:" in result.stdout
    assert all(os.path.exists(path) for path in lettered.values())
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(data["deleted"]) == sorted(lettered[k] for k, c in LETTERS.items() if c[3])
    assert (data["missing"], data["failed"]) == ([], [])


def test_the_request_history_tells_the_retention_story(register, cases, lettered):
    from foikit.casework.lifecycle import history

    apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    summaries = [row["summary"] for row in history(register, cases["old"])]
    assert "rendered the acknowledgement letter" in summaries
    assert "rendered the response letter (published copy)" in summaries
    assert "deleted a letter file (retention)" in summaries
    assert "anonymised personal data (retention)" in summaries
