"""PDF through LibreOffice (optional): ``soffice --headless --convert-to pdf``.

Each conversion uses a private, throw-away LibreOffice profile (``-env:UserInstallation``) so it
neither collides with a desktop session nor with a parallel conversion, runs under a timeout,
and writes into a temporary folder beside the target before ``os.replace`` moves the PDF in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from aggregator.adapters.files import PDF_WORK_PREFIX
from aggregator.errors import OutputError

TIMEOUT_S = 180
CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)
# Where the Windows installer puts it: %ProgramFiles%\LibreOffice\program\soffice.exe, or a versioned
# folder ("LibreOffice 7", "LibreOffice 24.2") from older or side-by-side installs; 32-bit under (x86).
WINDOWS_ROOTS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")
INSTALL_HINT = ("Install LibreOffice (Windows: libreoffice.org, or `winget install TheDocumentFoundation.LibreOffice`; "
                "Linux: `apt-get install libreoffice-writer`), or set AGGREGATOR_SOFFICE to its soffice, or run "
                "without --pdf.")


def soffice_path() -> str | None:
    """The LibreOffice executable, or None when it is not installed.

    ``AGGREGATOR_SOFFICE`` names it explicitly (e.g. /opt/libreoffice/program/soffice); when set,
    nothing else is searched.
    """
    explicit = os.environ.get("AGGREGATOR_SOFFICE")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    candidates = [Path(c) for c in CANDIDATES] + windows_candidates(os.environ)
    return found or next((str(c) for c in candidates if c.is_file()), None)


def windows_candidates(environ: Mapping[str, str]) -> list[Path]:
    """soffice.exe in the usual Windows folders, the unversioned "LibreOffice" first, then newest version first."""
    found: list[Path] = []
    for name in WINDOWS_ROOTS:
        root = environ.get(name, "").strip()
        if not root:
            continue
        folders = sorted(Path(root).glob("LibreOffice*"), key=_version_order)
        found += [folder / "program" / "soffice.exe" for folder in folders]
    return list(dict.fromkeys(found))


def _version_order(folder: Path) -> tuple[int, tuple[int, ...]]:
    numbers = tuple(-int(n) for n in re.findall(r"\d+", folder.name))
    return (1 if numbers else 0, numbers)


def _run(soffice: str, docx: Path, work: Path, timeout: float,
         target: str = "pdf") -> subprocess.CompletedProcess[str]:
    profile = (work / "profile").resolve().as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--convert-to", target, "--outdir", str(work), str(docx)]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise OutputError(f"LibreOffice did not convert {docx.name} to PDF within {timeout:.0f} s.",
                          "Try again later; the .docx report is unaffected.") from exc
    except OSError as exc:
        raise OutputError(f"LibreOffice ({soffice}) could not be started ({exc.strerror}).",
                          INSTALL_HINT) from exc


def convert_to_pdf(docx: Path, out_dir: Path, *, timeout: float = TIMEOUT_S) -> Path:
    """Convert ``docx`` to ``out_dir/<stem>.pdf`` (replaced atomically). Raises OutputError."""
    soffice = soffice_path()
    if soffice is None:
        raise OutputError("LibreOffice (soffice) is not installed, so no PDF can be made.", INSTALL_HINT)
    if not docx.is_file():
        raise OutputError(f"There is no report {docx} to convert to PDF.")
    target = out_dir / f"{docx.stem}.pdf"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=PDF_WORK_PREFIX, dir=out_dir))
    except OSError as exc:
        raise OutputError(f"Cannot create files in {out_dir} ({exc.strerror}).") from exc
    try:
        done = _run(soffice, docx.resolve(), work, timeout)
        produced = work / f"{docx.stem}.pdf"
        if done.returncode != 0 or not produced.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise OutputError(f"LibreOffice failed to convert {docx.name} to PDF (exit {done.returncode}: "
                              f"{detail[0]}).", "Open the .docx in LibreOffice to see whether it loads.")
        os.replace(produced, target)
    except OSError as exc:
        raise OutputError(f"Cannot write {target} ({exc.strerror}).") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
