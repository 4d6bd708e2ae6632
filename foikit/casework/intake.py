"""Requests from email: read a `.eml` (the standard `email` package, modern policy) or an
Outlook `.msg` (extract-msg) into what `request add` logs, for the officer to check.

From the message: the requester (display name and address; a WhatDoTheyKnow request's
`request-...@whatdotheyknow.com` reply address, with the channel marked so the response goes
there), the subject, the date of receipt (the UK date the message arrived: the topmost
`Received:` header, else `Date:`, in Europe/London), the questions (foikit.casework.questions),
the body exactly as received and the attachments. What the parser is unsure of is said: no
questions or no date is an error, a date in the future is an error, a guess is a warning.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from foikit.casework.questions import request_body, split_questions
from foikit.errors import InvalidRequest

UK = ZoneInfo("Europe/London")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Outlook .msg is an OLE compound file
MAX_MESSAGE_BYTES = 50 * 1024 * 1024
_WDTK = re.compile(r"^request-\d+-[0-9a-f]+@whatdotheyknow\.com$", re.IGNORECASE)


class IntakeError(InvalidRequest):
    """A message that cannot be read into a request."""


@dataclass
class Attachment:
    filename: str
    content_type: str | None
    data: bytes = field(repr=False)


@dataclass
class Intake:
    """What a message says, before anything is written."""

    subject: str
    received: dt.date
    arrived: dt.datetime  # when it arrived, in UK time
    requester_name: str | None
    requester_email: str | None
    channel: str
    body: str  # the message as received (text; HTML turned into text)
    questions: list[str]
    attachments: list[Attachment]
    source: str  # eml | msg
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received.isoformat(),
            "subject": self.subject,
            "requester": {"name": self.requester_name, "email": self.requester_email},
            "channel": self.channel,
            "questions": list(self.questions),
            "attachments": [
                {"filename": a.filename, "content_type": a.content_type, "size": len(a.data)}
                for a in self.attachments
            ],
            "warnings": list(self.warnings),
        }


# -- HTML to text -------------------------------------------------------------------------------


def html_to_text(html: str) -> str:
    """Text of an HTML body, with `<ol>` items numbered and `<ul>` items bulleted so the
    question splitter sees the list; quoted blocks (`<blockquote>`, Outlook's reply header)
    are dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["style", "script", "head", "title", "blockquote"]):
        tag.decompose()
    for quoted in soup.select("#divRplyFwdMsg, #appendonsend, .gmail_quote"):
        for later in list(quoted.find_all_next()):
            later.decompose()
        quoted.decompose()
    for lst in soup.find_all(["ol", "ul"]):
        ordered = lst.name == "ol"
        given = str(lst.get("start") or "1")
        start = int(given) if ordered and given.isdigit() else 1
        for n, li in enumerate(lst.find_all("li", recursive=False), start):
            li.insert(0, f"{n}. " if ordered else "- ")
            li.insert_before("\n")
            li.append("\n")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "div", "tr", "h1", "h2", "h3", "h4", "table"]):
        block.insert_before("\n")
        block.append("\n")
    text = soup.get_text()
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    # a paragraph break between blocks, as a plain-text message would have
    return re.sub(r"\n{2,}", "\n\n", "\n".join(out)).strip()


# -- dates --------------------------------------------------------------------------------------


def _parse_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # a date without a zone: read as UTC, as RFC 5322 says for -0000
        when = when.replace(tzinfo=dt.UTC)
    return when


def arrival(received_headers: list[str], date_header: str | None) -> tuple[dt.datetime, str]:
    """When the message arrived, in UK time, and which header said so.

    The topmost `Received:` header is the last hop, our own server taking the message; its
    date follows the last `;`. Without one, the sender's `Date:`."""
    for header in received_headers[:1]:
        when = _parse_date(header.rsplit(";", 1)[-1]) if ";" in header else None
        if when is not None:
            return when.astimezone(UK), "Received"
    when = _parse_date(date_header)
    if when is not None:
        return when.astimezone(UK), "Date"
    raise IntakeError("the message has no date (no Received: or Date: header): give --received")


# -- reading messages ---------------------------------------------------------------------------


def _body_of(msg: EmailMessage) -> tuple[str, bool]:
    """(text, was_html): the plain-text part if there is one, else the HTML part as text."""
    part = msg.get_body(preferencelist=("plain",))
    if part is not None:
        return str(part.get_content()), False
    part = msg.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(str(part.get_content())), True
    return "", False


def _attachments_of(msg: EmailMessage) -> list[Attachment]:
    out = []
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        out.append(
            Attachment(
                filename=part.get_filename() or "attachment",
                content_type=part.get_content_type(),
                data=data,
            )
        )
    return out


def read_eml(data: bytes) -> dict[str, Any]:
    """The parts of a `.eml` message the intake needs."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    try:
        body, was_html = _body_of(msg)
        attachments = _attachments_of(msg)
    except (LookupError, ValueError) as e:  # an unknown charset, a broken part
        raise IntakeError(f"the message body cannot be read: {e}") from None
    return {
        "subject": str(msg.get("subject") or ""),
        "from": str(msg.get("from") or ""),
        "reply_to": str(msg.get("reply-to") or ""),
        "received": [str(h) for h in msg.get_all("received") or []],
        "date": str(msg.get("date") or "") or None,
        "body": body,
        "was_html": was_html,
        "attachments": attachments,
    }


def read_msg(path: Path) -> dict[str, Any]:
    """The parts of an Outlook `.msg` the intake needs, read by extract-msg. Its transport
    headers, when kept, give the `Received:` and `Date:` lines as for a `.eml`."""
    import extract_msg

    msg: Any
    try:
        msg = extract_msg.openMsg(str(path), strict=False, delayAttachments=False)
    except Exception as e:  # extract-msg raises many kinds for a file that is not a .msg
        raise IntakeError(f"{path.name} cannot be read as an Outlook message: {e}") from None
    try:
        header_text = msg.headerText or ""
        headers = email.message_from_string(header_text, policy=email.policy.default)
        body = msg.body or ""
        was_html = False
        if not body.strip():
            html = msg.htmlBody
            if html:
                body, was_html = html_to_text(html.decode("utf-8", "replace")), True
        attachments = []
        for att in msg.attachments:
            data = getattr(att, "data", None)
            if isinstance(data, bytes):
                name = att.longFilename or att.shortFilename or "attachment"
                attachments.append(Attachment(name, att.mimetype, data))
        sender = msg.sender or ""
        date_header = str(headers.get("date") or "") or None
        if date_header is None and msg.date is not None:
            date_header = email.utils.format_datetime(msg.date)
        return {
            "subject": msg.subject or str(headers.get("subject") or ""),
            "from": sender,
            "reply_to": str(headers.get("reply-to") or ""),
            "received": [str(h) for h in headers.get_all("received") or []],
            "date": date_header,
            "body": body,
            "was_html": was_html,
            "attachments": attachments,
        }
    finally:
        msg.close()


def _requester(parts: dict[str, Any]) -> tuple[str | None, str | None, str]:
    """(name, email, channel). A WhatDoTheyKnow request's reply address is the requester's
    address for correspondence, so the response goes back through the site."""
    name, address = email.utils.parseaddr(parts["from"])
    _, reply_to = email.utils.parseaddr(parts["reply_to"])
    for candidate in (address, reply_to):
        if candidate and _WDTK.match(candidate):
            return name or None, candidate.lower(), "whatdotheyknow"
    return name or None, address or None, "email"


def parse_message(
    path: str | Path, *, today: dt.date | None = None, data: bytes | None = None
) -> Intake:
    """Read a `.eml` or `.msg` file into an Intake; IntakeError when it cannot be used."""
    path = Path(path)
    suffix = path.suffix.lower()
    if data is None:
        if not path.is_file():
            raise IntakeError(f"no message file {str(path)!r}")
        if path.stat().st_size > MAX_MESSAGE_BYTES:
            raise IntakeError(f"{path.name} is larger than {MAX_MESSAGE_BYTES // 2**20} MB")
        data = path.read_bytes()
    is_ole = data[:8] == OLE_MAGIC
    if suffix == ".msg" and not is_ole:
        raise IntakeError(f"{path.name} is not an Outlook .msg file")
    if is_ole:
        parts, source = _read_msg_bytes(path, data), "msg"
    else:
        parts, source = read_eml(data), "eml"
    if not parts["from"] and not parts["received"] and not parts["date"]:
        raise IntakeError(f"{path.name} does not look like an email message (no headers)")
    return build_intake(parts, source, today=today)


def _read_msg_bytes(path: Path, data: bytes) -> dict[str, Any]:
    """extract-msg reads from a path; an uploaded file is written to a private temp file."""
    if path.is_file():
        return read_msg(path)
    import os
    import tempfile

    fd, name = tempfile.mkstemp(suffix=".msg")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return read_msg(Path(name))
    finally:
        os.unlink(name)


def build_intake(parts: dict[str, Any], source: str, *, today: dt.date | None = None) -> Intake:
    warnings: list[str] = []
    arrived, which = arrival(parts["received"], parts["date"])
    today_ = today or dt.date.today()
    if arrived.date() > today_:
        raise IntakeError(
            f"the message arrived on {arrived.date().isoformat()} by its {which}: header, which"
            f" is in the future (today is {today_.isoformat()}): give --received"
        )
    if which == "Date":
        warnings.append(
            "no Received: header: the date of receipt is taken from the sender's Date: header"
        )
    name, address, channel = _requester(parts)
    if address:
        from foikit.casework.requesters import InvalidRequester, normalise_email

        try:
            address = normalise_email(address)
        except InvalidRequester as e:
            warnings.append(f"{e}: give --requester-email")
            address = None
    if not name:
        warnings.append("the message gives no sender name: check the requester's name")
    subject = " ".join(parts["subject"].split())
    if not subject:
        warnings.append("the message has no subject: give one with --subject")
    body = parts["body"].replace("\r\n", "\n").strip()
    questions = split_questions(request_body(body))
    if not questions:
        raise IntakeError("no questions found in the message: log it by hand with --question")
    if len(questions) == 1 and len(questions[0]) > 1500:
        warnings.append("no list of questions found: the whole message is one question")
    return Intake(
        subject=subject,
        received=arrived.date(),
        arrived=arrived,
        requester_name=name,
        requester_email=address,
        channel=channel,
        body=body,
        questions=questions,
        attachments=parts["attachments"],
        source=source,
        warnings=warnings,
    )
