"""Released documents on the staff request page (issue 18): upload (multipart, CSRF, size
limit), list, preview and download the redacted copy, the original for reviewers and
administrators only, remove; every download an audited read. Datasette's ASGI app and a real
register; the attacks are a table.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pymupdf
import pytest
from lifecycle_support import answered_and_closed
from test_staff import PASSWORD, STAFF, TEMPLATES, Session, text_of

from foikit.documents.pdf import pdf_text
from foikit.documents.store import folder_for
from foikit.register import Register
from foikit.register.users import add_user
from foikit.staff import make_staff_datasette

NAME = "Jane Quartermaine"
THIRD = "Operation Bluebell"


def pdf_bytes(*lines):
    doc = pymupdf.open()
    page = doc.new_page()
    for i, line in enumerate(lines):
        page.insert_text((72, 72 + 20 * i), line)
    doc.set_metadata({"author": NAME})
    return doc.tobytes()


def scan_bytes():
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 40), False)
    pix.clear_with(200)
    doc = pymupdf.open()
    doc.new_page().insert_image(pymupdf.Rect(72, 72, 272, 272), pixmap=pix)
    return doc.tobytes()


GOOD = pdf_bytes(f"Prepared for {NAME}", f"Ref {THIRD}", "Domestic Homicide Reviews: 17")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from foikit.register.init import init_register

    path = tmp_path_factory.mktemp("staffdocs") / "register.db"
    init_register(path, load_facts=True, actor="test.setup")
    with Register(path) as reg:  # the requests first: their handler is no account
        first = answered_and_closed(reg, requester_name=NAME, requester_email="jq@example.org")
        other = answered_and_closed(reg, requester_name="B Other", requester_email="b@example.org")
        for name, role in STAFF.items():
            add_user(reg, name, role, PASSWORD, actor="test.setup")
    return path, first, other


@pytest.fixture
async def app(template, db_path, tmp_path):
    shutil.copyfile(template[0], db_path)
    ds = make_staff_datasette(
        db_path,
        secret="test-secret",
        responses_dir=tmp_path / "responses",
        disclosure_path=tmp_path / "disclosure.db",
        templates_dir=TEMPLATES,
        today=dt.date(2024, 7, 31),
    )
    await ds.invoke_startup()
    return ds.app()


@pytest.fixture
async def login(app):
    made = []

    async def as_(name):
        s = Session(app)
        made.append(s)
        if name:
            assert (await s.login(name)).status_code == 302
        return s

    yield as_
    for s in made:
        await s.close()


async def upload(s, ref, name, data, *, csrf=True, **fields):
    await s.get(f"/requests/{ref}")
    form = {"csrftoken": s.token} if csrf else {}
    form.update(fields)
    return await s.client.post(
        f"/requests/{ref}/documents/upload",
        data=form,
        files={"document": (name, data, "application/octet-stream")},
    )


def documents(db_path):
    with Register(db_path) as reg:
        return reg.query("SELECT * FROM documents WHERE deleted_at IS NULL ORDER BY id")


async def test_upload_list_preview_download_remove(login, template, db_path):
    _, ref, _ = template
    s = await login("olive")
    response = await upload(s, ref, "figures.pdf", GOOD, redact=THIRD, title="DHR figures")
    assert response.status_code == 302, text_of(response)
    [doc] = documents(db_path)
    assert doc["title"] == "DHR figures" and doc["redactions"] >= 2
    page = text_of(await s.get(f"/requests/{ref}"))
    assert "DHR figures" in page and "PDF" in page and "yes" in page
    assert f"{doc['original_size']} bytes" in page
    assert "Original" not in page.split("Released documents", 1)[1].split("Letters", 1)[0]
    preview = await s.get(f"/requests/{ref}/documents/{doc['id']}/redacted?inline=1")
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.headers["content-disposition"].startswith("inline")
    text = pdf_text(preview.content)
    assert "Domestic Homicide Reviews: 17" in text and NAME not in text and THIRD not in text
    with Register(db_path) as reg:
        reads = reg.query("SELECT actor, row_id FROM audit WHERE action = 'read-document'")
    assert reads[-1] == {"actor": "olive", "row_id": f"{ref} document {doc['id']} redacted"}
    await s.get(f"/requests/{ref}")
    removed = await s.post(f"/requests/{ref}/documents/{doc['id']}/remove")
    assert removed.status_code == 302
    assert documents(db_path) == []
    assert not (folder_for(db_path) / doc["original_path"]).exists()


# (who, what, expected status, expected in the answer, why)
ATTACKS = [
    (
        "olive",
        "original",
        403,
        "may not download originals",
        "an officer: originals hold what was redacted",
    ),
    ("rita", "original", 200, None, "a reviewer checks the redactions against the original"),
    ("ada", "original", 200, None, "an administrator may do everything"),
    (None, "redacted", 302, None, "not logged in: sent to log in, nothing served"),
    ("olive", "other-request", 404, "has no redacted copy", "a document id of another request"),
    ("olive", "removed", 404, "has no redacted copy", "a removed document is gone"),
]


@pytest.mark.parametrize(
    ("who", "what", "status", "said", "why"), ATTACKS, ids=[f"{a[0]}-{a[1]}" for a in ATTACKS]
)
async def test_who_may_read_what(login, template, db_path, who, what, status, said, why):
    _, ref, other = template
    officer = await login("olive")
    assert (await upload(officer, ref, "figures.pdf", GOOD)).status_code == 302
    [doc] = documents(db_path)
    if what == "removed":
        await officer.get(f"/requests/{ref}")
        await officer.post(f"/requests/{ref}/documents/{doc['id']}/remove")
    s = await login(who)
    url_ref = other if what == "other-request" else ref
    which = "original" if what == "original" else "redacted"
    response = await s.client.get(f"/requests/{url_ref}/documents/{doc['id']}/{which}")
    assert response.status_code == status, why
    if said:
        assert said in text_of(response), why
    if status != 200:
        assert b"%PDF" not in response.content, why
    else:
        assert response.content == (folder_for(db_path) / doc[f"{which}_path"]).read_bytes()


# (file name, content, extra form, expected status, expected in the page, why)
UPLOADS = [
    (
        "scan.pdf",
        scan_bytes(),
        {},
        400,
        "scanned images with no text layer",
        "a scan cannot be searched: refused, the reason shown",
    ),
    ("../../register.db.pdf", GOOD, {}, 302, None, "path traversal in the file name: a label only"),
    ("..\\..\\evil.pdf", GOOD, {}, 302, None, "Windows path traversal"),
    (
        "big.pdf",
        b"%PDF" + b"0" * (26 * 1024 * 1024),
        {},
        400,
        "larger than 25 MB",
        "oversize upload",
    ),
    ("notes.exe", b"MZ", {}, 400, "PDF, DOCX, XLSX and CSV", "a type foikit cannot redact"),
    (
        "figures.pdf",
        GOOD,
        {"redact": "ab"},
        400,
        "too short to redact",
        "a phrase that would black out the page",
    ),
    (
        "scan.pdf",
        scan_bytes(),
        {"no_publish": "1"},
        302,
        None,
        "a scan kept on file only, never published",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "extra", "status", "said", "why"),
    UPLOADS,
    ids=[
        "scan",
        "traversal",
        "traversal-windows",
        "oversize",
        "exe",
        "short-phrase",
        "scan-on-file",
    ],
)
async def test_upload_attacks(
    login, template, db_path, tmp_path, name, data, extra, status, said, why
):
    _, ref, _ = template
    s = await login("olive")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    response = await upload(s, ref, name, data, **extra)
    assert response.status_code == status, (why, text_of(response)[-500:])
    if said:
        assert said in text_of(response), why
    after = sorted(p.name for p in tmp_path.rglob("*"))
    outside = [p for p in set(after) - set(before) if p not in ("documents", "1")]
    assert not [p for p in outside if "original" not in p and "redacted" not in p], why
    assert (
        not (tmp_path.parent / "register.db.pdf").exists() and not (tmp_path / "evil.pdf").exists()
    )
    rows = documents(db_path)
    if status == 302:
        [doc] = rows
        assert doc["original_path"].startswith(str(doc["request_id"]) + "/"), why
        assert (
            (folder_for(db_path) / doc["original_path"])
            .resolve()
            .is_relative_to(folder_for(db_path))
        )
        if extra.get("no_publish"):
            assert doc["publish"] == 0 and "scanned" in doc["refused"]
            assert "scanned" in text_of(await s.get(f"/requests/{ref}"))
    else:
        assert rows == [], why


async def test_an_upload_without_the_csrf_token_is_refused(login, template, db_path):
    _, ref, _ = template
    s = await login("olive")
    response = await upload(s, ref, "figures.pdf", GOOD, csrf=False)
    assert response.status_code == 403
    assert documents(db_path) == []


async def test_a_remove_without_the_csrf_token_is_refused(login, template, db_path):
    _, ref, _ = template
    s = await login("olive")
    assert (await upload(s, ref, "figures.pdf", GOOD)).status_code == 302
    [doc] = documents(db_path)
    response = await s.post(f"/requests/{ref}/documents/{doc['id']}/remove", csrf=False)
    assert response.status_code == 403
    assert len(documents(db_path)) == 1


async def test_removing_through_another_request_is_refused(login, template, db_path):
    _, ref, other = template
    s = await login("olive")
    assert (await upload(s, ref, "figures.pdf", GOOD)).status_code == 302
    [doc] = documents(db_path)
    await s.get(f"/requests/{other}")
    response = await s.post(f"/requests/{other}/documents/{doc['id']}/remove")
    assert response.status_code == 400 and "has no document" in text_of(response)
    assert len(documents(db_path)) == 1
