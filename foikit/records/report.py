"""The board report: charts (matplotlib, Agg) and a summary a board paper can use.

`build_report(reg, out, today=...)` writes into the folder `out`:

- `timeliness.png`: the share answered in time for each month of receipt (each quarter over a
  span longer than two years, each year over five), against the ICO's 90% line (and 95%, good);
- `outcomes.png`: the outcome mix, in the categories of the official FOI statistics;
- `reviews.png`: internal reviews and their outcomes;
- `workload.png`: open requests by handler (overdue, due soon, in hand, clock stopped). It names
  staff, so the report is marked INTERNAL;
- `index.html` and `summary.md`: the headline figures, the ICO rating and a table by period, with
  the charts.

Every figure comes from `foikit.records.stats.register_stats`, so the report and `foikit stats`
agree.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError
from foikit.law.outcomes import OUTCOMES, REVIEW_OUTCOMES
from foikit.records.stats import ADEQUATE_PCT, GOOD_PCT, register_stats

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


# Colour-blind-safe (ColorBrewer PuOr/RdYlBu family), dark enough to read on white paper.
COLOURS = {
    "good": "#1a7837",
    "adequate": "#e08214",
    "unsatisfactory": "#b2182b",
    "none": "#bbbbbb",
    "overdue": "#b2182b",
    "due_soon": "#e08214",
    "in_hand": "#2166ac",
    "stopped": "#999999",
}
# A chart a board can read has two dozen bars at most: months over two years at most,
# quarters over five, years beyond.
MONTHS_BEFORE_QUARTERS = 24
MONTHS_BEFORE_YEARS = 60
MOST_NOTES = 16  # bars with their percentage written above them
MOST_COUNTS = 8  # ... and the counts too
CHARTS = ("timeliness.png", "outcomes.png", "reviews.png", "workload.png")


class ReportError(FoikitError):
    pass


@dataclass
class Report:
    out: Path
    files: list[Path] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    workload: list[dict[str, Any]] = field(default_factory=list)


def _label(period: str, by: str) -> str:
    if by == "month":
        return dt.date(int(period[:4]), int(period[5:7]), 1).strftime("%b %Y")
    if by == "quarter":
        return f"{period[5:]} {period[:4]}"
    return period


def open_workload(reg: Reader, today: dt.date) -> list[dict[str, Any]]:
    """Open requests by handler: overdue, due soon (working days, the setting), in hand, and
    with the clock stopped; the busiest handler first."""
    from foikit.clock.duedates import load_calendar
    from foikit.clock.rules import status
    from foikit.register.settings import get_setting

    cal = load_calendar(reg)
    soon = int(get_setting(reg, "clock.due_soon_days"))
    by_handler: dict[str, dict[str, Any]] = {}
    for row in reg.query(
        "SELECT COALESCE(handler, '(unassigned)') AS handler, due FROM requests"
        " WHERE status != 'closed'"
    ):
        counts = by_handler.setdefault(
            row["handler"],
            {"handler": row["handler"], "overdue": 0, "due_soon": 0, "in_hand": 0, "stopped": 0},
        )
        if row["due"] is None:
            counts["stopped"] += 1
            continue
        state = status(dt.date.fromisoformat(row["due"]), today, cal, soon)
        key = "overdue" if state.overdue else "due_soon" if state.due_soon else "in_hand"
        counts[key] += 1
    rows = list(by_handler.values())
    for r in rows:
        r["open"] = r["overdue"] + r["due_soon"] + r["in_hand"] + r["stopped"]
    return sorted(rows, key=lambda r: (-r["open"], -r["overdue"], r["handler"]))


def _figure(width: float = 8.0, height: float = 4.0) -> Any:
    # The object-oriented API with no pyplot: no global state, no display, Agg canvas.
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return fig, fig.add_subplot()


def _title(fig: Any, text: str) -> None:
    # Over the whole figure from its left edge, so long labels never push it off the page.
    fig.suptitle(text, x=0.01, ha="left", fontsize=12)


def _save(fig: Any, path: Path) -> Path:
    from foikit.register.files import atomic_output

    with atomic_output(path, binary=True) as fh:  # 0600: the report names staff
        fig.savefig(fh, format="png")
    return path


def _save_text(path: Path, text: str) -> Path:
    from foikit.register.files import atomic_output

    with atomic_output(path) as fh:
        fh.write(text)
    return path


def _empty(ax: Any, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="#555555")
    ax.set_axis_off()


def chart_timeliness(stats: dict[str, Any]) -> Any:
    fig, ax = _figure(9.0, 4.2)
    periods = stats["periods"]
    by = stats["by"] or "month"
    _title(fig, f"Requests answered in time, by {by} of receipt")
    if not periods:
        _empty(ax, "No requests in this period")
        return fig
    labels = [_label(p["period"], by) for p in periods]
    heights = [p["in_time_pct"] or 0 for p in periods]
    colours = [COLOURS[p["rating"] or "none"] for p in periods]
    xs = range(len(periods))
    ax.bar(xs, heights, color=colours, width=0.7, zorder=2)
    for x, p in zip(xs, periods, strict=True):
        if len(periods) > MOST_NOTES:
            break  # too many bars for figures to be read; the summary table has them
        assessed = p["timed"] + p["open_overdue"]
        text = f"{p['in_time_pct']:.0f}%" if assessed else "n/a"
        if assessed and len(periods) <= MOST_COUNTS:
            text += f"\n{p['in_time']} of {assessed}"
        y = (p["in_time_pct"] or 0) + 1.5
        ax.text(x, y, text, ha="center", va="bottom", fontsize=8, color="#333333")
    ax.axhline(ADEQUATE_PCT, color="#333333", linewidth=1.2, linestyle="--", zorder=3)
    ax.axhline(GOOD_PCT, color="#333333", linewidth=0.8, linestyle=":", zorder=3)
    ax.text(len(periods) - 0.5, ADEQUATE_PCT - 1, "ICO 90%", ha="right", va="top", fontsize=8)
    ax.text(len(periods) - 0.5, GOOD_PCT + 1, "95% good", ha="right", va="bottom", fontsize=8)
    ax.set_ylim(0, 118)
    ax.set_yticks([0, 20, 40, 60, 80, 90, 100])
    ax.set_ylabel("% in time")
    rotate = len(periods) > 8
    ax.set_xticks(
        list(xs), labels, rotation=45 if rotate else 0, ha="right" if rotate else "center"
    )
    ax.set_xlim(-0.6, len(periods) - 0.4)
    ax.grid(axis="y", color="#e5e5e5", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(color=COLOURS[k], label=label)
            for k, label in (
                ("good", "95% or more: good"),
                ("adequate", "90-95%: adequate"),
                ("unsatisfactory", "under 90%: unsatisfactory"),
            )
        ],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        frameon=False,
    )
    return fig


def _hbar(ax: Any, labels: list[str], values: list[int], colour: str) -> None:
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, values, color=colour, height=0.6, zorder=2)
    top = max(values) if values else 0
    for y, v in zip(ys, values, strict=True):
        ax.text(v + top * 0.01 + 0.05, y, f"{v:,}", va="center", fontsize=9)
    ax.set_yticks(ys, labels)
    ax.set_xlim(0, max(top * 1.12, 1))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", color="#e5e5e5", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)


def chart_outcomes(stats: dict[str, Any]) -> Any:
    fig, ax = _figure(8.0, 4.2)
    _title(fig, f"Outcomes of the {stats['received']:,} requests received")
    labels = [OUTCOMES[k].label for k in OUTCOMES] + ["Not yet answered"]
    values = [stats["outcomes"].get(k, 0) for k in OUTCOMES] + [stats["open"]]
    if not any(values):
        _empty(ax, "No requests in this period")
        return fig
    _hbar(ax, labels, values, "#2166ac")
    refusals = stats["refusals"]
    ax.set_xlabel(
        f"Refused or withheld: s.12 (cost) {refusals['s12']}, s.14 (vexatious or repeated)"
        f" {refusals['s14']},\nother exemptions {refusals['other_exemptions']}",
        fontsize=9,
    )
    return fig


def chart_reviews(stats: dict[str, Any]) -> Any:
    fig, ax = _figure(8.0, 3.2)
    reviews = stats["reviews"]
    _title(
        fig,
        f"Internal reviews: {reviews['received']:,} asked for, {reviews['decided']:,} decided"
        f" ({reviews['in_time']:,} in time)",
    )
    labels = [REVIEW_OUTCOMES[k] for k in REVIEW_OUTCOMES] + ["Still under review"]
    values = [reviews["outcomes"].get(k, 0) for k in REVIEW_OUTCOMES] + [reviews["open"]]
    if not reviews["received"]:
        _empty(ax, "No internal reviews in this period")
        return fig
    _hbar(ax, labels, values, "#542788")
    ico = stats["ico"]
    ax.set_xlabel(
        f"Complaints to the ICO: {ico['received']} ({ico['decided']} decided)", fontsize=9
    )
    return fig


def chart_workload(workload: list[dict[str, Any]], today: dt.date) -> Any:
    fig, ax = _figure(8.0, max(2.6, 1.2 + 0.45 * len(workload)))
    _title(fig, f"Open requests by handler on {today.day} {today:%B %Y} (INTERNAL)")
    if not workload:
        _empty(ax, "No open requests")
        return fig
    ys = list(range(len(workload)))[::-1]
    left = [0] * len(workload)
    parts = (
        ("overdue", "Overdue"),
        ("due_soon", "Due soon"),
        ("in_hand", "In hand"),
        ("stopped", "Clock stopped"),
    )
    widest = max(w["open"] for w in workload)
    for key, label in parts:
        values = [w[key] for w in workload]
        ax.barh(ys, values, left=left, color=COLOURS[key], height=0.6, label=label, zorder=2)
        for y, v, x in zip(ys, values, left, strict=True):
            if v and v >= widest * 0.06:  # a narrower segment has no room for its figure
                ax.text(x + v / 2, y, f"{v:,}", ha="center", va="center", color="white", fontsize=9)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in zip(ys, left, strict=True):
        ax.text(total + widest * 0.01, y, f"{total:,} open", va="center", fontsize=9)
    ax.set_yticks(ys, [w["handler"] for w in workload])
    ax.set_xlim(0, widest * 1.18 + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", color="#e5e5e5", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return fig


def report_grouping(reg: Reader, start: dt.date | None, end: dt.date | None, today: dt.date) -> str:
    """By month over two years at most, by quarter over five, else by year."""
    first = start or dt.date.fromisoformat(
        reg.scalar("SELECT MIN(received) FROM requests") or today.isoformat()
    )
    last = end or today
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months <= MONTHS_BEFORE_QUARTERS:
        return "month"
    return "quarter" if months <= MONTHS_BEFORE_YEARS else "year"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _headline(stats: dict[str, Any]) -> list[tuple[str, str]]:
    assessed = stats["timed"] + stats["open_overdue"]
    reviews = stats["reviews"]
    return [
        ("Requests received", str(stats["received"])),
        ("Answered (closed)", str(stats["resolved"])),
        ("Still open", f"{stats['open']} ({stats['open_overdue']} overdue)"),
        (
            "Answered in time",
            f"{stats['in_time']} of {assessed}: {_pct(stats['in_time_pct'])}"
            f" ({stats['rating'] or 'nothing to assess'})",
        ),
        ("Extended (public interest)", str(stats["extended"])),
        ("Refused under s.12 (cost)", str(stats["refusals"]["s12"])),
        ("Refused under s.14 (vexatious or repeated)", str(stats["refusals"]["s14"])),
        ("Withheld under other exemptions", str(stats["refusals"]["other_exemptions"])),
        (
            "Internal reviews",
            f"{reviews['received']} asked for, {reviews['decided']} decided"
            f" ({reviews['in_time']} in time)",
        ),
        ("Complaints to the ICO", str(stats["ico"]["received"])),
    ]


def _span_words(stats: dict[str, Any]) -> str:
    def words(iso: str | None, default: str) -> str:
        if not iso:
            return default
        day = dt.date.fromisoformat(iso)
        return f"{day.day} {day:%B %Y}"

    return f"{words(stats['from'], 'the first request')} to {words(stats['to'], 'today')}"


def _summary_md(report: Report, today: dt.date) -> str:
    s = report.stats
    lines = [
        "# Freedom of Information: compliance report",
        "",
        f"Requests received from {_span_words(s)}; figures as at {today.day} {today:%B %Y}.",
        "**INTERNAL**: the workload chart names staff.",
        "",
        "| Measure | Figure |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in _headline(s)),
        "",
        "In time means answered on or before the due date in force (a permitted extension"
        " counts). The ICO's self-assessment: under 90% unsatisfactory, 90-95% adequate,"
        " 95% or more good.",
        "",
        f"| {s['by'].capitalize()} | Received | In time | % | Rating | Open | Reviews |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in s["periods"]:
        lines.append(
            f"| {_label(p['period'], s['by'])} | {p['received']} | {p['in_time']}"
            f" of {p['timed'] + p['open_overdue']} | {_pct(p['in_time_pct'])}"
            f" | {p['rating'] or 'n/a'} | {p['open']} | {p['reviews']['received']} |"
        )
    lines += ["", *(f"![{name[:-4]}]({name})" for name in CHARTS), ""]
    return "\n".join(lines)


def _index_html(report: Report, today: dt.date) -> str:
    s = report.stats
    e = html.escape
    rows = "\n".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _headline(s))
    periods = "\n".join(
        f"<tr><td>{e(_label(p['period'], s['by']))}</td><td>{p['received']}</td>"
        f"<td>{p['in_time']} of {p['timed'] + p['open_overdue']}</td>"
        f"<td>{_pct(p['in_time_pct'])}</td><td>{e(p['rating'] or 'n/a')}</td>"
        f"<td>{p['open']}</td><td>{p['reviews']['received']}</td></tr>"
        for p in s["periods"]
    )
    charts = "\n".join(
        f'<figure><img src="{name}" alt="{e(name[:-4])} chart"></figure>' for name in CHARTS
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Freedom of Information: compliance report</title>
<style>
body {{ font-family: Arial, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; }}
.internal {{ background: #fbe9e7; border: 1px solid #b2182b; padding: 0.5rem; }}
img {{ max-width: 100%; }}
</style>
</head>
<body>
<p class="internal"><strong>INTERNAL</strong>: the workload chart names staff.</p>
<h1>Freedom of Information: compliance report</h1>
<p>Requests received from {e(_span_words(s))}; figures as at {today.day} {today:%B %Y}.</p>
<table>
{rows}
</table>
<p>In time means answered on or before the due date in force (a permitted extension counts).
The ICO's self-assessment: under 90% unsatisfactory, 90-95% adequate, 95% or more good.</p>
<table>
<tr><th>{e(s["by"].capitalize())}</th><th>Received</th><th>In time</th><th>%</th><th>Rating</th>
<th>Open</th><th>Reviews</th></tr>
{periods}
</table>
{charts}
</body>
</html>
"""


def build_report(
    reg: Register,
    out: str | Path,
    *,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Report:
    """Write the charts, index.html and summary.md into the folder `out` (created if needed)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ReportError(f"{str(out)!r} is a file, not a folder")
    if not out.parent.exists():
        raise ReportError(f"the folder {str(out.parent)!r} does not exist")
    by = report_grouping(reg, start, end, today)
    stats = register_stats(reg, today=today, start=start, end=end, by=by)
    report = Report(out, stats=stats, workload=open_workload(reg, today))
    from foikit.register.files import Kind, guard_output, private_dir

    private_dir(out)
    for name in (*CHARTS, "summary.md", "index.html"):
        guard_output(out / name, Kind.TEXT, register=reg.path)
    figures = (
        chart_timeliness(stats),
        chart_outcomes(stats),
        chart_reviews(stats),
        chart_workload(report.workload, today),
    )
    report.files = [_save(fig, out / name) for fig, name in zip(figures, CHARTS, strict=True)]
    _save_text(out / "summary.md", _summary_md(report, today))
    _save_text(out / "index.html", _index_html(report, today))
    report.files += [out / "summary.md", out / "index.html"]
    return report
