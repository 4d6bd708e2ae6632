"""Timeliness and outcome statistics (docs/law.md "Statistics and publishing"), as SQL aggregates.

The counting rules, in one place:

- Requests belong to the period in which they were **received** (the cohort the official FOI
  statistics use); `received`, `resolved`, `in_time`, the outcomes and the exemptions all count
  requests received in the period.
- `resolved`: closed requests (any outcome); `resolvable`: closed with one of the resolvable
  outcomes of the official statistics (foikit.law.outcomes: granted in full, partially withheld,
  withheld in full; information not held is counted apart and is not resolvable, by the
  Cabinet Office's definitions); `open`: not yet processed.
- `in_time`: responded on or before the due date in force (requests.due, which the clock keeps
  after every clarification, fee and extension, so a permitted extension counts as in time).
  The percentage is taken over requests whose timeliness is known: closed ones that had a
  response due (not withdrawn or lapsed, and with a due date), plus open ones already overdue
  on `today`, which can no longer be in time.
- Exemptions count requests (not answers) relying on each section; `refusals` splits them into
  s.12 (cost), s.14 (vexatious or repeated) and other exemptions.
- Internal reviews belong to the period in which the review was asked for; ICO complaints to the
  period of the complaint (or, when that is unknown, of the ICO's notice to us).
- `rating` is the ICO's self-assessment: under 90% unsatisfactory, 90% to 95% adequate, 95% or
  more good.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError
from foikit.law.outcomes import OUTCOMES, REVIEW_OUTCOMES
from foikit.law.regimes import get_regime

if TYPE_CHECKING:
    from foikit.register.reader import Reader


PERIODS = ("month", "quarter", "year")
ICO_DECISIONS = ("upheld", "partly-upheld", "not-upheld", "informal-resolution", "withdrawn")
# Outcomes with no response to time: the requester withdrew, or never clarified or paid.
UNTIMED_OUTCOMES = ("withdrawn", "lapsed")
GOOD_PCT = 95.0
ADEQUATE_PCT = 90.0


class InvalidStatsQuery(FoikitError):
    """The span or the grouping asked for cannot be counted."""


def rating(in_time_pct: float | None) -> str | None:
    """The ICO's self-assessment for a percentage answered in time."""
    if in_time_pct is None:
        return None
    if in_time_pct >= GOOD_PCT:
        return "good"
    if in_time_pct >= ADEQUATE_PCT:
        return "adequate"
    return "unsatisfactory"


def _period_sql(by: str | None, column: str) -> str:
    """SQL for the period a date column falls in: 2021-06, 2021-Q2, 2021 (or 'all')."""
    if by is None:
        return "'all'"
    if by == "month":
        return f"substr({column}, 1, 7)"
    if by == "quarter":
        return (
            f"substr({column}, 1, 4) || '-Q' || ((CAST(substr({column}, 6, 2) AS INTEGER) + 2) / 3)"
        )
    if by == "year":
        return f"substr({column}, 1, 4)"
    raise InvalidStatsQuery(f"cannot group by {by!r}: use one of {', '.join(PERIODS)}")


def period_of(day: dt.date, by: str) -> str:
    """The label of the period a date falls in, as the SQL above writes it."""
    if by == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if by == "quarter":
        return f"{day.year:04d}-Q{(day.month + 2) // 3}"
    if by == "year":
        return f"{day.year:04d}"
    raise InvalidStatsQuery(f"cannot group by {by!r}: use one of {', '.join(PERIODS)}")


def _period_start(label: str, by: str) -> dt.date:
    if by == "month":
        return dt.date(int(label[:4]), int(label[5:7]), 1)
    if by == "quarter":
        return dt.date(int(label[:4]), (int(label[6]) - 1) * 3 + 1, 1)
    return dt.date(int(label[:4]), 1, 1)


def _next_period(label: str, by: str) -> str:
    start = _period_start(label, by)
    if by == "month":
        nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    elif by == "quarter":
        nxt = dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    else:
        nxt = dt.date(start.year + 1, 1, 1)
    return period_of(nxt, by)


def period_range(first: str, last: str, by: str) -> list[str]:
    """Every period from first to last inclusive, so an empty month shows as zero."""
    labels = [first]
    while labels[-1] < last:
        labels.append(_next_period(labels[-1], by))
    return labels


def _filters(
    date_column: str, start: dt.date | None, end: dt.date | None, regimes: Sequence[str]
) -> tuple[str, list[Any]]:
    clauses = ["1"]
    params: list[Any] = []
    if start is not None:
        clauses.append(f"{date_column} >= ?")
        params.append(start.isoformat())
    if end is not None:
        clauses.append(f"{date_column} <= ?")
        params.append(end.isoformat())
    if regimes:
        clauses.append(f"r.regime IN ({', '.join('?' for _ in regimes)})")
        params.extend(regimes)
    return " AND ".join(clauses), params


def _empty_block() -> dict[str, Any]:
    return {
        "received": 0,
        "resolved": 0,
        "resolvable": 0,
        "open": 0,
        "timed": 0,
        "in_time": 0,
        "late": 0,
        "open_overdue": 0,
        "in_time_pct": None,
        "rating": None,
        "extended": 0,
        "clarified": 0,
        "fees": 0,
        "outcomes": {key: 0 for key in OUTCOMES},
        "refusals": {"s12": 0, "s14": 0, "other_exemptions": 0},
        "exemptions": {},
        "reviews": {
            "received": 0,
            "decided": 0,
            "open": 0,
            "in_time": 0,
            "outcomes": {key: 0 for key in REVIEW_OUTCOMES},
        },
        "ico": {"received": 0, "decided": 0, "decisions": {key: 0 for key in ICO_DECISIONS}},
    }


def _request_counts(
    reg: Reader,
    block: Callable[[str], dict[str, Any]],
    period: str,
    start: dt.date | None,
    end: dt.date | None,
    regimes: Sequence[str],
    today: dt.date,
) -> None:
    """Requests received, resolved, in time, by outcome, extended, clarified, with fees."""
    untimed = ", ".join(f"'{o}'" for o in UNTIMED_OUTCOMES)
    resolvable = ", ".join(f"'{k}'" for k, o in OUTCOMES.items() if o.resolvable)
    # One pass over the requests: an outcome is a column, not a second GROUP BY (which would
    # read the closed requests through the status index, row by row, several times slower).
    outcome_columns = ",\n".join(
        f"TOTAL(r.status = 'closed' AND r.outcome = '{key}') AS [outcome:{key}]" for key in OUTCOMES
    )
    where, params = _filters("r.received", start, end, regimes)
    for row in reg.query(
        f"""
        SELECT {period} AS period,
            COUNT(*) AS received,
            TOTAL(r.status = 'closed') AS resolved,
            TOTAL(r.status = 'closed' AND r.outcome IN ({resolvable})) AS resolvable,
            TOTAL(r.status != 'closed') AS open,
            TOTAL(r.status = 'closed' AND r.due IS NOT NULL
                  AND r.outcome NOT IN ({untimed})) AS timed,
            TOTAL(r.status = 'closed' AND r.due IS NOT NULL
                  AND r.outcome NOT IN ({untimed}) AND r.responded <= r.due) AS in_time,
            TOTAL(r.status != 'closed' AND r.due IS NOT NULL AND r.due < ?) AS open_overdue,
            TOTAL(r.id IN (SELECT request_id FROM clock_events WHERE kind = 'extend'))
                AS extended,
            TOTAL(r.id IN (SELECT request_id FROM clock_events WHERE kind = 'clarify'))
                AS clarified,
            TOTAL(r.id IN (SELECT request_id FROM clock_events WHERE kind = 'fee')) AS fees,
            {outcome_columns}
        FROM requests r
        WHERE {where}
        GROUP BY 1
        """,
        [today.isoformat(), *params],
    ):
        b = block(row["period"])
        for key in (
            "received",
            "resolved",
            "resolvable",
            "open",
            "timed",
            "in_time",
            "open_overdue",
            "extended",
            "clarified",
            "fees",
        ):
            b[key] = int(row[key])
        b["late"] = b["timed"] - b["in_time"]
        b["outcomes"] = {key: int(row[f"outcome:{key}"]) for key in OUTCOMES}


def _exemption_counts(
    reg: Reader,
    block: Callable[[str], dict[str, Any]],
    period: str,
    start: dt.date | None,
    end: dt.date | None,
    regimes: Sequence[str],
) -> None:
    """Requests relying on each exemption, and the s.12 / s.14 refusals."""
    where, params = _filters("r.received", start, end, regimes)
    exempt_from = """
        FROM answer_exemptions e
        JOIN answers a ON a.id = e.answer_id
        JOIN questions q ON q.id = a.question_id
        JOIN requests r ON r.id = q.request_id
    """
    for row in reg.query(
        f"""
        SELECT {period} AS period, e.section AS section, COUNT(DISTINCT r.id) AS n
        {exempt_from}
        WHERE {where}
        GROUP BY 1, 2
        """,
        params,
    ):
        block(row["period"])["exemptions"][row["section"]] = row["n"]

    # s.12 and s.14 by their section numbers; an EIR exception is written `reg 12(...)`.
    s12 = "(e.section = '12' OR e.section LIKE '12(%')"
    s14 = "(e.section = '14' OR e.section LIKE '14(%')"
    for row in reg.query(
        f"""
        SELECT {period} AS period,
            COUNT(DISTINCT CASE WHEN {s12} THEN r.id END) AS s12,
            COUNT(DISTINCT CASE WHEN {s14} THEN r.id END) AS s14,
            COUNT(DISTINCT CASE WHEN NOT {s12} AND NOT {s14} THEN r.id END) AS other
        {exempt_from}
        WHERE {where}
        GROUP BY 1
        """,
        params,
    ):
        block(row["period"])["refusals"] = {
            "s12": row["s12"],
            "s14": row["s14"],
            "other_exemptions": row["other"],
        }


def _review_counts(
    reg: Reader,
    block: Callable[[str], dict[str, Any]],
    period: str,
    start: dt.date | None,
    end: dt.date | None,
    regimes: Sequence[str],
) -> None:
    """Internal reviews by the date they were asked for."""
    review_period = period.replace("r.received", "v.received")
    where, params = _filters("v.received", start, end, regimes)
    for row in reg.query(
        f"""
        SELECT {review_period} AS period, v.outcome AS outcome,
            COUNT(*) AS received,
            TOTAL(v.decided IS NOT NULL) AS decided,
            TOTAL(v.decided IS NOT NULL AND v.due IS NOT NULL AND v.decided <= v.due) AS in_time
        FROM reviews v JOIN requests r ON r.id = v.request_id
        WHERE {where}
        GROUP BY 1, 2
        """,
        params,
    ):
        reviews = block(row["period"])["reviews"]
        reviews["received"] += row["received"]
        reviews["decided"] += int(row["decided"])
        reviews["open"] += row["received"] - int(row["decided"])
        reviews["in_time"] += int(row["in_time"])
        if row["outcome"] is not None and int(row["decided"]):
            reviews["outcomes"][row["outcome"]] = (
                reviews["outcomes"].get(row["outcome"], 0) + row["received"]
            )


def _ico_counts(
    reg: Reader,
    block: Callable[[str], dict[str, Any]],
    period: str,
    start: dt.date | None,
    end: dt.date | None,
    regimes: Sequence[str],
) -> None:
    """ICO complaints by the date they were made (or notified)."""
    ico_date = "COALESCE(c.complained, c.notified)"
    ico_period = period.replace("r.received", ico_date)
    where, params = _filters(ico_date, start, end, regimes)
    for row in reg.query(
        f"""
        SELECT {ico_period} AS period, c.decision AS decision, COUNT(*) AS received,
            TOTAL(c.decided IS NOT NULL OR c.decision IS NOT NULL) AS decided
        FROM ico_cases c JOIN requests r ON r.id = c.request_id
        WHERE {where} AND {ico_date} IS NOT NULL
        GROUP BY 1, 2
        """,
        params,
    ):
        ico = block(row["period"])["ico"]
        ico["received"] += row["received"]
        ico["decided"] += int(row["decided"])
        if row["decision"] is not None:
            ico["decisions"][row["decision"]] = (
                ico["decisions"].get(row["decision"], 0) + row["received"]
            )


def _counts(
    reg: Reader,
    period: str,
    start: dt.date | None,
    end: dt.date | None,
    regimes: Sequence[str],
    today: dt.date,
) -> dict[str, dict[str, Any]]:
    """Every figure, keyed by period label (one SQL aggregate per kind of figure)."""
    blocks: dict[str, dict[str, Any]] = {}

    def block(label: str) -> dict[str, Any]:
        return blocks.setdefault(label, _empty_block())

    _request_counts(reg, block, period, start, end, regimes, today)
    _exemption_counts(reg, block, period, start, end, regimes)
    _review_counts(reg, block, period, start, end, regimes)
    _ico_counts(reg, block, period, start, end, regimes)
    for b in blocks.values():
        _finish(b)
    return blocks


def _finish(b: dict[str, Any]) -> None:
    assessed = b["timed"] + b["open_overdue"]
    b["in_time_pct"] = round(100.0 * b["in_time"] / assessed, 1) if assessed else None
    b["rating"] = rating(b["in_time_pct"])
    b["exemptions"] = dict(sorted(b["exemptions"].items(), key=lambda kv: (-kv[1], kv[0])))


def _add(total: dict[str, Any], part: dict[str, Any]) -> None:
    """Add one period's counts into the total (every request, review and ICO case belongs to
    exactly one period, so the sums are the whole span's counts)."""
    for key, value in part.items():
        if isinstance(value, dict):
            _add(total.setdefault(key, {}), value)
        elif isinstance(value, int) and not isinstance(value, bool):
            total[key] = total.get(key, 0) + value


def register_stats(
    reg: Reader,
    *,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    by: str | None = None,
    regimes: Sequence[str] = (),
) -> dict[str, Any]:
    """The statistics for requests received from `start` to `end` (inclusive; open-ended when
    None), for the whole span and, with `by` (month | quarter | year), for each period.

    `today` decides which open requests are already overdue. `regimes` narrows to some regimes
    (foi, eir, sar); empty means all.
    """
    if start is not None and end is not None and start > end:
        raise InvalidStatsQuery(f"the span starts ({start}) after it ends ({end})")
    for key in regimes:
        get_regime(key)
    if by is None:
        blocks = {}
        whole = _counts(reg, "'all'", start, end, regimes, today).get("all", _empty_block())
    else:
        blocks = _counts(reg, _period_sql(by, "r.received"), start, end, regimes, today)
        whole = _empty_block()
        for block in blocks.values():
            _add(whole, block)
        _finish(whole)
    result: dict[str, Any] = {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "today": today.isoformat(),
        "regimes": list(regimes) or None,
        "by": by,
        **whole,
        "periods": [],
    }
    if by is not None:
        labels = sorted(blocks)
        if start is not None:
            labels.append(period_of(start, by))
        if end is not None:
            labels.append(period_of(end, by))
        if labels:
            for label in period_range(min(labels), max(labels), by):
                result["periods"].append({"period": label, **blocks.get(label, _empty_block())})
    return result


def stats_table(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Flat rows for a CSV: one per period, then the whole span as `all`."""
    sections = sorted(
        {s for b in [result, *result["periods"]] for s in b["exemptions"]},
        key=lambda s: (-result["exemptions"].get(s, 0), s),
    )
    rows = []
    for label, b in [*((p["period"], p) for p in result["periods"]), ("all", result)]:
        row: dict[str, Any] = {"period": label}
        for key in (
            "received",
            "resolved",
            "resolvable",
            "open",
            "in_time",
            "late",
            "open_overdue",
            "in_time_pct",
            "rating",
            "extended",
            "clarified",
            "fees",
        ):
            row[key] = b[key]
        for key in OUTCOMES:
            row[f"outcome:{key}"] = b["outcomes"].get(key, 0)
        for key, n in b["refusals"].items():
            row[f"refused:{key}"] = n
        for section in sections:
            row[f"exemption:{section}"] = b["exemptions"].get(section, 0)
        row["reviews_received"] = b["reviews"]["received"]
        row["reviews_decided"] = b["reviews"]["decided"]
        row["reviews_in_time"] = b["reviews"]["in_time"]
        for key in REVIEW_OUTCOMES:
            row[f"review:{key}"] = b["reviews"]["outcomes"].get(key, 0)
        row["ico_received"] = b["ico"]["received"]
        row["ico_decided"] = b["ico"]["decided"]
        rows.append(row)
    return rows


# -- the financial year, as the Cabinet Office's quarterly FOI statistics count it --------------

_FINANCIAL_YEAR = re.compile(r"^(\d{4})(?:[-/](\d{2}|\d{4}))?$")


def financial_year(label: str) -> tuple[str, dt.date, dt.date]:
    """`2024-25` (or `2024`, the year it starts): the label, 1 April and 31 March."""
    match = _FINANCIAL_YEAR.match(label.strip())
    if not match:
        raise InvalidStatsQuery(f"financial year {label!r} is not like 2024-25")
    start = int(match[1])
    if match[2] and int(match[2][-2:]) != (start + 1) % 100:
        raise InvalidStatsQuery(f"financial year {label!r}: the years must follow each other")
    return f"{start}-{(start + 1) % 100:02d}", dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def _s21_only(reg: Reader, start: dt.date, end: dt.date, regimes: Sequence[str]) -> dict[str, int]:
    """Withheld requests (in full or in part) whose only exemption is s.21, by outcome."""
    where, params = _filters("r.received", start, end, regimes)
    rows = reg.query(
        f"""
        SELECT r.outcome AS outcome, COUNT(*) AS n FROM requests r
        WHERE {where} AND r.status = 'closed'
          AND r.outcome IN ('partially-withheld', 'withheld-in-full')
          AND EXISTS (SELECT 1 FROM answer_exemptions e JOIN answers a ON a.id = e.answer_id
                      JOIN questions q ON q.id = a.question_id WHERE q.request_id = r.id)
          AND NOT EXISTS (SELECT 1 FROM answer_exemptions e JOIN answers a ON a.id = e.answer_id
                          JOIN questions q ON q.id = a.question_id
                          WHERE q.request_id = r.id
                            AND NOT (e.section = '21' OR e.section LIKE '21(%'))
        GROUP BY 1
        """,
        params,
    )
    return {r["outcome"]: int(r["n"]) for r in rows}


def _cabinet_office(block: dict[str, Any], s21: dict[str, int]) -> dict[str, Any]:
    """The Cabinet Office's view of a block: requests withheld where s.21 (information
    reasonably accessible by other means) is the only exemption are left out of the resolvable
    requests and of the withheld counts; the other figures are the block's own."""
    partly, fully = s21.get("partially-withheld", 0), s21.get("withheld-in-full", 0)
    outcomes = block["outcomes"]
    return {
        "excluded_s21_only": partly + fully,
        "resolvable": block["resolvable"] - partly - fully,
        "granted_in_full": outcomes["granted-in-full"],
        "partially_withheld": outcomes["partially-withheld"] - partly,
        "withheld_in_full": outcomes["withheld-in-full"] - fully,
        "not_held": outcomes["not-held"],
        "other_exemptions": block["refusals"]["other_exemptions"] - partly - fully,
    }


def financial_year_stats(
    reg: Reader, *, year: str, today: dt.date, regimes: Sequence[str] = ()
) -> dict[str, Any]:
    """The statistics of one financial year (1 April to 31 March) and of its quarters, Q1
    April to June; each block also gives `cabinet_office`, the figures with the s.21-only
    exclusion of the Cabinet Office's quarterly statistics."""
    label, start, end = financial_year(year)
    result = register_stats(reg, today=today, start=start, end=end, regimes=regimes)
    result["financial_year"] = label
    result["cabinet_office"] = _cabinet_office(result, _s21_only(reg, start, end, regimes))
    quarters = []
    for q in range(4):
        q_start = dt.date(start.year + (q == 3), (4 + 3 * q - 1) % 12 + 1, 1)
        q_end = dt.date(
            q_start.year + (q_start.month == 10), (q_start.month + 2) % 12 + 1, 1
        ) - dt.timedelta(days=1)
        block = register_stats(reg, today=today, start=q_start, end=q_end, regimes=regimes)
        block["period"] = f"{label} Q{q + 1}"
        block["cabinet_office"] = _cabinet_office(block, _s21_only(reg, q_start, q_end, regimes))
        for key in ("today", "regimes", "by", "periods"):
            block.pop(key, None)
        quarters.append(block)
    result["periods"] = quarters
    result["by"] = "financial-quarter"
    return result
