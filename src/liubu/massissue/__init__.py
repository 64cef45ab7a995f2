"""liubu.massissue — mass issuance of anti-fraud cover (反诈险批量出单), the pure part.

An insurer or channel sends one CSV of insured persons (name, resident ID, mobile, limit chosen,
optionally its own reference) for one per-person product. This package:

1. inspects the file before anything is issued (:func:`inspect_file`): UTF-8 or refused with the
   byte offset and line of the first bad byte (GB18030/GBK recognised and named), header columns
   checked and named, SHA-256 and line count taken;
2. streams it in chunks (:func:`read_chunks`): each line checked (GB 11643 resident ID, mobile,
   limit option, eligible age, duplicates in the file), priced from the product's filed rate plan
   (:class:`ImportPlan`), its personal data encrypted, hashed for lookup and masked
   (:class:`liubu.core.PersonalDataCipher`), keyed for idempotency (:func:`policy_key`); bad
   lines become :class:`RowError` records for the error file, with bilingual reasons;
3. resumes after a crash from the checkpoint committed with the last chunk (:func:`resume_from`).

Writing the rows (PostgreSQL ``COPY``, SQLite ``executemany``), the error file and the progress
bar is the loader's work (``liubu.store``, ``liubu.cli``, ``liubu.api``); see
``docs/mass-issuance.md``. :func:`write_synthetic_csv` makes valid (and deliberately broken)
fictitious persons for tests and benchmarks.
"""

from __future__ import annotations

from liubu.massissue.contract import Column, FileFacts, contract_columns, inspect_file
from liubu.massissue.importer import ImportSummary, run_import
from liubu.massissue.plan import ImportPlan, policy_key
from liubu.massissue.reader import Chunk, ImportCheckpoint, read_chunks, resume_from, seal
from liubu.massissue.reasons import (
    ERROR_COLUMNS,
    MassissueCode,
    ReasonText,
    RowError,
    error_file_header,
    error_lines,
    reason_codes,
)
from liubu.massissue.rows import (
    MOBILE_FIELD,
    NAME_FIELD,
    RESIDENT_ID_FIELD,
    IssueRow,
    Person,
    RowChecker,
)
from liubu.massissue.synthetic import (
    BAD_KINDS,
    SyntheticLine,
    synthetic_lines,
    synthetic_people,
    write_synthetic_csv,
)

__all__ = [
    "BAD_KINDS",
    "ERROR_COLUMNS",
    "MOBILE_FIELD",
    "NAME_FIELD",
    "RESIDENT_ID_FIELD",
    "Chunk",
    "Column",
    "FileFacts",
    "ImportCheckpoint",
    "ImportPlan",
    "ImportSummary",
    "IssueRow",
    "MassissueCode",
    "Person",
    "ReasonText",
    "RowChecker",
    "RowError",
    "SyntheticLine",
    "contract_columns",
    "error_file_header",
    "error_lines",
    "inspect_file",
    "policy_key",
    "read_chunks",
    "reason_codes",
    "resume_from",
    "run_import",
    "seal",
    "synthetic_lines",
    "synthetic_people",
    "write_synthetic_csv",
]
