"""docx templates rendered safely and fast: one sandboxed Jinja environment, templates
compiled once per file version, letters written straight into a new zip.

A template is a Word document with Jinja tags in docxtpl's dialect (`{%p for ... %}` on a
paragraph of its own, `{%tr %}` for table rows). The environment autoescapes (so `&` and `<` in a
value reach the XML escaped, never as markup), is strict about undefined names (an error naming
the name, never a blank) and is sandboxed (no Python internals from a template).

docxtpl's own `render` reloads and re-parses the whole document with python-docx on every call.
Here each template is read once: its zip members are kept in memory, the XML parts that carry
tags are patched the docxtpl way and compiled once, and a letter is a Jinja render of those
parts written into a new zip. bench/letters.py measures both against unzip + re-zip.
"""

from __future__ import annotations

import functools
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError, TemplateError
from foikit.formats import FILTERS, FormatError
from foikit.letters import docxtpl_xml

if TYPE_CHECKING:
    from jinja2 import Environment, Template

# -- the Jinja environment ----------------------------------------------------------------------

# Characters XML 1.0 cannot carry; a pasted control character must not corrupt the letter.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: Any) -> Any:
    """Text as a letter can hold it: Windows line ends made plain, XML-illegal characters gone."""
    if isinstance(value, str) and not hasattr(value, "__html__"):  # Markup: the author's own
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return _XML_ILLEGAL.sub("", value)
    return value


def _filter(func: Callable[[Any], str]) -> Callable[[Any], str]:
    @functools.wraps(func)
    def wrapped(value: Any) -> str:
        from jinja2 import Undefined

        if isinstance(value, Undefined):
            value._fail_with_undefined_error()
        if value is None:
            raise FormatError(f"{func.__name__} was given no value (None)")
        return func(value)

    return wrapped


@functools.cache
def environment(*, autoescape: bool = True) -> Environment:
    """The sandbox every letter is rendered in (foikit.letters.sandbox: immutable, bounded, no
    globals but a capped `range`).

    `autoescape=True` for the docx XML; `autoescape=False` renders plain text.
    """
    from jinja2 import StrictUndefined

    from foikit.letters.sandbox import bounded_environment_class

    env: Environment = bounded_environment_class()(
        autoescape=autoescape,
        undefined=StrictUndefined,
        finalize=xml_safe,
        keep_trailing_newline=True,
    )
    env.filters.update({name: _filter(f) for name, f in FILTERS.items()})
    from foikit.letters.presentation import and_list

    env.filters["and_list"] = _filter(and_list)
    return env


@functools.cache
def answer_environment() -> Environment:
    """The smaller sandbox an officer's answer text is rendered in: plain text out, keys of
    plain data only, the answer filters only (foikit.letters.sandbox.ANSWER_FILTERS)."""
    from jinja2 import StrictUndefined

    from foikit.letters.sandbox import (
        ANSWER_FILTERS,
        answer_environment_class,
        answer_finalize,
        bounded_filter,
    )

    env: Environment = answer_environment_class()(
        autoescape=False,
        undefined=StrictUndefined,
        finalize=lambda value: xml_safe(answer_finalize(value)),
        keep_trailing_newline=True,
    )
    env.filters.update({name: _filter(f) for name, f in FILTERS.items()})
    env.filters = {
        name: bounded_filter(f) for name, f in env.filters.items() if name in ANSWER_FILTERS
    }
    return env


def describe_error(exc: BaseException) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(exc, UndefinedError):
        return f"{exc.message} (no such name or field in the letter context)"
    if isinstance(exc, TemplateSyntaxError):
        return f"{exc.message}"
    if isinstance(exc, SecurityError):
        return f"not allowed in a letter: {exc}"
    return str(exc)


# What a template's own mistakes raise while rendering (figure() raises foikit errors naming
# what was asked for; filters raise FormatError); anything else is a bug and propagates.
RENDER_ERRORS: tuple[type[BaseException], ...] = (
    FoikitError,
    FormatError,
    TypeError,
    ValueError,
    AttributeError,
    ArithmeticError,
    RecursionError,
    SyntaxError,  # Python's compiler on a pathological template
    MemoryError,
)


@contextmanager
def template_errors(prefix: str, what: str | None = None) -> Iterator[None]:
    """Turn a template's failure into one TemplateError: `what is not a valid template: ...`
    for a syntax error, `prefix: ...` for anything else."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError

    errors: tuple[type[BaseException], ...] = (JinjaError, *RENDER_ERRORS)
    try:
        yield
    except TemplateSyntaxError as e:
        raise TemplateError(
            f"{what or prefix} is not a valid template: {describe_error(e)}"
        ) from None
    except errors as e:
        message = str(e) if isinstance(e, FoikitError) else describe_error(e)
        raise TemplateError(f"{prefix}: {message}") from None


# -- compiled templates -------------------------------------------------------------------------

# The XML parts of a .docx that may carry template tags.
_TEMPLATE_PART = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$"
)
TAG = re.compile(r"\{[{%#]")
_TAG_OR_ESCAPE = re.compile(r"\{[{%#]|\{_[{%]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
_TAG_TEXT = re.compile(r"<[^>]+>")


@dataclass
class CompiledPart:
    name: str
    declaration: str
    source: str  # patched XML, with a newline before each paragraph (for error lines)
    template: Template
    fix_tables: bool


@dataclass
class CompiledTemplate:
    """A .docx template parsed once: its zip members and its compiled XML parts."""

    path: Path
    members: list[tuple[zipfile.ZipInfo, bytes]]
    parts: dict[str, CompiledPart] = field(default_factory=dict)

    def variables(self) -> set[str]:
        """The names the template uses that it does not define itself."""
        from jinja2 import meta

        env = environment()
        names: set[str] = set()
        for part in self.parts.values():
            names |= meta.find_undeclared_variables(env.parse(part.source))
        return names


def _patch(xml: str) -> str:
    src = docxtpl_xml.patch_xml(xml)
    # docxtpl's escapes for literal braces ({_{ ... }_}) become Jinja string literals, so the
    # rendered letter is never post-processed (a requester's own "{_{" must survive as typed).
    for escaped, literal in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        src = src.replace(escaped, "{{ '" + literal + "' }}")
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", src)


def _context_lines(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()[max(lineno - 2, 0) : lineno + 1]
    text = " ".join(t for t in (_TAG_TEXT.sub("", line).strip() for line in lines) if t)
    return f" near: {text[:160]!r}" if text else ""


def compile_template(path: Path) -> CompiledTemplate:
    from jinja2 import TemplateSyntaxError

    try:
        with zipfile.ZipFile(path) as zf:
            members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    except FileNotFoundError:
        raise TemplateError(f"no template at {str(path)!r}") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise TemplateError(f"{str(path)!r} is not a .docx template: {e}") from None
    compiled = CompiledTemplate(path, members)
    env = environment()
    for info, data in members:
        if not _TEMPLATE_PART.match(info.filename):
            continue
        xml = data.decode("utf-8")
        if not _TAG_OR_ESCAPE.search(xml):
            continue
        match = _DECLARATION.match(xml)
        declaration = match.group(0) if match else ""
        source = _patch(xml[len(declaration) :])
        try:
            template = env.from_string(source)
        except TemplateSyntaxError as e:
            raise TemplateError(
                f"{path.name}: {describe_error(e)} in {info.filename}"
                f"{_context_lines(source, e.lineno)}"
            ) from None
        compiled.parts[info.filename] = CompiledPart(
            info.filename, declaration, source, template, "<w:tblGrid" in source and "tc " in source
        )
    return compiled


_CACHE: dict[str, tuple[tuple[int, int], CompiledTemplate]] = {}


def load_template(path: str | os.PathLike[str]) -> CompiledTemplate:
    """The compiled template, parsed once per file version (path, mtime and size)."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise TemplateError(
            f"no template at {str(p)!r}: run foikit where its templates/ folder is, "
            "or name the folder with --templates or FOIKIT_TEMPLATES"
        ) from None
    key = str(p.resolve())
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    compiled = compile_template(p)
    _CACHE[key] = (stamp, compiled)
    return compiled


_NEEDS_LISTING = re.compile("[\t\n\x07\x0c]")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")\d+(")')


def _render_part(
    compiled: CompiledTemplate, part: CompiledPart, context: Mapping[str, Any]
) -> bytes:
    from foikit.letters.sandbox import LETTER_SECONDS, MAX_LETTER_OUTPUT, budget, render_bounded

    name = compiled.path.name
    with template_errors(name), budget(f"the letter {name}", LETTER_SECONDS, MAX_LETTER_OUTPUT):
        xml = render_bounded(part.template, context)
    from lxml import etree

    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    if _NEEDS_LISTING.search(xml):
        # Line breaks and tabs inside a value become Word's <w:br/> and <w:tab/>.
        xml = docxtpl_xml.resolve_listing(xml)
    if part.fix_tables:
        tree = docxtpl_xml.fix_tables(xml)
        xml = etree.tostring(tree, encoding="unicode")
    if "<wp:docPr" in xml:
        # Pictures repeated by a loop need distinct ids or Word reports the file as damaged.
        counter = iter(range(1000, 1_000_000))
        xml = _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(2)}", xml)
    data = (part.declaration + xml).encode("utf-8")
    try:
        # A tag placed across Word's structure (opened in a paragraph, closed in a table cell)
        # renders XML Word cannot open: refuse it here rather than send a damaged letter.
        etree.fromstring(data)
    except etree.XMLSyntaxError as e:
        raise TemplateError(
            f"{compiled.path.name}: renders broken XML in {part.name} ({e}); a tag probably "
            "opens in one paragraph or cell and closes in another: use {%p ... %} on a "
            "paragraph of its own"
        ) from None
    return data


def render_parts(compiled: CompiledTemplate, context: Mapping[str, Any]) -> dict[str, bytes]:
    """The rendered XML of each templated part, by zip member name."""
    return {name: _render_part(compiled, part, context) for name, part in compiled.parts.items()}


def render_docx(
    template: str | os.PathLike[str] | CompiledTemplate,
    context: Mapping[str, Any],
    out: str | os.PathLike[str],
    *,
    replace: bool = True,
) -> Path:
    """Render a template with a ready context to `out`; written whole or not at all.

    The file is private (0600, its new folder 0700, whatever the umask), fsynced before it is
    renamed into place; `replace=False` never writes over an existing file."""
    from foikit.register.files import atomic_output, private_dir

    compiled = template if isinstance(template, CompiledTemplate) else load_template(template)
    rendered = render_parts(compiled, context)
    out_path = Path(out)
    private_dir(out_path.parent)
    with (
        atomic_output(out_path, binary=True, replace=replace) as fh,
        zipfile.ZipFile(fh, "w") as zf,
    ):
        for info, data in compiled.members:
            zf.writestr(info, rendered.get(info.filename, data))
    return out_path


# -- reading a letter back --------------------------------------------------------------------


def letter_text(docx_path: str | os.PathLike[str]) -> str:
    """All paragraph and table text of a letter's body, in document order, one paragraph a line."""
    import docx
    from docx.table import Table

    def cells(table: Table) -> Iterable[str]:
        for row in table.rows:
            for cell in row.cells:
                for item in cell.iter_inner_content():
                    if isinstance(item, Table):
                        yield from cells(item)
                    else:
                        yield item.text

    try:
        document = docx.Document(str(docx_path))
    except Exception as e:  # python-docx raises several kinds for a damaged file
        raise TemplateError(f"cannot read {str(docx_path)!r} as a letter: {e}") from None
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            lines.extend(cells(item))
        else:
            lines.append(item.text)
    return "\n".join(lines)
