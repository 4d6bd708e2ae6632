"""Import of a spreadsheet register, and export back out: round trips, messy cells, bad rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from reports_casebook import TODAY, make_casebook_db

from foikit.records.export import export_csv
from foikit.records.importer import (
    RowsRejected,
    clean_email,
    import_csv,
    parse_mapping,
    parse_uk_date,
)
from foikit.records.stats import register_stats
from foikit.register import Register
from foikit.register.init import init_register

UK_DATES = [
    ("2021-06-05", dt.date(2021, 6, 5), "ISO"),
    ("05/06/2021", dt.date(2021, 6, 5), "UK numeric: day first"),
    ("5/6/21", dt.date(2021, 6, 5), "short day, month and year"),
    ("05-06-2021", dt.date(2021, 6, 5), "hyphens"),
    ("05.06.2021", dt.date(2021, 6, 5), "dots"),
    ("5 June 2021", dt.date(2021, 6, 5), "as letters write it"),
    ("5th June 2021", dt.date(2021, 6, 5), "with an ordinal"),
    ("5 Jun 2021", dt.date(2021, 6, 5), "short month"),
    ("05-Jun-21", dt.date(2021, 6, 5), "Excel's dd-mmm-yy"),
    ("  5  June  2021 ", dt.date(2021, 6, 5), "stray spaces"),
    ("2021-06-05 00:00:00", dt.date(2021, 6, 5), "a spreadsheet's date-time at midnight"),
    ("1 Sept 2021", dt.date(2021, 9, 1), "Sept"),
]


@pytest.mark.parametrize("text, expected, why", UK_DATES, ids=[c[2] for c in UK_DATES])
def test_uk_dates(text, expected, why):
    assert parse_uk_date(text) == expected, why


BAD_DATES = [
    ("31/02/2021", "not a real date", "no 31 February"),
    ("06/13/2021", "not a real date", "US month-first is not guessed"),
    ("June 5 2021", "not a date", "month first is not a UK date"),
    ("soon", "not a date", "words"),
    ("5 Juin 2021", "not a date", "not an English month"),
]


@pytest.mark.parametrize("text, message, why", BAD_DATES, ids=[c[2] for c in BAD_DATES])
def test_bad_dates(text, message, why):
    with pytest.raises(Exception, match=message):
        parse_uk_date(text)


EMAILS = [
    (" a.person@example.org ", "a.person@example.org", "surrounding spaces"),
    ("mailto:a.person@example.org", "a.person@example.org", "a mailto: link"),
    ("MAILTO:a.person@example.org?subject=FOI", "a.person@example.org", "mailto with a query"),
    ("A Person <a.person@example.org>", "a.person@example.org", "display name"),
    ("a.person @ example.org", "a.person@example.org", "spaces inside"),
]


@pytest.mark.parametrize("text, expected, why", EMAILS, ids=[c[2] for c in EMAILS])
def test_clean_email(text, expected, why):
    assert clean_email(text) == expected, why


def write_csv(path, rows, header=None):
    header = header or list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def counts(reg):
    return {
        t: reg.scalar(f"SELECT COUNT(*) FROM {t}")
        for t in ("requests", "requesters", "questions", "answers", "answer_exemptions", "audit")
    }


MESSY = [
    {
        "Date received": "05/06/2021",
        "Title": "Domestic Homicide Reviews",
        "Requester Name": "A Person",
        "E-mail": "  MAILTO:A.Person@Example.ORG ",
        "Question 1": "How many CSPs are there?",
    },
    {
        "Date received": "7 June 2021",
        "Title": "Grants to CSPs",
        "Requester Name": "B Person",
        "E-mail": "",
        "Requester address": "1 High Street\nBirmingham\nB1 1AA",
        "Date responded": "10/06/2021",
        "Outcome": "Granted-in-full",
        "Question 1": "How much?",
        "Answer 1": "£15,000 each.",
    },
    {
        "Date received": "2021-06-08",
        "Title": "Names of staff",
        "Requester Name": "C Person",
        "E-mail": "C Person <c.person@EXAMPLE.org>",
        "Date responded": "9 Jul 2021",
        "Outcome": "withheld-in-full",
        "Question 1": "Who works there?",
        "Exemptions 1": "s.40(2): personal data of staff below senior level",
        "Handler": "",
    },
]
MAP = (
    "received=Date received",
    "subject=Title",
    "requester_email=E-mail",
    "responded=Date responded",
)


def test_a_messy_spreadsheet_imports(register, tmp_path):
    path = write_csv(tmp_path / "old.csv", MESSY)
    report = import_csv(register, "importer", path, mapping=parse_mapping(MAP), today=TODAY)
    assert report.imported == ["FOI-2021-0001", "FOI-2021-0002", "FOI-2021-0003"]
    rows = register.query(
        "SELECT r.reference, r.received, r.status, r.responded, r.outcome, r.handler, r.due,"
        " p.name, p.email, p.address FROM requests r JOIN requesters p ON p.id = r.requester_id"
        " ORDER BY r.id"
    )
    assert [(r["received"], r["status"], r["responded"], r["outcome"]) for r in rows] == [
        ("2021-06-05", "open", None, None),
        ("2021-06-07", "closed", "2021-06-10", "granted-in-full"),
        ("2021-06-08", "closed", "2021-07-09", "withheld-in-full"),
    ]
    # The mailto:, the spaces and the display name go; the domain is lower-cased.
    assert [r["email"] for r in rows] == ["A.Person@example.org", None, "c.person@example.org"]
    assert rows[1]["address"] == "1 High Street\nBirmingham\nB1 1AA"
    assert rows[2]["handler"] is None, "a blank cell is no handler"
    # Received on Saturday 5 June 2021: day one is Monday 7 June, due 2 July (s.10(6)).
    assert rows[0]["due"] == "2021-07-02"
    section = register.scalar("SELECT section FROM answer_exemptions")
    assert section == "40(2)", "s.40(2) is stored in its canonical form"


def test_every_change_is_audited_and_the_file_named(register, tmp_path):
    path = write_csv(tmp_path / "old.csv", MESSY)
    before = register.scalar("SELECT MAX(id) FROM audit")
    import_csv(register, "importer", path, mapping=parse_mapping(MAP), today=TODAY)
    audit = register.query("SELECT * FROM audit WHERE id > ? ORDER BY id", (before,))
    assert {a["actor"] for a in audit} == {"importer"}
    # The open request is logged by the lifecycle itself (its own actions); the closed ones
    # are history, written by the import.
    assert {"add-request", "import"} <= {a["action"] for a in audit}
    inserted = [a for a in audit if a["table_name"] == "requests" and a["old"] is None]
    assert len(inserted) == 3
    summary = json.loads(audit[-1]["new"])
    assert (audit[-1]["table_name"], summary["file"], summary["imported"]) == (None, "old.csv", 3)


BAD_ROWS = [
    ({"received": "31/02/2021"}, "not a real date", "an impossible date"),
    ({"received": ""}, "received: blank", "no date of receipt"),
    ({"subject": "  "}, "subject is blank", "no subject"),
    ({"received": "2030-01-01"}, "in the future", "a date in the future"),
    ({"requester_email": "not-an-email", "requester_address": ""}, "not valid", "bad email"),
    ({"requester_name": ""}, "requester's name", "no name for an open request"),
    (
        {"responded": "2021-06-10", "outcome": "maybe"},
        "unknown outcome 'maybe'",
        "not an outcome",
    ),
    ({"responded": "2021-06-10"}, "both responded and outcome", "responded with no outcome"),
    ({"responded": "2021-06-01", "outcome": "withdrawn"}, "before received", "answered first"),
    ({"regime": "pigeon act"}, "unknown regime", "not a regime"),
    ({"channel": "pigeon"}, "unknown channel", "not a channel"),
    ({"exemptions_1": "31(1)(a): prejudice"}, "public interest", "qualified without the test"),
    ({"exemptions_1": "99"}, "unknown exemption", "no section 99"),
    ({"reference": "FOI-2021-0001"}, "also in row 2 of the file", "a reference used twice"),
    ({"events": "pause 2021-06-06"}, "unknown clock event", "not a clock event"),
    (
        {"review_received": "2021-06-20", "reviewer": "R"},
        "open request cannot have an internal review",
        "review of nothing",
    ),
    ({"events": "clarified 2021-06-01"}, "before the request was received", "lifecycle rule"),
]
GOOD = {
    "reference": "",
    "received": "2021-06-05",
    "subject": "A subject",
    "requester_name": "A Person",
    "requester_email": "a@example.org",
    "requester_address": "",
    "question_1": "A question?",
}


@pytest.mark.parametrize("change, message, why", BAD_ROWS, ids=[c[2] for c in BAD_ROWS])
def test_a_bad_row_is_reported_and_nothing_is_imported(register, tmp_path, change, message, why):
    rows = [
        {**GOOD, "reference": "FOI-2021-0001"},
        {**GOOD, **change},
        {**GOOD, "subject": "Another good one"},
    ]
    path = write_csv(tmp_path / "bad.csv", rows, header=list(dict.fromkeys([*GOOD, *change])))
    before = counts(register)
    with pytest.raises(RowsRejected) as info:
        import_csv(register, "importer", path, today=TODAY)
    problems = info.value.report.problems
    assert [p.row for p in problems] == [3], why
    assert message in problems[0].message, why
    assert counts(register) == before, "nothing half-imported"


def test_skip_bad_imports_the_rest_and_reports_the_bad(register, tmp_path):
    rows = [GOOD, {**GOOD, "received": "soon"}, {**GOOD, "subject": "Second"}]
    path = write_csv(tmp_path / "some-bad.csv", rows)
    report = import_csv(register, "importer", path, skip_bad=True, today=TODAY)
    assert [(p.row, "not a date" in p.message) for p in report.problems] == [(3, True)]
    assert register.scalar("SELECT COUNT(*) FROM requests") == 2
    assert report.imported == ["FOI-2021-0001", "FOI-2021-0002"]


def test_dry_run_writes_nothing(register, tmp_path):
    path = write_csv(tmp_path / "old.csv", MESSY)
    before = counts(register)
    report = import_csv(
        register, "importer", path, mapping=parse_mapping(MAP), dry_run=True, today=TODAY
    )
    assert len(report.imported) == 3
    assert counts(register) == before


def test_a_file_without_the_needed_columns_says_so(register, tmp_path):
    path = write_csv(tmp_path / "old.csv", [{"When": "05/06/2021", "Heading": "x"}])
    with pytest.raises(Exception, match="no received or subject column"):
        import_csv(register, "importer", path, today=TODAY)


def test_the_messy_headers_need_no_map(register, tmp_path):
    # "Date received", "Title", "E-mail", "Date responded" are synonyms now (issue 20).
    path = write_csv(tmp_path / "old.csv", MESSY)
    report = import_csv(register, "importer", path, today=TODAY)
    assert len(report.imported) == 3
    assert ("Date received", "received") in report.columns


@pytest.mark.parametrize(
    "pair, message",
    [
        ("received", "FIELD=COLUMN"),
        ("colour=Colour", "unknown field"),
        ("received=No such column", "no column"),
    ],
)
def test_bad_mappings(register, tmp_path, pair, message):
    path = write_csv(tmp_path / "old.csv", MESSY)
    with pytest.raises(Exception, match=message):
        import_csv(register, "importer", path, mapping=parse_mapping([pair]), today=TODAY)


@pytest.fixture(scope="module")
def casebook_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("casebook") / "register.db"
    make_casebook_db(path)
    return path


def _export(path) -> str:
    with Register(path) as reg:
        out = io.StringIO()
        export_csv(reg, out)
        return out.getvalue()


def test_import_round_trips_an_export(casebook_path, tmp_path):
    first = _export(casebook_path)
    (tmp_path / "export.csv").write_text(first, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    init_register(fresh, load_facts=True, actor="test.setup")
    with Register(fresh) as reg:
        report = import_csv(reg, "importer", tmp_path / "export.csv", today=TODAY)
        assert (len(report.imported), report.problems, report.warnings) == (10, [], [])
    assert _export(fresh) == first
    # ICO cases are not in the spreadsheet; every other figure survives the round trip.
    with Register(casebook_path) as a, Register(fresh) as b:
        before = register_stats(a, today=TODAY, by="month")
        after = register_stats(b, today=TODAY, by="month")
    for stats in (before, after):
        stats.pop("ico")
        for period in stats["periods"]:
            period.pop("ico")
    assert after == before


def test_cli_import_reports_every_bad_row_then_one_error(register, tmp_path, invoke):
    rows = [
        GOOD,
        {**GOOD, "received": "31/02/2021"},
        {**GOOD, "responded": "2021-06-10", "outcome": "granted-ish"},
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    result = invoke("import", path)
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.strip().splitlines()]
    assert "row 3: received: '31/02/2021' is not a real date" in lines
    assert "row 4: unknown outcome 'granted-ish'" in lines
    assert lines[-1].startswith("Error: 2 of 3 rows cannot be imported, so nothing was imported")
    assert register.scalar("SELECT COUNT(*) FROM requests") == 0


def test_cli_import_dry_run_and_export(register, tmp_path, invoke):
    path = write_csv(tmp_path / "old.csv", MESSY)
    args = [f"--map={pair}" for pair in MAP]
    result = invoke("import", path, *args, "--dry-run", "--today", "2024-05-01")
    assert result.exit_code == 0, result.output
    assert "Would import 3 of 3 rows (3 new)" in result.output
    assert register.scalar("SELECT COUNT(*) FROM requests") == 0
    result = invoke("import", path, *args, "--by", "j.smith", "--today", "2024-05-01")
    assert "Imported 3 of 3 rows (3 new)" in result.output
    assert register.scalar("SELECT DISTINCT actor FROM audit WHERE action = 'import'") == "j.smith"
    result = invoke("export", "--csv", "--out", tmp_path / "out.csv")
    assert result.output.strip() == f"Exported 3 requests to {tmp_path / 'out.csv'}"
    assert (tmp_path / "out.csv").read_bytes()[:3] == b"\xef\xbb\xbf", "a BOM for Excel"
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as f:
        exported = list(csv.DictReader(f))
    assert [r["reference"] for r in exported] == ["FOI-2021-0001", "FOI-2021-0002", "FOI-2021-0003"]
    assert exported[2]["exemptions_1"] == "40(2): personal data of staff below senior level"
    records = json.loads(invoke("export").output)
    assert records[1]["questions"][0]["answer"] == "£15,000 each."


SAME_AS_REQUEST_ADD = [
    ("a.person@example.org", "plain"),
    ("A.Person@Example.ORG", "capitals: the domain is lower-cased, the local part kept"),
    ("o'brien+foi@sub.example.co.uk", "apostrophe, plus and a subdomain"),
    ("a@bücher.example", "an internationalised domain"),
    ("jörg@example.org", "a non-ASCII local part goes to the validator"),
    ('"quoted local"@example.org', "a quoted local part goes to the validator"),
    ("a..b@example.org", "two dots: refused"),
    (".a@example.org", "a leading dot: refused"),
    ("a@example", "no dot in the domain: refused"),
    ("a@localhost", "a special-use domain: refused"),
    ("a@-example.org", "a label starting with a hyphen: refused"),
    ("@example.org", "no local part: refused"),
    ("a" * 65 + "@example.org", "a local part over 64 characters: refused"),
    ("a@" + ".".join(["b" * 60] * 4) + ".org", "an address over 254 characters: refused"),
]


@pytest.mark.parametrize("text, why", SAME_AS_REQUEST_ADD, ids=[c[1] for c in SAME_AS_REQUEST_ADD])
def test_the_fast_email_check_is_the_validators_own(text, why):
    """`request add` and the import check each domain once (requesters.normalise_email): the
    address stored, or the error, is exactly the email validator's, cached domain or not."""
    from foikit.casework.requesters import normalise_email, validated_email
    from foikit.records.importer import normalise_email_fast

    def outcome(check):
        try:
            return ("ok", check(text))
        except Exception as e:
            return ("error", str(e))

    expected = outcome(validated_email)
    assert outcome(normalise_email) == expected, why
    assert outcome(normalise_email) == expected, f"{why} (the domain cached)"
    assert outcome(normalise_email_fast) == expected, why


def test_blank_references_come_after_the_files_own(register, tmp_path):
    rows = [GOOD, {**GOOD, "reference": "FOI/2021/7"}, {**GOOD, "received": "2022-01-05"}]
    report = import_csv(register, "importer", write_csv(tmp_path / "r.csv", rows), today=TODAY)
    assert report.imported == ["FOI-2021-0008", "FOI-2021-0007", "FOI-2022-0001"]


def test_an_excel_ansi_file_is_read_when_declared(register, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "received,subject,requester_name,requester_email\r\n"
        '05/06/2021,"Grants of £15,000",A Person,a@example.org\r\n'.encode("cp1252")
    )
    with pytest.raises(Exception, match=r"row 2: byte 71 \(0xA3\) is not utf-8"):
        import_csv(register, "importer", path, today=TODAY)
    import_csv(register, "importer", path, today=TODAY, encoding="cp1252")
    assert register.scalar("SELECT subject FROM requests") == "Grants of £15,000"


BAD_FILES = [
    (b"", "the file is empty", "nothing at all"),
    (b"date,title\r\n05/06/2021,x\r\n", "no received column", "no known date column"),
]


@pytest.mark.parametrize("data, message, why", BAD_FILES, ids=[c[2] for c in BAD_FILES])
def test_bad_files(register, tmp_path, data, message, why):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(Exception, match=message):
        import_csv(register, "importer", path, today=TODAY)


def test_clock_events_are_checked_even_with_a_due_date_given(register, tmp_path):
    # An open request's events go through the lifecycle, whatever due date the file gives.
    row = {**GOOD, "due": "2021-07-02", "events": "fee-paid 2021-06-10"}
    with pytest.raises(RowsRejected) as info:
        import_csv(register, "importer", write_csv(tmp_path / "e.csv", [row]), today=TODAY)
    assert "fee" in info.value.report.problems[0].message


def test_an_old_closed_case_keeps_its_own_due_date(register, tmp_path):
    # An old case keeps the date it was given; without one, the clock works it out for any
    # year from 2005 (FOIA in force), and refuses a date before FOIA, never guessing.
    row = {**GOOD, "received": "2008-03-03", "responded": "2008-03-20", "outcome": "withdrawn"}
    path = write_csv(tmp_path / "old.csv", [{**row, "due": "31/03/2008"}])
    import_csv(register, "importer", path, today=TODAY)
    assert register.scalar("SELECT due FROM requests") == "2008-03-31"
    import_csv(register, "importer", write_csv(tmp_path / "no-due.csv", [row]), today=TODAY)
    # 17 March (NI), Good Friday 21 March and Easter Monday 24 March 2008 are skipped.
    assert register.scalar("SELECT max(due) FROM requests") == "2008-04-03"
    before = {**row, "received": "2004-12-01", "responded": "2004-12-20"}
    with pytest.raises(RowsRejected, match="1 of 1 row"):
        import_csv(register, "importer", write_csv(tmp_path / "pre.csv", [before]), today=TODAY)


def test_a_row_with_more_cells_than_the_header_is_refused(register, tmp_path):
    path = tmp_path / "shifted.csv"
    path.write_text(
        "received,subject,requester_name,requester_email\n"
        "05/06/2021,Grants,A Person,a@example.org\n"
        "05/06/2021,Grants, loans and gifts,A Person,a@example.org\n",  # the comma unquoted
        encoding="utf-8",
    )
    with pytest.raises(RowsRejected) as info:
        import_csv(register, "importer", path, today=TODAY)
    (problem,) = info.value.report.problems
    assert problem.row == 3
    assert "5 cells but the header 4" in problem.message
