"""A supply-chain scheme's graph from the store, for the chain owner: the scheme's accepted
members with their access (``underwriting.scheme_view``), their scores and premiums from the bound
master policy's worksheet or, while the scheme is open, a quote at the product's first limit
option, and the owner's declared revenue. Read only; the caller's tenant scoping applies (only
the sponsor sees its scheme)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from liubu import underwriting
from liubu.errors import ConflictError
from liubu.portfolio.contagion_records import SupplyChain, scheme_chain
from liubu.portfolio.reasons import PortfolioCode


def scheme_graph(uow: Any, scheme_id: str) -> tuple[SupplyChain, dict[str, Decimal]]:
    """The scheme's :class:`SupplyChain` and each member's premium today, by record id (``uow``:
    the group unit of work the underwriting use cases take, acting for the sponsor)."""
    with uow:
        view = underwriting.scheme_view(uow, scheme_id)
        if view["kind"] != underwriting.SchemeKind.SUPPLY_CHAIN:
            raise ConflictError(
                f"Scheme {view['name']!r} is a park, not a supply chain: it has no chain owner.",
                code=PortfolioCode.NOT_A_CHAIN,
            )
        masters = list(uow.groups.master_policies(scheme_id))
        if masters:
            worksheet = masters[-1].worksheet
        else:
            spec, _insurer = underwriting.group_spec(uow, view["product"])
            quote = underwriting.quote_group(uow, scheme_id, limit=spec.limit_options[0])
            worksheet = quote.to_dict()
        owner = uow.enterprises.get(view["sponsor_enterprise_id"])
        return scheme_chain(view, worksheet, float(owner.annual_revenue))
