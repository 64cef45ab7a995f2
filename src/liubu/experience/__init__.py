"""Claims-experience rating (理赔经验定价): from a claims-experience file to a rate indication.

- :func:`read_experience_csv` reads the documented CSV format (``docs/experience.md``) into a
  frozen :class:`ExperienceData`, all or nothing, with located errors;
- :func:`fit_frequency` (quasi-Poisson, offset log exposure, dispersion by Pearson X²/df) and
  :func:`fit_severity` (Gamma, weighted by claim count) fit multiplicative relativities with
  statsmodels;
- :func:`buhlmann_straub` blends each segment's experience with the collective mean or with a
  prior from the risk engine;
- :func:`rate_indication` sets credibility-weighted relativities against a product's filed
  coefficients and flags suggestions outside the filed ranges. It never changes the product: a
  change needs a new filed version.

Pure: no database, web or CLI. :func:`synthetic_experience` makes data with known relativities.
"""

from __future__ import annotations

from liubu.experience.credibility import (
    CredibilityResult,
    SegmentCredibility,
    SegmentExperience,
    buhlmann_straub,
    experience_segments,
)
from liubu.experience.dataset import (
    REQUIRED_COLUMNS,
    ExperienceData,
    ExperienceTotals,
    SegmentKey,
    segment_label,
)
from liubu.experience.glm import fit_frequency, fit_severity, segment_relativities
from liubu.experience.indication import (
    FactorIndication,
    FactorLink,
    LevelIndication,
    RateIndication,
    credibility_relativities,
    rate_indication,
)
from liubu.experience.labels import advisory_notes, field_label, status_label
from liubu.experience.reader import ExperienceFileError, RowProblem, read_experience_csv
from liubu.experience.reasons import ExperienceCode
from liubu.experience.results import (
    FactorFit,
    FrequencyFit,
    Relativity,
    SeverityFit,
    pure_premium_relativities,
)
from liubu.experience.service import (
    ADVICE,
    MAX_FILE_BYTES,
    experience_counts,
    import_experience,
    import_upload,
    indicate,
    indication_document,
)
from liubu.experience.synthetic import synthetic_experience
from liubu.experience.writer import write_experience_csv

__all__ = [
    "ADVICE",
    "MAX_FILE_BYTES",
    "REQUIRED_COLUMNS",
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
