"""Retention: who is anonymised, what is blanked, and what must not change."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from foikit.errors import FoikitError
from foikit.retention import apply_retention, cutoff_date
from foikit.stats import register_stats

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
    from foikit.ico import open_complaint
    from foikit.requests import add_request, answer_question, close_request
    from foikit.reviews import close_review, open_review

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
    from foikit.disclosure import publish

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


def test_letters_that_name_them_are_listed_for_deletion(register, cases):
    rid = register.scalar("SELECT id FROM requests WHERE reference = ?", (cases["old"],))
    with register.transaction("test.setup") as tx:
        for path, published in (("responses/old-response.docx", 0), ("responses/old-pub.docx", 1)):
            tx.insert(
                "letters",
                {
                    "request_id": rid,
                    "kind": "response",
                    "path": path,
                    "published": published,
                    "rendered_at": "2021-03-20T10:00:00+00:00",
                },
                request_id=rid,
            )
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY, dry_run=True)
    assert report.letters == ["responses/old-response.docx"], "the published copy names nobody"
