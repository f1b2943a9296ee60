"""What Windows offices need that can be tested without Windows: LibreOffice in its usual folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.adapters import pdf


def _install(root: Path, folder: str) -> Path:
    exe = root / folder / "program" / "soffice.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"MZ")
    return exe


def test_windows_libreoffice_folders_default_first_then_newest_version(tmp_path: Path) -> None:
    programs, x86 = tmp_path / "Program Files", tmp_path / "Program Files (x86)"
    old, new = _install(programs, "LibreOffice 7"), _install(programs, "LibreOffice 24.2")
    default, legacy = _install(programs, "LibreOffice"), _install(x86, "LibreOffice 5")
    (programs / "LibreOffice Extra Notes.txt").write_text("not a folder", encoding="utf-8")
    found = pdf.windows_candidates({"ProgramFiles": str(programs), "ProgramFiles(x86)": str(x86),
                                    "ProgramW6432": str(programs)})
    existing = [path for path in found if path.is_file()]
    assert existing == [default, new, old, legacy]


def test_windows_no_program_folders_means_no_candidates() -> None:
    assert pdf.windows_candidates({}) == []
    assert pdf.windows_candidates({"ProgramFiles": ""}) == []


def test_windows_soffice_path_finds_the_installed_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if any(Path(c).is_file() for c in pdf.CANDIDATES):
        pytest.skip("this machine has LibreOffice in a Linux or macOS folder, which comes first")
    exe = _install(tmp_path / "Program Files", "LibreOffice")
    monkeypatch.delenv("AGGREGATOR_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "Program Files"))
    assert pdf.soffice_path() == str(exe)
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "nowhere"))
    assert pdf.soffice_path() is None
