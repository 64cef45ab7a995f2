"""liubu.claims — post-incident rescue and compensation (保后救援 · 保后赔偿): notices, incident
response, coverage position, loss assessment, reserves, payments, reserving. Pure; named in the
import contracts from its first line."""

from __future__ import annotations

from liubu.claims.reasons import ClaimsCode, message
from liubu.claims.vocabulary import IncidentType, incident_type, incident_types

__all__ = ["ClaimsCode", "IncidentType", "incident_type", "incident_types", "message"]
