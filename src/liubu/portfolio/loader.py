"""Book and catalogue from files (YAML, or CSV for a book), with located errors.

Errors name the file, the line (YAML) or row (CSV), the field and a reason code: an event naming an
undeclared dependency, a negative rate, a policy without terms. Severities and terms use the risk
engine's own grammar (``{lognormal: {interval90: [2, 48]}}``; ``retention``, ``aggregate_limit``,
``coverages``), read by the same functions as a risk model file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any

from liubu.core import parse_industry, parse_region
from liubu.datafiles import packaged_text
from liubu.errors import ValidationError
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.records import (
    Basis,
    Book,
    BookPolicy,
    Catalogue,
    Dependency,
    EventFamily,
    Reliance,
)
from liubu.risk import CoverageTerms, Located, Terms, parse_located_yaml, read_severity, read_terms

Path = tuple[str | int, ...]
_MAX_BYTES = 64 * 1024 * 1024

_DEPENDENCY_KEYS = ("id", "kind", "provider", "region", "cpe")
_FAMILY_KEYS = (
    "name",
    "kind",
    "rate",
    "target",
    "share_hit",
    "outage_hours",
    "loss_share",
    "coverage",
    "basis",
)
_POLICY_KEYS = ("id", "industry", "region", "revenue", "terms", "dependencies")
_RELIANCE_KEYS = ("id", "tolerance_hours", "revenue_share")
CSV_COLUMNS = (
    "id",
    "industry",
    "region",
    "revenue",
    "retention",
    "aggregate_limit",
    "bi_sublimit",
    "bi_waiting_hours",
    "dependencies",
)


def read_text(
    text_or_path: str | FilePath, source_name: str, *, max_bytes: int = _MAX_BYTES
) -> tuple[str, str]:
    """A file's text and name (at most ``max_bytes``), or a text given as it is with the name
    it is reported under; located errors (``portfolio.bad_file``)."""
    if isinstance(text_or_path, FilePath):
        try:
            if text_or_path.stat().st_size > max_bytes:
                raise ValidationError(
                    f"The file {text_or_path} is larger than {max_bytes} bytes.",
                    code=PortfolioCode.BAD_FILE,
                    location=str(text_or_path),
                )
            return text_or_path.read_text(encoding="utf-8"), str(text_or_path)
        except (OSError, UnicodeDecodeError) as error:
            raise ValidationError(
                f"The file {text_or_path} cannot be read: {error}.",
                code=PortfolioCode.BAD_FILE,
                location=str(text_or_path),
            ) from None
    if len(text_or_path.encode("utf-8")) > max_bytes:
        raise ValidationError(
            f"The text {source_name} is larger than {max_bytes} bytes.",
            code=PortfolioCode.BAD_FILE,
            location=source_name,
        )
    return text_or_path, source_name


def _mapping(src: Located, data: Any, path: Path, keys: tuple[str, ...]) -> Mapping[str, Any]:
    codes = (PortfolioCode.BAD_FIELD, PortfolioCode.UNKNOWN_FIELD, PortfolioCode.BAD_FIELD)
    return src.mapping(data, path, keys, codes=codes, noun="field")


def _required(src: Located, data: Mapping[str, Any], path: Path, key: str) -> Any:
    if key not in data or data[key] is None:
        code = PortfolioCode.NO_TERMS if key == "terms" else PortfolioCode.MISSING_FIELD
        what = (
            "has no terms: a policy in the book needs its retention, limits and coverages"
            if key == "terms"
            else f"is missing the field {key!r}"
        )
        raise src.fail(f"This entry {what}.", code=code, path=(*path, key), value=None)
    return data[key]


def _list(src: Located, data: Any, path: Path) -> list[Any]:
    if not isinstance(data, list):
        raise src.fail(
            f"Expected a list; got {data!r}.", code=PortfolioCode.BAD_FIELD, path=path, value=data
        )
    return data


def load_catalogue(
    text_or_path: str | FilePath, *, source_name: str = "catalogue.yaml"
) -> Catalogue:
    """Read an event catalogue: ``dependencies`` (id, kind, provider, region, cpe) and
    ``families`` (name, kind, rate, target, share_hit, outage_hours, loss_share, coverage,
    basis)."""
    text, name = read_text(text_or_path, source_name)
    src = parse_located_yaml(text, name)
    top = _mapping(src, src.data, (), ("dependencies", "families"))
    dependencies = []
    for i, row in enumerate(_list(src, _required(src, top, (), "dependencies"), ("dependencies",))):
        at: Path = ("dependencies", i)
        d = _mapping(src, row, at, _DEPENDENCY_KEYS)
        with src.at(at):
            dependencies.append(
                Dependency(
                    str(_required(src, d, at, "id")),
                    str(_required(src, d, at, "kind")),
                    str(d.get("provider", "")),
                    None if d.get("region") is None else str(d["region"]),
                    None if d.get("cpe") is None else str(d["cpe"]),
                )
            )
    families = [
        _family(src, row, ("families", i))
        for i, row in enumerate(_list(src, _required(src, top, (), "families"), ("families",)))
    ]
    known = {d.id for d in dependencies}
    for i, family in enumerate(families):  # located here; the record refuses it too
        if family.target is not None and family.target not in known:
            raise src.fail(
                f"Family {family.name!r} strikes dependency {family.target!r}, which is not "
                "declared under dependencies.",
                code=PortfolioCode.UNKNOWN_DEPENDENCY,
                path=("families", i, "target"),
                value=family.target,
            )
    with src.at(()):
        return Catalogue(tuple(dependencies), tuple(families))


def _family(src: Located, row: Any, at: Path) -> EventFamily:
    f = _mapping(src, row, at, _FAMILY_KEYS)
    rate = _required(src, f, at, "rate")
    if isinstance(rate, int | float) and not isinstance(rate, bool) and rate < 0:
        raise src.fail(
            f"The annual rate must not be negative; got {rate!r}.",
            code=PortfolioCode.NEGATIVE_RATE,
            path=(*at, "rate"),
            value=rate,
        )
    hours = f.get("outage_hours")
    loss = f.get("loss_share")
    basis = {}
    for key, body in (_mapping(src, f.get("basis") or {}, (*at, "basis"), _FAMILY_KEYS)).items():
        b = _mapping(src, body, (*at, "basis", key), ("source", "assumption", "note"))
        with src.at((*at, "basis", key)):
            basis[str(key)] = Basis(
                b.get("source"), bool(b.get("assumption", False)), b.get("note", "")
            )
    with src.at(at):
        return EventFamily(
            name=str(_required(src, f, at, "name")),
            kind=str(_required(src, f, at, "kind")),
            rate=rate,
            target=None if f.get("target") is None else str(f["target"]),
            share_hit=f.get("share_hit", 1.0),
            outage_hours=None
            if hours is None
            else read_severity(src, hours, (*at, "outage_hours")),
            loss_share=None if loss is None else read_severity(src, loss, (*at, "loss_share")),
            coverage=str(f.get("coverage", "incident_response")),
            basis=basis,
        )


def load_book(
    text_or_path: str | FilePath,
    *,
    catalogue: Catalogue | None = None,
    source_name: str = "book.yaml",
) -> Book:
    """Read a book from YAML (``policies:`` with id, industry, region, revenue, terms,
    dependencies) or CSV (columns :data:`CSV_COLUMNS`; ``dependencies`` as
    ``id:tolerance_hours:revenue_share`` joined by ``;``). With ``catalogue``, every dependency a
    policy names must be declared there."""
    text, name = read_text(text_or_path, source_name)
    book = _book_csv(text, name) if name.lower().endswith(".csv") else _book_yaml(text, name)
    if catalogue is not None:
        try:
            catalogue.check_book(book)
        except ValidationError as error:
            raise ValidationError(
                f"{error.message} ({name})", code=error.code, field=error.field, location=name
            ) from None
    return book


def _book_yaml(text: str, name: str) -> Book:
    src = parse_located_yaml(text, name)
    top = _mapping(src, src.data, (), ("policies",))
    policies = []
    for i, row in enumerate(_list(src, _required(src, top, (), "policies"), ("policies",))):
        at: Path = ("policies", i)
        p = _mapping(src, row, at, _POLICY_KEYS)
        terms_data = _required(src, p, at, "terms")
        terms = read_terms(src, terms_data, (*at, "terms"))
        reliances = []
        for j, dep in enumerate(_list(src, p.get("dependencies") or [], (*at, "dependencies"))):
            dat: Path = (*at, "dependencies", j)
            r = _mapping(src, dep, dat, _RELIANCE_KEYS)
            with src.at(dat):
                reliances.append(
                    Reliance(
                        str(_required(src, r, dat, "id")),
                        r.get("tolerance_hours", 0.0),
                        r.get("revenue_share", 1.0),
                    )
                )
        with src.at(at):
            policies.append(
                BookPolicy(
                    str(_required(src, p, at, "id")),
                    parse_industry(str(_required(src, p, at, "industry"))),
                    parse_region(str(_required(src, p, at, "region"))),
                    _required(src, p, at, "revenue"),
                    terms,
                    tuple(reliances),
                )
            )
    with src.at(()):
        return Book(tuple(policies))


def _book_csv(text: str, name: str) -> Book:
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            f"The CSV lacks the column {missing[0]!r} ({name}:1).",
            code=PortfolioCode.MISSING_FIELD,
            field=missing[0],
            location=f"{name}:1",
        )
    policies = []
    for row in reader:
        where = f"{name}:{reader.line_num}"
        policies.append(_csv_policy(row, where))
    try:
        return Book(tuple(policies))
    except ValidationError as error:
        raise ValidationError(
            f"{error.message} ({name})", code=error.code, field=error.field, location=name
        ) from None


def _csv_policy(row: Mapping[str, str], where: str) -> BookPolicy:
    column = "id"
    try:
        if (
            not (row.get("retention") or "").strip()
            and not (row.get("aggregate_limit") or "").strip()
        ):
            column = "retention"
            raise ValidationError(
                f"Policy {row.get('id')!r} has no terms: give at least its retention and "
                "aggregate limit.",
                code=PortfolioCode.NO_TERMS,
                field="retention",
            )
        column = "retention"
        retention = _number(row, "retention", 0.0)
        column = "aggregate_limit"
        limit = _number(row, "aggregate_limit", float("inf"))
        column = "bi_sublimit"
        cover = CoverageTerms(
            sublimit=_number(row, "bi_sublimit", float("inf")),
            waiting_period_hours=_number(row, "bi_waiting_hours", 0.0),
        )
        terms = Terms(retention, limit, {"business_interruption": cover})
        column = "dependencies"
        reliances = tuple(
            _reliance(part) for part in (row["dependencies"] or "").split(";") if part
        )
        column = "industry"
        industry = parse_industry(row["industry"])
        column = "region"
        region = parse_region(row["region"])
        column = "revenue"
        revenue = _number(row, "revenue", None)
        column = "id"
        return BookPolicy(row["id"].strip(), industry, region, revenue, terms, reliances)
    except ValidationError as error:
        raise ValidationError(
            f"{error.message} ({where}, column {column})",
            code=error.code,
            field=column,
            value=error.detail.get("value"),
            location=where,
        ) from None


def _number(row: Mapping[str, str], column: str, default: float | None) -> float:
    text = (row.get(column) or "").strip()
    if not text:
        if default is None:
            raise ValidationError(
                f"The column {column!r} is empty.", code=PortfolioCode.MISSING_FIELD, field=column
            )
        return default
    try:
        return float(text.replace("_", ""))
    except ValueError:
        raise ValidationError(
            f"The column {column!r} must be a number; got {text!r}.",
            code=PortfolioCode.BAD_FIELD,
            field=column,
            value=text,
        ) from None


def _reliance(part: str) -> Reliance:
    pieces = part.strip().split(":")
    if len(pieces) != 3:
        raise ValidationError(
            f"A dependency is written id:tolerance_hours:revenue_share; got {part!r}.",
            code=PortfolioCode.BAD_FIELD,
            field="dependencies",
            value=part,
        )
    try:
        return Reliance(pieces[0], float(pieces[1]), float(pieces[2]))
    except ValueError:
        raise ValidationError(
            f"Tolerance hours and revenue share must be numbers; got {part!r}.",
            code=PortfolioCode.BAD_FIELD,
            field="dependencies",
            value=part,
        ) from None


def demo_catalogue() -> Catalogue:
    """The shipped demo catalogue (``data/demo_catalogue.yaml``)."""
    return load_catalogue(
        packaged_text("liubu.portfolio", "data", "demo_catalogue.yaml"),
        source_name="demo_catalogue.yaml",
    )


def demo_book() -> Book:
    """The shipped demo book (``data/demo_book.csv``), checked against the demo catalogue."""
    return load_book(
        packaged_text("liubu.portfolio", "data", "demo_book.csv"),
        catalogue=demo_catalogue(),
        source_name="demo_book.csv",
    )
