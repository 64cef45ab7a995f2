"""The hash-chained audit log: pure chain computation and verification, and the names of its
codes in Chinese and English."""

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
from liubu.audit.names import (
    Lang,
    NamedCode,
    action_name,
    actor_name,
    entity_name,
    named_actions,
    named_entities,
)

__all__ = [
    "GENESIS",
    "AuditEvent",
    "ChainProblem",
    "ChainReport",
    "Lang",
    "NamedCode",
    "Tamper",
    "action_name",
    "actor_name",
    "audit_key",
    "entity_name",
    "event_hash",
    "named_actions",
    "named_entities",
    "state_digest",
    "verify_chain",
]
