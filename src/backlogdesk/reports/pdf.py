"""Print a self-contained HTML page to PDF with WeasyPrint."""

from __future__ import annotations

import logging
from pathlib import Path

from backlogdesk.errors import ReportError

PDF_LIBRARIES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1"


def write_pdf(html: str, path: Path) -> Path:
    """Write ``html`` as a PDF to ``path``; a missing WeasyPrint or system
    library is an error that says what to install."""
    try:
        import weasyprint
    except ImportError:
        raise ReportError(
            "The PDF needs WeasyPrint: pip install 'backlogdesk[web]'."
        ) from None
    except OSError as exc:
        raise ReportError(
            f"WeasyPrint cannot load its system libraries ({exc}). On Debian or "
            f"Ubuntu: apt-get install {PDF_LIBRARIES}"
        ) from None
    # The page's screen-only CSS (SVG paint, media queries) means nothing on
    # paper; WeasyPrint's notes about it would only bury the command's output.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    weasyprint.HTML(string=html).write_pdf(path)
    return path
