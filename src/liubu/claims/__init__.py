"""liubu.claims — post-incident rescue and compensation (保后救援 · 保后赔偿): notices, incident
response, coverage position, loss assessment, reserves, payments. Pure; named in the import
contracts from its first line. Nothing is public yet."""

from __future__ import annotations

__all__: list[str] = []
