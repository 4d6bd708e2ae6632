"""Benchmark the statutory clock.

1. Due dates for 100,000 requests of mixed regimes with clock events, by the bulk clock
   (`foikit.clock.rules.due_dates_columns`, from the register's columns; `due_dates_array` from
   (date, regime, events) tuples), against a plain day-by-day loop given the same inputs and
   measured in the same run (and checked to give the same dates). Targets: under 0.5 s, at
   least 20x faster. Every figure times the whole path from those inputs.
2. Start-up of `foikit deadline 2024-01-01` against `sqlite-utils --version` (target <= 1.2x),
   with a register to read the holidays from and without one: from the cache file of the
   `holidays` package's days, and with that cache emptied before each run (the package imported).
   `bench/deadlines.py startup` runs this part alone.

Run: .venv/bin/python bench/deadlines.py [N | startup]
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from foikit.clock.rules import (
    ClockEvent,
    add_months,
    due_dates,
    due_dates_array,
    due_dates_columns,
    request_deadline,
)
from foikit.clock.workdays import Calendar
from foikit.law.regimes import get_regime

ONE = dt.timedelta(days=1)
REPEAT = 5
COMPLEX = {"eir": "eir-extended", "sar": "sar-extended"}


# Shares of requests with each kind of clock event (the rest have none). "typical" is a guess
# at a police and crime commissioner's register; "heavy" puts an event on nearly half.
MIXES = {
    "typical": {"clarified": 0.08, "waiting": 0.02, "fee": 0.02, "extend": 0.06, "reopen": 0.02},
    "heavy": {"clarified": 0.15, "waiting": 0.05, "fee": 0.10, "extend": 0.10, "reopen": 0.03},
}


def make_requests(
    n: int, mix: dict[str, float], seed: int = 3
) -> list[tuple[dt.date, str, list[ClockEvent]]]:
    rng = random.Random(seed)
    first = dt.date(2012, 1, 1)
    kinds, weights = list(mix), list(mix.values())
    kinds.append("none")
    weights.append(1 - sum(weights))
    out = []
    for _ in range(n):
        received = first + dt.timedelta(days=rng.randrange(0, 365 * 20))
        regime = rng.choices(["foi", "eir", "sar"], weights=[70, 15, 15])[0]
        asked = received + dt.timedelta(days=rng.randrange(1, 15))
        answered = asked + dt.timedelta(days=rng.randrange(0, 30))
        kind = rng.choices(kinds, weights)[0]
        events: list[ClockEvent] = []
        if kind == "clarified":
            events = [ClockEvent("clarify", asked), ClockEvent("clarified", answered)]
        elif kind == "waiting":
            events = [ClockEvent("clarify", asked)]
        elif kind == "fee":
            events = [ClockEvent("fee", asked), ClockEvent("fee-paid", answered)]
        elif kind == "extend" and regime == "foi":
            events = [ClockEvent("extend", asked, rng.choice([10, 20]), "public-interest")]
        elif kind == "extend":
            events = [ClockEvent("extend", asked, None, "complex")]
        elif kind == "reopen":
            events = [ClockEvent("reopen", answered + dt.timedelta(days=60))]
        out.append((received, regime, events))
    return out


# -- the baseline: the obvious day-by-day loop ----------------------------------------------------


def walk(start: dt.date, n: int, works: Callable[[dt.date], bool]) -> dt.date:
    day, counted = start, 0
    while counted < n:
        day += ONE
        if works(day):
            counted += 1
    return day


def count(start: dt.date, end: dt.date, works: Callable[[dt.date], bool]) -> int:
    day, counted = start, 0
    while day < end:
        day += ONE
        if works(day):
            counted += 1
    return counted


def naive_due(
    received: dt.date,
    regime: str,
    events: list[ClockEvent],
    works: Callable[[dt.date], bool],
    own_works: Callable[[dt.date], bool],
) -> dt.date | None:
    period, start, extra, pi, stopped, since = regime, received, 0, 0, None, received
    for e in events:
        assert e.date is not None
        if e.kind in ("clarify", "fee"):
            stopped, since = e.kind, e.date
        elif e.kind == "clarified" or e.kind == "reopen":
            stopped, start, period, extra, pi = None, e.date, regime, 0, 0
        elif e.kind == "fee-paid":
            if get_regime(period).unit == "months":
                start = e.date
            else:
                extra += count(max(since - ONE, start), e.date, works)
            stopped = None
        elif e.reason == "complex":
            period = COMPLEX[regime]
        else:
            pi = e.days or 20
    if stopped:
        return None
    rule = get_regime(period)
    if rule.unit == "months":
        due = add_months(start, rule.amount)
        while not own_works(due):
            due += ONE
        return due
    due = walk(start, rule.amount + extra, works)
    return walk(due, pi, works) if pi else due


def timed(funcs: dict[str, Callable[[], Any]], repeat: int = REPEAT) -> dict[str, float]:
    """The best CPU time of each, the runs interleaved (one of each, then again) so that all of
    them meet the same load on a shared machine. CPU time of this process, not wall time."""
    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeat):
        for name, func in funcs.items():
            t0 = time.process_time()
            func()
            best[name] = min(best[name], time.process_time() - t0)
    return best


EventRow = tuple[int, str, str | None, int | None, str | None]


class Event(NamedTuple):
    kind: str
    date: dt.date | None
    days: int | None
    reason: str | None


def as_register_columns(
    requests: list[tuple[dt.date, str, list[ClockEvent]]],
) -> tuple[list[str], list[str], list[EventRow]]:
    """The same requests as the register's tables give them: received (ISO) and regime columns,
    and clock_events rows (position of the request, kind, ISO date, days, reason)."""
    received = [r.isoformat() for r, _, _ in requests]
    regimes = [g for _, g, _ in requests]
    rows = [
        (i, e.kind, e.date.isoformat() if e.date else None, e.days, e.reason)
        for i, (_, _, events) in enumerate(requests)
        for e in events
    ]
    return received, regimes, rows


def naive_from_columns(
    received: list[str],
    regimes: list[str],
    rows: list[EventRow],
    works: Callable[[dt.date], bool],
    own_works: Callable[[dt.date], bool],
) -> list[dt.date | None]:
    """The day-by-day loop, from the register's columns: parse, group the events, walk. (The
    events as light named tuples: cheaper to make than ClockEvent, so a stricter baseline.)"""
    iso = dt.date.fromisoformat
    events: dict[int, list[Any]] = defaultdict(list)
    for i, kind, day, days, reason in rows:
        events[i].append(Event(kind, iso(day) if day else None, days, reason))
    return [
        naive_due(iso(r), g, events.get(i, []), works, own_works)
        for i, (r, g) in enumerate(zip(received, regimes, strict=True))
    ]


def bench_deadlines(n: int, mix_name: str, cal: Calendar) -> None:
    # every holiday the Calendar knows, Christmas Day and Good Friday included
    span = (dt.date(2009, 12, 31), dt.date(2035, 12, 31))
    closed = {h.date for h in cal.holidays_between(*span)}
    own = {h.date for h in cal.only("ENG").holidays_between(*span)}
    works, own_works = cal.is_working_day, cal.only("ENG").is_working_day

    def inline(d: dt.date) -> bool:
        return d.weekday() < 5 and d not in closed

    def own_inline(d: dt.date) -> bool:
        return d.weekday() < 5 and d not in own

    requests = make_requests(n, MIXES[mix_name])
    received, regimes, rows = as_register_columns(requests)
    with_events = sum(bool(e) for _, _, e in requests)

    ways: dict[str, Callable[[], Any]] = {
        # from the register's columns (ISO dates, clock_events rows)
        "columns": lambda: due_dates_columns(received, regimes, rows, cal),
        "columns list": lambda: due_dates_columns(received, regimes, rows, cal).tolist(),
        "columns loop": lambda: naive_from_columns(received, regimes, rows, works, own_works),
        "columns inline loop": lambda: naive_from_columns(
            received, regimes, rows, inline, own_inline
        ),
        # from (date, regime, [ClockEvent]) tuples, as request_deadline takes them
        "array": lambda: due_dates_array(requests, cal),
        "list": lambda: due_dates(requests, cal),
        "each": lambda: [request_deadline(r, g, e, cal, explain=False).due for r, g, e in requests],
        "loop": lambda: [naive_due(r, g, e, works, own_works) for r, g, e in requests],
    }
    best = timed(ways)
    col_s, col_list_s, arr_s, list_s = (
        best["columns"], best["columns list"], best["array"], best["list"]
    )  # fmt: skip
    col_loop_s, col_tight_s = best["columns loop"], best["columns inline loop"]
    each_s, loop_s = best["each"], best["loop"]
    # every way's dates, compared request by request (arrays as lists of dates, NaT as None)
    answers = [getattr(r, "tolist", lambda r=r: r)() for r in (f() for f in ways.values())]
    differ = sum(len(set(a)) > 1 for a in zip(*answers, strict=True))
    col_base = min(col_loop_s, col_tight_s)
    print(f"due dates for {n:,} requests, {mix_name} mix ({with_events:,} with clock events)")
    print(f"  (CPU seconds, each the best of {REPEAT} runs, the runs interleaved)")
    print("  from the register's columns (ISO dates, regimes, clock_events rows):")
    print(f"    due_dates_columns -> datetime64 array:  {col_s:.3f} s   target < 0.5 s")
    print(f"    due_dates_columns -> list of dates:     {col_list_s:.3f} s")
    print(f"    day-by-day loop, Calendar.is_working_day: {col_loop_s:.3f} s")
    print(f"    day-by-day loop, inline set lookups:    {col_tight_s:.3f} s")
    print(
        f"    ratio: {col_base / col_s:.1f}x the faster loop (target >= 20x);"
        f" {col_base / col_list_s:.1f}x with the dates as a list"
    )
    print("  from (date, regime, [ClockEvent]) tuples:")
    print(f"    due_dates_array -> datetime64 array:    {arr_s:.3f} s")
    print(f"    due_dates -> list of dates:             {list_s:.3f} s")
    print(f"    request_deadline, one by one:           {each_s:.3f} s")
    print(f"    day-by-day loop, Calendar.is_working_day: {loop_s:.3f} s")
    print(
        f"    ratios: due_dates_array {loop_s / arr_s:.1f}x the loop, due_dates"
        f" {loop_s / list_s:.1f}x, one by one {loop_s / each_s:.1f}x"
    )
    print(f"  requests whose dates differ between the eight: {differ}")


# -- start-up -------------------------------------------------------------------------------------


def median_run(
    cmd: list[str],
    env: dict[str, str],
    cwd: str,
    repeat: int,
    before: Callable[[], object] | None = None,
) -> float:
    """The median wall time of `cmd`; `before` runs ahead of each, untimed."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_startup(repeat: int = 15) -> None:
    bin_dir = Path(sys.executable).parent
    foikit, sqlite_utils = str(bin_dir / "foikit"), str(bin_dir / "sqlite-utils")
    deadline = [foikit, "deadline", "2024-01-01"]
    with tempfile.TemporaryDirectory() as tmp:
        from foikit.register.init import init_register

        db = Path(tmp) / "register.db"
        init_register(db, load_reference=False, actor="bench")
        from foikit.clock.duedates import load_uk_holidays
        from foikit.register import Register

        with Register(db) as reg, reg.transaction("bench") as tx:
            load_uk_holidays(tx)
        cache = Path(tmp) / "cache"  # the package calendar's cache file, this run's own

        def empty_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        base_env = {k: v for k, v in os.environ.items() if k not in ("FOIKIT_DB",)}
        base_env["FOIKIT_CACHE_DIR"] = str(cache)
        with_db = {**base_env, "FOIKIT_DB": str(db)}
        no_db = {**base_env, "FOIKIT_DB": str(Path(tmp) / "none.db")}
        median_run([sqlite_utils, "--version"], base_env, tmp, 3)  # warm the OS's caches
        median_run(deadline, with_db, tmp, 3)
        median_run(deadline, no_db, tmp, 3)
        # interleaved, so that every command meets the same load on a shared machine
        runs: dict[str, list[float]] = defaultdict(list)
        for _ in range(repeat):
            runs["baseline"].append(median_run([sqlite_utils, "--version"], base_env, tmp, 1))
            runs["register"].append(median_run(deadline, with_db, tmp, 1))
            runs["cached"].append(median_run(deadline, no_db, tmp, 1))
            runs["package"].append(median_run(deadline, no_db, tmp, 1, before=empty_cache))
        cached_file = (cache / "uk-holidays.json").is_file()
    baseline, registered, cached, package = (
        statistics.median(runs[k]) for k in ("baseline", "register", "cached", "package")
    )
    # With PYTHONDONTWRITEBYTECODE set and no __pycache__, foikit is compiled on every start.
    pyc = "no .pyc written: PYTHONDONTWRITEBYTECODE" if sys.dont_write_bytecode else ".pyc on"
    print(f"start-up (median of {repeat}, the commands interleaved; {pyc})")
    print(f"  sqlite-utils --version:                  {baseline * 1000:.0f} ms")
    print(
        f"  foikit deadline 2024-01-01 (register):   {registered * 1000:.0f} ms"
        f"   ratio {registered / baseline:.2f}x   target <= 1.2x"
    )
    print(
        f"  foikit deadline 2024-01-01 (no register, cache file): {cached * 1000:.0f} ms"
        f"   ratio {cached / baseline:.2f}x   target <= 1.2x"
    )
    print(
        f"  foikit deadline 2024-01-01 (no register, empty cache: imports `holidays`, writes"
        f" the cache): {package * 1000:.0f} ms   ratio {package / baseline:.2f}x   (once per"
        f" `holidays` version and span of years)"
    )
    print(f"  cache file written: {'yes' if cached_file else 'NO'}")


if __name__ == "__main__":
    if sys.argv[1:] == ["startup"]:
        bench_startup()
        sys.exit()
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    calendar = Calendar.from_package(range(2010, 2036))
    # once a process and a calendar: numpy imported, the calendar's statutory tables built
    t0 = time.process_time()
    due_dates_columns(["2021-06-07"], ["foi"], [], calendar)
    print(
        f"first bulk call (numpy import, the calendar's tables, once): "
        f"{time.process_time() - t0:.3f} s, not in the figures below"
    )
    for mix in MIXES:
        bench_deadlines(size, mix, calendar)
    bench_startup()
