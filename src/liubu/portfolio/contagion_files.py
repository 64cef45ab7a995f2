"""Supply-chain graphs from files (YAML or CSV), for an actuary, with located errors: the file,
the line (YAML) or row (CSV), the field and a reason code — an edge to an unknown member
(``portfolio.unknown_member``), a probability outside [0, 1] (``portfolio.bad_probability``), no
owner or two (``portfolio.chain_owner``), a member named twice (``portfolio.duplicate_id``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any

from liubu.errors import ValidationError
from liubu.portfolio.contagion_records import (
    ChainEdge,
    ChainMember,
    MemberRole,
    OwnerExposure,
    SupplyChain,
    _bad,
    member_role,
)
from liubu.portfolio.reasons import PortfolioCode
from liubu.risk import Located, parse_located_yaml

Path = tuple[str | int, ...]
_MAX_BYTES = 8 * 1024 * 1024

_TOP_KEYS = ("owner", "members", "edges")
_OWNER_KEYS = ("revenue", "revenue_share", "tolerance_hours")
_MEMBER_KEYS = ("id", "name", "role", "score", "probability")
_EDGE_KEYS = ("from", "to", "access", "probability")
#: Columns of a graph CSV: one row per member; ``reaches`` lists ``target:access[:probability]``
#: joined by ``;``; ``revenue``, ``revenue_share``, ``tolerance_hours`` on the owner's row.
CHAIN_CSV_COLUMNS = (
    "id",
    "name",
    "role",
    "score",
    "probability",
    "reaches",
    "revenue",
    "revenue_share",
    "tolerance_hours",
)


def _codes() -> tuple[PortfolioCode, PortfolioCode, PortfolioCode]:
    return (PortfolioCode.BAD_FIELD, PortfolioCode.UNKNOWN_FIELD, PortfolioCode.MISSING_FIELD)


def load_chain(text_or_path: str | FilePath, *, source_name: str = "chain.yaml") -> SupplyChain:
    """Read a supply-chain graph from YAML (``owner: {revenue, revenue_share, tolerance_hours}``,
    ``members: [{id, name, role, score, probability}]``, ``edges: [{from, to, access,
    probability}]``) or CSV (:data:`CHAIN_CSV_COLUMNS`). Errors name the file, the line or row
    and the field: an edge to an unknown member, a probability outside [0, 1], a second owner."""
    if isinstance(text_or_path, FilePath):
        name = str(text_or_path)
        try:
            if text_or_path.stat().st_size > _MAX_BYTES:
                raise ValidationError(
                    f"The file {name} is larger than {_MAX_BYTES} bytes.",
                    code=PortfolioCode.BAD_FILE,
                    location=name,
                )
            text = text_or_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ValidationError(
                f"The file {name} cannot be read: {error}.",
                code=PortfolioCode.BAD_FILE,
                location=name,
            ) from None
    else:
        text, name = text_or_path, source_name
    if name.lower().endswith(".csv"):
        return _chain_csv(text, name)
    return _chain_yaml(text, name)


def _chain_yaml(text: str, name: str) -> SupplyChain:
    src = parse_located_yaml(text, name)
    top = src.mapping(src.data, (), _TOP_KEYS, ("owner", "members"), codes=_codes(), noun="field")
    o = src.mapping(
        top["owner"], ("owner",), _OWNER_KEYS, ("revenue",), codes=_codes(), noun="field"
    )
    with src.at(("owner",)):
        exposure = OwnerExposure(o["revenue"], o.get("revenue_share"), o.get("tolerance_hours"))
    members: list[ChainMember] = []
    for i, row in enumerate(_list(src, top["members"], ("members",))):
        at: Path = ("members", i)
        m = src.mapping(
            row, at, _MEMBER_KEYS, ("id", "role", "score"), codes=_codes(), noun="field"
        )
        if str(m["id"]) in {x.id for x in members}:
            raise src.fail(
                f"Member {m['id']!r} appears twice.",
                code=PortfolioCode.DUPLICATE_ID,
                path=(*at, "id"),
                value=m["id"],
            )
        with src.at(at):
            members.append(
                ChainMember(
                    str(m["id"]),
                    str(m.get("name") or m["id"]),
                    member_role(m["role"]),
                    m["score"],
                    m.get("probability"),
                )
            )
    known = {m.id for m in members}
    edges = []
    for i, row in enumerate(_list(src, top.get("edges") or [], ("edges",))):
        at = ("edges", i)
        e = src.mapping(row, at, _EDGE_KEYS, ("from", "to", "access"), codes=_codes(), noun="field")
        for key in ("from", "to"):
            if str(e[key]) not in known:
                raise src.fail(
                    f"The edge names {e[key]!r}, which is not a member of the chain.",
                    code=PortfolioCode.UNKNOWN_MEMBER,
                    path=(*at, key),
                    value=e[key],
                )
        with src.at(at):
            edges.append(
                ChainEdge(str(e["from"]), str(e["to"]), str(e["access"]), e.get("probability"))
            )
    with src.at(()):
        return SupplyChain(tuple(members), tuple(edges), exposure)


def _list(src: Located, data: Any, path: Path) -> list[Any]:
    if not isinstance(data, list):
        raise src.fail(
            f"Expected a list; got {data!r}.", code=PortfolioCode.BAD_FIELD, path=path, value=data
        )
    return data


def _chain_csv(text: str, name: str) -> SupplyChain:
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in ("id", "role", "score", "reaches") if c not in header]
    if missing:
        raise ValidationError(
            f"The CSV lacks the column {missing[0]!r} ({name}:1).",
            code=PortfolioCode.MISSING_FIELD,
            field=missing[0],
            location=f"{name}:1",
        )
    rows: list[tuple[str, dict[str, str]]] = [
        (f"{name}:{reader.line_num}", dict(row)) for row in reader
    ]
    members, exposure = [], None
    for where, row in rows:
        with _row(where, "id"):
            role = (row.get("role") or "").strip()
            members.append(
                ChainMember(
                    (row.get("id") or "").strip(),
                    (row.get("name") or "").strip() or (row.get("id") or "").strip(),
                    member_role(role),
                    _float(row, "score"),
                    _float(row, "probability", optional=True),
                )
            )
            if role == MemberRole.OWNER and exposure is None:
                exposure = OwnerExposure(
                    _float(row, "revenue"),
                    _float(row, "revenue_share", optional=True),
                    _float(row, "tolerance_hours", optional=True),
                )
    known = {m.id for m in members}
    edges = []
    for where, row in rows:
        for part in (row.get("reaches") or "").split(";"):
            if not part.strip():
                continue
            with _row(where, "reaches"):
                pieces = [p.strip() for p in part.split(":")]
                if len(pieces) not in (2, 3):
                    raise _bad(
                        f"A reach is written target:access[:probability]; got {part!r}.",
                        "reaches",
                        part,
                    )
                if pieces[0] not in known:
                    raise _bad(
                        f"{pieces[0]!r} is not a member of the chain.",
                        "reaches",
                        pieces[0],
                        PortfolioCode.UNKNOWN_MEMBER,
                    )
                probability = _number(pieces[2], "reaches") if len(pieces) == 3 else None
                edges.append(
                    ChainEdge((row.get("id") or "").strip(), pieces[0], pieces[1], probability)
                )
    if exposure is None:
        raise ValidationError(
            f"The chain has no owner row ({name}).",
            code=PortfolioCode.CHAIN_OWNER,
            field="role",
            location=name,
        )
    try:
        return SupplyChain(tuple(members), tuple(edges), exposure)
    except ValidationError as error:
        raise ValidationError(
            f"{error.message} ({name})", code=error.code, field=error.field, location=name
        ) from None


class _row:
    """Re-raise a record's error with the CSV row and column."""

    def __init__(self, where: str, column: str) -> None:
        self.where, self.column = where, column

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, _tb: object) -> None:
        if isinstance(error, ValidationError) and error.location is None:
            column = error.field if error.field in CHAIN_CSV_COLUMNS else self.column
            raise ValidationError(
                f"{error.message} ({self.where}, column {column})",
                code=error.code,
                field=column,
                value=error.value,
                location=self.where,
            ) from None


def _number(text: str, column: str) -> float:
    try:
        return float(text.replace("_", ""))
    except ValueError:
        raise _bad(f"The column {column!r} must be a number; got {text!r}.", column, text) from None


def _float(row: Mapping[str, str], column: str, *, optional: bool = False) -> Any:
    text = (row.get(column) or "").strip()
    if not text:
        if optional:
            return None
        raise _bad(f"The column {column!r} is empty.", column, text, PortfolioCode.MISSING_FIELD)
    return _number(text, column)
