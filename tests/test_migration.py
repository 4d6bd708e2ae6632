"""Migrating an existing register as offices keep it (issue 20), and the import's single
validation path (issue 12) and strict reading (issue 15). Three registers in the shapes real
ones take are built in the test (tests/migration_support.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from migration_support import (
    MOJ_ROWS,
    POLICE_ROWS,
    TODAY,
    authority_xlsx,
    moj_csv,
    police_utf16,
)

from foikit.records.importer import RowsRejected, import_file
from foikit.records.reading import read_table
from foikit.records.stats import financial_year_stats, register_stats
from foikit.records.values import Labels, parse_exemption_cell, parse_uk_date

MOJ_UPHELD = ["review_outcome:Upheld=overturned"]


def requests(reg):
    return reg.query("SELECT * FROM requests ORDER BY id")


def counts(reg):
    return {
        t: reg.scalar(f"SELECT COUNT(*) FROM {t}")
        for t in ("requests", "requesters", "questions", "answers", "answer_exemptions", "reviews")
    }


# -- the three shapes, in one dry run and one import each -----------------------------------------

SHAPES = [
    # (builder, file name, value maps, rows, open, withheld rows, why)
    (authority_xlsx, "register.xlsx", [], 6, 1, 1, "an authority's own Excel register"),
    (police_utf16, "log.txt", [], 5, 0, 3, "a police-style published log in UTF-16"),
    (moj_csv, "moj.csv", MOJ_UPHELD, 4, 0, 2, "the MoJ case tool's CSV"),
]


@pytest.mark.parametrize(
    "build, name, maps, rows, open_, withheld, why", SHAPES, ids=[s[-1] for s in SHAPES]
)
def test_each_shape_comes_in_with_one_dry_run_and_one_import(
    register, tmp_path, build, name, maps, rows, open_, withheld, why
):
    path = build(tmp_path / name)
    before = counts(register)
    dry = import_file(register, "rm", path, value_maps=maps, dry_run=True, today=TODAY)
    assert (len(dry.imported), dry.problems) == (rows, []), why
    assert counts(register) == before, "a dry run writes nothing"
    report = import_file(register, "rm", path, value_maps=maps, today=TODAY)
    assert len(report.imported) == rows, why
    got = requests(register)
    assert sum(r["status"] == "open" for r in got) == open_
    closed = [r for r in got if r["status"] == "closed"]
    assert all(r["publish"] == 0 for r in closed), "history is never published unless chosen"
    assert all(r["import_batch"] == report.batch for r in got), "marked as imported"
    stats = register_stats(register, today=TODAY)
    refused = sum(stats["refusals"].values())
    assert refused == withheld, "request-level exemptions are counted: not 0 refusals"


def test_the_authority_register_is_kept_as_recorded(register, tmp_path):
    report = import_file(register, "rm", authority_xlsx(tmp_path / "r.xlsx"), today=TODAY)
    by_ref = {r["original_reference"]: r for r in requests(register)}
    bob = register.one(
        "SELECT p.* FROM requesters p JOIN requests r ON r.requester_id = p.id"
        " WHERE r.original_reference = 'OPCC 101'"
    )
    assert bob["email"] == "bob at example", "an invalid email in a 2019 case is kept as found"
    assert "not a valid address" in by_ref["OPCC 101"]["import_flags"]
    dan = register.one(
        "SELECT p.* FROM requesters p JOIN requests r ON r.requester_id = p.id"
        " WHERE r.original_reference = 'OPCC 103'"
    )
    assert (dan["email"], dan["address"]) == (None, "1 High St\nBirmingham")
    # The calendar reaches back to 2005 (FOIA in force), so a 2008 case with no due date of its
    # own gets the clock's.
    assert by_ref["OPCC 7"]["due"] is not None
    assert "no due date" not in (by_ref["OPCC 7"]["import_flags"] or "")
    assert by_ref["OPCC 240"]["due"] == "2024-05-21", "the open one's due date is the clock's"
    assert by_ref["OPCC 101"]["notes"] == "Status: Closed", "an unmapped column becomes notes"
    assert ("Date Received", "received") in report.columns
    assert report.notes_columns == ["Status"]
    warnings = [str(w) for w in report.warnings]
    assert "row 5: withheld-in-full with no exemption recorded" in warnings
    assert "row 2: kept: email 'bob at example' is not a valid address (kept as recorded)" in (
        warnings
    ), "the report lists what was kept as found"
    sections = register.query(
        "SELECT DISTINCT e.section FROM answer_exemptions e JOIN answers a ON a.id = e.answer_id"
        " JOIN questions q ON q.id = a.question_id JOIN requests r ON r.id = q.request_id"
        " WHERE r.original_reference = 'OPCC 102' ORDER BY e.id"
    )
    assert [s["section"] for s in sections] == ["40(2)", "31(1)(a)"]
    answers = register.query("SELECT text FROM answers")
    assert all(a["text"] is None for a in answers), "no placeholder answer is invented"


def test_the_office_reference_is_kept_and_finds_the_request(register, tmp_path, invoke):
    import_file(register, "rm", police_utf16(tmp_path / "log.txt"), today=TODAY)
    shown = json.loads(invoke("request", "show", "4/19", "--json").output)
    assert shown["subject"] == "Use of tasers"
    shown = json.loads(invoke("request", "show", "FOI/21/045", "--json").output)
    assert (shown["received"], shown["responded"]) == ("2021-02-12", "2021-03-04"), (
        "Excel serial numbers are days"
    )


def test_moj_requester_type_goes_to_notes_and_eir_to_its_regime(register, tmp_path):
    import_file(register, "rm", moj_csv(tmp_path / "m.csv"), value_maps=MOJ_UPHELD, today=TODAY)
    by_ref = {r["original_reference"]: r for r in requests(register)}
    assert by_ref["210401001"]["notes"] == "Requester type: Journalist"
    assert by_ref["210403004"]["regime"] == "eir"
    question = register.scalar(
        "SELECT q.text FROM questions q JOIN requests r ON r.id = q.request_id"
        " WHERE r.original_reference = '210401001'"
    )
    assert question == "Please send the prisons budget.", "the Message is the request's question"
    reviews = register.query("SELECT outcome FROM reviews ORDER BY id")
    assert [r["outcome"] for r in reviews] == ["overturned", "overturned"]


# -- values as people write them -------------------------------------------------------------------

OUTCOMES = [
    ("Granted in full", "granted-in-full", "foikit's own label"),
    ("GRANTED-IN-FULL", "granted-in-full", "a code in capitals"),
    ("Information not held", "not-held", "foikit's own label"),
    ("Not held", "not-held", "as written in a log"),
    ("Refused in part", "partially-withheld", "the MoJ case tool"),
    ("Refused fully", "withheld-in-full", "the MoJ case tool"),
    ("Partially provided", "partially-withheld", "as written in a log"),
    ("Partially withheld", "partially-withheld", "the Cabinet Office label"),
    ("Withheld in full", "withheld-in-full", "the Cabinet Office label"),
    ("  lapsed ", "lapsed", "spaces forgiven"),
    ("Transferred to another authority", "transferred", "foikit's own label"),
]


@pytest.mark.parametrize("label, code, why", OUTCOMES, ids=[f"{o[0]!r}" for o in OUTCOMES])
def test_outcomes_as_people_write_them(label, code, why):
    assert Labels().code("outcome", label) == code, why


REVIEWS = [
    ("Original decision upheld", "upheld", "foikit's label"),
    ("Appeal upheld", "overturned", "government statistics: in the requester's favour"),
    ("Complaint upheld", "overturned", "the ICO's sense"),
    ("Upheld in part", "partly-upheld", "the middle either way"),
    ("Appeal not upheld", "upheld", "the decision stands"),
    ("Upheld", None, "ambiguous: must be declared with --value-map"),
]


@pytest.mark.parametrize("label, code, why", REVIEWS, ids=[r[0] for r in REVIEWS])
def test_review_outcomes_never_guess_upheld(label, code, why):
    labels = Labels()
    if code is None:
        with pytest.raises(Exception, match="unknown review outcome") as info:
            labels.code("review_outcome", label)
        assert "opposite things" in info.value.hint, why
        labels.add_maps([f"review_outcome:{label}=overturned"])
        assert labels.code("review_outcome", label) == "overturned"
    else:
        assert labels.code("review_outcome", label) == code, why


EXEMPTION_CELLS = [
    ("S40(2), S31(1)(a)", ["40(2)", "31(1)(a)"], "capital S, comma"),
    ("s40,s31", ["40", "31"], "no spaces"),
    ("(s12) - Exceeded cost", ["12"], "a reason after it"),
    ("Section 40 (2)", ["40(2)"], "a space before the subsection"),
    ("Reg 12(4)(b)", ["reg 12(4)(b)"], "an EIR exception"),
    ("N/A", [], "nothing relied on"),
]


@pytest.mark.parametrize(
    "text, sections, why", EXEMPTION_CELLS, ids=[e[2] for e in EXEMPTION_CELLS]
)
def test_request_level_exemptions(text, sections, why):
    assert parse_exemption_cell(text, "foi") == sections, why


DATES = [
    ("12/02/2021 09:59", dt.date(2021, 2, 12), "a date-time from a case system"),
    ("44239", dt.date(2021, 2, 12), "an Excel serial number"),
    ("2021-02-12T09:59:00", dt.date(2021, 2, 12), "ISO with a time"),
    ("12 Feb 2021 9:59 am", dt.date(2021, 2, 12), "words and a time"),
]


@pytest.mark.parametrize("text, day, why", DATES, ids=[d[2] for d in DATES])
def test_dates_with_times_and_serials(text, day, why):
    assert parse_uk_date(text) == day, why


# -- problems: every one, once -------------------------------------------------------------------


def test_the_dry_run_lists_every_problem_in_every_row(register, tmp_path):
    rows = [list(r) for r in MOJ_ROWS]
    rows[0][2], rows[0][8] = "31/02/2021", "Sort of granted"  # two problems in one row
    rows[1][2] = "2030-01-01"
    rows[2][8] = "Sort of granted"
    path = moj_csv(tmp_path / "m.csv", rows)
    with pytest.raises(RowsRejected) as info:
        import_file(register, "rm", path, value_maps=MOJ_UPHELD, dry_run=True, today=TODAY)
    report = info.value.report
    assert [str(p) for p in report.problems] == [
        "row 2: received: '31/02/2021' is not a real date",
        "row 2: unknown outcome 'Sort of granted'",
        "row 3: received: 2030-01-01 is in the future",
        "row 4: unknown outcome 'Sort of granted'",
    ]
    # Each unknown value once, with its count and rows, and how to declare it.
    assert report.unknown_lines == [
        "unknown outcome 'Sort of granted': 2 rows (2, 4); declare it with "
        "--value-map 'outcome:Sort of granted=CODE'"
    ]
    assert report.rejected_rows == 3


def test_value_map_declares_the_office_label(register, tmp_path):
    rows = [list(r) for r in MOJ_ROWS]
    rows[0][8] = "Sort of granted"
    path = moj_csv(tmp_path / "m.csv", rows)
    maps = [*MOJ_UPHELD, "outcome:sort of granted=granted-in-full"]
    import_file(register, "rm", path, value_maps=maps, today=TODAY)
    assert register.scalar("SELECT outcome FROM requests WHERE original_reference = '210401001'")


BAD_MAPS = [
    ("outcome=granted-in-full", "FIELD:LABEL=CODE", "no label"),
    ("colour:Red=red", "the field is one of", "not a field"),
    ("outcome:Fine=fine", "outcome codes are", "not a code"),
]


@pytest.mark.parametrize("pair, message, why", BAD_MAPS, ids=[b[2] for b in BAD_MAPS])
def test_bad_value_maps(pair, message, why):
    with pytest.raises(Exception, match=message):
        Labels().add_maps([pair])


def test_rejects_file_holds_the_bad_rows_for_fixing(register, tmp_path, invoke):
    rows = [list(r) for r in MOJ_ROWS]
    rows[1][2] = "soon"
    path = moj_csv(tmp_path / "m.csv", rows)
    out = tmp_path / "to-fix.csv"
    result = invoke(
        "import", path, "--value-map", MOJ_UPHELD[0], "--rejects", out, "--skip-bad",
        "--today", TODAY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Imported 3 of 4 rows (3 new); 1 rows with problems" in result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel opens it"
    got = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["row"], r["Name"], r["problems"]) for r in got] == [
        ("3", "Ida Kay", "received: 'soon' is not a date (write 2021-06-05, 05/06/2021 or 5"
         " June 2021)")
    ]  # fmt: skip
    result = invoke("import", path, "--rejects", register.path, "--dry-run")
    assert result.exit_code == 1
    assert "over the register" in result.output
    assert register.scalar("SELECT COUNT(*) FROM requests") == 3


# -- idempotent, and undone ---------------------------------------------------------------------


def test_a_second_import_never_duplicates(register, tmp_path):
    path = moj_csv(tmp_path / "m.csv")
    import_file(register, "rm", path, value_maps=MOJ_UPHELD, today=TODAY)
    again = import_file(register, "rm", path, value_maps=MOJ_UPHELD, today=TODAY)
    assert (again.imported, len(again.unchanged)) == ([], 4), "unchanged rows are skipped"
    # A corrected file without references: matched on received date, requester and subject.
    rows = [[""] + list(r[1:]) for r in MOJ_ROWS]
    import_file(register, "rm", moj_csv(tmp_path / "first.csv", rows), value_maps=MOJ_UPHELD,
                today=TODAY)  # fmt: skip
    assert register.scalar("SELECT COUNT(*) FROM requests") == 4
    rows[0][8] = "Refused fully"
    rows[0][9] = "S43(2)"
    fixed = import_file(
        register, "rm", moj_csv(tmp_path / "fixed.csv", rows), value_maps=MOJ_UPHELD, today=TODAY
    )
    assert (len(fixed.imported), len(fixed.updated), len(fixed.unchanged)) == (0, 1, 3)
    assert register.scalar("SELECT COUNT(*) FROM requests") == 4, "no duplicate requests"
    assert register.scalar("SELECT COUNT(*) FROM requests WHERE original_reference IS NULL") == 0
    ref = fixed.updated[0]
    assert register.scalar("SELECT outcome FROM requests WHERE reference = ?", (ref,)) == (
        "withheld-in-full"
    )


def test_undo_removes_one_import_in_one_transaction(register, tmp_path, invoke):
    first = import_file(register, "rm", police_utf16(tmp_path / "p.txt"), today=TODAY)
    before = counts(register)
    second = import_file(register, "rm", authority_xlsx(tmp_path / "a.xlsx"), today=TODAY)
    result = invoke("import", "--undo", second.batch)
    assert result.output.strip() == f"Removed 6 requests of import {second.batch}"
    assert counts(register) == before, "the other import is untouched"
    result = invoke("import", "--undo", second.batch)
    assert result.exit_code == 1 and "already undone" in result.output
    # A request worked on since its import is not silently thrown away.
    # (Publishing one historic request later, by its office reference, is such a change.)
    assert invoke("request", "set", "4/19", "--publish").exit_code == 0
    assert register.scalar("SELECT publish FROM requests WHERE original_reference = '4/19'")
    result = invoke("import", "--undo", first.batch)
    assert result.exit_code == 1 and "changed since" in result.output, result.output
    assert register.scalar("SELECT COUNT(*) FROM requests") == 5


# -- one validation path for open requests ------------------------------------------------------

OPEN_ROWS = [
    # (cells changed in an open MoJ row, message, why)
    ({6: "not-an-email"}, "not valid", "an open request's email is checked as request add does"),
    ({4: "", 6: ""}, "requester's name", "FOIA s.8(1)(b): an open request needs its requester"),
    ({2: "2026-01-01"}, "in the future", "a request received in the future"),
]


@pytest.mark.parametrize("change, message, why", OPEN_ROWS, ids=[o[2] for o in OPEN_ROWS])
def test_open_rows_go_through_the_lifecycle(register, tmp_path, change, message, why):
    row = list(MOJ_ROWS[0])
    row[3] = row[8] = ""  # open
    for i, value in change.items():
        row[i] = value
    with pytest.raises(RowsRejected) as info:
        import_file(register, "rm", moj_csv(tmp_path / "m.csv", [row]), today=TODAY)
    assert message in info.value.report.problems[0].message, why


def test_the_same_row_closed_is_history(register, tmp_path):
    row = list(MOJ_ROWS[0])
    row[6] = "not-an-email"
    import_file(register, "rm", moj_csv(tmp_path / "m.csv", [row]), today=TODAY)
    assert "not a valid address" in register.scalar("SELECT import_flags FROM requests")


def test_imported_open_requests_are_not_offered_for_acknowledgement(register, tmp_path, invoke):
    import_file(register, "rm", authority_xlsx(tmp_path / "a.xlsx"), today=TODAY)
    invoke("request", "add", "--received", "2024-04-30", "--subject", "New", "--requester-name",
           "N", "--requester-email", "n@example.org", "--today", TODAY)  # fmt: skip
    from foikit.letters import needing_letter

    assert needing_letter(register, "acknowledgement") == ["FOI-2024-0002"], (
        "the imported open request received in April was acknowledged by the old system"
    )


# -- reference.next -------------------------------------------------------------------------------

NEXT = [
    ("FOI-2024-0120", "FOI-2024-0120", "continues the office's numbering"),
    ("foi/2024/120", "FOI-2024-0120", "written another way"),
    ("FOI-2023-0500", "FOI-2024-0001", "another year: the register's own count"),
    ("EIR-2024-0050", "FOI-2024-0001", "another prefix"),
]


@pytest.mark.parametrize("value, expected, why", NEXT, ids=[n[2] for n in NEXT])
def test_reference_next(register, invoke, value, expected, why):
    assert invoke("settings", "set", "reference.next", value).exit_code == 0
    result = invoke("request", "add", "--received", "2024-04-30", "--subject", "S",
                    "--requester-name", "N", "--requester-email", "n@example.org",
                    "--today", TODAY)  # fmt: skip
    assert result.output.strip().splitlines()[-1] == expected, why


def test_reference_next_refuses_a_non_reference(register, invoke):
    result = invoke("settings", "set", "reference.next", "next one")
    assert result.exit_code == 1
    assert result.output.startswith("Error: reference.next must be a reference such as")


# -- reading -------------------------------------------------------------------------------------

ENCODINGS = [
    ("utf-8-sig", None, "UTF-8 with a byte-order mark"),
    ("utf-8", None, "UTF-8"),
    ("utf-16", None, "UTF-16 with a byte-order mark (Excel's Unicode text)"),
    ("utf-16-be", None, "UTF-16 big-endian needs its mark: declared"),
    ("cp1252", "cp1252", "Windows-1252, declared"),
]


@pytest.mark.parametrize("encoding, declared, why", ENCODINGS, ids=[e[2] for e in ENCODINGS])
def test_encodings(tmp_path, encoding, declared, why):
    path = tmp_path / "r.csv"
    text = "received,subject\r\n05/06/2021,Zoë's request\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    table = read_table(path, encoding=declared)
    assert table.rows[0][1] == ["05/06/2021", "Zoë's request"], why


BAD_FILES = [
    (b"received,subject\r\n05/06/2021,Zo\xeb\r\n", "row 2: byte 31 (0xEB) is not utf-8",
     "one stray byte is refused, naming the row and byte, never guessed"),
    (b"received,subject\r\n05/06/2021,a,b\r\n", "3 cells but the header 2", "an unquoted comma"),
    (b"received,subject,notes\r\n05/06/2021,a\r\n", "2 cells but the header 3",
     "a lost cell, blank cells included"),
    (b"received,subject\r\n05/06/2021,a\x00\r\n", "NUL byte", "a NUL byte"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old Excel .xls", "an .xls workbook"),
]  # fmt: skip


@pytest.mark.parametrize("data, message, why", BAD_FILES, ids=[b[2] for b in BAD_FILES])
def test_bad_files_are_refused_with_the_reason(register, tmp_path, data, message, why):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(Exception) as info:
        import_file(register, "rm", path, today=TODAY)
    report = getattr(info.value, "report", None)
    said = [str(info.value), *(p.message for p in (report.problems if report else []))]
    assert any(message in m for m in said), (why, said)
    assert register.scalar("SELECT COUNT(*) FROM requests") == 0


def test_a_named_sheet_and_a_missing_one(register, tmp_path):
    path = authority_xlsx(tmp_path / "a.xlsx")
    with pytest.raises(Exception, match="no sheet 'Closed' \\(its sheets: Register, Notes\\)"):
        import_file(register, "rm", path, sheet="Closed", today=TODAY)
    with pytest.raises(Exception, match="no received or subject column"):
        import_file(register, "rm", path, sheet="Notes", today=TODAY)
    assert len(import_file(register, "rm", path, sheet="Register", today=TODAY).imported) == 6


# -- export and statistics ------------------------------------------------------------------------


def test_export_gives_labels_exemptions_and_a_bom(register, tmp_path, invoke):
    import_file(register, "rm", police_utf16(tmp_path / "p.txt"), today=TODAY)
    out = tmp_path / "out.csv"
    assert invoke("export", "--csv", "--out", out).exit_code == 0
    data = out.read_bytes()
    assert data[:3] == b"\xef\xbb\xbf"
    got = {
        r["original_reference"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    }
    assert (got["4/19"]["outcome"], got["4/19"]["outcome_label"]) == (
        "partially-withheld",
        "Partially withheld",
    )
    assert got["4/19"]["exemptions"] == "40, 31"
    result = invoke("export", "--csv", "--out", register.path)
    assert result.exit_code == 1 and "over the register" in result.output


def test_financial_year_quarters_and_the_cabinet_office_exclusion(register, tmp_path):
    rows = [
        ["1", "FOI", "2021-04-06", "2021-04-20", "A", "", "a@example.org", "m", "Refused fully",
         "s21", ""],
        ["2", "FOI", "2021-07-01", "2021-07-20", "B", "", "b@example.org", "m", "Refused fully",
         "s21, s40(2)", ""],
        ["3", "FOI", "2022-01-10", "2022-01-20", "C", "", "c@example.org", "m", "Granted in full",
         "", ""],
        ["4", "FOI", "2022-04-01", "2022-04-20", "D", "", "d@example.org", "m", "Granted in full",
         "", ""],
    ]  # fmt: skip
    import_file(register, "rm", moj_csv(tmp_path / "m.csv", rows), today=TODAY)
    result = financial_year_stats(register, year="2021-22", today=TODAY)
    assert [p["period"] for p in result["periods"]] == [
        "2021-22 Q1", "2021-22 Q2", "2021-22 Q3", "2021-22 Q4",
    ]  # fmt: skip
    assert [p["received"] for p in result["periods"]] == [1, 1, 0, 1], "April-June is Q1"
    assert result["received"] == 3, "April 2022 is the next financial year"
    co = result["cabinet_office"]
    assert (co["excluded_s21_only"], co["withheld_in_full"], co["resolvable"]) == (1, 1, 2), (
        "withheld under s.21 alone is left out; s.21 with s.40(2) stays"
    )
    assert result["outcomes"]["withheld-in-full"] == 2, "foikit's own figures are unchanged"


def test_cli_import_dry_run_shows_columns_problems_and_summary(register, tmp_path, invoke):
    path = moj_csv(tmp_path / "m.csv")
    result = invoke("import", path, "--dry-run", "--today", TODAY)
    assert result.exit_code == 1
    out = result.output
    assert "'Date received' -> received" in out
    assert "unknown review outcome 'Upheld': 2 rows (3, 4); declare it with" in out
    assert out.strip().splitlines()[-1].startswith("Error: 2 of 4 rows cannot be imported")
    result = invoke("import", path, "--value-map", MOJ_UPHELD[0], "--today", TODAY)
    assert "Imported 4 of 4 rows (4 new)" in result.output
    assert POLICE_ROWS  # the three shapes share one support module


def test_a_row_the_lifecycle_refuses_halfway_leaves_nothing(register, tmp_path):
    # add_request succeeds, then answer_question refuses a qualified exemption without public
    # interest reasons: the row's savepoint takes the request back with it (--skip-bad).
    header = "received,subject,requester_name,requester_email,question_1,exemptions_1\r\n"
    path = tmp_path / "r.csv"
    path.write_text(
        header + "05/06/2021,Good,A,a@example.org,Q?,\r\n"
        "05/06/2021,Bad,B,b@example.org,Q?,31(1)(a): prejudice\r\n",
        encoding="utf-8",
    )
    report = import_file(register, "rm", path, skip_bad=True, today=TODAY)
    assert report.imported == ["FOI-2021-0001"]
    assert [p.row for p in report.problems] == [3]
    assert register.query("SELECT subject FROM requests") == [{"subject": "Good"}]
    assert register.scalar("SELECT COUNT(*) FROM requesters") == 1, "no orphan requester"


PUBLISH = [
    ([], None, 0, "history stays private by default"),
    (["--publish"], None, 1, "--publish chooses the disclosure log for the import"),
    ([], "yes", 1, "a publish column chooses per row"),
]


@pytest.mark.parametrize("flags, cell, expected, why", PUBLISH, ids=[p[3] for p in PUBLISH])
def test_history_is_published_only_when_chosen(
    register, tmp_path, invoke, flags, cell, expected, why
):
    path = tmp_path / "r.csv"
    extra = ",publish" if cell else ""
    path.write_text(
        f"received,subject,responded,outcome{extra}\r\n"
        f"05/06/2021,Old case,20/06/2021,Granted in full{',' + cell if cell else ''}\r\n",
        encoding="utf-8",
    )
    assert invoke("import", path, *flags, "--today", TODAY).exit_code == 0
    assert register.scalar("SELECT publish FROM requests") == expected, why


def test_cli_financial_year(register, tmp_path, invoke):
    import_file(register, "rm", moj_csv(tmp_path / "m.csv"), value_maps=MOJ_UPHELD, today=TODAY)
    result = invoke("stats", "--financial-year", "2021-22", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "2021-22 Q1" in result.output and "Cabinet Office: resolvable 3" in result.output
    result = invoke("stats", "--financial-year", "2021-23")
    assert result.exit_code == 1 and "the years must follow each other" in result.output
    result = invoke("stats", "--financial-year", "2021-22", "--by", "month")
    assert result.exit_code == 2
