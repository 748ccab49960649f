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
    Case("fifo", "form.yaml", fifo, "named pipe (FIFO), not a file", decision=True),
    Case("symlink to a fifo", "form.yaml", symlink_to_fifo, "symbolic link to a named pipe"),
    Case("symlink to /dev/zero", "form.yaml", symlink("/dev/zero"), "symbolic link to a device", decision=True),
    Case("symlink to /dev/urandom", "form.json", symlink("/dev/urandom"), "symbolic link to a device"),
    Case("directory named like a form", "form.yaml", lambda path: path.mkdir(), "is a directory, not a file"),
    Case("symlink to a directory", "form.yaml", symlink("/etc"), "symbolic link to a directory"),
    Case("unix socket", "form.yaml", unix_socket, "is a socket, not a file"),
    Case("dangling symlink", "form.yaml", symlink("/nonexistent/form.yaml"), "symbolic link to a file that does not exist"),
    Case("symlink loop", "form.yaml", lambda path: path.symlink_to(path), "cannot read the file"),
    Case("missing file", "form.yaml", lambda path: None, "no such file"),
    Case("escape sequences in the file name", "\x1b[2J\x1b]0;pwned\x07.yaml", text("title: A\x00\n"),
         "\\u001b[2J\\u001b]0;pwned\\u0007.yaml: 1 problem(s)"),
    Case("symlink to /proc/self/environ", "form.yaml", symlink("/proc/self/environ"), "control character U+0000"),
    # a system file behind a form's name: refused without showing a line of it
    Case("symlink to /etc/passwd as YAML", "form.yaml", symlink(PASSWD), "got plain text", secret=PASSWD),
    Case("symlink to /etc/passwd as JSON", "form.json", symlink(PASSWD), "JSON syntax error", secret=PASSWD, decision=True),
    # too large
    Case("3 MB form", "form.yaml", text("title: A\n#" + "x" * 3_000_000 + "\n"), "the file is 3 MB; YAML and JSON files are at most 2 MB", decision=True),
    Case("52 MB form (sparse)", "form.json", sparse(52_300_000), "the file is 52.3 MB"),
    Case("one byte over the limit", "form.yaml", sparse(2_000_001), "2,000,001 bytes"),
    Case("11 MB Word form (sparse)", "form.docx", sparse(11_000_000), "Word forms (.docx) are at most 10 MB"),
    # not text
    Case("NUL bytes", "form.yaml", raw(b"title: A\x00\x00B\n"), "control character U+0000", decision=True),
    Case("invalid UTF-8", "form.yaml", raw(b"title: \xff\xfe\xc3\x28\n"), "not UTF-8 text"),
    Case("UTF-16 with a byte order mark", "form.yaml", raw("title: Angst\n".encode("utf-16")), "not UTF-8 text"),
    Case("random bytes", "form.json", raw(random.Random(7).randbytes(4096)), "not UTF-8 text"),
    Case("an empty file", "form.yaml", text(""), "the file is empty"),
    Case("a raw ESC in the file", "form.yaml", text("title: Angst \x1b[32mgrøn\n"), "control character U+001B"),
    Case("a raw CSI (U+009B) in JSON", "form.json", text('{"title": "A\x9b2J"}'), "control character U+009B"),
    # YAML that crashes, hangs or explodes a naive loader
    Case("60 kB of [ (libyaml segfault)", "form.yaml", text("[" * 60_000), "nested more than 20 levels deep", decision=True),
    Case("deep block sequences", "form.yaml", text("- " * 30_000 + "x\n"), "nested more than 20 levels deep"),
    Case("deep flow mappings", "form.yaml", text("{a: " * 20_000 + "1" + "}" * 20_000), "nested more than 20 levels deep"),
    Case("deep indentation", "form.yaml", text(deep_yaml_mappings(400)), "nested more than 20 levels deep"),
    Case("billion laughs", "form.yaml", text(billion_laughs()), "more than 20,000 values (counting each value an alias", decision=True),
    Case("recursive alias", "form.yaml", text("title: &a [x, *a]\n"), "the alias *a is inside the value it repeats"),
    Case("100,000-digit integer in YAML", "form.yaml", text("title: " + "9" * 100_000 + "\n"), "a number of 100,000 characters", decision=True),
    Case("sexagesimal integer (quadratic in PyYAML)", "form.yaml", text("title: 1" + ":1" * 200_000 + "\n"), "a number of 400,001 characters"),
    Case("megabyte hexadecimal integer", "form.yaml", text("title: 0x" + "f" * 1_000_000 + "\n"), "a number of 1,000,002 characters"),
    Case("30,000 values", "form.yaml", text("title: A\nproposers: [" + ", ".join(["1"] * 30_000) + "]\n"), "more than 20,000 values"),
    Case("300,000 documents", "form.yaml", text("---\n" * 300_000), "found another document"),
    Case("python object tag", "form.yaml", text('title: !!python/object/apply:os.system ["echo HACKED"]\n'), "could not determine a constructor"),
    # JSON
    Case("100,000 levels of [", "form.json", text("[" * 100_000), "nested more than 20 levels deep", decision=True),
    Case("25 levels of objects", "form.json", text('{"title": ' + '{"a": ' * 25 + "1" + "}" * 26), "nested more than 20 levels deep"),
    Case("100,000-digit integer in JSON", "form.json", text('{"title": ' + "9" * 100_000 + "}"), "a number of 100,000 characters", decision=True),
    Case("30,000 values in JSON", "form.json", text('{"title": "A", "proposers": [' + ",".join(["1"] * 30_000) + "]}"), "more than 20,000 values"),
    # text that would drive a terminal
    Case("ANSI colour in the title", "form.yaml", title(f"Angst {ESC}[32mgrøn{ESC}[0m"), "title: contains the control character U+001B", decision=True),
    Case("forged verdict via carriage return", "form.yaml", title("Angst\\rKan indsendes: ingen blokerende mangler."), "carriage return (U+000D) that does not end a line", decision=True),
    Case("forged verdict via cursor escapes", "form.yaml", title(f"Angst{ESC}[2K{ESC}[1GKan indsendes: ingen blokerende mangler."), "title: contains the control character U+001B"),
    Case("OSC window title and hyperlink", "form.yaml", title(f"{ESC}]0;pwned\\a{ESC}]8;;http://x/{ESC}\\\\klik"), "control character U+001B"),
    Case("one-character CSI (U+009B)", "form.yaml", title("Angst\\x9b2J"), "control character U+009B"),
    Case("JSON escape \\u001b in the title", "form.json", text('{"title": "A\\u001b[31mB"}'), "title: contains the control character U+001B"),
    Case("escape in a field name", "form.yaml", text(f'"ti{ESC}[8mtle": A\n'), "control character U+001B", decision=True),
    Case("a lone surrogate in JSON", "form.json", text('{"title": "A\\ud800B"}'), "title: Input should be a valid string"),
    Case("bell and backspace in a value", "form.yaml", text('title: A\nproposers: [{name: "x\\a\\b\\b"}]\n'), "proposers[0].name: contains the control character U+0007"),
    # Word forms
    Case("not a ZIP archive", "form.docx", text("hej med dig"), "not a ZIP archive"),
    Case("an empty .docx", "form.docx", raw(b""), "not a ZIP archive"),
    Case("half a Word form", "form.docx", lambda path: path.write_bytes(form_docx()[: len(form_docx()) // 2]), "not a ZIP archive"),
    Case("a PDF renamed", "form.docx", raw(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), "not a ZIP archive"),
    Case("zip bomb (declared 60 MB)", "form.docx", docx(extra={"word/media/zeros.bin": b"\0" * 60_000_000}), "would unpack to 60.9 MB"),
    Case("zip bomb (packed 1000:1)", "form.docx", docx(extra={"word/media/zeros.bin": b"\0" * 5_000_000}), "is packed"),
    Case("zip bomb (headers lie about the size)", "form.docx", forged("word/media/zeros.bin", file_size=1000), "the Word document is damaged"),
    Case("encrypted part", "form.docx", forged("word/media/zeros.bin", flags=1), "is encrypted"),
    Case("bzip2 compression", "form.docx", docx(method=zipfile.ZIP_BZIP2), "uses a compression Word does not write"),
    Case("1,001 parts", "form.docx", docx(extra={f"x/{n}.xml": b"" for n in range(1_001)}), "parts; a Word form has about 20"),
    Case("DOCTYPE with entities (billion laughs)", "form.docx",
         with_dtd('<!DOCTYPE w:document [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', "&b;"),
         "declares a DTD"),
    Case("external entity to /etc/passwd", "form.docx",
         with_dtd('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
         "declares a DTD", secret=PASSWD),
    Case("DTD in another part", "form.docx", docx(replace={"word/styles.xml": lambda xml: xml.replace("?>", "?><!DOCTYPE x>", 1)}),
         "the part 'word/styles.xml' declares a DTD"),
    Case("escape sequence in a part name", "form.docx", docx(extra={"\x1b[31mword/x.xml": b"<!DOCTYPE x><x/>"}),
         "the part '\\x1b[31mword/x.xml' declares a DTD"),
    Case("an XML part in UTF-16", "form.docx", docx(extra={"word/x.xml": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16")}),
         "another encoding than UTF-8"),
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
    "import sys; from pathlib import Path; from dmpg.cli._errors import report; "
    "from dmpg.decisions import read_decision_file\n"
    "try:\n    read_decision_file(Path(sys.argv[1]), 'steering', 'sekretariat@example.dk')\n"
    "except Exception as exc:\n    sys.exit(report(exc, 'decide'))\n"
)


def check_argv(path: Path) -> list[str]:
    """``dmpg check FILE``, as a user runs it."""
    return [str(DMPG), "check", str(path)]


def decision_argv(path: Path) -> list[str]:
    """Reading ``path`` as ``dmpg decide --input`` does (without a waiting gate to decide)."""
    return [str(PYTHON), "-c", DECISION_READER, str(path)]
