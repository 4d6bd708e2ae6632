"""The three docxtpl XML helpers foikit's renderer uses, in one place.

foikit compiles each template once (foikit.letters.docx) instead of calling
`DocxTemplate.render`, which re-reads the whole document with python-docx on every letter. It
still prepares and finishes the XML the docxtpl way, through three methods of `DocxTemplate`
that work on a string and read no state of the instance: `patch_xml` (docxtpl's `{%p %}`,
`{%tr %}` and `{{r }}` tags into plain Jinja), `resolve_listing` (line breaks and tabs in values
into `<w:br/>` and `<w:tab/>`) and `fix_tables` (column widths of tables a loop changed).

They are called on an instance made without a document. That is the one assumption foikit makes
about docxtpl's insides, so it lives here alone, with VERIFIED_WITH naming the release it was
checked against; tests/test_docxtpl_contract.py runs each helper on known input and fails on any
release where the assumption, the version or the output changes.
"""

from __future__ import annotations

import functools
from typing import Any

VERIFIED_WITH = "0.20.2"


@functools.cache
def _helpers() -> Any:
    from docxtpl import DocxTemplate

    return DocxTemplate.__new__(DocxTemplate)  # no document: the helpers read no state


def patch_xml(xml: str) -> str:
    """docxtpl's tags made plain Jinja."""
    return str(_helpers().patch_xml(xml))


def resolve_listing(xml: str) -> str:
    """Line breaks, tabs, page and column breaks inside values made Word markup."""
    return str(_helpers().resolve_listing(xml))


def fix_tables(xml: str) -> Any:
    """The document tree with the column grid of each changed table put right."""
    return _helpers().fix_tables(xml)
