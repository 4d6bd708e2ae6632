"""Letters to PDF (or text) with LibreOffice: `soffice --headless --convert-to pdf`."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from foikit.errors import ConversionError

# A tagged PDF (PDF/UA's structure tree: headings, paragraphs, tables, reading order, the
# document language) so a screen reader can read the letter; LibreOffice's JSON filter options.
TAGGED_PDF = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"ExportBookmarks":{"type":"boolean","value":"true"},'
    '"UseLosslessCompression":{"type":"boolean","value":"true"}}'
)


def export_filter(fmt: str) -> str:
    """`pdf` means a tagged PDF; any other `--convert-to` target is passed as given."""
    return TAGGED_PDF if fmt == "pdf" else fmt


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_letters(
    paths: Iterable[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    *,
    fmt: str = "pdf",
    timeout: float = 300,
) -> list[Path]:
    """Convert letters with one LibreOffice run (`soffice --headless --convert-to pdf`); a PDF
    is tagged (`TAGGED_PDF`)."""
    soffice = soffice_path()
    if soffice is None:
        raise ConversionError("LibreOffice (soffice) is not installed: cannot make a PDF")
    sources = [Path(p) for p in paths]
    target_dir = Path(outdir)
    target_dir.mkdir(parents=True, exist_ok=True)
    extension = fmt.split(":")[0]
    targets = [target_dir / f"{source.stem}.{extension}" for source in sources]
    for target in targets:
        target.unlink(missing_ok=True)  # so a failed conversion cannot pass for a fresh one
    # A private profile: two conversions at once must not fight over one user profile.
    with tempfile.TemporaryDirectory(prefix="foikit-soffice-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            export_filter(fmt),
            "--outdir",
            str(target_dir),
            *(str(source) for source in sources),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ConversionError(f"LibreOffice took more than {timeout:.0f}s") from None
    missing = [s.name for s, t in zip(sources, targets, strict=True) if not t.exists()]
    if done.returncode != 0 or missing:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise ConversionError(
            f"LibreOffice could not convert {', '.join(missing) or 'the letters'}: "
            f"{detail[-1] if detail else 'no output'}"
        )
    return targets


def convert_to_pdf(
    docx_path: str | os.PathLike[str],
    outdir: str | os.PathLike[str] | None = None,
    *,
    fmt: str = "pdf",
) -> Path:
    """Convert one letter with LibreOffice; the PDF goes beside it unless `outdir` is given."""
    source = Path(docx_path)
    return convert_letters([source], outdir if outdir is not None else source.parent, fmt=fmt)[0]
