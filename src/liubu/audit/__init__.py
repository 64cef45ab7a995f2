"""The hash-chained audit log: pure chain computation and verification."""

from liubu.audit.chain import (
    GENESIS,
    AuditEvent,
    ChainProblem,
    ChainReport,
    Tamper,
    audit_key,
    event_hash,
    state_digest,
    verify_chain,
)

__all__ = [
    "GENESIS",
    "AuditEvent",
    "ChainProblem",
    "ChainReport",
    "Tamper",
    "audit_key",
    "event_hash",
    "state_digest",
    "verify_chain",
]
