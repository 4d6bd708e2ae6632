"""Casework in the staff interface (Datasette's ASGI app, a real register): log from an
uploaded email, the similar panel, corrections, search, closed requests, the requester page
with its audited read, handlers from accounts, and the attacks on each."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import intake_messages as M
import pytest
from test_staff import PASSWORD, STAFF, TEMPLATES, Session, text_of

from foikit.register import Register
from foikit.register.users import add_user
from foikit.staff import make_staff_datasette

TODAY = dt.date(2024, 7, 1)


@pytest.fixture(scope="module")
def casework_template(tmp_path_factory):
    from foikit.register.init import init_register

    path = tmp_path_factory.mktemp("casework") / "register.db"
    init_register(path, load_facts=True, actor="test.setup")
    with Register(path) as reg:
        for name, role in STAFF.items():
            add_user(reg, name, role, PASSWORD, actor="test.setup")
    return path


@pytest.fixture
async def session(casework_template, db_path, tmp_path):
    shutil.copyfile(casework_template, db_path)
    ds = make_staff_datasette(
        db_path,
        secret="test-secret",
        responses_dir=tmp_path / "responses",
        disclosure_path=tmp_path / "disclosure.db",
        templates_dir=TEMPLATES,
        today=TODAY,
    )
    await ds.invoke_startup()
    s = Session(ds.app())
    assert (await s.login("olive")).status_code == 302
    yield s
    await s.close()


async def upload(s: Session, name: str, data: bytes):
    await s.get("/requests/new")
    return await s.client.post(
        "/requests/new/upload",
        data={"csrftoken": s.token},
        files={"message": (name, data, "application/octet-stream")},
    )


def form_fields(page: str) -> dict[str, str]:
    """The values a browser would send from the "Log a request" form on the page."""
    form = page.split('action="/requests/new" method="post"', 1)[1].split("</form>", 1)[0]
    fields = dict(
        re.findall(
            r'<input type="(?:hidden|text|date)"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form
        )
    )
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = text
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        fields[name] = chosen.group(1) if chosen else ""
    import html

    return {k: html.unescape(v) for k, v in fields.items()}


async def test_upload_fills_the_form_then_logging_keeps_the_message(session, db_path):
    page = await upload(session, "request.eml", M.outlook_with_attachment())
    assert page.status_code == 200, text_of(page)
    fields = form_fields(page.text)
    assert fields["received"] == "2024-06-05" and fields["subject"] == "FOI: MARAC referrals"
    assert fields["questions"].splitlines() == [f"{n}. {q}" for n, q in enumerate(
        ["The total MARAC referrals in Birmingham for 2018-19.",
         "The number of those referrals that were repeat referrals."], 1)]  # fmt: skip
    assert "earlier-letter.pdf" in text_of(page), "the officer is told what comes with it"
    fields["subject"] = "MARAC referrals 2018-19"  # the officer's check wins
    logged = await session.post("/requests/new", fields)
    assert logged.status_code == 302, text_of(logged)
    reference = logged.headers["location"].rsplit("/", 1)[1]
    shown = text_of(await session.get(f"/requests/{reference}"))
    assert "MARAC referrals 2018-19" in shown and "The request as received (eml)" in shown
    assert "<blockquote>The number of those referrals" in shown, "numbering not doubled"
    with Register(db_path) as reg:
        row = reg.one("SELECT handler, channel FROM requests WHERE reference = ?", (reference,))
        sha = reg.scalar("SELECT sha256 FROM attachments")
    assert row == {"handler": "olive", "channel": "email"}, "handler defaults to the officer"
    download = await session.get(f"/requests/{reference}/attachments/{sha}")
    assert download.content == M.PDF
    assert download.headers["content-type"] == "application/octet-stream"
    assert not any(p.suffix == ".eml" for p in (db_path.parent / "attachments").rglob("*"))


# file, content, error, why
BAD_UPLOADS = [
    ("x.msg", b"plain text", "is not an Outlook .msg file", "a renamed file is refused"),
    ("x.eml", b"hello", "does not look like an email", "no headers, no request"),
]  # fmt: skip


@pytest.mark.parametrize("name,content,error,why", BAD_UPLOADS, ids=[b[2] for b in BAD_UPLOADS])
async def test_bad_upload_is_one_error(session, db_path, name, content, error, why):
    page = await upload(session, name, content)
    assert page.status_code == 400 and error in text_of(page), why
    with Register(db_path) as reg:
        assert reg.scalar("SELECT COUNT(*) FROM requests") == 0


async def test_forged_intake_token_is_refused(session):
    await session.get("/requests/new")
    page = await session.post("/requests/new", {
        "intake": "../../register.db", "received": "2024-06-05", "subject": "x",
        "questions": "x", "requester_name": "A", "requester_email": "a@example.org"})  # fmt: skip
    assert page.status_code == 400 and "upload it again" in text_of(page)


async def test_edit_form_recomputes_and_history(session, db_path):
    from test_staff import log_request

    reference = await log_request(session, received="2024-06-03")
    response = await session.act(reference, "edit", {
        "received": "2024-05-31", "subject": "Domestic Homicide Reviews", "handler": "oscar",
        "question-1": "How many CSPs are there in the West Midlands?", "publish_shown": "1",
        "publish": "1", "reason": ""})  # fmt: skip
    assert response.status_code == 302, text_of(response)
    page = text_of(await session.get(f"/requests/{reference}"))
    assert "due date now 2024-06-28 (was 2024-07-01)" in page
    assert "How many CSPs are there in the West Midlands?" in page
    with Register(db_path) as reg:
        row = reg.one("SELECT received, due, handler FROM requests WHERE reference = ?",
                      (reference,))  # fmt: skip
        edits = reg.query(
            "SELECT actor, old, new FROM audit WHERE action = 'edit' AND old IS NOT NULL"
        )
    assert row == {"received": "2024-05-31", "due": "2024-06-28", "handler": "oscar"}
    assert json.loads(edits[0]["old"])["received"] == "2024-06-03" and edits[0]["actor"] == "olive"
    bad = await session.act(reference, "edit", {"handler": "nobody"})
    assert bad.status_code == 400 and "is not an account" in text_of(bad)


async def test_search_closed_requester_pages(session, db_path):
    from test_staff import log_request

    first = await log_request(session, received="2024-06-03")
    second = await log_request(session, received="2024-06-04", requester_name="Another Spelling",
                               requester_email="A.Person@Example.org")  # fmt: skip
    found = text_of(await session.get("/search?q=homicid"))
    assert first in found and second in found
    assert "0 results" in text_of(await session.get("/search?q=zebra"))
    assert "No closed requests match" in text_of(await session.get("/closed"))
    page = text_of(await session.get(f"/requests/{second}"))
    assert "Similar earlier requests" in page and first in page
    assert "Fees Regulations 2004 reg 5" in page, "same person, similar, within 60 working days"
    with Register(db_path) as reg:
        pid = reg.scalar("SELECT requester_id FROM requests WHERE reference = ?", (first,))
    person = text_of(await session.get(f"/requesters/{pid}"))
    assert first in person and second in person and "Another Spelling" in person
    with Register(db_path) as reg:
        read = reg.one("SELECT actor, new FROM audit WHERE action = 'read'")
    assert read["actor"] == "olive" and json.loads(read["new"]) == {"via": "staff"}


async def test_anonymous_visitors_see_nothing(casework_template, db_path, tmp_path):
    shutil.copyfile(casework_template, db_path)
    ds = make_staff_datasette(db_path, secret="s", responses_dir=tmp_path / "r",
                              disclosure_path=tmp_path / "d.db", templates_dir=TEMPLATES,
                              today=TODAY)  # fmt: skip
    await ds.invoke_startup()
    s = Session(ds.app())
    for path in ("/search?q=x", "/closed", "/requesters/1"):
        response = await s.get(path)
        assert response.status_code == 302 and "/login" in response.headers["location"], path
    await s.close()
