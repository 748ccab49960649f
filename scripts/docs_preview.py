"""Turn rendered documents into PDF and PNG pages for a person to look at (``make docs-preview``).

    .venv/bin/python scripts/docs_preview.py [--home DMPG_HOME] [--out var/preview] [--images docs/images]

Takes the latest version of every document under ``<home>/documents/`` (a demo run's); when there are
none, renders the complete sample set (``support.samples`` in ``tests/``) instead. Adds the filled Word
form of the example. Converts with LibreOffice (``soffice --headless --convert-to pdf``) and
``pdftoppm``; both are Debian packages the Makefile target installs. ``--images`` copies the first page
of the key documents there (the pictures of the guides in ``docs/``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the engine, and the sample documents (support.samples)

from core.errors import UserError  # noqa: E402
from core.settings import get_settings  # noqa: E402
from dmpg.documents.wordform import write_filled_form  # noqa: E402
from forms.loading import load_form  # noqa: E402
from support.samples import EXAMPLE, render_meeting_samples, render_samples  # noqa: E402

KEY_DOCUMENTS = ("proposal", "hearing-letter", "steering-minutes", "terms-of-reference", "kickoff-invitation", "form")
PAGES = {"meeting-pack": 2}  # documents shown by their first pages (a picture each); the others by the first
_NAME = re.compile(r"^(?P<slot>.+)_v(?P<version>\d+)\.docx$")


def latest_documents(documents_dir: Path) -> list[Path]:
    """The highest version of each document (file names ``..._v<N>.docx``) under ``documents_dir``."""
    best: dict[str, tuple[int, Path]] = {}
    for path in sorted(documents_dir.glob("*/*.docx")):
        m = _NAME.match(path.name)
        if m and int(m["version"]) > best.get(m["slot"], (0, path))[0]:
            best[m["slot"]] = (int(m["version"]), path)
    return [p for _, p in sorted(best.values(), key=lambda vp: vp[1].name)]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise UserError(f"{name} is not installed; run 'make docs-preview' (installs libreoffice-writer-nogui "
                        "and poppler-utils) or apt-get install them")
    return found


def to_pdf(docx_files: list[Path], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dmpg-lo-") as profile:
        # A private LibreOffice profile: no clash with a desktop LibreOffice that is open.
        subprocess.run([_tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)],
                       check=True, capture_output=True, timeout=600)
    return [out_dir / (p.stem + ".pdf") for p in docx_files]


def to_png(pdf: Path, out_dir: Path, dpi: int = 60) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([_tool("pdftoppm"), "-png", "-r", str(dpi), str(pdf), str(out_dir / pdf.stem)],
                   check=True, capture_output=True, timeout=300)
    return sorted(out_dir.glob(f"{pdf.stem}-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a DMPG_HOME whose documents/ to preview (default: settings)")
    parser.add_argument("--out", type=Path, default=Path("var/preview"))
    parser.add_argument("--images", type=Path, help="copy the first page of the key documents here")
    args = parser.parse_args(argv)

    home = args.home or get_settings().home
    docs = latest_documents(home / "documents")
    if docs:
        print(f"previewing {len(docs)} document(s) of the run in {home / 'documents'}")
    else:
        print(f"no documents under {home / 'documents'}: previewing the sample set")
        docs = render_samples(args.out / "docx")
    form_docx = write_filled_form(load_form(EXAMPLE), args.out / "docx" / "DMPG-eksempel_form_angst-og-ocd.docx")
    docs.append(form_docx)
    if not any("_meeting-pack_" in d.name for d in docs):  # no meeting in the run: the sample meeting's pack
        docs += render_meeting_samples(args.out / "docx")

    copied: set[str] = set()
    for pdf in to_pdf(docs, args.out / "pdf"):
        pages = to_png(pdf, args.out / "png")
        print(f"{pdf}  ({len(pages)} page(s) as PNG in {args.out / 'png'})")
        key = next((k for k in (*KEY_DOCUMENTS, *PAGES) if f"_{k}_" in pdf.name), None)
        if args.images and key and key not in copied and pages:  # the first of each key document
            args.images.mkdir(parents=True, exist_ok=True)
            if key in PAGES:
                for n, page in enumerate(pages[:PAGES[key]], start=1):
                    shutil.copyfile(page, args.images / f"{key}-{n}.png")
            else:
                shutil.copyfile(pages[0], args.images / f"{key}.png")
            copied.add(key)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UserError as exc:
        print(f"docs-preview: {exc}", file=sys.stderr)
        sys.exit(2)
