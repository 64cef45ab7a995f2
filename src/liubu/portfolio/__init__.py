"""liubu.portfolio — the book as a whole (组合累积): accumulation through shared dependencies, an
event catalogue, year-loss tables, AEP/OEP/PML. Pure; named in the import contracts from its
first line. Nothing is public yet."""

from __future__ import annotations

__all__: list[str] = []
