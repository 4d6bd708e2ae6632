"""`foikit init`, `foikit settings` and `foikit facts`: setting up the register and its
reference data (named so as not to be mistaken for a packaging `setup.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from foikit.cli import cli
from foikit.cli.common import State, by_option, emit_json, json_option, pass_state, with_register

if TYPE_CHECKING:
    from foikit.register.core import Register


@cli.command()
@click.option(
    "--empty",
    is_flag=True,
    help="Create the tables only: no West Midlands reference data, no bank holidays.",
)
@by_option
@json_option
@pass_state
def init(state: State, empty: bool, by: str | None, as_json: bool) -> None:
    """Create or upgrade the register (repeatable).

    Loads the West Midlands reference data (CSPs, contacts, DHR, funding and MARAC figures with
    their sources), the office and ICO settings and the UK-wide bank holidays, unless --empty.
    Copies the letter templates shipped with foikit to templates/ beside the register, for the
    office to restyle, unless that folder exists already.

    \b
    Example:
        foikit init
        foikit --db /srv/foi/register.db init
    """
    from foikit.letters.folders import beside_register, copy_templates
    from foikit.register import current_actor, default_path
    from foikit.register.init import init_register

    report = init_register(
        state.db or default_path(), load_facts=not empty, actor=current_actor(by)
    )
    copied = copy_templates(report.path)
    if as_json:
        emit_json(
            {
                **report.as_dict(),
                "templates": str(beside_register(report.path)),
                "templates_copied": len(copied),
            }
        )
        return
    verb = "Created" if report.created else "Checked"
    click.echo(f"{verb} register {report.path}")
    for name in report.migrations:
        click.echo(f"  applied migration {name}")
    if report.settings_added:
        click.echo(f"  settings added: {report.settings_added}")
    if report.holidays_added:
        click.echo(f"  bank holidays added: {report.holidays_added}")
    for table, n in sorted(report.facts_changed.items()):
        click.echo(f"  reference {table}: {n} changed")
    if copied:
        folder = beside_register(report.path)
        click.echo(f"  letter templates copied to {folder}: {len(copied)}")


@cli.group()
def settings() -> None:
    """The office and ICO details letters use.

    \b
    Example:
        foikit settings list
        foikit settings set office.signatory_name "Jane Smith"
    """


@settings.command("list")
@json_option
@with_register
def settings_list(reg: Register, as_json: bool) -> None:
    """Every setting with its value.

    \b
    Example:
        foikit settings list --json
    """
    from foikit.register.settings import SETTINGS, all_settings

    values = all_settings(reg)
    if as_json:
        emit_json(values)
        return
    for key, value in values.items():
        shown = value.replace("\n", " | ") if value else "(empty)"
        click.echo(f"{key} = {shown}")
        click.echo(f"    {SETTINGS[key].description}")


@settings.command("set")
@click.argument("key")
@click.argument("value")
@by_option
@with_register
def settings_set(reg: Register, key: str, value: str, by: str | None) -> None:
    """Change one setting; address lines are separated by `|` or `\\n`.

    \b
    Example:
        foikit settings set ico.helpline "0303 123 1113"
        foikit settings set office.address "Lloyd House|Colmore Circus Queensway|Birmingham|B4 6NQ"
    """
    from foikit.register import current_actor
    from foikit.register.settings import set_setting

    stored = set_setting(reg, key, value, current_actor(by))
    click.echo(f"{key} = {stored.replace(chr(10), ' | ')}")


def _money_or_count(value: float, unit: str) -> str:
    if unit == "GBP":
        return f"£{value:,}"
    if unit == "percent":
        return f"{value}%"
    return f"{value:,}"


@cli.group(invoke_without_command=True)
@json_option
@click.pass_context
def facts(ctx: click.Context, as_json: bool) -> None:
    """The reference register: CSPs, their contacts and the figures, each with its source.

    \b
    Example:
        foikit facts
        foikit facts --json
        foikit facts check
    """
    if ctx.invoked_subcommand is not None:
        return
    from foikit.register.facts import facts as all_facts

    state = ctx.find_object(State) or State(None)
    with state.register() as reg:
        data = all_facts(reg)
    if as_json:
        emit_json(data)
        return
    click.echo(f"Community Safety Partnerships ({len(data['csps'])})")
    for csp in data["csps"]:
        click.echo(f"  {csp['name']}: website {csp['website'] or 'not held'}")
        for c in csp["contacts"]:
            value = f"withheld ({c['withheld_reason']})" if c["withheld"] else c["value"]
            click.echo(f"    {c['kind']}: {value}   [{c['source']}, {c['locator']}]")
    click.echo(f"\nFigures ({len(data['figures'])})")
    for f in data["figures"]:
        note = f"  ({f['note']})" if f["note"] else ""
        click.echo(
            f"  {f['topic']} {f['measure']} {f['area']} {f['period']}: "
            f"{_money_or_count(f['value'], f['unit'])}{note}"
        )
        click.echo(f"      source: {f['source']}")
        if f.get("internal_note"):
            click.echo(f"      internal note (officers only): {f['internal_note']}")
        click.echo(f"      in an answer: {f['call'] or 'not unique: the source gives two values'}")


@facts.command("check")
@json_option
@with_register
def facts_check(reg: Register, as_json: bool) -> None:
    """Compare stated totals with the sum of their parts, and find facts given two values.

    Each mismatch is reported with its sources, so an officer learns of it before disclosing
    the figure. Exits 0 either way: the mismatches are in the sources, not in the register.

    \b
    Example:
        foikit facts check
    """
    from foikit.register.facts import check

    findings, checks = check(reg)
    if as_json:
        emit_json({"checks": checks, "mismatches": [f.as_dict() for f in findings]})
        return
    click.echo(f"{checks} checks, {len(findings)} mismatches in the sources")
    for f in findings:
        click.echo(f"\n[{f.kind}] {f.message}")
        for s in f.sources:
            click.echo(f"    source: {s}")
