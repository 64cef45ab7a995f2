"""``liubu group``: supply-chain and park schemes — create, add members, quote, bind."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

import typer

from liubu.cli.context import console, state
from liubu.cli.declarations import Start, TermsRead, Truthful, declared, start_date

group_app = typer.Typer(
    rich_markup_mode=None,
    help="Group cover: supply chains (供应链) and parks (网安园区保).",
    no_args_is_help=True,
)
out = console()


def _sponsor(uow: Any, enterprise_id: str) -> Any:
    """The CLI acts for the sponsor enterprise's own tenant, as its administrator would."""
    from liubu.accounts import OrgKind, acting_in

    enterprise = uow.enterprises.get(enterprise_id)
    return acting_in(enterprise.tenant_id, OrgKind.ENTERPRISE, name="cli")


@group_app.command("create")
def create(
    ctx: typer.Context,
    sponsor: Annotated[str, typer.Option(help="The chain owner's or park operator's record id.")],
    kind: Annotated[str, typer.Option(help="supply_chain or park")],
    name: Annotated[str, typer.Option(help="Scheme name.")],
    product: Annotated[str, typer.Option(help="The group product, insurer/code@version.")],
) -> None:
    """Create a scheme; prints its id."""
    from liubu import underwriting

    platform = state(ctx).platform()
    with platform.uow() as uow:
        principal = _sponsor(uow, sponsor)
    scheme = underwriting.create_scheme(
        platform.uow(principal),
        kind=kind,
        name=name,
        sponsor_enterprise_id=sponsor,
        product_ref=product,
    )
    out.print(f"scheme {scheme.id} created")


def _scheme_principal(platform: Any, scheme_id: str) -> Any:
    with platform.uow() as uow:
        scheme = uow.groups.scheme(scheme_id)
        return _sponsor(uow, scheme.sponsor_enterprise_id)


@group_app.command("add")
def add(
    ctx: typer.Context,
    scheme: Annotated[str, typer.Argument()],
    member: Annotated[list[str], typer.Option(help="Credit code (USCC); repeat for more.")],
    supplies: Annotated[str, typer.Option(help="What the members supply.")] = "",
    access: Annotated[
        str,
        typer.Option(
            help="none, remote_access, network_connection, data_processing, software_supply"
        ),
    ] = "none",
) -> None:
    """Invite members by credit code (all or none); each accepts with `liubu group accept`."""
    from liubu import underwriting

    platform = state(ctx).platform()
    added = underwriting.add_members(
        platform.uow(_scheme_principal(platform, scheme)),
        scheme,
        [underwriting.MemberEntry(uscc=m, supplies=supplies, access=access) for m in member],
    )
    out.print(f"{len(added)} member(s) invited")


@group_app.command("quote")
def quote(
    ctx: typer.Context,
    scheme: Annotated[str, typer.Argument()],
    limit: Annotated[Decimal, typer.Option(help="Limit per member (CNY).")],
    bind: Annotated[
        bool,
        typer.Option("--bind", help="Bind the quote at once (with --truthful --terms-read)."),
    ] = False,
    truthful: Truthful = False,
    terms_read: TermsRead = False,
    start: Start = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Price every member from its own assessment; show each party's premium. With --bind, the
    sponsor's two declarations and the start date, as `liubu quotes bind` asks them."""
    from rich.table import Table

    from liubu import underwriting

    begin = start_date(start)
    platform = state(ctx).platform()
    with platform.uow(_scheme_principal(platform, scheme)) as uow:
        priced = underwriting.quote_group(
            uow, scheme, limit=limit, scores=underwriting.batch_scores(uow, scheme)
        )
        policy = None
        if bind:  # joins the transaction that priced the quote, and commits it
            policy = underwriting.bind_group(
                uow, scheme, priced, declarations=declared(truthful, terms_read), start=begin
            )
    data = priced.to_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    price = priced.price
    table = Table("member", "score", "member pays", "sponsor pays for it")
    for share in price.members:
        table.add_row(
            share.name,
            f"{share.score.score} {share.score.grade} ({share.score.source})",
            f"¥{share.member_share:,.2f}",
            f"¥{share.sponsor_share:,.2f}",
        )
    out.print(table)
    out.print(
        f"sponsor pays ¥{price.sponsor_premium:,.2f} · members pay "
        f"¥{price.members_premium:,.2f} · insurer receives ¥{price.total_premium:,.2f}"
    )
    if policy is not None:
        out.print(
            f"bound: master policy {policy.number}, {policy.period_start}–{policy.period_end}"
        )


links_app = typer.Typer(
    rich_markup_mode=None,
    help="Supplier-of-supplier links of a supply chain (acting as its chain owner).",
    no_args_is_help=True,
)
group_app.add_typer(links_app, name="links")


@links_app.command("list")
def links_list(
    ctx: typer.Context,
    scheme: Annotated[str, typer.Argument()],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The links the chain owner declared."""
    from liubu import underwriting

    platform = state(ctx).platform()
    found = underwriting.scheme_links(platform.uow(_scheme_principal(platform, scheme)), scheme)
    if as_json:
        typer.echo(json.dumps([x.to_dict() for x in found], ensure_ascii=False, indent=2))
        return
    for x in found:
        out.print(f"{x.id}  {x.source_name} → {x.target_name}  ({x.access})")
    if not found:
        out.print("no links declared: each supplier reaches the owner directly")


@links_app.command("add")
def links_add(
    ctx: typer.Context,
    scheme: Annotated[str, typer.Argument()],
    source: Annotated[
        str,
        typer.Option(help="The member that reaches the owner through another (id or USCC)."),
    ],
    through: Annotated[str, typer.Option(help="The member it reaches the owner through.")],
    access: Annotated[
        str,
        typer.Option(
            help="none, remote_access, network_connection, data_processing, software_supply"
        ),
    ] = "none",
) -> None:
    """Declare that SOURCE reaches the chain owner through THROUGH; prints the link's id."""
    from liubu import underwriting

    platform = state(ctx).platform()
    link = underwriting.declare_link(
        platform.uow(_scheme_principal(platform, scheme)),
        scheme,
        source=source,
        target=through,
        access=access,
    )
    out.print(f"link {link.id} declared: {link.source_name} → {link.target_name}")


@links_app.command("remove")
def links_remove(
    ctx: typer.Context,
    scheme: Annotated[str, typer.Argument()],
    link: Annotated[str, typer.Argument()],
) -> None:
    """Withdraw a declared link."""
    from liubu import underwriting

    platform = state(ctx).platform()
    underwriting.remove_link(platform.uow(_scheme_principal(platform, scheme)), scheme, link)
    out.print(f"link {link} withdrawn")


def _holder_principal(platform: Any, uscc: str) -> Any:
    """The CLI acts for the tenant holding ``uscc``, as its administrator would."""
    from liubu.accounts import SYSTEM, OrgKind, acting_in
    from liubu.core import parse_uscc
    from liubu.errors import NotFoundError

    code = parse_uscc(uscc.strip(), field="uscc").code
    with platform.uow(SYSTEM) as uow:
        holder = uow.enterprises.find_identity_holder(code)
    if holder is None:
        raise NotFoundError(f"No enterprise holds the credit code {code}.")
    return acting_in(holder.tenant_id, OrgKind.ENTERPRISE, name="cli")


@group_app.command("invitations")
def invitations(
    ctx: typer.Context,
    uscc: Annotated[str, typer.Argument(help="The invited enterprise's credit code.")],
) -> None:
    """List the invitations to an enterprise (as its own administrator)."""
    from rich.table import Table

    from liubu import underwriting

    platform = state(ctx).platform()
    found = underwriting.my_invitations(platform.uow(_holder_principal(platform, uscc)))
    table = Table("invitation", "scheme", "sponsor", "supplies", "state")
    for item in found:
        table.add_row(item.id, item.scheme_name, item.sponsor_name, item.supplies, item.state)
    out.print(table)


def _respond(ctx: typer.Context, uscc: str, invitation: str, action: str) -> None:
    from liubu import underwriting

    platform = state(ctx).platform()
    use_case = {
        "accept": underwriting.accept_invitation,
        "decline": underwriting.decline_invitation,
        "leave": underwriting.leave_scheme,
    }[action]
    done = use_case(platform.uow(_holder_principal(platform, uscc)), invitation)
    out.print(f"{done.scheme_name}: {done.state}")


_USCC = Annotated[str, typer.Option(help="The invited enterprise's credit code.")]
_INVITATION = Annotated[str, typer.Argument(help="The invitation id.")]


@group_app.command("accept")
def accept(ctx: typer.Context, invitation: _INVITATION, uscc: _USCC) -> None:
    """Accept an invitation (the enterprise must be verified by the platform operator)."""
    _respond(ctx, uscc, invitation, "accept")


@group_app.command("decline")
def decline(ctx: typer.Context, invitation: _INVITATION, uscc: _USCC) -> None:
    """Decline an invitation."""
    _respond(ctx, uscc, invitation, "decline")


@group_app.command("leave")
def leave(ctx: typer.Context, invitation: _INVITATION, uscc: _USCC) -> None:
    """Leave an open scheme the enterprise accepted."""
    _respond(ctx, uscc, invitation, "leave")
