"""Benchmark the statutory clock.

1. Due dates for 100,000 requests of mixed regimes with clock events, by what production runs
   (`foikit.clock.rules.request_deadline`, one request at a time, as `duedates.recompute` calls
   it after every clock event), against a plain day-by-day loop given the same inputs and
   measured in the same run (and checked to give the same dates). Target: under 1 ms a
   request, as a clock event recomputes one request in its transaction.
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
from typing import Any

from foikit.clock.rules import ClockEvent, add_months, request_deadline
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
    paused = 0  # subject access: days paused for clarification (UK GDPR Art 12A)
    for e in events:
        assert e.date is not None
        if e.kind in ("clarify", "fee"):
            stopped, since = e.kind, e.date
        elif e.kind == "clarified" and get_regime(period).unit == "months":
            stopped, paused = None, paused + (e.date - since).days + 1
        elif e.kind == "clarified" or e.kind == "reopen":
            stopped, start, period, extra, pi, paused = None, e.date, regime, 0, 0, 0
        elif e.kind == "fee-paid":
            if get_regime(period).unit == "months":
                start, paused = e.date, 0
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
        due = add_months(start, rule.amount) + dt.timedelta(days=paused)
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
    with_events = sum(bool(e) for _, _, e in requests)

    ways: dict[str, Callable[[], Any]] = {
        # what production runs: `duedates.recompute` calls request_deadline with its steps
        "explained": lambda: [request_deadline(r, g, e, cal).due for r, g, e in requests],
        "bare": lambda: [request_deadline(r, g, e, cal, explain=False).due for r, g, e in requests],
        "loop": lambda: [naive_due(r, g, e, works, own_works) for r, g, e in requests],
        "inline loop": lambda: [naive_due(r, g, e, inline, own_inline) for r, g, e in requests],
    }
    best = timed(ways)
    answers = [f() for f in ways.values()]
    differ = sum(len(set(a)) > 1 for a in zip(*answers, strict=True))
    base = min(best["loop"], best["inline loop"])
    print(f"due dates for {n:,} requests, {mix_name} mix ({with_events:,} with clock events)")
    print(f"  (CPU seconds, each the best of {REPEAT} runs, the runs interleaved)")
    print(f"    request_deadline with its steps (as recompute): {best['explained']:.3f} s")
    print(f"    request_deadline, explain=False:               {best['bare']:.3f} s")
    print(f"    day-by-day loop, Calendar.is_working_day:      {best['loop']:.3f} s")
    print(f"    day-by-day loop, inline set lookups:           {best['inline loop']:.3f} s")
    per = best["explained"] / n * 1e6
    print(
        f"    ratios against the faster loop: {base / best['explained']:.1f}x with steps, "
        f"{base / best['bare']:.1f}x without (the loop knows no late notices, no errors)"
    )
    print(f"    per request with steps: {per:.0f} us   target < 1000 us (one clock event)")
    print(f"  requests whose dates differ between the four: {differ}")


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
        init_register(db, load_facts=False, actor="bench")
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
    for mix in MIXES:
        bench_deadlines(size, mix, calendar)
    bench_startup()
