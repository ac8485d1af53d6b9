"""PDFs opened with pdfium (pypdfium2), one at a time in a process: pdfium is not thread-safe,
and the preview server's threads and a build's task (a preflight) may both use it in one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.base.lazy import lazy_import

pypdfium2 = lazy_import("pypdfium2")

LOCK = threading.Lock()


@contextmanager
def opened(pdf: Path | bytes) -> Iterator:
    """A PDF (its path or bytes) as pdfium's document, held alone while it is open."""
    with LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            yield document
        finally:
            document.close()
