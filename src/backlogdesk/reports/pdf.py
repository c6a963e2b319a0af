"""Print a self-contained HTML page to PDF with WeasyPrint."""

from __future__ import annotations

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
    weasyprint.HTML(string=html).write_pdf(path)
    return path
