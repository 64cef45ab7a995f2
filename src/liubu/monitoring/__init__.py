"""liubu.monitoring — in-term service and monitoring (保中服务 · 保中监控): watch lists, feeds and
security events matched to insured assets, alerts, service tasks, score history. Pure; named in
the import contracts from its first line. Nothing is public yet."""

from __future__ import annotations

__all__: list[str] = []
