"""Publishing the disclosure log: the public file from records, and from a real register."""

from __future__ import annotations

import json
import sqlite3

import pytest

from foikit.errors import PublishError
from foikit.publishing.build import (
    PublicExemption,
    PublicQuestion,
    PublicRecord,
    build_public_db,
    publish,
)
from foikit.publishing.public import release_record

# -- layer 1: the file from plain records ---------------------------------------------------------


def record(reference="FOI-2024-0001", **changes):
    base = dict(
        reference=reference,
        regime="foi",
        subject="Domestic Homicide Reviews in Walsall",
        received="2024-03-01",
        responded="2024-03-20",
        outcome="partially-withheld",
        in_time=True,
        exemptions=(PublicExemption("40(2)", "Personal information"),),
        questions=(
            PublicQuestion(1, "How many DHRs were commissioned?", "answered", "Four."),
            PublicQuestion(2, "Who chaired them?", "exempt", None),
        ),
        review_outcome=None,
        letter_text="Dear requester, ...",
    )
    base.update(changes)
    return release_record(base)


def rows(path, sql, params=()):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def test_the_public_file_holds_what_the_public_sees(tmp_path):
    out = tmp_path / "disclosure.db"
    report = build_public_db([record()], out)
    assert report.published == 1
    [d] = rows(out, "SELECT * FROM disclosures")
    assert d == {
        "reference": "FOI-2024-0001",
        "seq": 1,
        "subject": "Domestic Homicide Reviews in Walsall",
        "regime": "FOI",
        "received": "2024-03-01",
        "responded": "2024-03-20",
        "year": 2024,
        "outcome": "Partially withheld",
        "in_time": "Yes",
        "exemptions": "s.40(2) Personal information",
        "review_outcome": None,
        "letter_text": "Dear requester, ...",
        "refusal_grounds": None,
    }
    assert rows(out, "SELECT number, question, status, answer FROM questions") == [
        {"number": 1, "question": "How many DHRs were commissioned?", "status": "Answered",
         "answer": "Four."},
        {"number": 2, "question": "Who chaired them?", "status": "Exempt", "answer": None},
    ]  # fmt: skip
    assert rows(out, "SELECT seq, exemption FROM disclosure_exemptions") == [
        {"seq": 1, "exemption": "s.40(2) Personal information"}
    ]


def test_records_may_be_given_as_plain_dicts_through_release(tmp_path):
    out = tmp_path / "d.db"
    data = {
        "reference": "EIR-2023-0002",
        "regime": "eir",
        "subject": "Air quality at Lloyd House",
        "received": "2023-01-04",
        "responded": "2023-01-30",
        "outcome": "granted-in-full",
        "in_time": False,
        "exemptions": [{"section": "reg 12(5)(b)", "name": "Course of justice"}],
        "questions": [{"number": 1, "text": "What was measured?", "answer": "NO2"}],
        "review_outcome": "upheld",
        "letter_text": None,
    }
    with pytest.raises(PublishError, match="never from a raw row"):
        build_public_db([data], out)
    build_public_db([release_record(data)], out)
    [d] = rows(out, "SELECT regime, in_time, exemptions, review_outcome FROM disclosures")
    assert d == {
        "regime": "EIR",
        "in_time": "No",
        "exemptions": "reg 12(5)(b) Course of justice",
        "review_outcome": "Original decision upheld",
    }


@pytest.mark.parametrize(
    "word, found, reason",
    [
        ("homicide", ["FOI-2024-0001"], "a word of the subject"),
        ("commissioned", ["FOI-2024-0001"], "a word of a question"),
        ("four", ["FOI-2024-0001"], "a word of an answer"),
        ("review", ["FOI-2024-0001"], "stemmed: review finds Reviews"),
        ("contracts", ["FOI-2024-0002"], "another request"),
        ("zebra", [], "no match"),
    ],
)
def test_full_text_search_covers_subject_questions_and_answers(tmp_path, word, found, reason):
    out = tmp_path / "d.db"
    other = record(
        "FOI-2024-0002",
        subject="Contracts for victim services",
        questions=(PublicQuestion(1, "List the contracts.", "answered", "Attached."),),
    )
    build_public_db([record(), other], out)
    hits = rows(
        out,
        "SELECT reference FROM disclosures WHERE seq IN"
        " (SELECT rowid FROM disclosures_fts WHERE disclosures_fts MATCH ?) ORDER BY reference",
        (word,),
    )
    assert [h["reference"] for h in hits] == found, reason


def test_seq_follows_the_date_of_response_whatever_the_order_given(tmp_path):
    out = tmp_path / "d.db"
    given = [
        record("FOI-2024-0003", responded="2024-09-01"),
        record("FOI-2024-0001", responded="2024-02-01"),
        record("FOI-2024-0002", responded="2024-02-01"),
        record("FOI-2023-0009", responded="2023-12-30"),
    ]
    build_public_db(given, out)
    assert [
        r["reference"] for r in rows(out, "SELECT reference FROM disclosures ORDER BY seq")
    ] == [
        "FOI-2023-0009",
        "FOI-2024-0001",
        "FOI-2024-0002",
        "FOI-2024-0003",
    ], "oldest response first; the reference breaks a tie"


def test_no_foreign_keys_and_the_indexes_facets_need(tmp_path):
    out = tmp_path / "d.db"
    build_public_db([record()], out)
    conn = sqlite3.connect(out)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        assert conn.execute(f"PRAGMA foreign_key_list([{table}])").fetchall() == [], table
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"disclosures_responded", "disclosures_year_outcome", "disclosures_outcome_year",
            "disclosure_exemptions_exemption"} <= indexes  # fmt: skip
    plan = " ".join(
        str(r)
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT year, count(*) FROM disclosures GROUP BY year"
        )
    )
    assert "COVERING INDEX" in plan
    conn.close()


def test_a_failed_publish_leaves_the_old_log_in_place(tmp_path):
    out = tmp_path / "disclosure.db"
    build_public_db([record()], out)
    before = out.read_bytes()
    with pytest.raises(PublishError, match="twice"):
        build_public_db([record(), record()], out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["disclosure.db"], "no temporary file left"


@pytest.mark.parametrize(
    "data, reason",
    [
        ({"reference": "FOI-1", "colour": "red"}, "an unknown field"),
        ({"reference": "FOI-1", "regime": "foi", "subject": "S", "questions": [{"text": "no"}]},
         "a question without number"),
    ],
)  # fmt: skip
def test_a_record_in_the_wrong_shape_is_refused(tmp_path, data, reason):
    with pytest.raises(PublishError, match="expected shape"):
        build_public_db([release_record(data)], tmp_path / "d.db")
    assert not (tmp_path / "d.db").exists(), reason


def test_publishing_to_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(PublishError, match="does not exist"):
        build_public_db([record()], tmp_path / "nowhere" / "d.db")


# -- layer 2: from a real register -------------------------------------------------------------

REQUESTERS = [
    # name, email, address lines, a question that repeats them
    (
        "Jane Smith-Jones",
        "jane.smith@example.org",
        ["12 Acacia Avenue", "Erdington", "Birmingham", "B24 9XX"],
        "I am Jane Smith-Jones of 12 Acacia Avenue, B24 9XX (jane.smith@example.org, "
        "07700 900123): how many DHRs did Birmingham CSP commission in 2019-20?",
    ),
    (
        "Oluwaseun Adeyemi",
        "seun.adeyemi@example.com",
        ["Flat 4, Riverside Court", "Coventry", "CV1 2AB"],
        "Mr Adeyemi (Flat 4, Riverside Court, CV1 2AB) asks what MARAC funding Coventry had. "
        "Reply to SEUN.ADEYEMI@EXAMPLE.COM please.",
    ),
]
PERSONAL = [
    "Smith-Jones",
    "Smith",
    "Jones",
    "jane.smith",
    "Acacia",
    "B24 9XX",
    "07700",
    "Adeyemi",
    "Oluwaseun",
    "Riverside",
    "CV1 2AB",
    "seun.adeyemi",
    "test.officer",
    "Handler Person",
]


@pytest.fixture
def seeded(register):
    """Closed requests whose questions repeat the requester's details, and some never published."""
    from foikit.casework.lifecycle import add_request, answer_question, close_request, set_publish

    refs = []
    for name, email, address, question in REQUESTERS:
        ref = add_request(
            register,
            "test.officer",
            received="2024-05-01",
            subject=f"Funding question from {name}",
            questions=[question],
            requester_name=name,
            requester_email=email,
            requester_address=address,
            handler="Handler Person",
        )
        answer_question(
            register,
            "test.officer",
            ref,
            1,
            text="Seven. Contact wmpcc@west-midlands.pnn.police.uk or 0121 626 6060, "
            "not Handler Person.",
        )
        close_request(
            register, "test.officer", ref, responded="2024-05-20", outcome="granted-in-full"
        )
        refs.append(ref)

    def add(subject, regime="foi", close=True, **kw):
        ref = add_request(
            register,
            "test.officer",
            received="2024-06-03",
            subject=subject,
            regime=regime,
            questions=["What is held?"],
            requester_name="Someone Else",
            requester_email="someone@example.net",
        )
        if close:
            answer_question(register, "test.officer", ref, 1, **kw)
            close_request(
                register,
                "test.officer",
                ref,
                responded="2024-06-20",
                outcome="withheld-in-full" if "exemptions" in kw else "granted-in-full",
            )
        return ref

    refs.append(add("Air quality near Lloyd House", regime="eir", text="Readings attached."))
    never = {
        "sar": add("My own records", regime="sar", text="Enclosed."),
        "open": add("Still being answered", close=False),
        "marked": add("Marked not for publication", text="Here."),
        "own data": add(
            "Information about me",
            exemptions=[("40(1)", "the requester's own data", None)],
        ),
    }
    set_publish(register, "test.officer", never["marked"], False)
    return refs, never


def test_publish_writes_closed_foi_and_eir_only(seeded, register, tmp_path):
    refs, never = seeded
    out = tmp_path / "disclosure.db"
    report = publish(register, out)
    published = [r["reference"] for r in rows(out, "SELECT reference FROM disclosures")]
    assert sorted(published) == sorted(refs)
    for why, ref in never.items():
        assert ref not in published, why
    assert [h.reference for h in report.held_back] == [never["own data"]]
    assert report.published == len(refs)


def test_nothing_personal_reaches_the_file(seeded, register, tmp_path):
    """Done when: names, emails and addresses in the requesters' own questions never appear,
    in any table, in the FTS index, or anywhere in the file's bytes."""
    out = tmp_path / "disclosure.db"
    report = publish(register, out)
    data = out.read_bytes().lower()
    for item in PERSONAL:
        assert item.lower().encode() not in data, item
    conn = sqlite3.connect(out)
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, disclosures_fts, 'row')")
    terms = {r[0] for r in conn.execute("SELECT term FROM temp.vocab")}
    conn.close()
    for token in ["smith", "jone", "jones", "acacia", "adeyemi", "oluwaseun", "riversid", "b24"]:
        assert token not in terms, token
    assert "fund" in terms, "the index still holds the real words"
    kinds = {(r.reference, r.kind) for r in report.redactions}
    first = seeded[0][0]
    assert {(first, k) for k in ("name", "email", "address", "postcode", "phone", "staff")} <= kinds


def test_published_contacts_stay(seeded, register, tmp_path):
    out = tmp_path / "disclosure.db"
    publish(register, out)
    [answer] = rows(out, "SELECT answer FROM questions WHERE reference = ?", (seeded[0][0],))
    assert answer["answer"] == (
        "Seven. Contact wmpcc@west-midlands.pnn.police.uk or 0121 626 6060, not [redacted]."
    )


def test_publish_from_the_command_line(seeded, invoke, tmp_path):
    out = tmp_path / "log.db"
    result = invoke("publish", "--out", out, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["published"] == len(seeded[0])
    assert report["held_back"] == [
        {"reference": seeded[1]["own data"], "reason": report["held_back"][0]["reason"]}
    ]
    assert "40(1)" in report["held_back"][0]["reason"]
    text = invoke("publish", "--out", out)
    assert text.exit_code == 0
    assert f"Published {len(seeded[0])} request(s)" in text.output
    assert "held back" in text.output


def test_publish_to_a_folder_is_one_error_line(register, invoke, tmp_path):
    result = invoke("publish", "--out", tmp_path)
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: ")
    assert "folder" in result.output


def shown(subject="Funding", questions=None, **changes):
    """A request in the `request show --json` shape."""
    base = {
        "reference": "FOI-2024-0009",
        "regime": "foi",
        "subject": subject,
        "received": "2024-01-02",
        "responded": "2024-01-20",
        "outcome": "granted-in-full",
        "in_time": True,
        "handler": "Pat Officer",
        "questions": questions
        or [{"number": 1, "text": "How much?", "status": "answered", "answer": "£5.",
             "exemptions": [], "answered_by": "Pat Officer"}],
        "review": None,
    }  # fmt: skip
    base.update(changes)
    return base


@pytest.mark.parametrize(
    "request_, held, reason",
    [
        (shown(), None, "nothing personal: published"),
        (shown(subject="Ann Example"), "subject", "a subject that is only the requester's name"),
        (shown(subject="Ann Example, ann@example.org"), "subject", "only her name and email"),
        (
            shown(
                questions=[
                    {
                        "number": 1,
                        "text": "My file?",
                        "status": "exempt",
                        "answer": None,
                        "exemptions": [{"section": "40(1)", "name": "Personal information"}],
                    }
                ]
            ),
            "40(1)",
            "the requester's own personal data",
        ),  # fmt: skip
    ],
)
def test_when_a_request_is_held_back(request_, held, reason):
    from foikit.publishing.build import public_record
    from foikit.publishing.redact import PublishedContacts

    requester = {"name": "Ann Example", "email": "ann@example.org", "address": []}
    record_, _, why = public_record(request_, requester, PublishedContacts.of([], []))
    if held is None:
        assert record_ is not None and why is None, reason
    else:
        assert record_ is None and held in (why or ""), reason


def test_staff_names_are_redacted_and_never_a_column():
    from foikit.publishing.build import public_record
    from foikit.publishing.redact import PublishedContacts

    request_ = shown(
        questions=[
            {"number": 1, "text": "Who?", "status": "answered",
             "answer": "Pat Officer handled it.", "exemptions": [], "answered_by": "Pat Officer"}
        ]
    )  # fmt: skip
    record_, redactions, _ = public_record(request_, None, PublishedContacts.of([], []))
    assert record_ is not None
    assert record_.questions[0].answer == "[redacted] handled it."
    assert [(r.kind, r.found) for r in redactions] == [("staff", "Pat Officer")]
    assert "handler" not in PublicRecord.__dataclass_fields__
