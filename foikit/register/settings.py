"""Office and ICO settings: seeded for the OPCC West Midlands, changed by `foikit settings set`.

Only known keys are accepted, so a typo cannot silently create a setting no letter reads.
Multi-line values (addresses) are stored with newlines; on the command line a literal `\\n`
or `|` separates lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from foikit.clock.rules import REVIEW_REQUEST_WITHIN
from foikit.errors import InvalidSetting, UnknownSetting
from foikit.law.exemptions import APPROPRIATE_LIMIT_GBP, HOURLY_RATE_GBP

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx
    from foikit.register.reader import Reader


@dataclass(frozen=True)
class Setting:
    key: str
    default: str
    description: str
    kind: str = "text"  # text | lines | int | nation | addresses | signatory


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting(
            "office.name",
            "Office of the Police and Crime Commissioner for the West Midlands",
            "The authority's name as it heads letters",
        ),
        Setting("office.short_name", "OPCC", "How letters refer to the office after first use"),
        Setting(
            "office.address",
            "Lloyd House\nColmore Circus Queensway\nBirmingham\nB4 6NQ",
            "Postal address, one line per line",
            "lines",
        ),
        Setting("office.phone", "0121 626 6060", "Telephone number printed on letters"),
        Setting(
            "office.email",
            "wmpcc@west-midlands.pnn.police.uk",
            "Email address for requests and internal reviews",
        ),
        Setting("office.website", "", "The office's website (empty: not printed)"),
        Setting("office.signatory_name", "Alethea Fuller", "Who signs letters"),
        Setting("office.signatory_title", "Deputy Chief Executive", "The signatory's job title"),
        Setting(
            "office.disclosure_log_url",
            "",
            "Public address of the disclosure log (empty: letters do not point to it)",
        ),
        Setting(
            "office.cost_limit",
            str(APPROPRIATE_LIMIT_GBP),
            "FOIA s.12 appropriate limit in pounds",
            "int",
        ),
        Setting(
            "office.hourly_rate",
            str(HOURLY_RATE_GBP),
            "Staff time rate for s.12 estimates, pounds an hour",
            "int",
        ),
        Setting("ico.name", "Information Commissioner's Office", "The regulator's name"),
        Setting(
            "ico.address",
            "Wycliffe House\nWater Lane\nWilmslow\nCheshire\nSK9 5AF",
            "The ICO's postal address",
            "lines",
        ),
        Setting("ico.helpline", "0303 123 1113", "The ICO's helpline"),
        Setting("ico.website", "ico.org.uk", "The ICO's website"),
        Setting("ico.complaint_url", "ico.org.uk/make-a-complaint", "Where to complain to the ICO"),
        Setting(
            "ico.complaint_weeks",
            "6",
            "The ICO asks for complaints within this many weeks of the final response",
            "int",
        ),
        Setting(
            "review.request_within_days",
            str(REVIEW_REQUEST_WITHIN),
            "Working days after the response within which a review should be asked for",
            "int",
        ),
        Setting(
            "clock.due_soon_days", "5", "Working days left at which a request is due soon", "int"
        ),
        Setting(
            "clock.sar_nation",
            "ENG",
            "Nation whose bank holidays move a subject access due date (ENG, WLS, SCT, NIR)",
            "nation",
        ),
        Setting(
            "reference.next",
            "",
            "Continue the office's own numbering: the next new request of that prefix and year"
            " gets at least this number, e.g. FOI-2026-0120 (empty: the register's own count)",
            "reference",
        ),
        Setting(
            "staff.idle_minutes",
            "60",
            "Minutes without a request after which a staff session ends",
            "int",
        ),
        Setting(
            "staff.trusted_proxies",
            "",
            "Addresses of the reverse proxies in front of `foikit staff`, comma separated: "
            "only from these is X-Forwarded-For believed (empty: none)",
            "addresses",
        ),
        Setting(
            "letters.signatory",
            "decider",
            "Who signs letters: decider (the handler for request letters, the reviewer for "
            "review letters, the office signatory when they have no full name) or office",
            "signatory",
        ),
    )
}


def get_definition(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        raise UnknownSetting(
            f"unknown setting {key!r}: `foikit settings list` shows the known ones"
        ) from None


def normalise(key: str, value: str) -> str:
    """Validate a value for a known key; returns what is stored."""
    definition = get_definition(key)
    if definition.kind == "lines":
        lines = [
            line.strip() for line in value.replace("\\n", "\n").replace("|", "\n").splitlines()
        ]
        return "\n".join(line for line in lines if line)
    if definition.kind == "int":
        try:
            number = int(value)
        except ValueError:
            raise InvalidSetting(f"{key} must be a whole number, not {value!r}") from None
        if number < 0:
            raise InvalidSetting(f"{key} cannot be negative")
        return str(number)
    if definition.kind == "reference":
        return _reference_setting(key, value)
    if definition.kind == "nation":
        if value.upper() not in ("ENG", "WLS", "SCT", "NIR"):
            raise InvalidSetting(f"{key} must be one of ENG, WLS, SCT, NIR, not {value!r}")
        return value.upper()
    if definition.kind == "addresses":
        return _addresses(key, value)
    if definition.kind == "signatory":
        if value.strip().lower() not in ("decider", "office"):
            raise InvalidSetting(f"{key} must be decider or office, not {value!r}")
        return value.strip().lower()
    return value.strip()


def _reference_setting(key: str, value: str) -> str:
    """`FOI-2026-0120` (any regime's prefix; `foi/2026/120` is read the same): stored as
    `request add` writes references. Empty clears it."""
    import re

    from foikit.law.regimes import REGIMES

    text = value.strip().upper()
    if not text:
        return ""
    match = re.fullmatch(r"([A-Z]+)[-/ ](\d{4})[-/ ](\d{1,9})", text)
    prefixes = sorted({r.prefix for r in REGIMES.values()})
    if not match or match[1] not in prefixes or int(match[3]) < 1:
        raise InvalidSetting(
            f"{key} must be a reference such as FOI-2026-0120 (prefix {', '.join(prefixes)}),"
            f" not {value!r}"
        )
    return f"{match[1]}-{match[2]}-{int(match[3]):04d}"


def _addresses(key: str, value: str) -> str:
    import ipaddress

    found = []
    for part in value.replace(";", ",").split(","):
        if part.strip():
            try:
                found.append(str(ipaddress.ip_network(part.strip(), strict=False)))
            except ValueError:
                raise InvalidSetting(
                    f"{key}: {part.strip()!r} is not an IP address or network"
                ) from None
    return ",".join(found)


def all_settings(reg: Reader) -> dict[str, str]:
    """Every known setting: the register's value, else the default."""
    stored = {r["key"]: r["value"] for r in reg.query("SELECT key, value FROM settings")}
    return {key: stored.get(key, s.default) for key, s in SETTINGS.items()}


def get_setting(reg: Reader, key: str) -> str:
    definition = get_definition(key)
    value = reg.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    return definition.default if value is None else str(value)


def set_setting(reg: Register, key: str, value: str, actor: str) -> str:
    stored = normalise(key, value)
    with reg.transaction(actor) as tx:
        tx.upsert("settings", {"key": key, "value": stored}, pk="key")
    return stored


def seed_defaults(tx: Tx) -> int:
    """Store the defaults for keys the register does not have yet (never overwrites)."""
    existing = {r[0] for r in tx.execute("SELECT key FROM settings")}
    added = 0
    for key, s in SETTINGS.items():
        if key not in existing:
            tx.insert("settings", {"key": key, "value": s.default}, pk="key")
            added += 1
    return added


def _lines(value: str) -> list[str]:
    return [line for line in value.splitlines() if line.strip()]


def office_context(reg: Reader) -> dict[str, Any]:
    s = all_settings(reg)
    return {
        "name": s["office.name"],
        "short_name": s["office.short_name"],
        "address": _lines(s["office.address"]),
        "phone": s["office.phone"],
        "email": s["office.email"],
        "website": s["office.website"] or None,
        "signatory_name": s["office.signatory_name"],
        "signatory_title": s["office.signatory_title"],
        "disclosure_log_url": s["office.disclosure_log_url"] or None,
        "cost_limit": int(s["office.cost_limit"]),
        "hourly_rate": int(s["office.hourly_rate"]),
    }


def ico_context(reg: Reader) -> dict[str, Any]:
    s = all_settings(reg)
    return {
        "name": s["ico.name"],
        "address": _lines(s["ico.address"]),
        "helpline": s["ico.helpline"],
        "website": s["ico.website"],
        "complaint_url": s["ico.complaint_url"],
        "complaint_weeks": int(s["ico.complaint_weeks"]),
    }
