"""Requests from email: `request add --from-email` over real-shaped messages (built in
tests/intake_messages.py), and the attacks: a future date, no questions, a file that is not a
message, a hostile attachment name, a failed log that must leave no file behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat

import intake_messages as M
import pytest

from foikit.casework.intake import IntakeError, parse_message
from foikit.casework.questions import questions_from_lines, request_body, split_questions

TODAY = "2024-07-01"

MESSAGES = {
    "wdtk.eml": M.wdtk,
    "outlook.eml": M.outlook_with_attachment,
    "cp1252.eml": M.html_only_cp1252,
    "reply.eml": M.reply_quoting,
    "friday.eml": M.friday_night,
    "outlook.msg": M.outlook_msg_bytes,
}

DHR_QUESTIONS = [
    "How many Domestic Homicide Reviews were commissioned by each Community Safety "
    "Partnership in 2019-20?",
    "How many of those reviews have been published?",
    "Which CSP chairs the regional DHR panel?",
]
MARAC_QUESTIONS = [
    "The total MARAC referrals in Birmingham for 2018-19.",
    "The number of those referrals that were repeat referrals.",
]

# file, received, name, email, channel, questions, attachments, why
CASES = [
    ("wdtk.eml", "2024-06-04", "Daniel Okafor", M.WDTK_ADDRESS, "whatdotheyknow",
     DHR_QUESTIONS, [],
     "WhatDoTheyKnow: the reply address is the address for correspondence (s.8(1)(b)); "
     "greeting, sign-off and the site's footer and disclaimer are not questions"),
    ("outlook.eml", "2024-06-05", "Shah, Priya", "Priya.Shah@example-charity.org.uk", "email",
     MARAC_QUESTIONS, ["earlier-letter.pdf"],
     "Outlook text/HTML alternatives: one set of questions, the signature left out, the "
     "attachment kept"),
    ("cp1252.eml", "2024-06-10", "Sin\u00e9ad Murphy", "sinead.murphy@example.ie", "email",
     ["Under the Freedom of Information Act, please tell me the OPCC\u2019s \u00a3 spend on the "
      "\u201cEarly Youth Intervention Fund\u201d in 2019\u201320 for each CSP."], [],
     "HTML only, quoted-printable Windows-1252: decoded, not mojibake; no list, one question"),
    ("reply.eml", "2024-06-11", "Tom Reid", "tom.reid@example.com", "email",
     ["How many of the seven CSPs have a published DHR action plan?",
      "When was each plan last updated?"], [],
     "a reply: the quoted earlier message (our own numbered answers) is not the request"),
    ("friday.eml", "2024-06-15", "Night Owl", "night.owl@example.org", "email",
     ["What was the community safety budget for 2019-20?"], [],
     "23:30 UTC on Friday 14 June is 00:30 BST on Saturday: received Saturday, day one Monday"),
    ("outlook.msg", "2024-06-05", "Priya Shah", "priya.shah@example-charity.org.uk", "email",
     MARAC_QUESTIONS, ["earlier-letter.pdf"],
     "an Outlook .msg read through extract-msg: its transport headers give the arrival"),
]  # fmt: skip


@pytest.fixture
def mailbox(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    for name, build in MESSAGES.items():
        (folder / name).write_bytes(build())
    return folder


@pytest.mark.parametrize(
    "name,received,who,email,channel,questions,files,why", CASES, ids=[c[0] for c in CASES]
)
def test_a_message_becomes_a_request(
    register, invoke, mailbox, name, received, who, email, channel, questions, files, why
):
    result = invoke("request", "add", "--from-email", mailbox / name, "--json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["reference"].startswith("FOI-2024-"), why
    assert shown["received"] == received, why
    assert shown["requester"] == {"name": who, "email": email}, why
    assert shown["questions"] == questions, why
    assert [a["filename"] for a in shown["attachments"]] == files, why
    # what was logged is what was shown
    logged = json.loads(invoke("request", "show", shown["reference"], "--json").stdout)
    assert [q["text"] for q in logged["questions"]] == questions, why
    assert logged["received"] == received and logged["channel"] == channel, why
    assert logged["as_received"]["text"].strip(), "the message as received is kept"


def test_friday_night_message_is_received_on_the_uk_saturday(register, invoke, mailbox):
    """23:30 UTC on Friday 14 June 2024 is 00:30 BST on Saturday 15 June: the date of receipt
    is the UK date (FOIA s.10(1)), and the due date is the clock's for that Saturday."""
    out = json.loads(
        invoke("request", "add", "--from-email", mailbox / "friday.eml", "--json",
               "--today", TODAY).stdout
    )  # fmt: skip
    shown = json.loads(invoke("request", "show", out["reference"], "--json").stdout)
    saturday = invoke("deadline", "2024-06-15").stdout.strip()
    assert (shown["received"], shown["due"]) == ("2024-06-15", saturday)
    assert dt.date.fromisoformat(shown["received"]).strftime("%A") == "Saturday"


def test_attachments_are_private_and_hashed(register, invoke, mailbox, db_path):
    ref = json.loads(
        invoke("request", "add", "--from-email", mailbox / "outlook.eml", "--json",
               "--today", TODAY).stdout
    )["reference"]  # fmt: skip
    files = json.loads(invoke("request", "show", ref, "--json").stdout)["attachments"]
    assert len(files) == 1
    kept = db_path.parent / files[0]["path"]
    assert kept.read_bytes() == M.PDF
    assert files[0]["sha256"] == hashlib.sha256(M.PDF).hexdigest()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600, "only the service account reads it"
    assert stat.S_IMODE(kept.parent.parent.stat().st_mode) == 0o700
    text = invoke("request", "show", ref).stdout
    assert "attachment: earlier-letter.pdf (45 bytes, sha256 " in text
    assert "as received (eml):" in text and "| I would like the following" in text


def test_dry_run_writes_nothing(register, invoke, mailbox, db_path):
    before = register.scalar("SELECT COUNT(*) FROM audit")
    result = invoke("request", "add", "--from-email", mailbox / "wdtk.eml", "--dry-run",
                    "--today", TODAY)  # fmt: skip
    assert result.exit_code == 0
    assert "Would log (dry run, nothing written):" in result.stdout
    assert "Q3. Which CSP chairs the regional DHR panel?" in result.stdout
    assert register.scalar("SELECT COUNT(*) FROM requests") == 0
    assert register.scalar("SELECT COUNT(*) FROM audit") == before
    assert not (db_path.parent / "attachments").exists()


def test_officer_overrides_win(register, invoke, mailbox):
    shown = json.loads(
        invoke("request", "add", "--from-email", mailbox / "reply.eml", "--subject",
               "DHR action plans", "--question", "Only this.", "--json",
               "--today", TODAY).stdout
    )  # fmt: skip
    assert shown["subject"] == "DHR action plans" and shown["questions"] == ["Only this."]


def _eml(body: str, date: str = "Mon, 03 Jun 2024 10:00:00 +0000", **headers: str) -> bytes:
    lines = [f"Date: {date}", "From: A Person <a.person@example.org>", "Subject: Test"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


# content, message, why
REFUSED = [
    (_eml("Dear FOI team,\n\nYours faithfully,\nA Person\n"), "no questions found",
     "an email with no request in it is never logged as an empty request"),
    (_eml("What is the budget?", date="Mon, 02 Jun 2025 10:00:00 +0000"), "in the future",
     "a date after today is a clock set wrong, not a receipt date (s.10(1))"),
    (b"just some words\nwith no headers\n", "does not look like an email",
     "a text file is not a message"),
    (_eml("What?", date="not a date"), "no date",
     "without a date the clock cannot start: the officer gives --received"),
]  # fmt: skip


@pytest.mark.parametrize("content,message,why", REFUSED, ids=[r[1] for r in REFUSED])
def test_unusable_messages_are_one_error_line(register, invoke, tmp_path, content, message, why):
    path = tmp_path / "bad.eml"
    path.write_bytes(content)
    result = invoke("request", "add", "--from-email", path, "--today", TODAY)
    assert result.exit_code == 1, why
    assert result.output.startswith("Error: ") and message in result.output, why
    assert "Traceback" not in result.output
    assert register.scalar("SELECT COUNT(*) FROM requests") == 0


def test_a_fake_msg_is_refused(register, invoke, tmp_path):
    path = tmp_path / "fake.msg"
    path.write_bytes(b"not an OLE file")
    result = invoke("request", "add", "--from-email", path, "--today", TODAY)
    assert result.exit_code == 1 and "is not an Outlook .msg file" in result.output


def test_a_failed_log_leaves_no_attachment(register, invoke, mailbox, db_path):
    """The request is refused (bad regime) after the attachment was written: the file goes."""
    result = invoke("request", "add", "--from-email", mailbox / "outlook.eml", "--regime",
                    "nope", "--today", TODAY)  # fmt: skip
    assert result.exit_code == 1
    folder = db_path.parent / "attachments"
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_attachment_name_is_a_label_never_a_path(register, invoke, tmp_path, db_path):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "A Person <a.person@example.org>"
    msg["Subject"] = "Test"
    msg["Date"] = "Mon, 03 Jun 2024 10:00:00 +0000"
    msg.set_content("What is the budget?")
    msg.add_attachment(b"x", maintype="text", subtype="plain", filename="../../../etc/passwd")
    path = tmp_path / "evil.eml"
    path.write_bytes(msg.as_bytes())
    shown = json.loads(
        invoke("request", "add", "--from-email", path, "--json", "--today", TODAY).stdout
    )
    files = json.loads(invoke("request", "show", shown["reference"], "--json").stdout)
    kept = files["attachments"][0]
    assert kept["filename"] == "passwd"
    assert (db_path.parent / kept["path"]).resolve().is_relative_to(db_path.parent / "attachments")


def test_no_received_header_is_a_warning(register, invoke, tmp_path):
    path = tmp_path / "m.eml"
    path.write_bytes(_eml("What is the budget?"))
    result = invoke("request", "add", "--from-email", path, "--today", TODAY)
    assert result.exit_code == 0
    assert "Warning: no Received: header" in result.stderr


# text, questions, why
SPLITS = [
    ("1. How many DHRs?\n2. How many published?", ["How many DHRs?", "How many published?"],
     "numbered with dots"),
    ("1) How many\nDHRs were there?\n2) Which CSPs?", ["How many DHRs were there?", "Which CSPs?"],
     "a question over two lines stays one question"),
    ("(a) First thing\n(b) Second thing", ["First thing", "Second thing"], "lettered"),
    ("Q1 Budget?\nQ2: Staff?", ["Budget?", "Staff?"], "Q-numbered"),
    ("- one\n* two\n\u2022 three", ["one", "two", "three"], "bullets"),
    ("Please send the budget\nfor 2019.\n\nAnd for 2020.",
     ["Please send the budget for 2019.\n\nAnd for 2020."], "no list: the body is one question"),
]  # fmt: skip


@pytest.mark.parametrize("text,questions,why", SPLITS, ids=[s[2] for s in SPLITS])
def test_questions_are_split_on_lists_only(text, questions, why):
    assert split_questions(text) == questions, why


def test_greeting_signoff_and_signature_are_not_the_request():
    body = request_body("Dear Sir,\n\nWhat is X?\n\nMany thanks\nJo Bloggs\n07700 900123\n")
    assert body == "What is X?"


def test_staff_box_keeps_one_question_a_line_but_reads_a_pasted_list():
    assert questions_from_lines("How many?\nWhich?") == ["How many?", "Which?"]
    assert questions_from_lines("1. How many\nwere there?\n2. Which?") == [
        "How many were there?",
        "Which?",
    ]


def test_parse_message_reads_uploaded_bytes_of_a_msg(tmp_path):
    """The staff upload hands bytes; a .msg is written to a private temp file for extract-msg."""
    intake = parse_message(
        tmp_path / "upload.msg", data=M.outlook_msg_bytes(), today=dt.date(2024, 7, 1)
    )
    assert intake.questions == MARAC_QUESTIONS and intake.source == "msg"
    with pytest.raises(IntakeError):
        parse_message(tmp_path / "missing.eml")


def test_retention_erases_the_message_as_received_and_the_match_keys(register, invoke, mailbox):
    """UK GDPR Art 5(1)(e): once the requester is anonymised, the email body (their words and
    signature) and the keys that would find them again go with their name."""
    import datetime as dt

    from foikit.records.retention import apply_retention

    ref = json.loads(
        invoke("request", "add", "--from-email", mailbox / "wdtk.eml", "--json",
               "--today", TODAY).stdout
    )["reference"]  # fmt: skip
    for n in (1, 2, 3):
        invoke("request", "answer", ref, n, "--not-held")
    invoke("request", "close", ref, "--responded", "2024-06-20", "--outcome", "not-held",
           "--today", TODAY)  # fmt: skip
    assert register.scalar("SELECT COUNT(*) FROM request_texts") == 1
    apply_retention(register, "test", older_than="1y", today=dt.date(2026, 1, 1))
    assert register.scalar("SELECT COUNT(*) FROM request_texts") == 0
    keys = register.one("SELECT email_key, post_key, anonymised_at FROM requesters")
    assert keys["email_key"] is None and keys["anonymised_at"] is not None
