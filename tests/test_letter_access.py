"""Letters that read well to everyone: real heading styles, British English, headings kept with
their text and addresses kept whole, page numbers, figures as tables with their source, the
document's properties from the office, "Dear Ms Sharma", and tagged PDFs a screen reader can
follow (the PDF's structure tree, read with PyMuPDF)."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from letters_support import OFFICER

from foikit.letters import convert_letters, render_letter
from foikit.letters.presentation import and_list, salutation

# -- the words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "requester, expected, why",
    [
        ({"name": "Ms Priya Sharma"}, "Ms Sharma", "title and surname, not the full name"),
        ({"name": "Dr. Amal Chaudhry-Jones"}, "Dr Chaudhry-Jones", "British style: no full stop"),
        ({"name": "mr   john  smith"}, "mr smith", "spacing tidied, words kept as typed"),
        ({"name": "Sir Keir Hardie"}, "Sir Keir", "Sir and Dame go with the forename"),
        ({"name": "Priya Sharma"}, "Priya Sharma", "no title given: never guess one"),
        ({"name": "Ms"}, "Ms", "a title alone is all there is"),
        ({"title": "Mx", "surname": "Okafor", "name": "Sam Okafor"}, "Mx Okafor", "given fields"),
        ({"name": "  "}, None, "no name: the letter says Dear Applicant"),
        (None, None, "a published copy has no requester"),
    ],
    ids=["ms", "dr", "spacing", "sir", "no-title", "title-only", "fields", "blank", "none"],
)
def test_the_salutation(requester, expected, why):
    assert salutation(requester) == expected, why


@pytest.mark.parametrize(
    "values, expected, why",
    [
        ([1], "1", "one question"),
        ([1, 2], "1 and 2", "questions 1 and 2, not 1, 2"),
        ([1, 2, 5], "1, 2 and 5", "no Oxford comma in the office's style"),
        ([], "", "nothing to list"),
    ],
    ids=["one", "two", "three", "none"],
)
def test_lists_in_words(values, expected, why):
    assert and_list(values) == expected, why


# -- the document ------------------------------------------------------------------------------


@pytest.fixture
def sharma(register):
    """A request from Ms Priya Sharma, question 1 answered from the register with figure()."""
    from foikit.casework.lifecycle import add_request, answer_question, close_request

    ref = add_request(
        register,
        OFFICER,
        received="2021-06-05",
        subject="Domestic Homicide Reviews in Sandwell",
        requester_name="Ms Priya Sharma",
        requester_address=["1 High Street", "Walsall", "WS1 1AA"],
        handler=OFFICER,
        questions=["How many DHRs did Sandwell claim for in 2019-20?", "And Dudley?"],
        today="2021-06-07",
    )
    answer_question(
        register,
        OFFICER,
        ref,
        1,
        text="Sandwell claimed for {{ figure('dhr', 'claimed', area='Sandwell', "
        "period='2019-20') }} reviews.",
    )
    answer_question(register, OFFICER, ref, 2, text="Please see our answer to question 1.")
    close_request(
        register,
        OFFICER,
        ref,
        responded="2021-06-10",
        outcome="granted-in-full",
        today="2021-06-10",
    )
    return ref


@pytest.fixture
def refused(register):
    """Two questions refused on one ground (s.12): "This applies to questions 1 and 2"."""
    from foikit.casework.lifecycle import add_request, answer_question

    ref = add_request(
        register,
        OFFICER,
        received="2021-06-05",
        subject="Everything",
        requester_name="Mr John Smith",
        requester_email="j.smith@example.org",
        handler=OFFICER,
        questions=["All the figures.", "All the papers."],
        today="2021-06-07",
    )
    for n in (1, 2):
        answer_question(
            register,
            OFFICER,
            ref,
            n,
            text="Ask for one year.",
            exemptions=[("12", "About 40 hours.", None)],
        )
    return ref


def styled(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]


def test_a_response_has_real_headings_a_figures_table_and_the_offices_properties(
    register, sharma, tmp_path
):
    path = render_letter(register, sharma, "response", today="2021-06-10")
    document = docx.Document(str(path))
    paragraphs = styled(document)
    headings = [(s, t) for s, t in paragraphs if s.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Re: Domestic Homicide Reviews in Sandwell")
    assert ("Heading 2", "Question 1") in headings and ("Heading 2", "Question 2") in headings
    assert "Dear Ms Sharma," in [t for _, t in paragraphs], "title and surname"
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        fmt = document.styles[name].paragraph_format
        assert fmt.keep_with_next, f"{name} is never left alone at the foot of a page"
    address = document.styles["Address"].paragraph_format
    assert address.keep_with_next and address.keep_together, "an address never splits"
    assert ("Address", "Wycliffe House") in paragraphs or any(
        s == "Address" and "Wycliffe" in t for s, t in paragraphs
    ), "the ICO's address is an Address block"

    (table,) = document.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Figure", "Area", "Period", "Value"]
    assert rows[1] == ["Domestic Homicide Reviews: claimed", "Sandwell", "2019-20", "3"]
    assert table._tbl.tblPr.xml.count("tblCaption") == 1, "the table is captioned"
    assert "w:tblHeader" in table.rows[0]._tr.xml, "the header row repeats on a new page"
    sources = [t for s, t in paragraphs if s == "Caption"]
    assert len(sources) == 1 and sources[0].startswith("Source: "), sources

    xml = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert 'w:lang w:val="en-GB"' in xml and "en-US" not in xml, "British English"
    footer = zipfile.ZipFile(path).read("word/footer1.xml").decode()
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer, "page x of y"

    props = document.core_properties
    assert props.author == "Office of the Police and Crime Commissioner for the West Midlands"
    assert props.title == f"Response to request {sharma}"
    assert props.created == dt.datetime(2021, 6, 10, tzinfo=dt.UTC), (
        "the letter's date, not the template's"
    )
    assert props.language == "en-GB"
    every_part = b"".join(zipfile.ZipFile(path).read(n) for n in ("docProps/core.xml",))
    assert b"python-docx" not in every_part and b"2013" not in every_part


def test_a_refusal_names_questions_1_and_2(register, refused):
    path = render_letter(register, refused, "refusal", today="2021-06-10")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "This applies to questions 1 and 2." in text
    assert "Dear Mr Smith," in text


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_the_pdf_is_tagged_in_british_english(register, sharma, tmp_path):
    import pymupdf

    path = render_letter(register, sharma, "response", today="2021-06-10")
    (pdf,) = convert_letters([path], tmp_path / "pdf")
    document = pymupdf.open(str(pdf))
    catalog = document.xref_object(document.pdf_catalog())
    assert "/StructTreeRoot" in catalog, "a structure tree: the PDF is tagged"
    assert "/Marked true" in catalog
    assert "/Lang (en-GB)" in catalog
    tags = {
        document.xref_get_key(x, "S")[1]
        for x in range(1, document.xref_length())
        if document.xref_get_key(x, "Type")[1] == "/StructElem"
    }
    # LibreOffice names body text by its style (/Standard), role-mapped to /P.
    assert {"/H1", "/H2", "/Table", "/TH", "/Standard"} <= tags, tags
    assert document.metadata["title"] == f"Response to request {sharma}"
    assert document.metadata["author"].startswith("Office of the Police and Crime Commissioner")
    assert Path(pdf).stat().st_size > 1000
