"""Reading an input file without trusting it: the one bounded way into the project for a user's file.

Every file a person hands us (a proposal form, a decision, the roster, meeting minutes) may be the
wrong file or a hostile one. :func:`read_bounded` returns its bytes or raises
:class:`core.errors.InputError` with one plain sentence, and it never

- opens anything but a regular file: a named pipe (FIFO) would block the read forever, a device such
  as ``/dev/zero`` never ends, a directory or socket cannot be read; a symbolic link is followed only
  to a regular file;
- reads more than ``limit + 1`` bytes, whatever the file's size says or becomes while we read;
- quotes the file's content in a message (a link to ``/etc/passwd`` must not print its first line).

A Word form (``.docx``) is a ZIP archive that python-docx unpacks and parses with lxml.
Read like any input, its archive is checked with :func:`check_docx` before python-docx may see
it: the number of parts, their total unpacked size (from the central directory,
and counted again while unpacking, since a header can lie), the compression ratio, the compression
method, and that no part declares a DTD (``<!DOCTYPE``/``<!ENTITY``: entity expansion and external
entities are how XML bombs and file disclosure work). Callers hand python-docx the checked bytes
(``io.BytesIO``), never the path, so what is parsed is exactly what was checked.

Standard library only (and ``core.errors``): every reader of the project sits on top of this.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

from core.errors import InputError

MAX_TEXT_BYTES = 2_000_000  # YAML/JSON inputs; a complete form is about 5 kB
MAX_DOCX_BYTES = 10_000_000  # a Word form is about 40 kB; room for pasted pictures
MAX_ZIP_ENTRIES = 1_000  # a Word form has about 20 parts
# python-docx holds every part in memory and parses the XML ones into trees about ten times their
# size; 20 MB keeps that well inside the 500 MB an input may cost (a Word form unpacks to ~0.9 MB).
MAX_UNZIPPED_BYTES = 20_000_000
MAX_RATIO = 100  # Word's own XML packs at most ~35:1; zip bombs pack ~1000:1
RATIO_FLOOR = 1_000_000  # parts smaller than this are harmless whatever their ratio

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the stat must not block the open
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_CHUNK = 1 << 16

# What python-docx may parse must be UTF-8 (as Word writes it): libxml2 also reads UTF-16/32 and
# EBCDIC, in which the bytes of "<!DOCTYPE" look different and would slip past the scan below.
_DTD_MARKERS = (b"<!doctype", b"<!entity")
_FOREIGN_XML_STARTS = (
    b"\xfe\xff", b"\xff\xfe",  # UTF-16 byte order marks (also the start of UTF-32 LE)
    b"\x00\x00\xfe\xff",  # UTF-32 BE
    b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x00<\x00?", b"<\x00?\x00",  # UTF-32/16 without a mark
    b"\x4c\x6f\xa7\x94",  # "<?xm" in EBCDIC
)
_XML_ENCODING = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_UTF8_NAMES = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}
_MARKER_OVERLAP = max(map(len, _DTD_MARKERS)) - 1
_SAVE_AGAIN = "gem skemaet igen fra Word"


def read_bounded(path: str | Path, limit: int = MAX_TEXT_BYTES, *, what: str = "inputfiler") -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises ``InputError`` (source = ``path``) when the file is missing, is not a regular file (or a
    link to one), cannot be read, or is larger than ``limit``; ``what`` names the kind of file in
    the size message ("filen fylder 52,3 MB; Word-skemaer fylder højst 10 MB — ...").
    """
    source = str(path)
    _require_regular(path, source)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _unreadable(source, exc) from None
    try:
        # The descriptor is what we read: check it again, the path may have changed since the stat.
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise _not_a_file(source, opened.st_mode)
        if opened.st_size > limit:
            raise _too_large(source, opened.st_size, limit, what)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _unreadable(source, exc) from None
    finally:
        os.close(fd)
    if size > limit:  # the file grew while we read it
        raise _too_large(source, size, limit, what)
    return b"".join(chunks)


def check_docx(data: bytes, source: str) -> None:
    """Refuse (``InputError``) a ``.docx`` that python-docx must not unpack: not a ZIP archive, more
    than ``MAX_ZIP_ENTRIES`` parts, more than ``MAX_UNZIPPED_BYTES`` unpacked (declared or actual),
    a part packed more than ``MAX_RATIO``:1, encrypted parts or compression other than Word's, a
    damaged part, or an XML part with a DTD or in another encoding than UTF-8."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _refused(source, "ikke et ZIP-arkiv, som enhver .docx-fil er (en .doc, en PDF eller et "
                               "adgangskodebeskyttet dokument omdøbt til .docx?)") from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_ZIP_ENTRIES:
            raise _refused(source, f"Word-dokumentet har {_n(len(parts))} dele; et Word-skema har omkring 20 "
                                   f"(højst {_n(MAX_ZIP_ENTRIES)} læses) — er det den rigtige fil?")
        declared = sum(part.file_size for part in parts)
        if declared > MAX_UNZIPPED_BYTES:
            raise _refused(source, _unpacked_too_large(f"ville fylde {format_size(declared)} udpakket"))
        for part in parts:
            _check_part_header(part, source)
        budget = MAX_UNZIPPED_BYTES
        for part in parts:
            budget -= _scan_part(archive, part, budget, source)


def _shown_name(part: zipfile.ZipInfo) -> str:
    """A part's name for a message: quoted with escapes (it comes from the file), and short."""
    name = part.filename
    return repr(name if len(name) <= 60 else name[:57] + "...")


def _unpacked_too_large(what: str) -> str:
    return (f"Word-dokumentet {what}; et Word-skema fylder omkring 1 MB udpakket (højst "
            f"{format_size(MAX_UNZIPPED_BYTES)} læses) — er det den rigtige fil?")


def _check_part_header(part: zipfile.ZipInfo, source: str) -> None:
    name = _shown_name(part)
    if part.flag_bits & 0x1:
        raise _refused(source, f"delen {name} er krypteret; gem skemaet igen uden adgangskode")
    if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _refused(source, f"delen {name} bruger en komprimering, Word ikke skriver "
                               f"(method {part.compress_type}); {_SAVE_AGAIN}")
    if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * part.compress_size:
        ratio = part.file_size / max(part.compress_size, 1)
        raise _refused(source, f"delen {name} er pakket {_n(round(ratio))}:1 (Words egne dele højst omkring "
                               f"35:1; afvist over {MAX_RATIO}:1): en ZIP-bombe, ikke et Word-skema")


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, budget: int, source: str) -> int:
    """Unpack one part in chunks, stopping past ``budget`` bytes (the headers may lie about the
    size); refuse a DTD or XML that is not UTF-8. Returns the part's real unpacked size."""
    name = _shown_name(part)
    size = 0
    tail = b""  # the end of the previous chunk, so that a marker split across two chunks is found
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                if size == 0:
                    _check_xml_encoding(chunk, name, source)
                size += len(chunk)
                if size > budget:
                    raise _refused(source, _unpacked_too_large("fylder mere udpakket, end dets hoveder siger"))
                window = tail + chunk.lower()
                if any(marker in window for marker in _DTD_MARKERS):
                    raise _refused(source, f"delen {name} erklærer en DTD (<!DOCTYPE eller <!ENTITY), som "
                                           "Word aldrig skriver, og som kan få XML til at vokse uden grænse; "
                                           + _SAVE_AGAIN)
                tail = window[-_MARKER_OVERLAP:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _refused(source, f"Word-dokumentet er beskadiget: delen {name} kan ikke pakkes ud "
                               f"({type(exc).__name__}); {_SAVE_AGAIN}") from None
    return size


def _check_xml_encoding(start: bytes, name: str, source: str) -> None:
    declared = _XML_ENCODING.match(start)
    if start.startswith(_FOREIGN_XML_STARTS) or (declared and declared.group(1).lower() not in _UTF8_NAMES):
        raise _refused(source, f"delen {name} er XML i en anden tegnkodning end UTF-8, som Word aldrig "
                               f"writes; {_SAVE_AGAIN}")


# --- what is not a file, and the messages ---------------------------------------------------------


def _require_regular(path: str | Path, source: str) -> None:
    """Refuse what is not a regular file by its ``stat``, before anything opens it."""
    try:
        target = os.stat(path)
    except FileNotFoundError:
        linked = os.path.islink(path)
        raise _refused(source, "er et symbolsk link til en fil, der ikke findes" if linked else "filen findes ikke") from None
    except OSError as exc:
        raise _unreadable(source, exc) from None
    if not stat.S_ISREG(target.st_mode):
        raise _not_a_file(source, target.st_mode, linked=os.path.islink(path))


def _not_a_file(source: str, mode: int, linked: bool = False) -> InputError:
    via = "et symbolsk link til " if linked else ""
    if stat.S_ISDIR(mode):
        return _refused(source, f"er {via}en mappe, ikke en fil")
    if stat.S_ISFIFO(mode):
        kind = "en navngivet pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "en enhed"
    elif stat.S_ISSOCK(mode):
        kind = "en socket"
    else:
        kind = "en specialfil"
    return _refused(source, f"er {via}{kind}, ikke en fil; gem indholdet som en fil og angiv dens sti")


def _unreadable(source: str, exc: OSError) -> InputError:
    return _refused(source, f"filen kan ikke læses: {exc.strerror or type(exc).__name__}")


def _too_large(source: str, size: int, limit: int, what: str) -> InputError:
    shown, allowed = format_size(size), format_size(limit)
    if shown == allowed:  # just over the limit, the rounded sizes would read the same
        shown, allowed = f"{_n(size)} byte", f"{_n(limit)} byte"
    return _refused(source, f"filen fylder {shown}; {what} fylder højst {allowed} — er det den rigtige fil?")


def _refused(source: str, message: str) -> InputError:
    return InputError(source, [("", message)])


def format_size(size: int) -> str:
    """A byte count as people read it, the Danish way: ``52,3 MB``, ``2 MB``, ``740 kB``, ``12 byte`` (powers of 1000)."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0").replace(".", ",") + f" {unit}"
    return f"{size} byte"


def _n(number: int) -> str:
    """A whole number with the Danish thousands dot: 2.000.001."""
    return f"{number:,}".replace(",", ".")
