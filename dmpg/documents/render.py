"""Render a Word template (docxtpl) with a context: sandboxed, autoescaped, strict.

``render_template(template_name, context, out_path) -> sha256`` is the one way documents are made:

- Jinja runs in a :class:`~jinja2.sandbox.SandboxedEnvironment` with ``autoescape=True`` (data such as
  ``&``, ``<`` or ``</w:t>`` cannot break the document XML) and ``StrictUndefined`` (a variable the
  template uses but the context lacks is an error naming the template and the variable, never an empty
  gap in a letter that goes out).
- Every string in the context is cleaned of XML-invalid control characters (``\\t`` and ``\\n`` stay;
  docxtpl turns them into a tab and a line break).
- Every document is Danish as Word sees it (``docxstyle.make_danish``): ``da-DK`` in the document
  defaults and styles, the title, the secretariat as author, created on the step's day (``core.clock``) —
  applied here, so a template the secretariat edits in Word gets it too.
- The output is written atomically (temp file in the same folder, then rename), so a crash never
  leaves a half-written .docx where the ledger expects a whole one.

Speed (bench/render.py, target <= 2.5x ``Document()`` + save): the template bytes and the compiled
Jinja templates of each part are cached per process, keyed by their content; a ``DocxTemplate`` is
never shared between renders (it holds the rendered document).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from core.errors import UserError
from core.settings import get_settings
from core.text import danish_date, join_danish
from dmpg.documents.docxstyle import make_danish

# XML 1.0 allows \t \n \r and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class TemplateRenderError(UserError):
    """A template could not be rendered (missing variable, broken tag, missing file)."""


def clean_text(text: str) -> str:
    """Drop XML-invalid control characters; Windows/Mac line ends become ``\\n``."""
    return _INVALID_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_context(value: Any) -> Any:
    """``value`` with :func:`clean_text` applied to every string inside it (dicts, lists, tuples)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_context(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_context(v) for v in value]
    return value


def templates_dir() -> Path:
    return get_settings().templates_dir


@lru_cache(maxsize=64)
def _template_bytes(path: str, mtime_ns: int, size: int) -> bytes:
    # Keyed by mtime and size: a template the secretariat saves again in Word is read afresh.
    return Path(path).read_bytes()


def template_bytes(template_name: str) -> bytes:
    path = templates_dir() / template_name
    try:
        st = path.stat()
    except FileNotFoundError:
        raise TemplateRenderError(f"template {template_name}: not found in {path.parent}") from None
    return _template_bytes(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=1)
def jinja_env():
    """The one Jinja environment: sandboxed, autoescaped, strict; compiled parts cached by source."""
    class _CachingEnv(SandboxedEnvironment):
        # docxtpl calls from_string() on each part's XML at every render; compiling is the costly
        # step, and the same template yields the same XML, so compile each distinct source once.
        _compiled: OrderedDict

        def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's name
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            compiled = self._compiled.get(source)
            if compiled is None:
                compiled = super().from_string(source)
                self._compiled[source] = compiled
                if len(self._compiled) > 256:
                    self._compiled.popitem(last=False)
            return compiled

    env = _CachingEnv(autoescape=True, undefined=StrictUndefined)
    env._compiled = OrderedDict()
    env.filters["danish_date"] = danish_date
    env.filters["join_danish"] = join_danish
    env.filters["yes_no"] = lambda v: {True: "Ja", False: "Nej"}.get(v, "")
    return env


def _explain(template_name: str, exc: Exception) -> str:
    if isinstance(exc, UndefinedError):
        m = re.match(r"'([^']+)' is undefined", str(exc))
        what = f"variable '{m.group(1)}'" if m else str(exc)
        return f"template {template_name}: missing {what} in the context ({exc})"
    if isinstance(exc, TemplateSyntaxError):
        near = " ".join(line.strip() for line in getattr(exc, "docx_context", []) if line.strip())
        return f"template {template_name}: broken template tag: {exc.message}" + (f" (near: {near[:120]})" if near else "")
    if isinstance(exc, SecurityError):
        return f"template {template_name}: refused by the sandbox: {exc}"
    return f"template {template_name}: {type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Picture:
    """An image for a template's placeholder (``{{ chart }}`` alone in its paragraph): PNG or JPEG bytes,
    shown ``width_mm`` wide (the height keeps the image's proportions)."""

    data: bytes
    width_mm: float


def render_to_bytes(template_name: str, context: dict, pictures: Mapping[str, Picture] | None = None) -> bytes:
    """The rendered .docx as bytes (see :func:`render_template`); ``pictures`` fill the context's
    placeholders of those names with images."""
    tpl = DocxTemplate(io.BytesIO(template_bytes(template_name)))
    values = clean_context(context)
    for name, picture in (pictures or {}).items():
        values[name] = InlineImage(tpl, io.BytesIO(picture.data), width=Mm(picture.width_mm))
    try:
        tpl.render(values, jinja_env=jinja_env())
    except TemplateError as exc:
        raise TemplateRenderError(_explain(template_name, exc)) from exc

    title = context.get("document_title")
    make_danish(tpl.docx, clean_text(title) if isinstance(title, str) else None)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def write_atomically(data: bytes, out_path: Path) -> str:
    """Write ``data`` to ``out_path`` via a temp file + rename; return its sha256."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()


def render_template(template_name: str, context: dict, out_path: str | os.PathLike,
                    pictures: Mapping[str, Picture] | None = None) -> str:
    """Render ``templates/<template_name>`` with ``context`` (and ``pictures``) into ``out_path``; return
    the file's sha256.

    Raises :class:`TemplateRenderError` (a ``UserError``: one clear line) naming the template and the
    missing variable or broken tag; nothing is written then.
    """
    return write_atomically(render_to_bytes(template_name, context, pictures), Path(out_path))


def sha256_of(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()
