"""From a view model to PDF bytes: Jinja fills ``templates/pdf/``, WeasyPrint lays it out.

Layout is CPU-bound (tens of milliseconds for an invoice, seconds for a long statement), so the web
process runs it off the event loop behind a semaphore: the event loop keeps serving other requests and a
burst of downloads cannot start more renders than ``MAX_CONCURRENT_RENDERS``. A short document renders in
a small thread pool; a long statement is cut into sections (``sections.py``) laid out on every core by
the process pool (``pool.py``) and joined (``pages.py``). The batch command renders in a process pool.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app.documents import layout, pages, pool, sections
from app.settings import get_settings

#: Bump when a template or the CSS changes how the same data looks; part of every ETag.
TEMPLATE_VERSION = "2026-11-30.1"
#: Renders allowed at once in one server process (``LEDGERPORT_PDF_RENDERS``, default 2).
MAX_CONCURRENT_RENDERS = max(1, int(os.environ.get("LEDGERPORT_PDF_RENDERS", "2")))
CSS_FILE = "documents.css"


def templates_dir() -> Path:
    return get_settings().templates_dir / "pdf"


@lru_cache(maxsize=4)
def _environment(directory: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Our own stylesheet, inlined so a render reads no files; trusted, hence not escaped.
    env.globals["css"] = Markup((directory / CSS_FILE).read_text(encoding="utf-8"))
    return env


@lru_cache(maxsize=4)
def _templates_digest(directory: Path) -> str:
    """A digest of the template files, so an edited template can never serve a stale cached PDF even if
    nobody bumped ``TEMPLATE_VERSION``."""
    digest = hashlib.sha256()
    for path in sorted(directory.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _plain(value):
    """A view model's dataclasses as JSON objects, field by field (``asdict`` would deep-copy them first,
    which was most of the ETag's cost); anything else, like a date, as its string."""
    if is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return str(value)


def fingerprint(template: str, view) -> str:
    """The ETag of a document: a hash of its view-model data, its template, the template version and the
    section size (which moves a long statement's page breaks)."""
    payload = json.dumps(view, sort_keys=True, default=_plain, ensure_ascii=False)
    digest = hashlib.sha256()
    layout = f"sections of {sections.SECTION_ROWS}"
    for item in (TEMPLATE_VERSION, _templates_digest(templates_dir()), layout, template, payload):
        digest.update(item.encode("utf-8") + b"\0")
    return digest.hexdigest()[:32]


def render_html(template: str, view, part: sections.Part = sections.WHOLE) -> str:
    """The filled template; every field of the view model is a template variable, and so is ``part``
    (which section of the document this is)."""
    variables = {f: getattr(view, f) for f in view.__dataclass_fields__}
    return _environment(templates_dir()).get_template(template).render(part=part, **variables)


def html_to_pdf(html: str, variant: str | None = None) -> bytes:
    """Our HTML laid out by WeasyPrint (``layout``), relative URLs resolved in ``templates/pdf/``."""
    return layout.html_to_pdf(html, str(templates_dir()), variant)


def render_pdf(template: str, view, variant: str | None = None) -> bytes:
    """The document in one piece, in this thread (the batch's processes, tests, short documents);
    ``variant`` e.g. ``"pdf/a-3b"``."""
    return html_to_pdf(render_html(template, view), variant)


def render_section(template: str, view, part: sections.Part) -> bytes:
    """One section of a long statement, without page numbers (a job of the process pool)."""
    return html_to_pdf(render_html(template, view, part))


def page_numbers(count: int) -> bytes:
    """``count`` blank pages with only the "Page i of N" footer of ``documents.css``."""
    return html_to_pdf(_environment(templates_dir()).get_template("page_numbers.html").render(pages=count))


def join_sections(rendered_sections: list[bytes]) -> bytes:
    """The sections' pages as one document numbered throughout (a job of the process pool)."""
    return pages.join_numbered(rendered_sections, page_numbers)


_executor: ThreadPoolExecutor | None = None
# One semaphore per event loop: a semaphore belongs to the loop it first waits on (tests, the CLI and the
# benchmark each run their own loops in one process).
_semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _threads() -> tuple[ThreadPoolExecutor, asyncio.Semaphore]:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(MAX_CONCURRENT_RENDERS, thread_name_prefix="pdf-render")
    loop = asyncio.get_running_loop()
    semaphore = _semaphores.get(loop)
    if semaphore is None:
        semaphore = _semaphores[loop] = asyncio.Semaphore(MAX_CONCURRENT_RENDERS)
    return _executor, semaphore


async def render_pdf_async(template: str, view) -> bytes:
    """The PDF off the event loop, at most ``MAX_CONCURRENT_RENDERS`` documents at a time.

    A document of one section renders in a thread (``render_pdf``); a long statement's sections render in
    the process pool, on every core, and are joined there too."""
    executor, semaphore = _threads()
    parts = sections.split(view)
    async with semaphore:
        if len(parts) == 1:
            # Looked up at call time so tests can substitute a slow stand-in for WeasyPrint.
            return await asyncio.get_running_loop().run_in_executor(executor, _render_entry, template, view)
        jobs = (pool.run(render_section, template, section, part) for section, part in parts)
        return await pool.run(join_sections, list(await asyncio.gather(*jobs)))


async def render_in_thread(work, *args) -> bytes:
    """``work(*args)`` (a short document's whole rendering, e.g. an e-invoice's PDF/A-3 with its XML)
    in the render threads, behind the same semaphore as every other render."""
    executor, semaphore = _threads()
    async with semaphore:
        return await asyncio.get_running_loop().run_in_executor(executor, work, *args)


def _render_entry(template: str, view) -> bytes:
    return render_pdf(template, view)
