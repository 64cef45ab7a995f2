"""Reason codes of ``liubu.experience``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on; each value is the exact string clients have always
seen. Add new codes; never rename or reuse one. Their Chinese and English titles live in
``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class ExperienceCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    CREDIBILITY_UNKNOWN_SEGMENT = "credibility.unknown_segment"
    CREDIBILITY_TOO_FEW_SEGMENTS = "credibility.too_few_segments"
    CREDIBILITY_ONE_PERIOD = "credibility.one_period"
    CREDIBILITY_BAD_SETTING = "credibility.bad_setting"
    CREDIBILITY_PRIOR_MISSING = "credibility.prior_missing"
    CREDIBILITY_PRIOR_INVALID = "credibility.prior_invalid"
    CREDIBILITY_BAD_MEASURE = "credibility.bad_measure"
    CREDIBILITY_SHAPE = "credibility.shape"
    CREDIBILITY_WEIGHT_NOT_POSITIVE = "credibility.weight_not_positive"
    CREDIBILITY_RATIO_NOT_FINITE = "credibility.ratio_not_finite"
    TOO_FEW_CLAIMS = "experience.too_few_claims"
    DUPLICATE_FACTOR = "experience.duplicate_factor"
    BAD_SETTING = "experience.bad_setting"
    UNKNOWN_FACTOR = "experience.unknown_factor"
    UNKNOWN_LEVEL = "experience.unknown_level"
    LEVEL_WITHOUT_CLAIMS = "experience.level_without_claims"
    GLM_NOT_CONVERGED = "experience.glm_not_converged"
    ALIASED = "experience.aliased"
    NO_FACTORS = "experience.no_factors"
    NO_READING = "experience.no_reading"
    ENCODING = "experience.encoding"
    EMPTY = "experience.empty"
    MALFORMED = "experience.malformed"
    MISSING_COLUMNS = "experience.missing_columns"
    DUPLICATE_COLUMN = "experience.duplicate_column"
    BAD_COLUMN = "experience.bad_column"
    NOT_CSV = "experience.not_csv"
    BAD_ROWS = "experience.bad_rows"
    FILE_UNREADABLE = "experience.file_unreadable"
    FITS_DIFFER = "experience.fits_differ"
    FILE_TOO_LARGE = "experience.file_too_large"
    NO_CLAIMS = "experience.no_claims"
    FACTOR_NOT_FILED = "experience.factor_not_filed"
    SHAPE = "experience.shape"
    FACTOR_NAME = "experience.factor_name"
    DUPLICATE_ROW = "experience.duplicate_row"
    SYNTHETIC_BAD_SETTING = "synthetic.bad_setting"
    SYNTHETIC_BAD_PROBABILITIES = "synthetic.bad_probabilities"
    SYNTHETIC_BAD_RELATIVITY = "synthetic.bad_relativity"
    NONE_STORED = "experience.none_stored"
    TAGGED_TWICE = "experience.tagged_twice"
    EXPOSURE_YEARS = "experience.exposure_years"
    CLAIM_COUNT = "experience.claim_count"
    INCURRED_LOSS = "experience.incurred_loss"


def message(code: ExperienceCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.experience", code, lang)
