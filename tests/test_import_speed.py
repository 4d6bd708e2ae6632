"""What makes an import fast changes nothing it does (issue 12: bench/ figures no worse).

An import's unit of work indexes the requests it writes for search once, at its end, instead
of after every write (foikit.register.bulk); reads the calendar and the SAR nation once, until
a write changes them (Register.cached_read); and names its savepoints by depth. Each is
attacked here: the search index and its triggers after an import are exactly what row-by-row
indexing leaves, whatever the import did (new, open, closed, rewritten, refused, dry run); a
holiday or setting changed inside the unit of work is seen at once, and one undone is not.
"""

from __future__ import annotations

import datetime as dt

import pytest
from test_import import GOOD, TODAY, write_csv

from foikit.casework import lifecycle
from foikit.casework.search import search
from foikit.clock.duedates import add_holiday, load_calendar, sar_nation
from foikit.errors import FoikitError
from foikit.records.importer import RowsRejected, import_csv, undo_import
from foikit.register.bulk import SEARCH_TRIGGERS
from foikit.register.settings import set_setting

# What the index must hold for every request: the triggers' own formula (schema._FTS_REFRESH).
INDEXED = """
    SELECT r.id, r.subject,
        (SELECT group_concat(q.text, ' ') FROM questions q WHERE q.request_id = r.id),
        (SELECT group_concat(a.text, ' ') FROM answers a JOIN questions q
            ON q.id = a.question_id WHERE q.request_id = r.id)
    FROM requests r ORDER BY r.id
"""


def index_state(reg):
    held = [tuple(r.values()) for r in reg.query(
        "SELECT rowid, subject, questions, answers FROM request_fts ORDER BY rowid"
    )]  # fmt: skip
    triggers = reg.query("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
    return held, sorted(tuple(t.values()) for t in triggers)


def assert_index_true(reg, why):
    held, _ = index_state(reg)
    assert held == [tuple(r.values()) for r in reg.query(INDEXED)], why


CLOSED = {
    **GOOD,
    "subject": "Kestrel nesting boxes",
    "responded": "2021-06-20",
    "outcome": "granted-in-full",
    "answer_1": "Fourteen peregrine ledges.",
}
OPEN = {**GOOD, "subject": "Heron survey", "question_1": "How many herons nest?"}
EXEMPT_NO_PI = {**GOOD, "subject": "Badger setts", "exemptions_1": "31(1)(a): prejudice"}

IMPORTS = [
    ([CLOSED], {}, "a closed row: history"),
    ([OPEN], {}, "an open row: through the lifecycle"),
    ([CLOSED, OPEN, {**CLOSED, "received": "2021-06-07", "subject": "Otters"}], {}, "a mix"),
    (
        [OPEN, EXEMPT_NO_PI, CLOSED],
        {"skip_bad": True},
        "a row the lifecycle refuses halfway: its savepoint undone, the rest indexed",
    ),
]


@pytest.mark.parametrize("rows, options, why", IMPORTS, ids=[c[2] for c in IMPORTS])
def test_the_index_after_an_import_is_what_row_by_row_indexing_leaves(
    register, tmp_path, rows, options, why
):
    lifecycle.add_request(register, "officer", received="2021-06-01", subject="Swift towers",
                          questions=["Where?"], requester_name="P", requester_email="p@example.org",
                          today=TODAY)  # fmt: skip
    _, triggers = index_state(register)
    assert len(triggers) >= len(SEARCH_TRIGGERS)
    header = list(dict.fromkeys(k for r in rows for k in r))
    import_csv(register, "importer", write_csv(tmp_path / "r.csv", rows, header), today=TODAY,
               **options)  # fmt: skip
    assert index_state(register)[1] == triggers, "the triggers are back, exactly as they were"
    assert_index_true(register, why)
    assert [r["subject"] for r in search(register, "swift")] == ["Swift towers"], why
    # The triggers work again after the import: a request logged now is found at once.
    ref = lifecycle.add_request(register, "officer", received="2021-06-02", subject="Curlew",
                                questions=["Q?"], requester_name="P",
                                requester_email="p@example.org", today=TODAY)  # fmt: skip
    lifecycle.answer_question(register, "officer", ref, 1, text="Lapwing counts attached.")
    assert [r["reference"] for r in search(register, "lapwing")] == [ref]
    assert_index_true(register, why)


def test_an_imported_answer_is_found_by_search(register, tmp_path):
    import_csv(register, "importer", write_csv(tmp_path / "r.csv", [CLOSED, OPEN]), today=TODAY)
    assert [r["subject"] for r in search(register, "peregrine")] == ["Kestrel nesting boxes"]
    assert [r["subject"] for r in search(register, "herons")] == ["Heron survey"]


def test_a_rewritten_row_and_an_undo_leave_the_index_true(register, tmp_path):
    first = import_csv(register, "importer", write_csv(tmp_path / "a.csv", [CLOSED]), today=TODAY)
    fixed = {**CLOSED, "answer_1": "Nine merlin ledges."}
    again = import_csv(register, "importer", write_csv(tmp_path / "b.csv", [fixed]), today=TODAY)
    assert again.updated == first.imported, "the corrected row rewrote the request"
    assert_index_true(register, "rewritten: its old answer gone from the index")
    assert search(register, "peregrine") == []
    assert [r["reference"] for r in search(register, "merlin")] == first.imported
    undo_import(register, "importer", first.batch)
    assert_index_true(register, "undone: nothing of it left in the index")
    assert search(register, "merlin") == []


def test_a_refused_file_and_a_dry_run_leave_index_and_triggers_untouched(register, tmp_path):
    import_csv(register, "importer", write_csv(tmp_path / "a.csv", [CLOSED]), today=TODAY)
    before = index_state(register)
    bad = write_csv(tmp_path / "bad.csv", [OPEN, {**GOOD, "received": "soon"}])
    with pytest.raises(RowsRejected):
        import_csv(register, "importer", bad, today=TODAY)
    assert index_state(register) == before, "rolled back with the import"
    report = import_csv(register, "importer", write_csv(tmp_path / "o.csv", [OPEN]),
                        dry_run=True, today=TODAY)  # fmt: skip
    assert report.imported and index_state(register) == before, "a dry run changes nothing"


def days(reader):
    return {h.date for h in load_calendar(reader).holidays}


def test_a_holiday_added_inside_a_unit_of_work_is_seen_and_one_undone_is_not(register):
    day = dt.date(2021, 6, 9)  # a Wednesday
    with register.unit_of_work("officer") as tx:
        assert day not in days(tx)
        add_holiday(register, day, "Jubilee", "officer")
        assert day in days(tx), "a write to holidays drops the kept calendar"
        other = dt.date(2021, 6, 10)
        with pytest.raises(FoikitError), register.savepoint("officer"):
            add_holiday(register, other, "Undone", "officer")
            assert other in days(tx)
            raise FoikitError("the row fails")
        assert other not in days(tx), "an undone savepoint drops it too"
        assert day in days(tx)


def test_a_setting_changed_inside_a_unit_of_work_is_seen(register):
    with register.unit_of_work("officer") as tx:
        assert sar_nation(tx) == "ENG"
        set_setting(register, "clock.sar_nation", "SCT", "officer")
        assert sar_nation(tx) == "SCT", "clock.sar_nation bound to the rule at once"
    assert sar_nation(register) == "SCT"


def test_savepoints_named_by_depth_undo_only_their_own_rows(register):
    def add(subject):
        return lifecycle.add_request(register, "officer", received="2021-06-01", subject=subject,
                                     questions=["Q?"], requester_name="P",
                                     requester_email="p@example.org", today=TODAY)  # fmt: skip

    with register.unit_of_work("officer"):
        for subject, fails in (("one", False), ("two", True), ("three", False), ("four", True)):
            try:
                with register.savepoint("officer"):
                    add(subject)  # a transaction inside: one level deeper
                    add(subject + " again")
                    if fails:
                        raise FoikitError("undo this row")
            except FoikitError:
                pass
    subjects = [r["subject"] for r in register.query("SELECT subject FROM requests ORDER BY id")]
    assert subjects == ["one", "one again", "three", "three again"]
    assert_index_true(register, "savepoints and the index")
