"""A supply-chain scheme's graph from the store, for the chain owner or for the insurer that
underwrites it: the scheme's members with their access, their scores and premiums and the
supplier-of-supplier links the owner declared.

- The chain owner (the sponsor, ``underwriting.scheme_view``): its accepted members, scored and
  priced by the bound master policy's worksheet or, while the scheme is open, a quote at the
  product's first limit option; its declared links (``underwriting.scheme_links``).
- The insurer of the bound master policy (``underwriting.underwritten_scheme``): the members its
  master policy names, with the scores and premiums of that policy's worksheet, and the links
  between them. Anyone else is told the scheme does not exist.

Read only; the caller's tenant scoping applies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from liubu import underwriting
from liubu.accounts import OrgKind
from liubu.errors import ConflictError
from liubu.portfolio.contagion_records import SupplyChain, scheme_chain
from liubu.portfolio.reasons import PortfolioCode


def _chain_only(view: dict[str, Any]) -> None:
    if view["kind"] != underwriting.SchemeKind.SUPPLY_CHAIN:
        raise ConflictError(
            f"Scheme {view['name']!r} is a park, not a supply chain: it has no chain owner.",
            code=PortfolioCode.NOT_A_CHAIN,
        )


def scheme_graph(uow: Any, scheme_id: str) -> tuple[SupplyChain, dict[str, Decimal]]:
    """The scheme's :class:`SupplyChain` and each member's premium today, by record id (``uow``:
    the group unit of work the underwriting use cases take, acting for the sponsor or for the
    insurer of the scheme's master policy)."""
    with uow:
        if uow.principal.org_kind is OrgKind.INSURER:
            insured = underwriting.underwritten_scheme(uow, scheme_id)
            _chain_only(insured.view)
            return scheme_chain(
                insured.view, insured.worksheet, float(insured.owner_revenue), insured.links
            )
        view = underwriting.scheme_view(uow, scheme_id)
        _chain_only(view)
        masters = list(uow.groups.master_policies(scheme_id))
        if masters:
            worksheet = masters[-1].worksheet
        else:
            spec, _insurer = underwriting.group_spec(uow, view["product"])
            quote = underwriting.quote_group(uow, scheme_id, limit=spec.limit_options[0])
            worksheet = quote.to_dict()
        owner = uow.enterprises.get(view["sponsor_enterprise_id"])
        links = underwriting.scheme_links(uow, scheme_id)
        return scheme_chain(view, worksheet, float(owner.annual_revenue), links)
