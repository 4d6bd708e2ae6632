"""The UK-wide working-day calendar (FOIA s.10(6)).

A bank holiday in ANY part of the United Kingdom is not a working day, so the calendar is the
union of England, Wales, Scotland and Northern Ireland, one-off proclaimed days included. The
`holidays` package supplies the days; the register stores them (so a newly proclaimed day can
be added without an upgrade) and the clock is passed a `Calendar` built from those rows.

Counting is arithmetic, not a walk: weekdays up to a date follow from its ordinal, and the
holidays that fall on weekdays are a sorted list searched with `bisect`. So a deadline costs a
few bisects whatever its length, and no year range is frozen at import.

Importing `holidays` costs about 100 ms (its package imports every one of its ~250 country
modules, and reads its own version through importlib.metadata), which is most of
`foikit deadline`'s start-up when there is no register. So the days worked out from the package
may be kept in a cache file (`uk_holidays_cached`), keyed on the installed `holidays` package
(version, place, install time) and on the code that merges the nations: it is never stale.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import types
import zlib
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from foikit.errors import FoikitError, HolidayError

T = TypeVar("T")

NATIONS = ("ENG", "WLS", "SCT", "NIR")
# FOIA came fully into force on 1 January 2005: no register holds a request received before.
FIRST_YEAR = 2005
# Years after this year + FAR_AHEAD are checked against the last year the `holidays` package
# covers (an import of the package); nearer years are taken to be covered, which every version
# of it does by decades.
FAR_AHEAD = 10
WEEKEND_NAMES = {5: "Saturday", 6: "Sunday"}
MAX_TABLE_YEARS = 200  # wider calendars use the bisect arithmetic alone
CACHE_FILE = "uk-holidays.json"
CACHE_SPANS = 32  # year spans kept in the cache file; the oldest go first


class CalendarOutOfRange(FoikitError):
    """A date outside the years whose bank holidays the calendar holds: a due date there would
    silently ignore the bank holidays, so it is refused."""


@dataclass(frozen=True)
class Holiday:
    date: dt.date
    name: str
    nations: tuple[str, ...]


def default_years(today: dt.date | None = None) -> range:
    """The years `foikit init` loads: from FOIA's first year to two years ahead. Any other year
    the `holidays` package covers is loaded on demand (`Calendar.covering`)."""
    year = (today or dt.date.today()).year
    return range(FIRST_YEAR, year + 3)


def package_last_year() -> int:
    """The last year the installed `holidays` package knows the UK's bank holidays for."""
    import holidays

    return int(holidays.country_holidays("GB").end_year)


def package_years(wanted: Iterable[int]) -> list[int]:
    """The years of `wanted` that the `holidays` package covers, from FIRST_YEAR on."""
    years = sorted({y for y in wanted if y >= FIRST_YEAR})
    if years and years[-1] > dt.date.today().year + FAR_AHEAD:
        last = package_last_year()
        years = [y for y in years if y <= last]
    return years


class _OneNation:
    """A fill restricted to one nation's days (for `Calendar.only`)."""

    def __init__(self, fill: Callable[[Iterable[int]], list[Holiday]], nation: str) -> None:
        self.fill, self.nation = fill, nation

    def __call__(self, years: Iterable[int]) -> list[Holiday]:
        return [h for h in self.fill(years) if self.nation in h.nations]


class PackageDays:
    """The `holidays` package's UK days for the years asked, through the cache file when a
    folder is given: what a calendar loads on demand for a year it does not hold."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir

    def __call__(self, years: Iterable[int]) -> list[Holiday]:
        wanted = package_years(years)
        if not wanted:
            return []
        if self.cache_dir is None:
            return uk_holidays(wanted)
        return uk_holidays_cached(wanted, self.cache_dir)


def uk_holidays(years: Iterable[int] | None = None) -> list[Holiday]:
    """Bank holidays of every UK nation from the `holidays` package, merged by date."""
    import holidays  # imported here: the clock commands should not pay for it at start-up

    years = list(default_years() if years is None else years)
    by_date: dict[dt.date, dict[str, list[str]]] = {}
    for nation in NATIONS:
        for day, name in holidays.country_holidays(
            "GB", subdiv=nation, years=years, categories=("public",)
        ).items():
            entry = by_date.setdefault(day, {})
            for part in str(name).split("; "):
                entry.setdefault(part, []).append(nation)
    result = []
    for day in sorted(by_date):
        names = by_date[day]
        nations = tuple(n for n in NATIONS if any(n in ns for ns in names.values()))
        label = "; ".join(
            name if len(ns) == len(NATIONS) else f"{name} ({', '.join(ns)})"
            for name, ns in names.items()
        )
        result.append(Holiday(day, label, nations))
    return result


def default_cache_dir() -> Path:
    """Where `uk_holidays_cached` keeps its file: $FOIKIT_CACHE_DIR, else $XDG_CACHE_HOME/foikit,
    else ~/.cache/foikit."""
    chosen = os.environ.get("FOIKIT_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "foikit" if base else Path.home() / ".cache" / "foikit"


def holidays_fingerprint() -> str | None:
    """The installed `holidays` package, told apart without importing it (that is what costs):
    its version from the dist-info beside it, where it is, and when that dist-info was written
    (an upgrade, downgrade or reinstall rewrites it). None when it cannot be told for sure (not
    installed, no dist-info, or more than one): then nothing is cached."""
    import importlib.util  # already imported by Python's start-up, so free

    try:
        spec = importlib.util.find_spec("holidays")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(list(spec.submodule_search_locations)[0])
    try:
        infos = [
            Path(e.path)
            for e in os.scandir(package.parent)
            if e.name.lower().startswith("holidays-") and e.name.endswith(".dist-info")
        ]
        if len(infos) != 1:
            return None
        metadata = infos[0] / "METADATA"
        stamp = metadata.stat().st_mtime_ns
        head: dict[str, str] = {}
        with metadata.open(encoding="utf-8") as f:
            for line in f:  # the headers end at the first blank line; the README follows
                if not line.strip():
                    break
                name, _, value = line.partition(": ")
                head.setdefault(name, value.strip())
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if head.get("Name", "").lower() != "holidays" or not head.get("Version"):
        return None
    return f"{head['Version']}|{package}|{stamp}|{_merge_code_digest()}"


def _code_digest(code: types.CodeType) -> int:
    """A checksum of a function's bytecode and constants, nested code included (a code object's
    repr holds its address, so it is walked rather than printed)."""
    digest = zlib.crc32(code.co_code)
    for const in code.co_consts:
        part = _code_digest(const) if isinstance(const, types.CodeType) else repr(const)
        digest = zlib.crc32(str(part).encode(), digest)
    return zlib.crc32(repr(code.co_names).encode(), digest)


def _merge_code_digest() -> str:
    """The cache holds what `uk_holidays` made: a change to it (or to the nations) must miss."""
    return f"{_code_digest(uk_holidays.__code__):08x}-{zlib.crc32(repr(NATIONS).encode()):08x}"


def _span_key(years: list[int]) -> str:
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ",".join(map(str, years))


def _read_cache(path: Path, fingerprint: str) -> dict[str, Any]:
    """The cache's spans when it was written for this `holidays`, else {}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("holidays") != fingerprint:
        return {}
    spans = data.get("spans")
    return spans if isinstance(spans, dict) else {}


def _from_cache(rows: Any) -> list[Holiday] | None:
    try:
        days = [Holiday(dt.date.fromisoformat(d), str(n), tuple(ns)) for d, n, ns in rows]
    except (TypeError, ValueError):
        return None
    if any(not h.nations or not set(h.nations) <= set(NATIONS) for h in days):
        return None
    return days


def uk_holidays_cached(years: Iterable[int], cache_dir: Path) -> list[Holiday]:
    """`uk_holidays(years)`, kept in `cache_dir` so that later calls need not import `holidays`.

    The file is trusted only when written for the same `holidays_fingerprint()`; a cache that
    cannot be read or written is simply not used (the package answers as before).
    """
    wanted = sorted(set(years))
    fingerprint = holidays_fingerprint()
    if fingerprint is None or not wanted:
        return uk_holidays(wanted)
    key, path = _span_key(wanted), cache_dir / CACHE_FILE
    spans = _read_cache(path, fingerprint)
    if key in spans:
        cached = _from_cache(spans[key])
        if cached is not None:
            return cached
    days = uk_holidays(wanted)
    spans.pop(key, None)
    spans[key] = [[h.date.isoformat(), h.name, list(h.nations)] for h in days]
    kept = dict(list(spans.items())[-CACHE_SPANS:])
    # Written whole to a file of this process's own, then renamed over: a reader never sees half
    # a file, and two writers at once cost no more than a recomputation.
    from foikit.register.files import atomic_output

    with contextlib.suppress(OSError):  # fsynced before the rename, like every foikit file
        cache_dir.mkdir(parents=True, exist_ok=True)
        with atomic_output(path) as fh:
            fh.write(json.dumps({"holidays": fingerprint, "spans": kept}))
    return days


def easter_sunday(year: int) -> dt.date:
    """Western Easter (the anonymous Gregorian algorithm), for Good Friday."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def statutory_days(year: int) -> list[Holiday]:
    """Christmas Day and Good Friday: named in s.10(6) itself, so never working days whatever the
    holidays table says."""
    return [
        Holiday(easter_sunday(year) - dt.timedelta(days=2), "Good Friday", NATIONS),
        Holiday(dt.date(year, 12, 25), "Christmas Day", NATIONS),
    ]


def is_statutory(day: dt.date) -> bool:
    return any(h.date == day for h in statutory_days(day.year))


def parse_nations(value: str | Iterable[str]) -> tuple[str, ...]:
    """`ENG,SCT` (any case, any order) to ("ENG", "SCT"); an unknown nation is refused."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    wanted = {p.strip().upper() for p in parts if p.strip()}
    unknown = wanted - set(NATIONS)
    if unknown or not wanted:
        raise HolidayError(
            f"nations must be a comma list of {', '.join(NATIONS)}, not {','.join(parts)!r}"
        )
    return tuple(n for n in NATIONS if n in wanted)


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday, ordinal 1) up to and including `ordinal`."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _nth_weekday(count: int) -> int:
    """The ordinal of the `count`-th weekday (count >= 1): the inverse of `_weekdays_through`."""
    weeks, rest = divmod(count - 1, 5)
    return weeks * 7 + rest + 1


@dataclass(frozen=True)
class Calendar:
    """Non-working days: weekends, the holidays given, and Christmas Day and Good Friday.

    `years` is the span of years the holidays are known for (inclusive); a date outside it is
    refused by `check`. None means the holidays given are complete for every year (a test's
    made-up calendar).
    """

    holidays: tuple[Holiday, ...] = ()
    years: tuple[int, int] | None = None
    # Where the days of a year the calendar does not hold come from (`covering`); None: nowhere.
    fill: Callable[[Iterable[int]], list[Holiday]] | None = field(
        default=None, repr=False, compare=False
    )
    _by_date: dict[dt.date, Holiday] = field(init=False, repr=False, compare=False)
    _sorted_dates: list[dt.date] = field(init=False, repr=False, compare=False)
    _weekday_ordinals: list[int] = field(init=False, repr=False, compare=False)
    _nations: dict[str, Calendar] = field(init=False, repr=False, compare=False)
    # Precomputed over the covered years (the bisect arithmetic answers outside them):
    # _through[i] = working days up to ordinal _lo + i; _days = the working days' ordinals.
    _lo: int = field(init=False, repr=False, compare=False)
    _through: list[int] = field(init=False, repr=False, compare=False)
    _first_count: int = field(init=False, repr=False, compare=False)
    _days: list[int] = field(init=False, repr=False, compare=False)
    _memo: dict[Hashable, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_date = {h.date: h for h in self.holidays}
        span = self.years or (
            (min(by_date).year, max(by_date).year) if by_date else (dt.MINYEAR, dt.MINYEAR - 1)
        )
        # Christmas Day and Good Friday are added for the years the calendar covers, so that a
        # row removed by mistake (or a test calendar) cannot make them working days.
        first, last = max(span[0], 1583), min(span[1], 9998)
        for year in range(first, last + 1):
            for h in statutory_days(year):
                by_date.setdefault(h.date, h)
        set_ = object.__setattr__
        set_(self, "_by_date", by_date)
        set_(self, "_sorted_dates", sorted(by_date))
        set_(self, "_weekday_ordinals", sorted(d.toordinal() for d in by_date if d.weekday() < 5))
        set_(self, "_nations", {})
        set_(self, "_memo", {})
        self._build_table(first, last)

    def _build_table(self, first: int, last: int) -> None:
        set_ = object.__setattr__
        if first > last or last - first > MAX_TABLE_YEARS:
            set_(self, "_lo", 0)
            set_(self, "_through", [])
            set_(self, "_first_count", 0)
            set_(self, "_days", [])
            return
        lo = dt.date(first, 1, 1).toordinal()
        hi = dt.date(last, 12, 31).toordinal()
        closed = set(self._weekday_ordinals)
        count = self._count_by_bisect(lo - 1)
        through, days = [], []
        for ordinal in range(lo, hi + 1):
            # ordinal 1 (0001-01-01) is a Monday, so (ordinal - 1) % 7 < 5 is a weekday
            if (ordinal - 1) % 7 < 5 and ordinal not in closed:
                count += 1
                days.append(ordinal)
            through.append(count)
        set_(self, "_lo", lo)
        set_(self, "_through", through)
        set_(self, "_first_count", count - len(days) + 1)
        set_(self, "_days", days)

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, Any]], years: tuple[int, int] | None = None
    ) -> Calendar:
        """From the register's holidays rows: `date` (ISO), `name`, `nations` ("ENG,WLS,...").

        Without `years`, the calendar covers the first to the last year the rows mention.
        """
        days = []
        for row in rows:
            day = row["date"]
            if isinstance(day, str):
                day = dt.date.fromisoformat(day)
            nations = row.get("nations") or NATIONS
            days.append(Holiday(day, str(row["name"]), parse_nations(nations)))
        days.sort(key=lambda h: h.date)
        if years is None and days:
            years = (days[0].date.year, days[-1].date.year)
        return cls(tuple(days), years if years is not None else (dt.MINYEAR, dt.MINYEAR - 1))

    @classmethod
    def from_package(
        cls, years: Iterable[int] | None = None, cache_dir: Path | None = None
    ) -> Calendar:
        """Straight from the `holidays` package (before `foikit init`, or to compare); through
        the cache file in `cache_dir` when one is given (see `uk_holidays_cached`). Any other
        year the package covers is loaded on demand (`covering`)."""
        fill = PackageDays(cache_dir)
        wanted = package_years(default_years() if years is None else years)
        if not wanted:
            return cls((), (FIRST_YEAR, FIRST_YEAR - 1), fill)
        return cls(tuple(fill(wanted)), (wanted[0], wanted[-1]), fill)

    def covering(self, first: int, last: int) -> Calendar:
        """This calendar, or one that also holds the years `first` to `last` from `fill` (the
        `holidays` package), for those of them from FIRST_YEAR that the package covers. Days the
        calendar holds win over the package's (a register's own rows). Without `fill`, or for
        years nobody covers, the calendar is returned as it is and `check` refuses the date."""
        if self.fill is None or self.years is None:
            return self
        have_first, have_last = self.years
        if have_first <= first and last <= have_last:
            return self
        empty = have_first > have_last
        lo = first if empty else min(first, have_first)
        hi = last if empty else max(last, have_last)
        missing = [
            y
            for y in range(max(lo, FIRST_YEAR), hi + 1)
            if empty or not have_first <= y <= have_last
        ]
        return self.memo(("covering", lo, hi), lambda: self._with_years(missing))

    def _with_years(self, missing: list[int]) -> Calendar:
        fill = self.fill
        assert fill is not None and self.years is not None
        added = fill(missing)
        years = package_years(missing)
        if not years:
            return self
        by_date = {h.date: h for h in added}
        by_date.update({h.date: h for h in self.holidays})
        have_first, have_last = self.years
        span = (
            (years[0], years[-1])
            if have_first > have_last
            else (min(years[0], have_first), max(years[-1], have_last))
        )
        return Calendar(tuple(by_date[d] for d in sorted(by_date)), span, fill)

    def only(self, nation: str) -> Calendar:
        """The days of one nation (subject access moves a due date by the authority's own)."""
        cached = self._nations.get(nation)
        if cached is None:
            key = parse_nations(nation)[0]
            days = tuple(h for h in self.holidays if key in h.nations)
            fill = self.fill
            own = None if fill is None else _OneNation(fill, key)
            cached = self._nations[key] = self._nations[nation] = Calendar(days, self.years, own)
        return cached

    # -- questions ---------------------------------------------------------------------------

    def is_working_day(self, d: dt.date) -> bool:
        return d.weekday() < 5 and d not in self._by_date

    def holiday_name(self, d: dt.date) -> str | None:
        """The bank holiday's name, else "Saturday"/"Sunday", else None for a working day."""
        holiday = self._by_date.get(d)
        if holiday is not None:
            return holiday.name
        return WEEKEND_NAMES.get(d.weekday())

    def covers(self, d: dt.date) -> bool:
        return self.years is None or self.years[0] <= d.year <= self.years[1]

    def check(self, *days: dt.date) -> None:
        """Refuse a date whose year's bank holidays the calendar does not hold."""
        if self.years is None:
            return
        first, last = self.years
        for d in days:
            if first <= d.year <= last:
                continue
            if d.year < FIRST_YEAR:
                raise CalendarOutOfRange(
                    f"{d.isoformat()} is before 1 January {FIRST_YEAR}, when the Freedom of "
                    "Information Act came into force: no deadline is worked out for it"
                )
            if self.fill is not None and d.year > package_last_year():  # nobody holds it
                raise CalendarOutOfRange(
                    f"{d.isoformat()} is outside the years whose bank holidays are known (the "
                    f"`holidays` package covers {FIRST_YEAR} to {package_last_year()}): its "
                    "deadline cannot be worked out"
                )
            if first > last:
                raise CalendarOutOfRange(
                    "no bank holidays are loaded: run `foikit init` (or `foikit holidays add`)"
                )
            raise CalendarOutOfRange(
                f"{d.isoformat()} is outside the years whose bank holidays are loaded "
                f"({first} to {last}): its deadline cannot be worked out"
            )

    def non_working_days(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        """Every non-working day in (start, end], with its name."""
        out = []
        day = start + dt.timedelta(days=1)
        one = dt.timedelta(days=1)
        while day <= end:
            name = self.holiday_name(day)
            if name is not None:
                out.append((day, name))
            day += one
        return out

    # -- the arithmetic (ordinals) -----------------------------------------------------------

    def working_days_through(self, ordinal: int) -> int:
        """How many working days from 0001-01-01 up to and including `ordinal`."""
        i = ordinal - self._lo
        if 0 <= i < len(self._through):
            return self._through[i]
        return self._count_by_bisect(ordinal)

    def nth_working_day(self, count: int) -> int:
        """The ordinal of the `count`-th working day (count >= 1)."""
        i = count - self._first_count
        if 0 <= i < len(self._days):
            return self._days[i]
        return self._nth_by_bisect(count)

    def table(self) -> tuple[int, list[int], int, list[int]]:
        """The precomputed working days over the covered years, for bulk work:
        (lo, through, first_count, days) where through[o - lo] is `working_days_through(o)` and
        days[k - first_count] is `nth_working_day(k)`, each list empty when there is no table."""
        return self._lo, self._through, self._first_count, self._days

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """`build()` worked out once for this calendar and kept with it (the bulk clock's tables:
        a calendar never changes once built)."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value

    def _count_by_bisect(self, ordinal: int) -> int:
        return _weekdays_through(ordinal) - bisect_right(self._weekday_ordinals, ordinal)

    def _nth_by_bisect(self, count: int) -> int:
        holidays = self._weekday_ordinals
        skipped = 0
        while True:
            ordinal = _nth_weekday(count + skipped)
            # Holidays on or before the candidate push it on; repeat until it stops moving.
            now_skipped = bisect_right(holidays, ordinal)
            if now_skipped == skipped:
                return ordinal
            skipped = now_skipped

    def next_working_day(self, d: dt.date) -> dt.date:
        """`d` itself when it is a working day, else the next one."""
        ordinal = d.toordinal()
        count = self.working_days_through(ordinal)
        if self.is_working_day(d):
            return d
        return dt.date.fromordinal(self.nth_working_day(count + 1))

    def holidays_between(self, start: dt.date, end: dt.date) -> list[Holiday]:
        """The holidays (weekday or not) in (start, end], by date."""
        dates = self._sorted_dates
        picked = dates[bisect_right(dates, start) : bisect_right(dates, end)]
        return [self._by_date[d] for d in picked]
