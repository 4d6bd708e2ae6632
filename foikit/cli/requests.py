"""`foikit request`: add, show, list, answer, close, set, question and history.

Each command parses its options, calls one function of foikit.casework (the lifecycle and the
read side), and prints; the clock events are in foikit.cli.clock_events, reviews and the ICO in
foikit.cli.reviews, intake and corrections in foikit.cli.casework. Dates are taken as text and
parsed by the library, so a bad date is one `Error:` line (exit 1) like every other refusal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from foikit.cli import cli
from foikit.cli.common import (
    actor,
    by_option,
    count,
    emit_json,
    json_option,
    optional_date,
    parse_date,
    today_option,
    with_register,
)

if TYPE_CHECKING:
    from foikit.register.core import Register
    from foikit.register.reader import Reader


@dataclass(frozen=True)
class RequestOptions:
    """What `request add` was given, parsed once: for a request typed in, or read from an email
    (`--from-email`, foikit.cli.casework.add_from_email), where given values override the
    message's."""

    received: str | None
    subject: str | None
    regime: str
    requester_name: str | None
    requester_email: str | None
    requester_address: tuple[str, ...]
    questions: tuple[str, ...]
    handler: str | None
    channel: str | None
    publish: bool
    today: dt.date | None
    actor: str


# -- printing ---------------------------------------------------------------------------------


def _format_request(r: dict[str, Any], requester: dict[str, Any] | None) -> str:
    lines = [f"{r['reference']}  {r['subject']}"]
    state = r["status"]
    if r["status"] == "open":
        if r["clock_stopped"]:
            state += f", clock stopped (waiting for the {r['clock_stopped']})"
        elif r["overdue"]:
            state += ", OVERDUE"
        elif r["due_soon"]:
            state += f", due soon ({r['working_days_left']} working days left)"
    else:
        state += f": {r['outcome']}, responded {r['responded']}"
        if r["in_time"] is not None:
            state += " (in time)" if r["in_time"] else " (late)"
    lines.append(f"  status:    {state}")
    lines.append(f"  regime:    {r['regime']}")
    lines.append(f"  received:  {r['received']}" + (f" by {r['channel']}" if r["channel"] else ""))
    lines.append(f"  due:       {r['due'] or '(clock stopped)'}")
    if r["notice_due"]:
        lines.append(f"  notice due: {r['notice_due']} (s.17(2) refusal notice)")
    lines.append(f"  handler:   {r['handler'] or '(none)'}")
    if requester is not None:
        contact = requester["email"] or ", ".join(requester["address"])
        lines.append(f"  requester: {requester['name']} <{contact}>")
    if not r["publish"]:
        lines.append("  not for publication")
    for q in r["questions"]:
        lines.append(f"  Q{q['number']}. {q['text']}")
        lines.append(f"      [{q['status']}]" + (f" {q['answer']}" if q["answer"] else ""))
        for e in q["exemptions"]:
            ncnd = " (neither confirm nor deny)" if e["ncnd"] else ""
            reason = f": {e['reason']}" if e["reason"] else ""
            lines.append(f"      exempt {e['section']} {e['name']}{ncnd}{reason}")
    for step in r.get("deadline") or []:
        lines.append(f"  clock:     {step}")
    for e in r["events"]:
        bits = [e["date"] or ""]
        for key in ("reason", "days", "amount", "detail"):
            if e[key] is not None:
                bits.append(f"{key}: {e[key]}")
        lines.append(f"  event {e['kind']}: " + ", ".join(b for b in bits if b))
    for v in r["reviews"]:
        decided = f", decided {v['decided']}: {v['outcome']}" if v["decided"] else ""
        lines.append(
            f"  review: asked for {v['received']}, reviewer {v['reviewer']}, due {v['due']}"
            + decided
        )
    for c in r["ico"]:
        decided = f", decided {c['decided']}: {c['decision']}" if c["decided"] else ""
        notice = f", notice {c['decision_notice']}" if c["decision_notice"] else ""
        lines.append(
            f"  ICO case {c['case_reference']}: complained {c['complained']}" + decided + notice
        )
    return "\n".join(lines)


# -- foikit request ---------------------------------------------------------------------------


@cli.group()
def request() -> None:
    """Log, answer, time and close requests.

    \b
    Example:
        foikit request add --received 2021-06-05 --subject "Domestic Homicide Reviews" \\
            --requester-name "A Person" --requester-email a.person@example.org \\
            --question "How many CSPs are there?"
        foikit request list --open
    """


@request.command("add")
@click.option(
    "--from-email",
    "from_email",
    metavar="FILE",
    help="Log it from an email: a .eml or Outlook .msg file (the other options override it).",
)
@click.option("--dry-run", is_flag=True, help="With --from-email: print what would be logged.")
@click.option(
    "--as-received",
    "as_received",
    metavar="FILE",
    help="The request as received (a letter's text, UTF-8), kept with the request.",
)
@click.option("--received", metavar="YYYY-MM-DD", help="Date of receipt.")
@click.option("--subject", help="A short subject for the register.")
@click.option("--regime", default="foi", show_default=True, help="foi, eir or sar.")
@click.option("--requester-name", metavar="NAME", help="The requester's name (FOIA s.8).")
@click.option("--requester-email", metavar="EMAIL", help="Email address for correspondence.")
@click.option(
    "--requester-address",
    metavar="LINE",
    multiple=True,
    help="Postal address, one option per line (or one value with newlines).",
)
@click.option(
    "--question",
    "questions",
    metavar="TEXT",
    multiple=True,
    help="A question in the requester's words; repeat for each, in order.",
)
@click.option("--handler", metavar="NAME", help="The officer handling it.")
@click.option(
    "--channel",
    metavar="C",
    help="How it arrived: email, post, web, phone, in-person, social-media.",
)
@click.option(
    "--publish/--no-publish",
    default=True,
    help="Whether the response may go in the disclosure log (default: yes).",
)
@today_option
@by_option
@json_option
@with_register
def request_add(
    reg: Register,
    from_email: str | None,
    dry_run: bool,
    as_received: str | None,
    received: str | None,
    subject: str | None,
    regime: str,
    requester_name: str | None,
    requester_email: str | None,
    requester_address: tuple[str, ...],
    questions: tuple[str, ...],
    handler: str | None,
    channel: str | None,
    publish: bool,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Log a request; prints its reference (FOI-2021-0001).

    FOIA s.8: the requester's name and an address for correspondence (an email address or a
    postal address) are required. The due date comes from the statutory clock. The handler is
    you unless --handler says otherwise. With --from-email the requester, subject, date of
    receipt, questions and attachments come from the message, which is kept with the request.

    \b
    Example:
        foikit request add --received 2021-06-05 --subject "Domestic Homicide Reviews" \\
            --requester-name "A Person" --requester-email a.person@example.org \\
            --question "How many CSPs are there?" --question "List their websites." \\
            --handler j.smith --channel email
        foikit request add --from-email request.eml --dry-run
    """
    from foikit.casework.lifecycle import add_request, show_request
    from foikit.casework.requesters import address_lines
    from foikit.casework.staff_names import default_handler

    given = RequestOptions(
        received=received,
        subject=subject,
        regime=regime,
        requester_name=requester_name,
        requester_email=requester_email,
        requester_address=tuple(address_lines(list(requester_address))),
        questions=questions,
        handler=handler,
        channel=channel,
        publish=publish,
        today=optional_date(today, "date for today"),
        actor=actor(by),
    )
    if from_email is not None:
        from foikit.cli.casework import add_from_email

        add_from_email(reg, from_email, given, dry_run=dry_run, as_json=as_json)
        return
    if dry_run:
        raise click.ClickException("--dry-run goes with --from-email")
    if received is None or subject is None:
        raise click.ClickException("give --received and --subject (or --from-email FILE)")
    original = None
    if as_received is not None:
        from foikit.cli.casework import read_text_file

        original = read_text_file(as_received)
    ref = add_request(
        reg,
        given.actor,
        received=parse_date(received, "received date"),
        subject=subject,
        regime=regime,
        questions=questions,
        requester_name=requester_name,
        requester_email=requester_email,
        requester_address=list(given.requester_address) or None,
        handler=handler or default_handler(reg.conn, given.actor),
        channel=channel,
        publish=publish,
        today=given.today,
        as_received=original,
        source="letter",
    )
    if as_json:
        emit_json(show_request(reg, ref, today=given.today))
        return
    click.echo(ref)


@request.command("show")
@click.argument("reference")
@today_option
@click.option(
    "--with-requester",
    is_flag=True,
    help="Add the requester's name, email and address to the JSON (left out by default).",
)
@json_option
@with_register
def request_show(
    reg: Reader, reference: str, today: str | None, with_requester: bool, as_json: bool
) -> None:
    """One request: questions, answers, clock events, review, ICO case and the due date.

    The JSON leaves the requester's details out, so it can be passed on safely; add them
    with --with-requester.

    \b
    Example:
        foikit request show FOI-2021-0001
        foikit request show FOI-2021-0001 --json
    """
    from foikit.casework.lifecycle import requester_of, show_request
    from foikit.casework.received import attachments_of, received_text

    shown = show_request(reg, reference, today=optional_date(today, "date for today"))
    rid = reg.scalar("SELECT id FROM requests WHERE reference = ?", (shown["reference"],))
    files = attachments_of(reg, rid)
    original = received_text(reg, rid)
    if as_json:
        shown.pop("requester", None)
        if with_requester:
            shown["requester"] = requester_of(reg, reference)
        emit_json({**shown, "attachments": files, "as_received": original})
        return
    click.echo(_format_request(shown, requester_of(reg, reference)))
    for f in files:
        click.echo(f"  attachment: {f['filename']} ({f['size']} bytes, sha256 {f['sha256']})")
    if original:
        click.echo(f"  as received ({original['source']}):")
        for line in original["text"].splitlines():
            click.echo(f"    | {line}")


@request.command("list")
@click.option("--open", "open_only", is_flag=True, help="Open requests only.")
@click.option("--overdue", is_flag=True, help="Open requests past their due date.")
@click.option(
    "--due-within",
    metavar="N",
    help="Open requests due within N working days (overdue ones included).",
)
@click.option("--handler", metavar="NAME", help="Only this officer's requests.")
@click.option("--regime", help="Only this regime: foi, eir or sar.")
@click.option("--limit", metavar="N", help="At most N requests.")
@today_option
@json_option
@with_register
def request_list(
    reg: Reader,
    open_only: bool,
    overdue: bool,
    due_within: str | None,
    handler: str | None,
    regime: str | None,
    limit: str | None,
    today: str | None,
    as_json: bool,
) -> None:
    """The register, filtered; overdue and due-soon work runs first when filtering by date.

    \b
    Example:
        foikit request list --open
        foikit request list --due-within 5 --handler j.smith --json
    """
    from foikit.casework.lifecycle import list_requests

    rows = list_requests(
        reg,
        open_only=open_only,
        overdue=overdue,
        due_within=count(due_within, "--due-within", 0),
        handler=handler,
        regime=regime,
        today=optional_date(today, "date for today"),
        limit=count(limit, "--limit", 1),
        full=as_json,
    )
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        if r["status"] == "open":
            state = f"due {r['due']}" if r["due"] else f"stopped ({r['clock_stopped']})"
        else:
            state = f"{r['outcome']} {r['responded']}"
        handler_ = r["handler"] or "-"
        click.echo(f"{r['reference']}\t{r['status']}\t{state}\t{handler_}\t{r['subject']}")


def _pair(values: tuple[str, ...], n: int, option: str) -> list[str | None]:
    """The i-th value for the i-th --exempt; one value serves them all."""
    if not values:
        return [None] * n
    if len(values) == 1:
        return [values[0]] * n
    if len(values) != n:
        raise click.ClickException(
            f"give one {option} for each --exempt ({n}), or a single one for all of them"
        )
    return list(values)


@request.command("answer")
@click.argument("reference")
@click.argument("number", metavar="N")
@click.option("--text", metavar="TEXT", help="The answer (or the part released).")
@click.option("--not-held", is_flag=True, help="The information is not held.")
@click.option(
    "--exempt",
    "sections",
    metavar="SECTION",
    multiple=True,
    help="Exemption relied on: 40(2), s.31(1)(a), 12, reg 12(5)(b); repeatable.",
)
@click.option(
    "--reason", "reasons", metavar="TEXT", multiple=True, help="Why the exemption applies."
)
@click.option(
    "--public-interest",
    "public_interests",
    metavar="TEXT",
    multiple=True,
    help="Public interest reasons: required for a qualified exemption (s.17(3)).",
)
@click.option("--ncnd", is_flag=True, help="Neither confirm nor deny that it is held.")
@today_option
@by_option
@json_option
@with_register
def request_answer(
    reg: Register,
    reference: str,
    number: str,
    text: str | None,
    not_held: bool,
    sections: tuple[str, ...],
    reasons: tuple[str, ...],
    public_interests: tuple[str, ...],
    ncnd: bool,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Record the answer to question N (replacing any earlier answer); N `all` gives every
    unanswered question the same answer (a whole request refused under s.12 or s.14).

    \b
    Example:
        foikit request answer FOI-2021-0001 1 --text "There are seven CSPs."
        foikit request answer FOI-2021-0001 4 --not-held
        foikit request answer FOI-2021-0001 5 --exempt "40(2)" \\
            --reason "Names of junior staff are personal data."
        foikit request answer FOI-2021-0001 6 --exempt "31(1)(a)" --reason "..." \\
            --public-interest "For: openness. Against: ... On balance: withhold."
        foikit request answer FOI-2021-0002 all --exempt 12 --reason "About 40 hours."
    """
    from foikit.casework.lifecycle import answer_all, answer_question, show_request

    n = len(sections)
    exemptions = list(
        zip(
            sections,
            _pair(reasons, n, "--reason"),
            _pair(public_interests, n, "--public-interest"),
            strict=True,
        )
    )
    if (reasons or public_interests) and not sections:
        raise click.ClickException("--reason and --public-interest go with --exempt")
    how: dict[str, Any] = {
        "text": text,
        "not_held": not_held,
        "exemptions": exemptions,
        "ncnd": ncnd,
        "today": optional_date(today, "date for today"),
    }
    every = number.strip().lower() == "all"
    if every:
        numbers = answer_all(reg, actor(by), reference, **how)
    elif number.strip().isdigit():
        numbers = [int(number)]
        answer_question(reg, actor(by), reference, numbers[0], **how)
    else:
        raise click.ClickException(f"N is a question number or `all`, not {number!r}")
    shown = show_request(reg, reference)
    questions = [q for q in shown["questions"] if q["number"] in numbers]
    if as_json:
        emit_json(questions if every else questions[0])
        return
    for q in questions:
        click.echo(f"{shown['reference']} question {q['number']}: {q['status']}")


@request.command("close")
@click.argument("reference")
@click.option("--responded", required=True, metavar="YYYY-MM-DD", help="Date of the response.")
@click.option(
    "--outcome",
    required=True,
    metavar="O",
    help="granted-in-full, partially-withheld, withheld-in-full, not-held, withdrawn, lapsed, "
    "transferred or advice-and-assistance.",
)
@today_option
@by_option
@json_option
@with_register
def request_close(
    reg: Register,
    reference: str,
    responded: str,
    outcome: str,
    today: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Record the response. Every question needs an answer unless the request was withdrawn,
    lapsed or transferred.

    \b
    Example:
        foikit request close FOI-2021-0001 --responded 2021-06-10 --outcome partially-withheld
    """
    from foikit.casework.lifecycle import close_request, show_request

    close_request(
        reg,
        actor(by),
        reference,
        responded=parse_date(responded, "response date"),
        outcome=outcome,
        today=optional_date(today, "date for today"),
    )
    shown = show_request(reg, reference, today=optional_date(today, "date for today"))
    if as_json:
        emit_json(shown)
        return
    timing = "" if shown["in_time"] is None else (" in time" if shown["in_time"] else " LATE")
    click.echo(f"{shown['reference']} closed: {shown['outcome']}{timing} (due {shown['due']})")


@request.command("history")
@click.argument("reference")
@json_option
@with_register
def request_history(reg: Reader, reference: str, as_json: bool) -> None:
    """Who did what and when, from the audit trail: response, review and ICO.

    \b
    Example:
        foikit request history FOI-2021-0001
    """
    from foikit.casework.lifecycle import history

    rows = history(reg, reference)
    if as_json:
        emit_json(rows)
        return
    for h in rows:
        click.echo(f"{h['at']}  {h['actor']}  {h['summary']}")


@request.command("set")
@click.argument("reference")
@click.option(
    "--publish/--no-publish",
    default=None,
    help="--no-publish: not for publication in the disclosure log.",
)
@click.option("--handler", metavar="NAME", help="Hand the request to another officer.")
@click.option("--subject", metavar="TEXT", help="Correct the subject.")
@click.option(
    "--channel",
    metavar="C",
    help="How it arrived: email, post, web, phone, in-person, social-media.",
)
@by_option
@json_option
@with_register
def request_set(
    reg: Register,
    reference: str,
    publish: bool | None,
    handler: str | None,
    subject: str | None,
    channel: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Change a request's details: publication, handler, subject, channel.

    \b
    Example:
        foikit request set FOI-2021-0001 --no-publish
        foikit request set FOI-2021-0001 --handler j.smith
    """
    from foikit.casework.lifecycle import show_request, update_request

    changes: dict[str, Any] = {}
    if publish is not None:
        changes["publish"] = publish
    for key, value in (("handler", handler), ("subject", subject), ("channel", channel)):
        if value is not None:
            changes[key] = value
    if not changes:
        raise click.ClickException("nothing to set: give --publish/--no-publish, --handler, ...")
    changed = update_request(reg, actor(by), reference, **changes)
    if as_json:
        emit_json(show_request(reg, reference))
        return
    ref = show_request(reg, reference)["reference"]
    if not changed:
        click.echo(f"{ref}: nothing changed")
    for key, value in changed.items():
        if key not in ("updated_at", "version"):
            click.echo(f"{ref}: {key} = {value}")


@request.command("question")
@click.argument("reference")
@click.option(
    "--text", required=True, metavar="TEXT", help="The question, in the requester's words."
)
@by_option
@with_register
def request_question(reg: Register, reference: str, text: str, by: str | None) -> None:
    """Add a question to an open request; prints its number.

    \b
    Example:
        foikit request question FOI-2021-0001 --text "And for 2020?"
    """
    from foikit.casework.lifecycle import add_question

    click.echo(str(add_question(reg, actor(by), reference, text)))
