"""The shared reference register: CSPs, their contacts, and the figures officers are asked for.

The facts live in reviewable CSV files under foikit/register/data/, each figure with its source
document and the table or paragraph it came from. `foikit init` loads them; letters read them
through `csps_context`, `figures_context` and `figure`, so a figure is never retyped. Where the
sources hold no value (a CSP's website) the field stays empty: nothing is invented.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import AmbiguousFigure, FigureNotFound, ReferenceDataError

if TYPE_CHECKING:
    from foikit.register.core import Tx
    from foikit.register.reader import Reader


DATA_DIR = Path(__file__).parent / "data"
TOPICS = ("dhr", "funding", "marac")
UNITS = ("GBP", "count", "percent")
# Names the sources use for an area, mapped to the area's own name (docs/contract.md).
AREA_ALIASES = {"wolves": "Wolverhampton"}


@dataclass
class ReferenceData:
    sources: list[dict[str, Any]] = field(default_factory=list)
    csps: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    totals: list[dict[str, Any]] = field(default_factory=list)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def read_files(data_dir: Path = DATA_DIR) -> ReferenceData:
    """Read and validate the data files; every problem is reported at once."""
    problems: list[str] = []
    data = ReferenceData()
    data.sources = [
        {k: (v or None) for k, v in row.items()} for row in _read(data_dir / "sources.csv")
    ]
    source_ids = {s["id"] for s in data.sources}
    data.csps = [
        {"id": r["id"], "name": r["name"], "website": r["website"] or None}
        for r in _read(data_dir / "csps.csv")
    ]
    csp_ids = {c["id"] for c in data.csps}
    for n, r in enumerate(_read(data_dir / "csp_contacts.csv"), start=1):
        withheld = r["withheld"] == "1"
        if r["csp"] not in csp_ids:
            problems.append(f"csp_contacts.csv row {n}: unknown CSP {r['csp']!r}")
        if r["source"] not in source_ids:
            problems.append(f"csp_contacts.csv row {n}: unknown source {r['source']!r}")
        if withheld and (r["value"] or not r["withheld_reason"]):
            problems.append(
                f"csp_contacts.csv row {n}: a withheld contact needs a reason, no value"
            )
        data.contacts.append(
            {
                "id": n,
                "csp_id": r["csp"],
                "kind": r["kind"],
                "value": r["value"] or None,
                "role": r["role"] or None,
                "withheld": int(withheld),
                "withheld_reason": r["withheld_reason"] or None,
                "source_id": r["source"],
                "locator": r["locator"] or None,
            }
        )
    seen: set[str] = set()
    for n, r in enumerate(_read(data_dir / "figures.csv"), start=2):
        where = f"figures.csv line {n}"
        if r["id"] in seen:
            problems.append(f"{where}: duplicate id {r['id']!r}")
        seen.add(r["id"])
        if r["topic"] not in TOPICS:
            problems.append(f"{where}: topic {r['topic']!r} is not one of {', '.join(TOPICS)}")
        if r["unit"] not in UNITS:
            problems.append(f"{where}: unit {r['unit']!r} is not one of {', '.join(UNITS)}")
        if r["source"] not in source_ids:
            problems.append(f"{where}: unknown source {r['source']!r}")
        if not r["locator"]:
            problems.append(f"{where}: every figure needs its table or paragraph")
        try:
            value = _number(r["value"])
        except ValueError:
            problems.append(f"{where}: value {r['value']!r} is not a number")
            continue
        data.figures.append(
            {
                "id": r["id"],
                "topic": r["topic"],
                "measure": r["measure"],
                "area": r["area"],
                "period": r["period"],
                "value": value,
                "unit": r["unit"],
                "note": r["note"] or None,  # public: may be printed in letters
                "internal_note": r["internal_note"] or None,  # officers only, never a letter
                "source_id": r["source"],
                "locator": r["locator"],
            }
        )
    for n, r in enumerate(_read(data_dir / "totals.csv"), start=2):
        parts = r["parts"].split()
        for fid in [r["total"], *parts]:
            if fid not in seen:
                problems.append(f"totals.csv line {n}: unknown figure {fid!r}")
        data.totals.append(
            {
                "id": r["id"],
                "total_id": r["total"],
                "parts": json.dumps(parts),
                "description": r["description"],
            }
        )
    if problems:
        raise ReferenceDataError("reference data files are inconsistent:\n" + "\n".join(problems))
    return data


def load(tx: Tx, data: ReferenceData | None = None) -> dict[str, int]:
    """Bring the register's reference tables in line with the files; returns rows changed.

    Idempotent: rows that already match write nothing (and so no audit row).
    """
    data = data or read_files()
    changed: dict[str, int] = {}
    # Children first when deleting, parents first when writing.
    plan = [
        ("sources", data.sources),
        ("csps", data.csps),
        ("csp_contacts", data.contacts),
        ("figures", data.figures),
        ("figure_totals", data.totals),
    ]
    for table, rows in reversed(plan):
        keep = {str(r["id"]) for r in rows}
        for (row_id,) in tx.execute(f"SELECT id FROM [{table}]").fetchall():
            if str(row_id) not in keep:
                tx.delete(table, row_id)
                changed[table] = changed.get(table, 0) + 1
    for table, rows in plan:
        for row in rows:
            if tx.upsert(table, row) != "unchanged":
                changed[table] = changed.get(table, 0) + 1
    return changed


# -- reading the reference register -------------------------------------------------------------


def _value(v: float | int) -> int | float:
    return int(v) if float(v).is_integer() else float(v)


def csps_context(reg: Reader) -> list[dict[str, Any]]:
    """The CSPs as letters see them (docs/contract.md): name, website, email, email_withheld."""
    result = []
    for c in reg.query("SELECT id, name, website FROM csps ORDER BY name"):
        emails = reg.query(
            "SELECT value, withheld, withheld_reason FROM csp_contacts"
            " WHERE csp_id = ? AND kind = 'email' ORDER BY id",
            (c["id"],),
        )
        published = [e["value"] for e in emails if not e["withheld"] and e["value"]]
        withheld = [e for e in emails if e["withheld"]]
        result.append(
            {
                "name": c["name"],
                "website": c["website"] or None,
                "email": published[0] if published else None,
                "emails": published,
                "email_withheld": not published and bool(withheld),
                "withheld_reason": withheld[0]["withheld_reason"] if withheld else None,
                "withheld_count": len(withheld),
            }
        )
    return result


_FIGURE_SQL = """
SELECT f.id, f.topic, f.measure, f.area, f.period, f.value, f.unit, f.note, f.locator,
       s.id AS source_id, s.title AS source_title, s.file AS source_file, s.date AS source_date
FROM figures f JOIN sources s ON s.id = f.source_id
"""


def _figure_dict(row: dict[str, Any]) -> dict[str, Any]:
    date = row["source_date"] or "undated"
    return {
        "id": row["id"],
        "topic": row["topic"],
        "measure": row["measure"],
        "area": row["area"],
        "period": row["period"],
        "value": _value(row["value"]),
        "unit": row["unit"],
        "note": row["note"],
        "source": f"{row['source_title']} ({date}), {row['locator']}",
        "source_id": row["source_id"],
        "source_file": row["source_file"],
        "locator": row["locator"],
    }


def figures_context(reg: Reader) -> list[dict[str, Any]]:
    rows = reg.query(_FIGURE_SQL + " ORDER BY f.topic, f.measure, f.period, f.area")
    return [_figure_dict(r) for r in rows]


def _describe(topic: str, measure: str, area: str | None, period: str | None) -> str:
    bits = [f"topic={topic!r}", f"measure={measure!r}"]
    if area is not None:
        bits.append(f"area={area!r}")
    if period is not None:
        bits.append(f"period={period!r}")
    return ", ".join(bits)


def find_figures(
    reg: Reader,
    topic: str,
    measure: str,
    area: str | None = None,
    period: str | None = None,
    source: str | None = None,
) -> list[dict[str, Any]]:
    return match_figures(figures_context(reg), topic, measure, area, period, source)


def match_figures(
    figures: list[dict[str, Any]],
    topic: str,
    measure: str,
    area: str | None = None,
    period: str | None = None,
    source: str | None = None,
) -> list[dict[str, Any]]:
    """The figures that fit, in the register's order: area case-insensitive (with its aliases),
    a period written 2019/20 read as 2019-20, a source by its id."""
    if area is not None:
        area = str(AREA_ALIASES.get(str(area).lower(), area)).lower()
    if period is not None:
        period = str(period).replace("/", "-")
    found = [
        f
        for f in figures
        if f["topic"] == topic
        and f["measure"] == measure
        and (area is None or (f["area"] or "").lower() == area)
        and (period is None or f["period"] == period)
        and (source is None or f["source_id"] == source)
    ]
    return sorted(found, key=lambda f: f.get("id") or 0)


def pick_figure(
    figures: list[dict[str, Any]],
    topic: str,
    measure: str,
    area: str | None = None,
    period: str | None = None,
    source: str | None = None,
) -> int | float:
    """One figure as a number; an error naming what was asked for when none or several fit."""
    found = match_figures(figures, topic, measure, area, period, source)
    asked = _describe(topic, measure, area, period)
    if not found:
        raise FigureNotFound(f"the register holds no figure for {asked}")
    if len(found) > 1:
        options = "; ".join(
            f"{f['area']} {f['period']} = {f['value']:,} ({f['source']})" for f in found[:6]
        )
        more = f" and {len(found) - 6} more" if len(found) > 6 else ""
        raise AmbiguousFigure(
            f"{len(found)} figures fit {asked}: {options}{more}; give area, period or source"
        )
    value: int | float = found[0]["value"]
    return value


def figure(
    reg: Reader,
    topic: str,
    measure: str,
    area: str | None = None,
    period: str | None = None,
    source: str | None = None,
) -> int | float:
    """One figure from the register (see pick_figure)."""
    return pick_figure(figures_context(reg), topic, measure, area, period, source)


def figure_call(target: dict[str, Any], figures: list[dict[str, Any]]) -> str | None:
    """The shortest `{{ figure(...) }}` an answer can use to get exactly this figure, or None
    when no combination of area, period and source tells it apart (the source gives two)."""
    # Area and period always (so next year's figure does not make the call ambiguous), then
    # the source where one area and period has figures from several documents.
    named = {k: target[k] for k in ("area", "period") if target[k] is not None}
    tried: list[dict[str, Any]] = [named, {**named, "source": target["source_id"]}]
    for extra in tried:
        found = match_figures(figures, target["topic"], target["measure"], **extra)
        if len(found) == 1 and found[0]["id"] == target["id"]:
            args = [repr(target["topic"]), repr(target["measure"])]
            args += [f"{k}={v!r}" for k, v in extra.items()]
            return "{{ figure(" + ", ".join(args) + ") }}"
    return None


def figure_function(figures: list[dict[str, Any]]) -> Callable[..., int | float]:
    """`figure(topic, measure, area=, period=, source=)` for templates: a closure over a plain
    copy of the figures, built before rendering, that cannot reach the register."""
    from foikit.letters.sandbox import answer_callable, plain

    table: list[dict[str, Any]] = plain(figures, "figures")

    def figure(
        topic: str,
        measure: str,
        area: str | None = None,
        period: str | None = None,
        source: str | None = None,
    ) -> int | float:
        return pick_figure(table, topic, measure, area, period, source)

    return answer_callable(figure)


def facts(reg: Reader) -> dict[str, Any]:
    """Everything in the reference register, with sources: what `foikit facts --json` prints."""
    figures = figures_context(reg)
    csps = []
    for c in reg.query("SELECT id, name, website FROM csps ORDER BY name"):
        contacts = reg.query(
            "SELECT kind, value, role, withheld, withheld_reason, source_id AS source, locator"
            " FROM csp_contacts WHERE csp_id = ? ORDER BY id",
            (c["id"],),
        )
        for contact in contacts:
            contact["withheld"] = bool(contact["withheld"])
        csps.append({"name": c["name"], "website": c["website"], "contacts": contacts})
    # The internal notes are for officers (this view); letters read figures_context, without.
    internal = {
        r["id"]: r["internal_note"] for r in reg.query("SELECT id, internal_note FROM figures")
    }
    return {
        "csps": csps,
        "figures": [
            {**f, "internal_note": internal.get(f["id"]), "call": figure_call(f, figures)}
            for f in figures
        ],
        "sources": reg.query("SELECT * FROM sources ORDER BY date, id"),
    }


@dataclass(frozen=True)
class Finding:
    kind: str  # sum | conflict
    message: str
    sources: tuple[str, ...]
    stated: int | float | None = None
    computed: int | float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "sources": list(self.sources),
            "stated": self.stated,
            "computed": self.computed,
        }


def check(reg: Reader) -> tuple[list[Finding], int]:
    """Stated totals against the sum of their parts, and one fact stated with two values.

    Returns (mismatches, number of checks made).
    """
    figures = {f["id"]: f for f in figures_context(reg)}
    findings: list[Finding] = []
    checks = 0
    for t in reg.query("SELECT * FROM figure_totals ORDER BY id"):
        checks += 1
        total = figures[t["total_id"]]
        parts = [figures[p] for p in json.loads(t["parts"])]
        computed = _value(sum(p["value"] for p in parts))
        if computed != total["value"]:
            unit = "£" if total["unit"] == "GBP" else ""
            part_sources = sorted({p["source"] for p in parts if p["source"] != total["source"]})
            findings.append(
                Finding(
                    "sum",
                    f"{t['description']}: stated {unit}{total['value']:,} but the parts add up to "
                    f"{unit}{computed:,} (difference {unit}{abs(total['value'] - computed):,})",
                    (total["source"], *part_sources),
                    total["value"],
                    computed,
                )
            )
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for f in figures.values():
        groups.setdefault((f["topic"], f["measure"], f["area"], f["period"]), []).append(f)
    for (topic, measure, area, period), group in sorted(groups.items()):
        checks += 1
        values = sorted({g["value"] for g in group})
        if len(values) > 1:
            unit = "£" if group[0]["unit"] == "GBP" else ""
            stated = " and ".join(f"{unit}{g['value']:,} ({g['source']})" for g in group)
            findings.append(
                Finding(
                    "conflict",
                    f"{topic} {measure} for {area}, {period} is given as {stated}",
                    tuple(g["source"] for g in group),
                )
            )
    return findings, checks
