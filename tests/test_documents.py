"""Released documents (issue 18): attached, redacted for real, published for download.

Every PDF here is made in the test with PyMuPDF: text with the requester's name, a phone
number and figures, and metadata naming the author. The attacks read the redacted copy the way
a reader would try to: a text extractor, the file's bytes with every stream decompressed, the
metadata and XMP, the embedded files.
"""

from __future__ import annotations

import csv
import io
import json
import stat
import zipfile

import pymupdf
import pytest
from lifecycle_support import OFFICER, answered_and_closed, fresh_register

from foikit.documents.office import zip_text
from foikit.documents.pdf import pdf_text
from foikit.documents.public import files_folder
from foikit.documents.store import folder_for

NAME = "Jane Quartermaine"
EMAIL = "jane.q@example.org"
PHONE = "0121 496 0777"
FIGURES = ("Domestic Homicide Reviews: 17", "Funding 2019-20: 254,000")
SECRET = "Operation Bluebell"  # an officer's own --redact phrase


@pytest.fixture
def reg(db_path):
    with fresh_register(db_path) as r:
        yield r


@pytest.fixture
def ref(reg):
    return answered_and_closed(
        reg,
        requester_name=NAME,
        requester_email=EMAIL,
        requester_address=["14 Larkspur Close", "Solihull", "B91 3QT"],
    )


def add_doc(invoke, ref, src, *extra):
    """`documents add` with the phone number as the officer's phrase (a third party's, say:
    the register keeps no phone for requesters added through the lifecycle)."""
    return invoke("documents", "add", ref, src, "--redact", PHONE, *extra)


def make_pdf(path, lines, *, author=NAME, attach=None):
    doc = pymupdf.open()
    page = doc.new_page()
    for i, line in enumerate(lines):
        page.insert_text((72, 72 + 20 * i), line, fontsize=11)
    page.add_text_annot((300, 300), f"Note by {NAME}")
    doc.set_metadata({"author": author, "title": f"Figures for {NAME}", "subject": SECRET})
    doc.set_xml_metadata(f"<x:xmpmeta xmlns:x='adobe:ns:meta/'>{NAME}</x:xmpmeta>")
    if attach:
        doc.embfile_add("notes.txt", attach.encode())
    doc.save(path)
    return path


def make_scan(path):
    """A page that is only a picture of text: no text layer to search."""
    text = pymupdf.open()
    text.new_page().insert_text((72, 72), f"Letter from {NAME}", fontsize=14)
    pix = text[0].get_pixmap(dpi=72)
    doc = pymupdf.open()
    doc.new_page().insert_image(pymupdf.Rect(0, 0, 595, 842), pixmap=pix)
    doc.save(path)
    return path


def stored(reg, ref):
    row = reg.one(
        "SELECT d.* FROM documents d JOIN requests r ON r.id = d.request_id"
        " WHERE r.reference = ? ORDER BY d.id DESC",
        (ref,),
    )
    return row, folder_for(reg.path)


def inflated_bytes(data: bytes) -> bytes:
    """The file with every stream decompressed: what `strings` on it would show."""
    doc = pymupdf.open(stream=data, filetype="pdf")
    return doc.tobytes(garbage=4, deflate=False, expand=255)


def lines_with_everything():
    return [
        f"Requester: {NAME} ({EMAIL})",
        f"Telephone {PHONE}",
        f"Case name {SECRET}",
        *FIGURES,
    ]


# Each way a reader might get a redacted phrase back out of the copy.
READERS = [
    pytest.param(lambda data: pdf_text(data), id="text-extractor-and-metadata"),
    pytest.param(lambda data: inflated_bytes(data).decode("latin-1"), id="decompressed-file-bytes"),
    pytest.param(lambda data: data.decode("latin-1"), id="raw-file-bytes"),
    pytest.param(
        lambda data: json.dumps(pymupdf.open(stream=data, filetype="pdf").metadata),
        id="metadata-dictionary",
    ),
]
PHRASES = [
    pytest.param(NAME, id="requester-name"),  # why: UK GDPR / FOIA s.40(2) personal data
    pytest.param("Quartermaine", id="surname-alone"),
    pytest.param(EMAIL, id="requester-email"),
    pytest.param(PHONE, id="requester-phone"),
    pytest.param(SECRET, id="officer-phrase"),  # why: the exempt words the officer named
]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("phrase", PHRASES)
def test_pdf_redaction_removes_the_words_not_just_covers_them(
    reg, ref, invoke, tmp_path, reader, phrase
):
    src = make_pdf(tmp_path / "figures.pdf", lines_with_everything(), attach=f"{NAME} notes")
    result = add_doc(invoke, ref, src, "--redact", SECRET, "--title", "Figures")
    assert result.exit_code == 0, result.output
    row, folder = stored(reg, ref)
    data = (folder / row["redacted_path"]).read_bytes()
    assert phrase.casefold() not in reader(data).casefold()


def test_pdf_redaction_keeps_the_figures(reg, ref, invoke, tmp_path):
    src = make_pdf(tmp_path / "figures.pdf", lines_with_everything())
    assert add_doc(invoke, ref, src, "--redact", SECRET).exit_code == 0
    row, folder = stored(reg, ref)
    text = pdf_text((folder / row["redacted_path"]).read_bytes())
    for figure in FIGURES:
        assert figure in text
    assert row["redactions"] >= 4
    doc = pymupdf.open(folder / row["redacted_path"])
    assert doc.embfile_count() == 0
    assert not any(doc.metadata.get(k) for k in ("author", "title", "subject"))
    assert not list(doc[0].annots())


def test_the_original_is_private_and_hashed(reg, ref, invoke, tmp_path):
    import hashlib

    src = make_pdf(tmp_path / "figures.pdf", lines_with_everything())
    assert add_doc(invoke, ref, src).exit_code == 0
    row, folder = stored(reg, ref)
    original = folder / row["original_path"]
    assert original.read_bytes() == src.read_bytes()
    assert row["original_sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert stat.S_IMODE(original.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(original.parent.stat().st_mode) == 0o700
    assert NAME not in str(original) and "figures" not in str(original)
    audit = reg.query("SELECT action, new FROM audit WHERE table_name = 'documents'")
    assert [a["action"] for a in audit] == ["document-add"]
    assert NAME not in audit[0]["new"]


REFUSED = [
    # (file maker, expected words in the error, why)
    pytest.param(make_scan, "scanned images with no text layer", id="scanned-image-pdf"),
    pytest.param(
        lambda p: p.with_suffix(".txt").write_text("x") and p.with_suffix(".txt"),
        "PDF, DOCX, XLSX and CSV",
        id="unsupported-type",
    ),
    pytest.param(
        lambda p: (p.write_bytes(b"%PDF-1.7 not really"), p)[1],
        "not a PDF that can be read",
        id="broken-pdf",
    ),
]


@pytest.mark.parametrize(("maker", "words"), REFUSED)
def test_unsafe_documents_are_refused_and_nothing_is_written(
    reg, ref, invoke, tmp_path, maker, words
):
    src = maker(tmp_path / "doc.pdf")
    result = add_doc(invoke, ref, src)
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output
    assert reg.scalar("SELECT count(*) FROM documents") == 0
    folder = folder_for(reg.path)
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_a_scan_can_be_kept_on_file_but_is_never_published(reg, ref, invoke, tmp_path):
    src = make_scan(tmp_path / "scan.pdf")
    result = add_doc(invoke, ref, src, "--no-publish")
    assert result.exit_code == 0, result.output
    assert "scanned images" in result.output
    row, _ = stored(reg, ref)
    assert row["redacted_path"] is None and "scanned" in row["refused"]
    listed = json.loads(invoke("documents", "list", ref, "--json").output)
    assert listed[0]["refused"] and listed[0]["publish"] == 0


@pytest.mark.parametrize(
    "phrase",
    [pytest.param("ab", id="two-letters"), pytest.param(" ", id="blank")],
)
def test_a_phrase_too_short_to_redact_safely_is_refused(ref, invoke, tmp_path, phrase):
    src = make_pdf(tmp_path / "f.pdf", ["About ab"])
    result = add_doc(invoke, ref, src, "--redact", phrase)
    assert result.exit_code == 1 and "too short" in result.output


def test_remove_deletes_the_files(reg, ref, invoke, tmp_path):
    src = make_pdf(tmp_path / "figures.pdf", lines_with_everything())
    assert add_doc(invoke, ref, src).exit_code == 0
    row, folder = stored(reg, ref)
    result = invoke("documents", "remove", ref, row["id"])
    assert result.exit_code == 0, result.output
    assert not (folder / row["original_path"]).exists()
    assert not (folder / row["redacted_path"]).exists()
    assert "No documents." in invoke("documents", "list", ref).output
    again = invoke("documents", "remove", ref, row["id"])
    assert again.exit_code == 1 and "has no document" in again.output


# -- Word, Excel, CSV ------------------------------------------------------------------------


def make_docx(path):
    import docx

    d = docx.Document()
    p = d.add_paragraph("Requester: Jane ")
    p.add_run("Quartermaine").bold = True  # the name split over two runs
    d.add_paragraph(FIGURES[0])
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = f"Phone {PHONE}"
    t.cell(0, 1).text = FIGURES[1]
    d.sections[0].header.paragraphs[0].text = f"Prepared for {NAME}"
    d.core_properties.author = NAME
    d.core_properties.title = SECRET
    d.add_comment(d.paragraphs[1].runs, text=f"Check with {NAME}", author=NAME)
    d.save(path)
    return path


def make_xlsx(path):
    import openpyxl
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Area", "Reviews", "Contact"])
    ws.append(["Birmingham", 17, f"{NAME}, {PHONE}"])
    ws["B2"].comment = Comment(f"from {NAME}", NAME)
    hidden = wb.create_sheet("Notes Quartermaine")  # a sheet named after her
    hidden["A1"] = f"{SECRET} and {EMAIL}"
    hidden.sheet_state = "hidden"
    wb.properties.creator = NAME
    wb.properties.title = SECRET
    wb.save(path)
    return path


def make_csv(path):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Area", "Reviews", "Contact"])
    w.writerow(["Birmingham", "17", f"{NAME} <{EMAIL}>"])
    path.write_text(buf.getvalue())
    return path


def all_text(path):
    data = path.read_bytes()
    if path.suffix == ".csv":
        return data.decode()
    with zipfile.ZipFile(path) as z:
        raw = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return zip_text(data) + raw


OFFICE = [
    # (maker, suffix, text that must remain)
    pytest.param(make_docx, ".docx", "Domestic Homicide Reviews: 17", id="docx"),
    pytest.param(make_xlsx, ".xlsx", "Birmingham", id="xlsx"),
    pytest.param(make_csv, ".csv", "Birmingham,17", id="csv"),
]


@pytest.mark.parametrize(("maker", "suffix", "kept"), OFFICE)
def test_office_files_lose_every_phrase_in_text_properties_and_comments(
    reg, ref, invoke, tmp_path, maker, suffix, kept
):
    src = maker(tmp_path / f"doc{suffix}")
    result = add_doc(invoke, ref, src, "--redact", SECRET)
    assert result.exit_code == 0, result.output
    row, folder = stored(reg, ref)
    copy = folder / row["redacted_path"]
    text = all_text(copy)
    for phrase in (NAME, "Quartermaine", EMAIL, PHONE, SECRET):
        assert phrase.casefold() not in text.casefold(), phrase
    assert kept in text
    if suffix == ".docx":
        with zipfile.ZipFile(copy) as z:
            assert not [n for n in z.namelist() if "comments" in n]


# -- publishing ------------------------------------------------------------------------------


async def test_the_served_log_offers_the_document_for_download(reg, ref, invoke, tmp_path):
    from foikit.publishing.build import publish
    from foikit.publishing.serve import make_datasette

    src = make_pdf(tmp_path / "figures.pdf", lines_with_everything())
    assert add_doc(invoke, ref, src, "--title", "DHR figures").exit_code == 0
    scan = make_scan(tmp_path / "scan.pdf")
    assert add_doc(invoke, ref, scan, "--no-publish").exit_code == 0
    out = tmp_path / "disclosure.db"
    report = publish(reg, out)
    assert report.documents == 1
    files = sorted(p.name for p in files_folder(out).iterdir())
    assert files == [f"{ref}-1.pdf"]
    ds = make_datasette(out)
    page = await ds.client.get(f"/disclosure/disclosures/{ref}")
    assert page.status_code == 200
    assert "DHR figures" in page.text and "PDF" in page.text
    assert f'href="/-/files/{ref}-1.pdf"' in page.text
    download = await ds.client.get(f"/-/files/{ref}-1.pdf")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    text = pdf_text(download.content)
    assert FIGURES[0] in text and NAME not in text and PHONE not in text


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/-/files/..%2Fregister.db", id="path-traversal"),
        pytest.param("/-/files/unlisted.pdf", id="file-not-in-the-log"),
        pytest.param("/-/files/.hidden", id="dot-file"),
    ],
)
async def test_only_listed_files_are_served(reg, ref, invoke, tmp_path, path):
    from foikit.publishing.build import publish
    from foikit.publishing.serve import make_datasette

    src = make_pdf(tmp_path / "figures.pdf", lines_with_everything())
    assert add_doc(invoke, ref, src).exit_code == 0
    out = tmp_path / "disclosure.db"
    publish(reg, out)
    (files_folder(out) / "unlisted.pdf").write_bytes(src.read_bytes())  # the original!
    ds = make_datasette(out)
    response = await ds.client.get(path)
    if response.status_code == 302:  # Datasette normalises the path: follow it
        response = await ds.client.get(response.headers["location"])
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_retention_deletes_the_documents(reg, ref, invoke, tmp_path):
    import datetime as dt

    from foikit.records.retention import apply_retention

    src = make_pdf(tmp_path / "figures.pdf", lines_with_everything())
    assert add_doc(invoke, ref, src).exit_code == 0
    row, folder = stored(reg, ref)
    report = apply_retention(reg, OFFICER, older_than="1y", today=dt.date(2030, 1, 1))
    assert not (folder / row["original_path"]).exists()
    assert not (folder / row["redacted_path"]).exists()
    assert str(folder / row["original_path"]) in report.deleted
    assert reg.scalar("SELECT deleted_at FROM documents WHERE id = ?", (row["id"],))


def test_a_copy_changed_on_disk_after_verification_is_not_published(reg, ref, invoke, tmp_path):
    """Threat: the copy published is not the one verified (swapped for the original on disk)."""
    src = make_pdf(tmp_path / "figures.pdf", lines_with_everything())
    assert add_doc(invoke, ref, src).exit_code == 0
    row, folder = stored(reg, ref)
    (folder / row["redacted_path"]).write_bytes(src.read_bytes())
    out = tmp_path / "disclosure.db"
    result = invoke("publish", "--out", out)
    assert result.exit_code == 1
    assert "does not match its recorded SHA-256" in result.output
    assert not files_folder(out).exists()


def test_retention_dry_run_names_the_documents_it_would_delete(reg, ref, invoke, tmp_path):
    import datetime as dt

    from foikit.records.retention import apply_retention

    src = make_pdf(tmp_path / "figures.pdf", lines_with_everything())
    assert add_doc(invoke, ref, src).exit_code == 0
    row, folder = stored(reg, ref)
    report = apply_retention(reg, OFFICER, older_than="1y", today=dt.date(2030, 1, 1), dry_run=True)
    assert str(folder / row["original_path"]) in report.files
    assert (folder / row["original_path"]).exists()


# -- every place an .xlsx can carry text -----------------------------------------------------


def _xlsx_with(place):
    """A workbook with the surname in one place an .xlsx can hold text; the figure 17 in B2."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Figures"
    ws.append(["Area", "Reviews"])
    ws.append(["Birmingham", 17])
    if place == "hidden-sheet-name":
        hidden = wb.create_sheet("Notes Quartermaine")
        hidden["A1"] = 5
        hidden.sheet_state = "hidden"
        ws["C2"] = "='Notes Quartermaine'!A1"  # a formula naming the sheet follows the rename
    elif place == "defined-name":
        wb.defined_names["Quartermaine_calls"] = DefinedName(
            "Quartermaine_calls", attr_text="Figures!$B$2"
        )
    elif place == "defined-name-value":
        wb.defined_names["contact"] = DefinedName("contact", attr_text=f'"{NAME}"')
    elif place == "header-footer":
        ws.oddHeader.center.text = f"Prepared for {NAME}"
        ws.evenFooter.left.text = "Quartermaine"
    elif place == "data-validation":
        dv = DataValidation(type="list", formula1='"Quartermaine,Other"', allow_blank=True)
        dv.prompt = f"Ask {NAME}"
        dv.error = "Quartermaine only"
        ws.add_data_validation(dv)
        dv.add("A3")
    elif place == "comment":
        from openpyxl.comments import Comment

        ws["A1"].comment = Comment("Quartermaine said so", "Quartermaine")
    elif place == "doc-properties":
        wb.properties.creator = NAME
        wb.properties.lastModifiedBy = "Quartermaine"
        wb.properties.keywords = "Quartermaine"
        wb.properties.description = "Quartermaine"
    elif place == "hyperlink":
        ws["A2"].hyperlink = f"mailto:{EMAIL}"
    elif place == "hidden-sheet-cell":
        hidden = wb.create_sheet("Workings")
        hidden["A1"] = f"called by {NAME}"
        hidden.sheet_state = "veryHidden"
    return wb


XLSX_PLACES = [
    # (place, why)
    ("hidden-sheet-name", "a hidden sheet named after the requester (the merged gap)"),
    ("defined-name", "a defined name spelling the surname"),
    ("defined-name-value", "a defined name whose value is the name"),
    ("header-footer", "print headers and footers"),
    ("data-validation", "a drop-down list and its prompt and error text"),
    ("comment", "a cell comment and its author"),
    ("doc-properties", "creator, last modified by, keywords, description"),
    ("hyperlink", "a mailto: link target"),
    ("hidden-sheet-cell", "a very hidden sheet's cell"),
]


@pytest.mark.parametrize(("place", "why"), XLSX_PLACES, ids=[p[0] for p in XLSX_PLACES])
def test_xlsx_loses_the_surname_wherever_a_workbook_keeps_text(
    reg, ref, invoke, tmp_path, place, why
):
    import openpyxl

    src = tmp_path / "figures.xlsx"
    _xlsx_with(place).save(src)
    result = add_doc(invoke, ref, src)
    assert result.exit_code == 0, result.output
    row, folder = stored(reg, ref)
    copy = folder / row["redacted_path"]
    text = all_text(copy)
    for phrase in (NAME, "Quartermaine", EMAIL):
        assert phrase.casefold() not in text.casefold(), (why, phrase)
    book = openpyxl.load_workbook(copy)
    assert book["Figures"]["B2"].value == 17, why  # the figures stay
    if place == "hidden-sheet-name":
        renamed = [s for s in book.worksheets if s.title != "Figures"][0]
        assert renamed.sheet_state == "hidden"
        assert book["Figures"]["C2"].value == f"='{renamed.title}'!A1"


# -- a PDF made with LibreOffice beside an Office file ---------------------------------------


@pytest.mark.parametrize(
    ("maker", "suffix", "kept"), [p.values for p in OFFICE], ids=["docx", "xlsx", "csv"]
)
def test_office_files_are_published_with_a_verified_pdf_beside_them(
    reg, ref, invoke, tmp_path, maker, suffix, kept
):
    """Threat: the second format (the PDF LibreOffice makes) carries what the Office copy lost
    (a name in its text, the author in its metadata), or the log offers only one format."""
    from foikit.documents.office_pdf import inflated, is_tagged
    from foikit.publishing.build import publish

    src = maker(tmp_path / f"doc{suffix}")
    result = add_doc(invoke, ref, src, "--redact", SECRET)
    assert result.exit_code == 0, result.output
    assert "no PDF" not in result.output, result.output
    row, folder = stored(reg, ref)
    pdf = (folder / row["pdf_path"]).read_bytes()
    text = pdf_text(pdf)
    assert kept.split(",")[0] in text, "the figures are in the PDF"
    raw = inflated(pdf).decode("latin-1").casefold()
    for phrase in (NAME, "Quartermaine", EMAIL, PHONE, SECRET):
        assert phrase.casefold() not in text.casefold(), phrase
        assert phrase.casefold() not in raw, phrase
    # Writer tags its PDF with a structure tree; LibreOffice 7.4's Calc only marks it.
    assert is_tagged(pdf, tree=suffix == ".docx"), "a tagged PDF"
    assert b"/Lang(en-GB)" in pdf or b"/Lang (en-GB)" in inflated(pdf)
    out = tmp_path / "disclosure.db"
    report = publish(reg, out)
    assert report.documents == 2
    names = sorted(p.name for p in files_folder(out).iterdir())
    assert names == sorted([f"{ref}-1{suffix}", f"{ref}-1.pdf"])
    assert (files_folder(out) / f"{ref}-1.pdf").read_bytes() == pdf


def test_a_long_word_document_is_redacted_in_every_paragraph():
    """Threat: a paragraph skipped by the redaction. Paragraphs were remembered by the id() of
    their lxml proxies, which Python reuses once a proxy is freed: in a long document with
    tables some paragraphs were taken as already done, and the copy was refused (or, without
    the verification, published with the name). 60 paragraphs, a 30 x 4 table with two
    paragraphs a cell, a header and a footer: every one must lose the name."""
    import io

    import docx

    from foikit.documents.office import redact_docx, zip_text

    d = docx.Document()
    for i in range(60):
        d.add_paragraph(f"Paragraph {i}: {NAME}")
    table = d.add_table(rows=30, cols=4)
    for row in table.rows:
        for cell in row.cells:
            cell.text = f"Cell {NAME}"
            cell.add_paragraph(f"Second {NAME}")
    d.sections[0].header.paragraphs[0].text = f"Header {NAME}"
    d.sections[0].footer.paragraphs[0].text = f"Footer {NAME}"
    buf = io.BytesIO()
    d.save(buf)
    result = redact_docx(buf.getvalue(), [NAME, "Quartermaine"])
    assert "Quartermaine" not in zip_text(result.data)
    assert result.redactions == 60 + 30 * 4 * 2 + 2
