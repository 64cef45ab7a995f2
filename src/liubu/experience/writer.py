"""Writing claims experience as CSV in the documented format (the reader's inverse)."""

from __future__ import annotations

import csv
import io

from liubu.experience.dataset import REQUIRED_COLUMNS, ExperienceData


def write_experience_csv(data: ExperienceData) -> str:
    """The rows as CSV text: the required columns, then the factors; UTF-8 without BOM when
    encoded. Exposure is written with up to 6 decimals and losses to the fen."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*REQUIRED_COLUMNS, *data.factor_names])
    for i in range(data.n_rows):
        writer.writerow(
            [
                data.policy_id[i],
                int(data.period[i]),
                _decimal(float(data.exposure[i]), 6),
                int(data.claim_count[i]),
                f"{float(data.incurred_loss[i]):.2f}",
                *(data.factors[name][i] for name in data.factor_names),
            ]
        )
    return buffer.getvalue()


def _decimal(value: float, places: int) -> str:
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text or "0"
