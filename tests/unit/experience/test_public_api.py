"""The public API of liubu.experience is curated; this pins it."""

from __future__ import annotations

import subprocess
import sys

import liubu.experience as experience

PUBLIC = [
    "ADVICE",
    "CredibilityResult",
    "ExperienceCode",
    "ExperienceData",
    "ExperienceFileError",
    "ExperienceTotals",
    "FactorFit",
    "FactorIndication",
    "FactorLink",
    "FrequencyFit",
    "LevelIndication",
    "MAX_FILE_BYTES",
    "REQUIRED_COLUMNS",
    "RateIndication",
    "Relativity",
    "RowProblem",
    "SegmentCredibility",
    "SegmentExperience",
    "SegmentKey",
    "SeverityFit",
    "advisory_notes",
    "buhlmann_straub",
    "credibility_relativities",
    "experience_counts",
    "experience_segments",
    "field_label",
    "fit_frequency",
    "fit_severity",
    "import_experience",
    "import_upload",
    "indicate",
    "indication_document",
    "pure_premium_relativities",
    "rate_indication",
    "read_experience_csv",
    "segment_label",
    "segment_relativities",
    "status_label",
    "synthetic_experience",
    "write_experience_csv",
]


def test_public_names_are_exactly_the_curated_list() -> None:
    assert sorted(experience.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert hasattr(experience, name), name


def test_importing_the_package_leaves_statsmodels_until_the_first_fit() -> None:
    code = (
        "import sys, liubu.experience; "
        "print('statsmodels' in sys.modules, 'liubu.store' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
