"""The table of hostile input files, and a runner that measures what a process costs.

One row per file: its name, the file name it gets, how it is made (at run time, under a temporary
folder: nothing large or binary is committed) and the words the refusal must contain. The tests
(``test_hostile_inputs.py``) run every row through the real ``dmpg`` and ``bench.hostile`` times it.

Every row must end in exit code 2 with a short, specific message: never a crash, a hang, a
traceback, an escape sequence on the terminal, or the content of a file that is not a form.
"""

from __future__ import annotations

import io
import os
import random
import resource
import socket
import struct
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DMPG = PROJECT / ".venv" / "bin" / "dmpg"
PYTHON = PROJECT / ".venv" / "bin" / "python"
EXAMPLE = PROJECT / "examples" / "angst-og-ocd.yaml"
MEMORY_LIMIT = 500 * 1024 * 1024  # what one hostile input may cost (DESIGN.md targets)

Make = Callable[[Path], object]  # writes the file at the given path


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    make: Make
    expected: str  # words the message must contain
    secret: Path | None = None  # a file whose lines must not appear in the output
    decision: bool = False  # also read as a decision file (dmpg decide --input): the same message


# --- making files -------------------------------------------------------------------------------


def text(content: str) -> Make:
    return lambda path: path.write_text(content, encoding="utf-8")


def raw(content: bytes) -> Make:
    return lambda path: path.write_bytes(content)


def symlink(target: str | Path) -> Make:
    return lambda path: path.symlink_to(target)


def sparse(size: int) -> Make:
    """A file of ``size`` bytes that takes no disk space."""

    def make(path: Path) -> None:
        with path.open("wb") as fh:
            fh.truncate(size)

    return make


def fifo(path: Path) -> None:
    os.mkfifo(path)


def unix_socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))  # the socket file stays after close


def symlink_to_fifo(path: Path) -> None:
    os.mkfifo(path.with_name("pipe"))
    path.symlink_to(path.with_name("pipe"))


def title(value: str) -> Make:
    """A YAML form whose title is ``value`` written as a double-quoted YAML string (escapes work)."""
    return text(f'title: "{value}"\n')


def deep_yaml_mappings(levels: int) -> str:
    return "".join(" " * level + f"k{level}:\n" for level in range(levels)) + " " * levels + "v\n"


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


@cache
def form_docx() -> bytes:
    """The example form as a filled Word form, written by ``dmpg form render``."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "form.docx"
        env = {**os.environ, "DMPG_HOME": str(Path(folder) / "home")}
        subprocess.run([str(DMPG), "form", "render", str(EXAMPLE), str(out)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        return out.read_bytes()


def docx(replace: dict[str, Callable[[str], str]] | None = None, extra: dict[str, bytes] | None = None,
         method: int = zipfile.ZIP_DEFLATED) -> Make:
    """The example Word form with parts rewritten (``replace``: part -> edit of its text) or added."""

    def make(path: Path) -> None:
        path.write_bytes(_rebuilt(replace or {}, extra or {}, method))

    return make


def _rebuilt(replace: dict[str, Callable[[str], str]], extra: dict[str, bytes], method: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(form_docx())) as source, zipfile.ZipFile(out, "w", method) as target:
        for part in source.infolist():
            content = source.read(part)
            if part.filename in replace:
                content = replace[part.filename](content.decode()).encode()
            target.writestr(part.filename, content)
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def document(edit: Callable[[str], str]) -> Make:
    return docx(replace={"word/document.xml": edit})


def body(xml: str) -> Make:
    """The example form's document with its body replaced by ``xml``."""
    return document(lambda doc: doc.split("<w:body>")[0] + f"<w:body>{xml}</w:body></w:document>")


def with_dtd(declaration: str, reference: str = "") -> Make:
    return document(lambda doc: doc.replace("?>", f"?>{declaration}", 1).replace("Angst og OCD", f"Angst{reference}", 1))


def forged(part: str, **fields: int) -> Make:
    """The example form with a part added and its headers rewritten, as a forger would: ``flags``,
    ``method`` or ``file_size`` in both the local header and the central directory."""
    layout = {"flags": (6, 8, "<H"), "method": (8, 10, "<H"), "file_size": (22, 24, "<I")}  # local, central, format

    def make(path: Path) -> None:
        data = bytearray(_rebuilt({}, {part: b"\0" * 5_000_000}, zipfile.ZIP_DEFLATED))
        name = part.encode()
        for signature, name_at, column in ((b"PK\x03\x04", 30, 0), (b"PK\x01\x02", 46, 1)):
            at = data.find(signature)
            while data[at + name_at:at + name_at + len(name)] != name:
                at = data.find(signature, at + 1)
            for field, value in fields.items():
                offset, fmt = layout[field][column], layout[field][2]
                struct.pack_into(fmt, data, at + offset, value)
        path.write_bytes(bytes(data))

    return make


CELL = "<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"


def table(rows: int, cells: int = 1, cell: str = CELL) -> str:
    return f"<w:tbl><w:tblGrid>{'<w:gridCol/>' * cells}</w:tblGrid>{('<w:tr>' + cell * cells + '</w:tr>') * rows}</w:tbl>"


# --- the table ----------------------------------------------------------------------------------

PASSWD = Path("/etc/passwd")
ESC = "\\e"  # YAML's escape for U+001B inside double quotes

CASES: list[Case] = [
    # not a regular file
    Case("fifo", "form.yaml", fifo, "navngivet pipe (FIFO), ikke en fil", decision=True),
    Case("symlink to a fifo", "form.yaml", symlink_to_fifo, "symbolsk link til en navngivet pipe"),
    Case("symlink to /dev/zero", "form.yaml", symlink("/dev/zero"), "symbolsk link til en enhed", decision=True),
    Case("symlink to /dev/urandom", "form.json", symlink("/dev/urandom"), "symbolsk link til en enhed"),
    Case("directory named like a form", "form.yaml", lambda path: path.mkdir(), "er en mappe, ikke en fil"),
    Case("symlink to a directory", "form.yaml", symlink("/etc"), "symbolsk link til en mappe"),
    Case("unix socket", "form.yaml", unix_socket, "er en socket, ikke en fil"),
    Case("dangling symlink", "form.yaml", symlink("/nonexistent/form.yaml"), "symbolsk link til en fil, der ikke findes"),
    Case("symlink loop", "form.yaml", lambda path: path.symlink_to(path), "filen kan ikke læses"),
    Case("missing file", "form.yaml", lambda path: None, "filen findes ikke"),
    Case("escape sequences in the file name", "\x1b[2J\x1b]0;pwned\x07.yaml", text("title: A\x00\n"),
         "\\u001b[2J\\u001b]0;pwned\\u0007.yaml: 1 fejl i indholdet"),
    Case("symlink to /proc/self/environ", "form.yaml", symlink("/proc/self/environ"), "kontroltegnet U+0000"),
    # a system file behind a form's name: refused without showing a line of it
    Case("symlink to /etc/passwd as YAML", "form.yaml", symlink(PASSWD), "fik almindelig tekst", secret=PASSWD),
    Case("symlink to /etc/passwd as JSON", "form.json", symlink(PASSWD), "JSON-syntaksfejl", secret=PASSWD, decision=True),
    # too large
    Case("3 MB form", "form.yaml", text("title: A\n#" + "x" * 3_000_000 + "\n"), "filen fylder 3 MB; YAML- og JSON-filer fylder højst 2 MB", decision=True),
    Case("52 MB form (sparse)", "form.json", sparse(52_300_000), "filen fylder 52,3 MB"),
    Case("one byte over the limit", "form.yaml", sparse(2_000_001), "2.000.001 byte"),
    Case("11 MB Word form (sparse)", "form.docx", sparse(11_000_000), "Word-skemaer (.docx) fylder højst 10 MB"),
    # not text
    Case("NUL bytes", "form.yaml", raw(b"title: A\x00\x00B\n"), "kontroltegnet U+0000", decision=True),
    Case("invalid UTF-8", "form.yaml", raw(b"title: \xff\xfe\xc3\x28\n"), "ikke UTF-8-tekst"),
    Case("UTF-16 with a byte order mark", "form.yaml", raw("title: Angst\n".encode("utf-16")), "ikke UTF-8-tekst"),
    Case("random bytes", "form.json", raw(random.Random(7).randbytes(4096)), "ikke UTF-8-tekst"),
    Case("an empty file", "form.yaml", text(""), "filen er tom"),
    Case("a raw ESC in the file", "form.yaml", text("title: Angst \x1b[32mgrøn\n"), "kontroltegnet U+001B"),
    Case("a raw CSI (U+009B) in JSON", "form.json", text('{"title": "A\x9b2J"}'), "kontroltegnet U+009B"),
    # YAML that crashes, hangs or explodes a naive loader
    Case("60 kB of [ (libyaml segfault)", "form.yaml", text("[" * 60_000), "indlejret mere end 20 niveauer", decision=True),
    Case("deep block sequences", "form.yaml", text("- " * 30_000 + "x\n"), "indlejret mere end 20 niveauer"),
    Case("deep flow mappings", "form.yaml", text("{a: " * 20_000 + "1" + "}" * 20_000), "indlejret mere end 20 niveauer"),
    Case("deep indentation", "form.yaml", text(deep_yaml_mappings(400)), "indlejret mere end 20 niveauer"),
    Case("billion laughs", "form.yaml", text(billion_laughs()), "mere end 20.000 værdier (hver værdi, et alias", decision=True),
    Case("recursive alias", "form.yaml", text("title: &a [x, *a]\n"), "aliaset *a står inde i den værdi, det gentager"),
    Case("100,000-digit integer in YAML", "form.yaml", text("title: " + "9" * 100_000 + "\n"), "et tal på 100.000 tegn", decision=True),
    Case("sexagesimal integer (quadratic in PyYAML)", "form.yaml", text("title: 1" + ":1" * 200_000 + "\n"), "et tal på 400.001 tegn"),
    Case("megabyte hexadecimal integer", "form.yaml", text("title: 0x" + "f" * 1_000_000 + "\n"), "et tal på 1.000.002 tegn"),
    Case("30,000 values", "form.yaml", text("title: A\nproposers: [" + ", ".join(["1"] * 30_000) + "]\n"), "mere end 20.000 værdier"),
    Case("300,000 documents", "form.yaml", text("---\n" * 300_000), "found another document"),
    Case("python object tag", "form.yaml", text('title: !!python/object/apply:os.system ["echo HACKED"]\n'), "could not determine a constructor"),
    # JSON
    Case("100,000 levels of [", "form.json", text("[" * 100_000), "indlejret mere end 20 niveauer", decision=True),
    Case("25 levels of objects", "form.json", text('{"title": ' + '{"a": ' * 25 + "1" + "}" * 26), "indlejret mere end 20 niveauer"),
    Case("100,000-digit integer in JSON", "form.json", text('{"title": ' + "9" * 100_000 + "}"), "et tal på 100.000 tegn", decision=True),
    Case("30,000 values in JSON", "form.json", text('{"title": "A", "proposers": [' + ",".join(["1"] * 30_000) + "]}"), "mere end 20.000 værdier"),
    # text that would drive a terminal
    Case("ANSI colour in the title", "form.yaml", title(f"Angst {ESC}[32mgrøn{ESC}[0m"), "title: indeholder kontroltegnet U+001B", decision=True),
    Case("forged verdict via carriage return", "form.yaml", title("Angst\\rKan indsendes: ingen blokerende mangler."), "linjeskift-tegn (U+000D), der ikke afslutter en linje", decision=True),
    Case("forged verdict via cursor escapes", "form.yaml", title(f"Angst{ESC}[2K{ESC}[1GKan indsendes: ingen blokerende mangler."), "title: indeholder kontroltegnet U+001B"),
    Case("OSC window title and hyperlink", "form.yaml", title(f"{ESC}]0;pwned\\a{ESC}]8;;http://x/{ESC}\\\\klik"), "kontroltegnet U+001B"),
    Case("one-character CSI (U+009B)", "form.yaml", title("Angst\\x9b2J"), "kontroltegnet U+009B"),
    Case("JSON escape \\u001b in the title", "form.json", text('{"title": "A\\u001b[31mB"}'), "title: indeholder kontroltegnet U+001B"),
    Case("escape in a field name", "form.yaml", text(f'"ti{ESC}[8mtle": A\n'), "kontroltegnet U+001B", decision=True),
    Case("a lone surrogate in JSON", "form.json", text('{"title": "A\\ud800B"}'), "title: forventede gyldig tekst"),
    Case("bell and backspace in a value", "form.yaml", text('title: A\nproposers: [{name: "x\\a\\b\\b"}]\n'), "proposers[0].name: indeholder kontroltegnet U+0007"),
    # Word forms
    Case("ikke et ZIP-arkiv", "form.docx", text("hej med dig"), "ikke et ZIP-arkiv"),
    Case("an empty .docx", "form.docx", raw(b""), "ikke et ZIP-arkiv"),
    Case("half a Word form", "form.docx", lambda path: path.write_bytes(form_docx()[: len(form_docx()) // 2]), "ikke et ZIP-arkiv"),
    Case("a PDF renamed", "form.docx", raw(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), "ikke et ZIP-arkiv"),
    Case("zip bomb (declared 60 MB)", "form.docx", docx(extra={"word/media/zeros.bin": b"\0" * 60_000_000}), "ville fylde 60,9 MB udpakket"),
    Case("zip bomb (packed 1000:1)", "form.docx", docx(extra={"word/media/zeros.bin": b"\0" * 5_000_000}), "er pakket"),
    Case("zip bomb (headers lie about the size)", "form.docx", forged("word/media/zeros.bin", file_size=1000), "Word-dokumentet er beskadiget"),
    Case("encrypted part", "form.docx", forged("word/media/zeros.bin", flags=1), "er krypteret"),
    Case("bzip2 compression", "form.docx", docx(method=zipfile.ZIP_BZIP2), "bruger en komprimering, Word ikke skriver"),
    Case("1,001 parts", "form.docx", docx(extra={f"x/{n}.xml": b"" for n in range(1_001)}), "dele; et Word-skema har omkring 20"),
    Case("DOCTYPE with entities (billion laughs)", "form.docx",
         with_dtd('<!DOCTYPE w:document [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', "&b;"),
         "erklærer en DTD"),
    Case("external entity to /etc/passwd", "form.docx",
         with_dtd('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
         "erklærer en DTD", secret=PASSWD),
    Case("DTD in another part", "form.docx", docx(replace={"word/styles.xml": lambda xml: xml.replace("?>", "?><!DOCTYPE x>", 1)}),
         "delen 'word/styles.xml' erklærer en DTD"),
    Case("escape sequence in a part name", "form.docx", docx(extra={"\x1b[31mword/x.xml": b"<!DOCTYPE x><x/>"}),
         "delen '\\x1b[31mword/x.xml' erklærer en DTD"),
    Case("an XML part in UTF-16", "form.docx", docx(extra={"word/x.xml": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16")}),
         "en anden tegnkodning end UTF-8"),
    Case("a ZIP that is not a Word document", "form.docx", raw(b"PK\x05\x06" + b"\0" * 18), "kan ikke læses som et Word-dokument"),
    Case("a document without a body", "form.docx", document(lambda doc: doc.split("<w:body>")[0] + "</w:document>"),
         "dokumentet ligner ikke et indstillingsskema"),
    Case("malformed XML", "form.docx", document(lambda doc: doc.replace("</w:body>", "<w:p>", 1)), "kan ikke læses som et Word-dokument"),
    Case("cell spanning a billion columns", "form.docx", document(lambda doc: doc.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="1000000000"/>', 1)),
         "spænder over '1000000000' kolonner"),
    Case("100,000 empty tables", "form.docx", body("<w:tbl/>" * 100_000), "dokumentet har 100.000 tabeller"),
    Case("a table of 201 rows", "form.docx", body(table(201)), "en tabel har mere end 200 rækker"),
    Case("3,000 table cells", "form.docx", body(table(100, 30)), "dokumentet har 3.000 tabelceller"),
    Case("a chain of vertically merged cells", "form.docx",
         body(table(100, cell="<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>")), "lodret flettede celler"),
    Case("CSI (U+009B) in a Word cell", "form.docx", document(lambda doc: doc.replace(">Angst og OCD<", ">Angst\u009b2J<", 1)),
         "Titel: indeholder kontroltegnet U+009B"),
    Case("ESC as a character reference in Word", "form.docx", document(lambda doc: doc.replace(">Angst og OCD<", ">Angst&#27;[2J<", 1)),
         "kan ikke læses som et Word-dokument"),
    Case("a 200-digit number in a Word cell", "form.docx", document(lambda doc: doc.replace(">24000<", f">{'9' * 200}<", 1)),
         "forventede et helt tal, fik et tal med 200 cifre"),
]


# --- running ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    code: int  # negative: killed by that signal
    out: bytes
    err: bytes
    seconds: float
    peak_mb: float  # peak resident memory, as Linux counts it (VmHWM) while the process ran


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _peak_kb(pid: int) -> int:
    """The high-water mark of the process's resident memory so far (0 once it has exited). Read from
    /proc rather than wait4's rusage, which also counts the parent's memory the child was forked with."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def run(argv: list[str], env: dict[str, str], timeout: float = 60) -> Outcome:
    """Run ``argv`` with at most ``MEMORY_LIMIT`` of address space; kill it after ``timeout``
    seconds (a guard against hangs, not a speed test)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                 preexec_fn=_limit_memory)
        peak = 0
        while True:
            peak = max(peak, _peak_kb(child.pid))
            pid, status, _ = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                child.kill()  # still unreaped, so the pid is still ours
            time.sleep(0.005)
        child.returncode = code = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Outcome(code, out.read(), err.read(), seconds, peak / 1024)


DECISION_READER = (
    "import sys; from pathlib import Path; from dmpg.interfaces.cli._errors import report; "
    "from dmpg.services.decisions import read_decision_file\n"
    "try:\n    read_decision_file(Path(sys.argv[1]), 'steering', 'sekretariat@example.dk')\n"
    "except Exception as exc:\n    sys.exit(report(exc, 'decide'))\n"
)


def check_argv(path: Path) -> list[str]:
    """``dmpg check FILE``, as a user runs it."""
    return [str(DMPG), "check", str(path)]


def decision_argv(path: Path) -> list[str]:
    """Reading ``path`` as ``dmpg decide --input`` does (without a waiting gate to decide)."""
    return [str(PYTHON), "-c", DECISION_READER, str(path)]
