"""The one assumption foikit makes about docxtpl's insides (foikit/letters/docxtpl_xml.py):
its three XML helpers work on a string with no document loaded. Each is run here on known input,
so a docxtpl release that changes them fails this file, loudly, before a letter goes out wrong."""

from __future__ import annotations

import docxtpl
import pytest
from lxml import etree

from foikit.letters import docxtpl_xml

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_the_docxtpl_release_is_the_one_verified():
    assert docxtpl.__version__ == docxtpl_xml.VERIFIED_WITH, (
        "docxtpl changed: re-check foikit/letters/docxtpl_xml.py against the new release, then "
        "update VERIFIED_WITH"
    )


@pytest.mark.parametrize(
    "xml, expected, why",
    [
        (
            "<w:p><w:r><w:t>{%p if x %}</w:t></w:r></w:p><w:p><w:r><w:t>A</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>",
            "{% if x %}",
            "a paragraph tag becomes a plain block tag and its paragraph goes",
        ),
        (
            "<w:tr><w:tc><w:p><w:r><w:t>{%tr for r in rows %}</w:t></w:r></w:p></w:tc></w:tr>",
            "{% for r in rows %}",
            "a table-row tag becomes a plain loop",
        ),
        (
            "<w:p><w:r><w:t>{{ a }}</w:t></w:r><w:r><w:t>{{ b }}</w:t></w:r></w:p>",
            "{{ a }}",
            "ordinary tags are left for Jinja",
        ),
    ],
)
def test_patch_xml(xml, expected, why):
    out = docxtpl_xml.patch_xml(xml)
    assert expected in out, why
    assert "{%p" not in out and "{%tr" not in out, why


def test_resolve_listing_makes_line_breaks_and_tabs_word_markup():
    body = "<w:p><w:r><w:t>one\ntwo\tthree</w:t></w:r></w:p>"
    xml = f"<w:document {W}><w:body>{body}</w:body></w:document>"
    out = docxtpl_xml.resolve_listing(xml)
    assert "<w:br/>" in out and "<w:tab/>" in out
    assert "one" in out and "two" in out and "three" in out


def test_fix_tables_returns_a_tree_with_the_grid():
    xml = (
        f'<w:document {W}><w:body><w:tbl><w:tblGrid><w:gridCol w:w="4000"/>'
        '<w:gridCol w:w="4000"/></w:tblGrid><w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>'
        "</w:tbl></w:body></w:document>"
    )
    tree = docxtpl_xml.fix_tables(xml)
    text = etree.tostring(tree, encoding="unicode")
    assert "gridCol" in text and "w:tc" in text
