"""Regenerate the generated sections of docs/calibration.md from the code: the library's
calibration parameters (``liubu.risk.library_parameters()``), its sources, and the calibration
grid (``liubu.underwriting.calibration_report`` on the grid's SME product).

    .venv/bin/python tools/calibration_doc.py           # rewrite the sections in place
    .venv/bin/python tools/calibration_doc.py --check   # exit 1, naming them, when stale

Each section sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``; the text around
them is written by hand and left alone. A test runs the check, so the doc cannot go stale
silently when a parameter, a source or the pricing changes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from liubu.underwriting import CalibrationReport

DOC = Path(__file__).resolve().parents[1] / "docs" / "calibration.md"


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell (one line, no bare pipes)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _number(value: float) -> str:
    """A parameter's value as the data file states it (no float noise, thousands grouped)."""
    if value == int(value) and abs(value) >= 1000:
        return f"{int(value):,}"
    return f"{value:.6g}"


def parameters_section() -> str:
    """Every calibration parameter of the library with its value and basis."""
    from liubu.risk import library_parameters, scenario_names

    names = scenario_names()
    lines = [
        "| parameter | value | source | figure read | conversion, or what is assumed "
        "| confidence |",
        "|---|---:|---|---|---|---|",
    ]
    for p in library_parameters():
        path = f"`{p.path}`"
        found = re.match(r"scenarios\[(\d+)\]", p.path)
        if found:
            path += f" ({names[int(found.group(1))]})"
        b = p.basis
        if b.assumption:
            source = "assumption" + (
                f" (informed by {', '.join(f'`{s}`' for s in b.informed_by)})"
                if b.informed_by
                else ""
            )
            how = b.note
        else:
            source = f"`{b.source}`"
            how = b.conversion + (f" — {b.note}" if b.note else "")
        row = (path, _number(p.value), source, _cell(b.figure or "—"), _cell(how), b.confidence)
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def sources_section() -> str:
    """The library's bibliography: key and citation."""
    from liubu.risk import sources

    lines = ["| key | citation |", "|---|---|"]
    for key, entry in sources().items():
        lines.append(f"| `{key}` | {_cell(entry['citation'])} |")
    return "\n".join(lines)


def _yuan(value: Decimal | float | None, places: int = 0) -> str:
    return "—" if value is None else f"¥{float(value):,.{places}f}"


@cache
def grid_report() -> CalibrationReport:
    """The calibration report of the grid's SME product (computed once per process)."""
    from liubu.products import load_reference_catalogue
    from liubu.underwriting import calibration_benchmarks, calibration_report

    wanted = calibration_benchmarks().product
    spec = next(s for s in load_reference_catalogue() if s.product_id == wanted)
    return calibration_report(spec)


def grid_section() -> str:
    """The calibration grid as ``liubu calibration report`` prints it."""
    report = grid_report()
    lines = [
        f"Product `{report.product}`, limit ¥{report.limit:,}, its default retention; "
        "ground-up library scenarios for the section and revenue, posture known by the score "
        "alone. *quote*: what the insurer's referral rules decide for the option (auto-quote, "
        "or refer with the rules that fired; — where the filed rate plan has no band for the "
        "revenue). *within*: the market ranges each SME row meets (rate adequacy is checked at "
        "the average posture only, the quote as auto for average and good posture and refer for "
        "poor; firms above the SME ceiling are shown, not checked).",
        "",
        "| revenue | section | posture (score) | claims / yr | mean claim | E[loss] | % of limit "
        "| technical | filed | adequacy | quote | within |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in report.rows:
        missed = [k.replace("_", " ") for k, v in r.checks.items() if v is False]
        within = ("yes" if not missed else "no: " + ", ".join(missed)) if r.sme else "(not SME)"
        row = (
            _yuan(r.revenue),
            r.industry,
            f"{r.posture} ({r.score:g})",
            f"{r.claim_frequency:.2%}",
            _yuan(r.mean_insured_claim),
            _yuan(r.expected_loss),
            f"{r.loss_share_of_limit:.2%}",
            _yuan(r.technical_premium, 2),
            _yuan(r.filed_premium, 2),
            "—" if r.rate_adequacy is None else str(r.rate_adequacy),
            r.quote.replace("_", " "),
            within,
        )
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("Every SME row within range: " + ("yes." if report.all_within() else "no."))
    return "\n".join(lines)


SECTIONS: dict[str, Callable[[], str]] = {
    "parameters": parameters_section,
    "sources": sources_section,
    "grid": grid_section,
}


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {name}:start -->\n)(.*?)(<!-- {name}:end -->)", flags=re.DOTALL)


def generated() -> dict[str, str]:
    """Each section's text as the code gives it now."""
    return {name: make() for name, make in SECTIONS.items()}


def rewrite(text: str, sections: dict[str, str]) -> str:
    """``text`` with each section's body between its markers replaced."""
    for name, body in sections.items():
        found = _pattern(name).search(text)
        if found is None:
            raise ValueError(f"docs/calibration.md has no <!-- {name}:start/end --> markers")
        text = text[: found.start(2)] + body + "\n" + text[found.end(2) :]
    return text


def stale(path: Path = DOC, now: dict[str, str] | None = None) -> list[str]:
    """The sections of the doc at ``path`` that differ from ``now`` (by default, what the code
    gives now)."""
    text = path.read_text("utf-8")
    now = generated() if now is None else now
    return [name for name in now if rewrite(text, {name: now[name]}) != text]


def main(argv: Sequence[str] | None = None, *, doc: Path = DOC) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the doc is stale")
    args = parser.parse_args(argv)
    if args.check:
        behind = stale(doc)
        if behind:
            print(
                f"docs/calibration.md is stale in: {', '.join(behind)}; "
                "run python tools/calibration_doc.py",
                file=sys.stderr,
            )
            return 1
        print("docs/calibration.md is up to date")
        return 0
    doc.write_text(rewrite(doc.read_text("utf-8"), generated()), "utf-8")
    print("docs/calibration.md rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
