"""The response letter as a tagged PDF on each request's public page (issue 18):
`foikit publish --letter-pdfs`, through `release()`, LibreOffice, verified.

Threat: the requester's name, email or address, planted in the register where the published
letter could pick it up (the questions, the answers, the subject, the internal notes), reaches
the PDF's text, its bytes or its metadata; or a third party named in a redaction rule does.
"""

from __future__ import annotations

import pymupdf
import pytest
from lifecycle_support import OFFICER, add, answered_and_closed, fresh_register

from foikit.documents.office_pdf import inflated, is_tagged
from foikit.documents.pdf import pdf_text
from foikit.documents.public import files_folder

NAME = "Jane Quartermaine"
EMAIL = "jane.q@example.org"
STREET = "14 Larkspur Close"
POSTCODE = "B91 3QT"
THIRD = "PC Roderick Vantongeren"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One closed request whose texts repeat the requester's details, published with PDFs."""
    from foikit.casework.lifecycle import answer_question, close_request
    from foikit.publishing.build import publish
    from foikit.publishing.rules import add_rule

    tmp = tmp_path_factory.mktemp("letterpdf")
    with fresh_register(tmp / "register.db") as reg:
        ref = add(
            reg,
            requester_name=NAME,
            requester_email=EMAIL,
            requester_address=[STREET, "Solihull", POSTCODE],
            subject=f"Reviews asked for by {NAME}",
            questions=[
                f"I am {NAME} of {STREET}, {POSTCODE} ({EMAIL}): how many reviews?",
                f"Did {THIRD} attend?",
            ],
            notes=f"Phone {NAME} at home, {STREET}",
        )
        answer_question(reg, OFFICER, ref, 1, text=f"Seven, as we told {NAME} before.")
        answer_question(reg, OFFICER, ref, 2, text=f"Yes, {THIRD} attended.")
        close_request(reg, OFFICER, ref, responded="2024-06-20", outcome="granted-in-full")
        add_rule(reg, OFFICER, ref, THIRD)
        out = tmp / "disclosure.db"
        report = publish(reg, out, letter_pdfs=True)
    assert not [w for w in report.warnings if "letter" in w], report.warnings
    pdf = (files_folder(out) / f"{ref}-letter.pdf").read_bytes()
    return ref, out, pdf


# (what is read, how, why)
READERS = [
    ("text", lambda pdf: pdf_text(pdf), "a text extractor (what a reader copies)"),
    ("raw-bytes", lambda pdf: pdf.decode("latin-1"), "the file's bytes as served"),
    ("inflated-bytes", lambda pdf: inflated(pdf).decode("latin-1"), "every stream decompressed"),
    (
        "metadata",
        lambda pdf: (
            repr(pymupdf.open(stream=pdf, filetype="pdf").metadata)
            + (pymupdf.open(stream=pdf, filetype="pdf").get_xml_metadata() or "")
        ),
        "author, title, subject, XMP",
    ),
]
PLANTED = [NAME, "Quartermaine", EMAIL, STREET, POSTCODE, THIRD]


@pytest.mark.parametrize(("reader", "read", "why"), READERS, ids=[r[0] for r in READERS])
@pytest.mark.parametrize("planted", PLANTED)
def test_nothing_planted_reaches_the_letter_pdf(published, reader, read, why, planted):
    _, _, pdf = published
    assert planted.casefold() not in read(pdf).casefold(), why


def test_the_letter_pdf_is_tagged_and_reads_as_the_letter(published):
    ref, _, pdf = published
    assert is_tagged(pdf), "a structure tree and MarkInfo/Marked (screen readers)"
    text = pdf_text(pdf)
    assert ref in text and "[redacted]" in text and "Seven" in text
    meta = pymupdf.open(stream=pdf, filetype="pdf").metadata
    assert meta["title"] == f"The response letter, {ref}" and not meta["author"]


async def test_the_public_page_lists_the_letter_pdf_with_its_size(published):
    from foikit.publishing.serve import make_datasette

    ref, out, pdf = published
    ds = make_datasette(out)
    page = await ds.client.get(f"/disclosure/disclosures/{ref}")
    assert page.status_code == 200
    assert f'href="/-/files/{ref}-letter.pdf"' in page.text
    assert "The response letter</a>" in page.text and "(PDF, " in page.text
    download = await ds.client.get(f"/-/files/{ref}-letter.pdf")
    assert download.status_code == 200 and download.content == pdf


def test_without_the_flag_no_letter_pdf_is_made(tmp_path):
    from foikit.publishing.build import publish

    with fresh_register(tmp_path / "register.db") as reg:
        answered_and_closed(reg)
        publish(reg, tmp_path / "disclosure.db")
    assert not files_folder(tmp_path / "disclosure.db").exists() or not list(
        files_folder(tmp_path / "disclosure.db").glob("*-letter.pdf")
    )
