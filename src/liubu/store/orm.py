"""Imperative mapping: the domain classes stay plain dataclasses that know nothing of SQLAlchemy.

``start_mappers`` runs once per process, from the composition root, never at import.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.exc import NoInspectionAvailable
from sqlalchemy.inspection import inspect
from sqlalchemy.orm import registry

from liubu.accounts import ApiToken, Enterprise, IdentityClaim, Organisation, User
from liubu.assessment import (
    AnswerSetRecord,
    Asset,
    Attachment,
    DeclaredDependency,
    FindingRecord,
    Scan,
    ScoreChange,
    ServiceTask,
)
from liubu.monitoring import Alert, Feed, PanelEntry, ScheduledService
from liubu.products import ProductRecord
from liubu.store import tables
from liubu.underwriting import (
    Certificate,
    GroupMember,
    GroupPolicy,
    GroupScheme,
    Policy,
    PolicyEvent,
    Quote,
    SchemeLink,
)

mapper_registry = registry(metadata=tables.metadata)

# Domain class → table. Every mapped class is audited and tenant-scoped.
MAPPED: dict[type, Table] = {
    Organisation: tables.organisations,
    User: tables.users,
    ApiToken: tables.api_tokens,
    Enterprise: tables.enterprises,
    IdentityClaim: tables.identity_claims,
    ProductRecord: tables.products,
    Asset: tables.assets,
    Scan: tables.scans,
    FindingRecord: tables.findings,
    AnswerSetRecord: tables.answer_sets,
    ServiceTask: tables.service_tasks,
    Attachment: tables.attachments,
    Quote: tables.quotes,
    Policy: tables.policies,
    PolicyEvent: tables.policy_events,
    GroupScheme: tables.group_schemes,
    GroupMember: tables.group_members,
    SchemeLink: tables.scheme_links,
    GroupPolicy: tables.group_policies,
    Certificate: tables.certificates,
    Alert: tables.alerts,
    Feed: tables.monitoring_feeds,
    ScoreChange: tables.score_changes,
    ScheduledService: tables.scheduled_services,
    PanelEntry: tables.service_panels,
    DeclaredDependency: tables.insured_dependencies,
}

# Attributes named for the business where the column kept an older name.
RENAMED: dict[type, dict[str, Any]] = {Policy: {"terms": tables.policies.c.option}}


def start_mappers() -> None:
    for cls, table in MAPPED.items():
        try:
            inspect(cls)
            continue  # already mapped in this process
        except NoInspectionAvailable:
            pass
        mapper_registry.map_imperatively(
            cls,
            table,
            version_id_col=table.c.version,
            properties=RENAMED.get(cls, {}),
        )
