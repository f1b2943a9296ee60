"""The matcher on every development set (tests/data_names): zero wrong merges, recall ≥ 0.95, every
hard negative unmatched; the sets are what the generator makes; the README shows their numbers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED_DATA
from tests.namegen import build, report

SETS = report.sets()


@pytest.mark.parametrize("spec", SETS, ids=[s["set"] for s in SETS])
def test_devset_no_wrong_merge_and_recall(spec: dict[str, str]) -> None:
    score = report.score(spec)
    assert not score.wrong, "\n".join(score.wrong)
    assert score.recall >= 0.95, f"{score.found}/{score.positives}"
    assert score.negatives_unmatched == score.negatives


def test_devsets_cover_three_provinces_and_a_held_out_pair() -> None:
    roles = [s["role"] for s in SETS]
    assert roles.count("dev") >= 3 and roles.count("holdout") >= 2
    assert not {"Tỉnh Khánh Hòa", "Tỉnh Trà Vinh"} & {s["province"] for s in SETS}


def test_devsets_are_what_the_generator_makes(tmp_path: Path) -> None:
    admin = SHARED_DATA / "admin-units-vn-2024-11.json"
    if not admin.exists():
        pytest.skip(f"{admin} is absent (shared/ is not beside the repository)")
    build.main(["--admin", str(admin), "--out", str(tmp_path)])
    for made in sorted(tmp_path.iterdir()):
        assert made.read_bytes() == (report.DATA / made.name).read_bytes(), made.name


def test_devsets_have_every_kind_of_noise_and_negative() -> None:
    hows = []
    for spec in SETS:
        with (report.DATA / f"{spec['set']}.typed.csv").open(encoding="utf-8") as handle:
            hows += [row["how"] for row in csv.DictReader(handle)]
    text = " | ".join(hows)
    for noise in ("typo", "no type", "district", "province", "numbered ward", "no accents", "raw telex",
                  "capitals", "note", "neighbour", "ward that does not exist", "another body in the place"):
        assert noise in text, noise


def test_readme_table_is_the_report() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert report.table() in readme, "regenerate it: .venv/bin/python -m tests.namegen.report --write"
