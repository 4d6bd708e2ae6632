"""`foikit import`: bring in a register as the office keeps it (Excel or CSV), in one transaction.

The path of a row:

1. foikit.records.reading reads the file (an `.xlsx` sheet, or CSV decoded strictly);
2. foikit.records.headers matches its headers to fields by synonyms (`Date received`, `Email`,
   `Request title`...), `--map FIELD=COLUMN` for others; unmatched columns become notes;
3. foikit.records.rows reads each row's cells (labels through foikit.records.values, with
   `--value-map FIELD:LABEL=CODE`), listing every problem of the row;
4. the row is written, inside one unit of work for the whole file (`Register.unit_of_work`):
   - an **open** request through the lifecycle itself (`add_request`, `clarify`, `fee`,
     `extend`, `answer_question`...), so every rule that holds for a request logged by hand
     holds for an imported one, by construction, and its due date is the clock's;
   - a **closed** request through foikit.records.history: kept as recorded, marked imported,
     not published unless chosen.
   Each row is a savepoint: a row that breaks a rule is undone alone and reported.

All or nothing: when any row has a problem nothing is imported (unless `skip_bad`). A dry run
runs every row exactly as the import would, then rolls the whole unit of work back.

Idempotent: a row matching a request an earlier import made (its original reference, else its
received date, requester and subject) is skipped when unchanged, rewritten when it changed
(closed requests not touched in foikit since), never duplicated. `undo_import(BATCH)` removes
the requests one import created, in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError, ImportFailed
from foikit.law.regimes import get_regime
from foikit.records.headers import match_columns, parse_mapping
from foikit.records.history import normalise_email_fast
from foikit.records.reading import Table, read_table
from foikit.records.rows import Record, RowReader, clean_email
from foikit.records.values import Labels, parse_uk_date

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader


__all__ = [
    "ImportReport",
    "Problem",
    "RowsRejected",
    "clean_email",
    "import_csv",
    "import_file",
    "normalise_email_fast",
    "parse_mapping",
    "parse_uk_date",
    "undo_import",
]


class RowsRejected(ImportFailed):
    """Some rows cannot be taken; `report` says which and why."""

    def __init__(self, message: str, report: ImportReport):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet row (the header is row 1)
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    batch: str | None = None
    imported: list[str] = field(default_factory=list)  # new requests, in file order
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header, field)
    notes_columns: list[str] = field(default_factory=list)
    unknown_values: list[dict[str, Any]] = field(default_factory=list)
    unknown_lines: list[str] = field(default_factory=list)
    rejected_rows: int = 0
    dry_run: bool = False
    lines: dict[str, int] = field(default_factory=dict)  # reference -> its row in the file

    @property
    def unused_columns(self) -> list[str]:
        return self.notes_columns

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        bits = [f"{len(self.imported)} new"]
        if self.updated:
            bits.append(f"{len(self.updated)} updated")
        if self.unchanged:
            bits.append(f"{len(self.unchanged)} unchanged")
        line = (
            f"{verb} {len(self.imported) + len(self.updated)} of {self.rows} rows"
            f" ({', '.join(bits)})"
        )
        if self.rejected_rows:
            line += f"; {self.rejected_rows} rows with problems"
        if self.batch and not self.dry_run:
            line += f"; batch {self.batch} (undo: foikit import --undo {self.batch})"
        return line

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows": self.rows,
            "batch": self.batch,
            "imported": 0 if self.dry_run else len(self.imported),
            "would_import": len(self.imported) if self.dry_run else None,
            "references": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected_rows": self.rejected_rows,
            "problems": [{"row": p.row, "message": p.message} for p in self.problems],
            "warnings": [{"row": p.row, "message": p.message} for p in self.warnings],
            "columns": [{"column": c, "field": f} for c, f in self.columns],
            "notes_columns": self.notes_columns,
            "unknown_values": self.unknown_values,
            "dry_run": self.dry_run,
        }


_FOIKIT_REF = re.compile(r"^([A-Za-z]+)[\s/_.\-]+(\d{4})[\s/_.\-]+(\d{1,9})$")


def foikit_reference(text: str | None, regime: str) -> tuple[str, int, int] | None:
    """`FOI-2021-0001` or `FOI/2021/1` in the regime's own prefix: (reference, year, seq)."""
    if not text:
        return None
    match = _FOIKIT_REF.match(text.strip())
    prefix = get_regime(regime).prefix
    if not match or match[1].upper() != prefix or int(match[3]) < 1:
        return None
    year, seq = int(match[2]), int(match[3])
    return f"{prefix}-{year}-{seq:04d}", year, seq


def _row_hash(cells: list[str]) -> str:
    return hashlib.sha256("\x1f".join(c.strip() for c in cells).encode()).hexdigest()[:24]


@dataclass
class _Options:
    actor: str
    publish: bool
    today: dt.date
    batch: str
    cal: Any = None  # the calendar and SAR nation, read once inside the import's transaction
    nation: str = "ENG"
    deadlines: dict[Any, Any] = field(default_factory=dict)  # worked out once per import
    # Whether any request came from an earlier import: when none did, no row can match one,
    # and the two lookups a row would make for it are skipped.
    earlier: bool = True


def import_file(
    reg: Register,
    actor: str,
    source: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    value_maps: tuple[str, ...] | list[str] = (),
    encoding: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    publish: bool = False,
    rejects: str | Path | None = None,
    today: dt.date,
) -> ImportReport:
    """Import a register file; see the module's docstring. RowsRejected (with the report) when
    any row is bad and `skip_bad` is not given: nothing is written then, nor with `dry_run`."""
    table = read_table(source, encoding=encoding, sheet=sheet)
    columns = match_columns(table.headers, mapping or {})
    labels = Labels()
    if "review_outcome_label" in columns.fields or "review_outcome" in table.headers:
        # foikit's own columns (its export): its review codes are foikit's, `upheld` the
        # decision upheld; a column headed otherwise ("Appeal outcome") must say.
        labels.declared["review_outcome"] = {"upheld": "upheld"}
    labels.add_maps(value_maps)
    reader = RowReader(table.headers, columns, labels, today)
    report = ImportReport(
        str(source),
        rows=len(table.rows),
        columns=columns.fed,
        notes_columns=[h for _, h in columns.unmapped],
        dry_run=dry_run,
    )
    records: list[tuple[Record, str]] = []
    for line, cells in table.rows:
        if line in table.broken:
            rec = Record(line, problems=[table.broken[line]])
        else:
            rec = reader.read(line, cells)
        records.append((rec, _row_hash(cells)))
    _duplicates_in_file(records)
    at = dt.datetime.now(dt.UTC)
    batch = f"{at:%Y%m%dT%H%M%S}-{table.sha256[:6]}{secrets.token_hex(2)}"
    options = _Options(actor, publish, today, batch)
    with reg.unit_of_work(actor, commit=not dry_run, bulk=True) as tx:
        from foikit.clock.duedates import load_calendar, sar_nation

        options.cal, options.nation = load_calendar(tx), sar_nation(tx)
        options.earlier = (
            tx.execute("SELECT 1 FROM requests WHERE import_batch IS NOT NULL LIMIT 1").fetchone()
            is not None
        )
        tx.insert(
            "import_batches",
            {"id": batch, "file": Path(source).name, "sha256": table.sha256, "at": tx.at,
             "actor": actor, "rows": len(records), "imported": 0},
            pk="id", action="import",
        )  # fmt: skip
        # Rows that carry a reference of foikit's own form first, so that a row without one
        # never takes a number a later row of the file names.
        order = sorted(records, key=lambda r: foikit_reference(r[0].reference, r[0].regime) is None)
        for rec, digest in order:
            if not rec.problems:
                _import_one(reg, rec, digest, options, report)
        lines = {rec.line: i for i, (rec, _) in enumerate(records)}
        for refs in (report.imported, report.updated, report.unchanged):
            refs.sort(key=lambda ref: lines.get(report.lines.get(ref, 0), 0))
        bad = [rec for rec, _ in records if rec.problems]
        for rec, _ in records:
            report.problems.extend(Problem(rec.line, m) for m in rec.problems)
            report.warnings.extend(Problem(rec.line, m) for m in rec.warnings)
            if not rec.problems:
                report.warnings.extend(Problem(rec.line, f"kept: {m}") for m in rec.flags)
        report.rejected_rows = len(bad)
        report.unknown_values = reader.unknowns.as_list()
        report.unknown_lines = reader.unknowns.lines()
        if rejects is not None:
            write_rejects(reg, rejects, table, [r.line for r in bad], records)
        if bad and not skip_bad:
            raise RowsRejected(
                f"{len(bad)} of {len(records)} row{'s' if len(records) != 1 else ''} cannot be"
                " imported, so nothing was imported (fix them, or use --skip-bad to import the"
                " rest)",
                report,
            )
        _finish_batch(tx, batch, table, Path(source).name, report, skipped=len(bad))
        report.batch = batch
    return report


def _finish_batch(
    tx: Tx, batch: str, table: Table, name: str, report: ImportReport, skipped: int
) -> None:
    """The batch's counts, the audit trail's last row so far (undo refuses a request worked
    on after it), and one `import` audit row naming the file."""
    counts = {
        "imported": len(report.imported),
        "updated": len(report.updated),
        "skipped": skipped + len(report.unchanged),
    }
    last = int(tx.execute("SELECT MAX(id) FROM audit").fetchone()[0]) + 1
    tx.update("import_batches", batch, {**counts, "last_audit": last}, pk="id", action="import")
    tx.audit(
        "import",
        new={"file": name, "sha256": table.sha256, "batch": batch, "rows": report.rows, **counts},
    )


def import_csv(reg: Register, actor: str, source: str | Path, **kwargs: Any) -> ImportReport:
    """The import under its first name (CSV was all it read)."""
    return import_file(reg, actor, source, **kwargs)


def _duplicates_in_file(records: list[tuple[Record, str]]) -> None:
    seen: dict[str, int] = {}
    for rec, _ in records:
        if rec.problems or rec.received is None:
            continue
        key = f"ref:{rec.original_reference}" if rec.original_reference else rec.match_key()
        if key in seen:
            what = rec.original_reference or "the same received date, requester and subject"
            rec.problems.append(f"{what} is also in row {seen[key]} of the file")
        else:
            seen[key] = rec.line


def _existing(reg: Reader, rec: Record, batch: str, earlier: bool = True) -> dict[str, Any] | None:
    """The request an earlier import made of this row, if any (none when no `earlier` import
    made any request); a reference already taken by a request logged in foikit is a problem
    of the row."""
    ours = foikit_reference(rec.reference, rec.regime)
    if rec.original_reference:
        row = None
        if earlier:
            row = reg.one(
                "SELECT * FROM requests WHERE import_batch IS NOT NULL AND import_batch != ?"
                " AND original_reference = ?",
                (batch, rec.original_reference),
            )
        if row is None and ours is not None:
            row = reg.one("SELECT * FROM requests WHERE reference = ?", (ours[0],))
            if row is not None and row["import_batch"] is None:
                raise FoikitError(f"{ours[0]} is already in the register (not from an import)")
            if row is None and reg.one(
                "SELECT 1 FROM requests WHERE regime = ? AND year = ? AND seq = ?",
                (rec.regime, ours[1], ours[2]),
            ):
                raise FoikitError(f"{ours[0]} is already in the register")
        return row
    if not earlier:
        return None
    return reg.one(
        "SELECT * FROM requests WHERE import_batch IS NOT NULL AND import_batch != ?"
        " AND import_key = ?",
        (batch, rec.match_key()),
    )


def _import_one(
    reg: Register, rec: Record, digest: str, opts: _Options, report: ImportReport
) -> None:
    try:
        with reg.savepoint(opts.actor) as tx:
            existing = _existing(reg, rec, opts.batch, opts.earlier)
            if existing is not None:
                report.lines[existing["reference"]] = rec.line
            if existing is not None and existing["import_hash"] == digest:
                report.unchanged.append(existing["reference"])
                return
            if existing is not None:
                _update(tx, rec, digest, existing, opts, report)
                return
            marks = _marks(rec, digest, opts)
            if rec.closed:
                ref = _new_history(tx, rec, marks, opts)
            else:
                ref = _new_open(reg, tx, rec, marks, opts)
            report.imported.append(ref)
            report.lines[ref] = rec.line
    except FoikitError as e:
        rec.problems.append(str(e))


def _marks(rec: Record, digest: str, opts: _Options) -> dict[str, Any]:
    return {
        "import_batch": opts.batch,
        "original_reference": rec.original_reference,
        "import_key": rec.match_key(),
        "import_hash": digest,
    }


def _new_history(tx: Tx, rec: Record, marks: dict[str, Any], opts: _Options) -> str:
    from foikit.casework.common import next_seq
    from foikit.records.history import write_history

    assert rec.received is not None
    kind = get_regime(rec.regime)
    ours = foikit_reference(rec.reference, rec.regime)
    if ours is not None:
        reference, year, seq = ours
    else:
        year = rec.received.year
        seq = next_seq(tx, kind.key, kind.prefix, year)
        reference = f"{kind.prefix}-{year}-{seq:04d}"
    write_history(
        tx, rec, reference=reference, year=year, seq=seq, marks=marks, publish=opts.publish,
        cal=opts.cal, nation=opts.nation, deadlines=opts.deadlines,
    )  # fmt: skip
    return reference


def _new_open(reg: Register, tx: Tx, rec: Record, marks: dict[str, Any], opts: _Options) -> str:
    """An open request, created by the lifecycle exactly as an officer would log it (through
    the Register: each lifecycle call is a savepoint of the import's unit of work, `tx`, which
    then marks the request as imported)."""
    from foikit.casework import lifecycle
    from foikit.casework.common import get_request_row

    assert rec.received is not None
    if rec.review is not None:
        raise FoikitError("an open request cannot have an internal review: give its response")
    ours = foikit_reference(rec.reference, rec.regime)
    ref = lifecycle.add_request(
        reg, opts.actor, received=rec.received, subject=rec.subject, regime=rec.regime,
        questions=[q["text"] for q in rec.questions], requester_name=rec.requester_name,
        requester_email=rec.requester_email, requester_address=rec.requester_address,
        handler=rec.handler, channel=rec.channel, today=opts.today,
        reference=ours[0] if ours else None,
        publish=True if rec.publish is None else rec.publish, notes=rec.notes,
    )  # fmt: skip
    for event in rec.events:
        _event(reg, ref, event, opts)
    for q in rec.questions:
        if q["status"] or q["answer"] or q["exemptions"]:
            lifecycle.answer_question(
                reg, opts.actor, ref, q["number"], text=q["answer"],
                not_held=q["status"] == "not-held",
                exemptions=[
                    (e["section"], e["reason"], e["public_interest"]) for e in q["exemptions"]
                ],
                ncnd=any(e["ncnd"] for e in q["exemptions"]),
            )  # fmt: skip
    if rec.exemptions and not any(q["exemptions"] for q in rec.questions):
        rec.warnings.append(
            "an open request's exemptions are recorded with its answers"
            f" (`foikit request answer {ref} N --exempt SECTION`); kept in its notes"
        )
        cited = "Exemptions: " + ", ".join(rec.exemptions)
        marks = {**marks, "notes": "\n".join(filter(None, [rec.notes, cited]))}
    row = get_request_row(reg, ref)
    if rec.due is not None and row["due"] is not None and rec.due.isoformat() != row["due"]:
        rec.warnings.append(f"due {rec.due} in the file; the statutory date {row['due']} is used")
    tx.update("requests", row["id"], marks, action="import")
    return ref


def _event(reg: Register, ref: str, event: dict[str, Any], opts: _Options) -> None:
    from foikit.casework import lifecycle

    kind, day, actor = event["kind"], event["date"], opts.actor
    if day is None and kind != "extend":
        raise FoikitError(f"the {kind} event has no date")
    if kind == "clarify":
        lifecycle.clarify(reg, actor, ref, sent=day, today=opts.today)
    elif kind == "clarified":
        lifecycle.clarified(reg, actor, ref, received=day, today=opts.today)
    elif kind == "fee":
        lifecycle.fee(reg, actor, ref, sent=day, amount=event["amount"], today=opts.today)
    elif kind == "fee-paid":
        lifecycle.fee_paid(reg, actor, ref, paid=day, today=opts.today)
    elif kind == "extend":
        lifecycle.extend(
            reg, actor, ref, reason=event["reason"] or "public-interest", days=event["days"],
            on=day, today=opts.today,
        )  # fmt: skip
    else:
        raise FoikitError(f"an open request cannot be imported with a {kind} event")


def _update(
    tx: Tx,
    rec: Record,
    digest: str,
    existing: dict[str, Any],
    opts: _Options,
    report: ImportReport,
) -> None:
    """A corrected row of an earlier import: a closed request nobody has touched since is
    rewritten as the row now says; anything else is left as it is, with a warning."""
    from foikit.records.history import write_history

    ref = existing["reference"]
    touched = tx.scalar(
        "SELECT COUNT(*) FROM audit a JOIN import_batches b ON b.id = ?"
        " WHERE a.request_id = ? AND a.id >= b.last_audit"
        " AND a.action NOT IN ('import', 'import-remove')",
        (existing["import_batch"], existing["id"]),
    )
    if not (rec.closed and existing["status"] == "closed") or touched:
        why = "changed in foikit since" if touched else "open in foikit or in the file"
        rec.warnings.append(f"matches {ref}, {why}: not overwritten")
        report.unchanged.append(ref)
        return
    marks = {**_marks(rec, digest, opts), "import_batch": existing["import_batch"]}
    marks["original_reference"] = rec.original_reference or existing["original_reference"]
    write_history(
        tx, rec, reference=ref, year=existing["year"], seq=existing["seq"], marks=marks,
        publish=bool(existing["publish"]), cal=opts.cal, nation=opts.nation,
        deadlines=opts.deadlines,
        replace_id=existing["id"],
    )  # fmt: skip
    report.updated.append(ref)


def write_rejects(
    reg: Register,
    path: str | Path,
    table: Table,
    lines: list[int],
    records: list[tuple[Record, str]],
) -> None:
    """The rows that cannot be imported, as they were, with a `problems` column, as CSV with a
    byte-order mark (Excel opens it), for fixing and importing again."""
    from foikit.register.files import Kind, atomic_output, guard_output

    guard_output(path, Kind.TEXT, register=reg.path)
    problems = {rec.line: "; ".join(rec.problems) for rec, _ in records}
    cells = dict(table.rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["row", *table.headers, "problems"])
    for line in lines:
        writer.writerow([line, *cells[line], problems.get(line, "")])
    with atomic_output(path) as fh:
        fh.write("\ufeff" + out.getvalue())


def undo_import(reg: Register, actor: str, batch: str) -> list[str]:
    """Remove the requests one import created, in one transaction; returns their references.
    Refused when any of them has been changed in foikit since (a letter, an answer, a review)."""
    from foikit.records.history import _clear_children

    with reg.transaction(actor) as tx:
        row = reg.one("SELECT * FROM import_batches WHERE id = ?", (batch,))
        if row is None:
            known = [r["id"] for r in reg.query("SELECT id FROM import_batches ORDER BY at DESC")]
            raise ImportFailed(
                f"no import batch {batch!r} (batches: {', '.join(known[:5]) or 'none'})"
            )
        if row["undone_at"]:
            raise ImportFailed(f"import {batch} was already undone at {row['undone_at']}")
        requests = reg.query(
            "SELECT id, reference, requester_id FROM requests WHERE import_batch = ? ORDER BY id",
            (batch,),
        )
        ids = [r["id"] for r in requests]
        changed = reg.query(
            f"SELECT DISTINCT r.reference FROM audit a JOIN requests r ON r.id = a.request_id"
            f" WHERE a.id >= ? AND a.action NOT IN ('import', 'import-remove')"
            f" AND a.request_id IN ({','.join('?' * len(ids)) or 'NULL'})",
            (row["last_audit"] or 0, *ids),
        )
        if changed:
            refs = ", ".join(r["reference"] for r in changed[:10])
            raise ImportFailed(
                f"{len(changed)} request(s) of import {batch} changed since ({refs}): nothing was"
                " undone"
            )
        for r in requests:
            for table in ("letters", "ico_cases"):
                for (other,) in tx.execute(
                    f"SELECT id FROM {table} WHERE request_id = ?", (r["id"],)
                ).fetchall():
                    tx.delete(table, other, request_id=r["id"], action="import-undo")
            _clear_children(tx, r["id"])
            tx.delete("requests", r["id"], request_id=r["id"], action="import-undo")
            if (
                r["requester_id"] is not None
                and not tx.execute(
                    "SELECT 1 FROM requests WHERE requester_id = ?", (r["requester_id"],)
                ).fetchone()
            ):
                tx.delete("requesters", r["requester_id"], action="import-undo")
        tx.update("import_batches", batch, {"undone_at": tx.at}, pk="id", action="import-undo")
        tx.audit("import-undo", new={"batch": batch, "removed": len(requests)})
    return [r["reference"] for r in requests]


def as_json(report: ImportReport) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False)
