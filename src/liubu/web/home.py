"""The home page's next steps (下一步): what the signed-in user has on hand and where to go,
read through the packages' own use cases, so each person sees only what their role reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from liubu import assessment, claims, underwriting
from liubu.accounts import OrgKind, Principal, Role
from liubu.web.display import percent


def _(message: str) -> str:
    """Marks a message for the catalogues; the page translates it with its values."""
    return message


@dataclass(frozen=True)
class Step:
    """One line of the home page: a gettext ``message`` with its ``values``, a link, and whether
    it asks for action (``todo``) or reports what is done."""

    key: str
    message: str
    href: str
    todo: bool = True
    values: dict[str, Any] = field(default_factory=dict)


def _enterprise_steps(uow: Any) -> list[Step]:
    enterprises = list(uow.enterprises.list())
    if not enterprises:
        return [
            Step(
                "register",
                _("Register your enterprise: its facts are what your diagnosis and price rest on."),
                "/enterprises/new",
            )
        ]
    steps: list[Step] = []
    for enterprise in enterprises[:5]:
        summary = assessment.assessment_summary(uow, enterprise.id)
        grade, points = summary["grade"], summary["score"]["value"]
        name = {"name": enterprise.name}
        progress = assessment.questionnaire_progress(uow, enterprise.id)
        if not progress.answered:
            steps.append(
                Step(
                    "questionnaire",
                    _("%(name)s: answer the security questionnaire (about 15 minutes)."),
                    f"/diagnosis/{enterprise.id}/questionnaire",
                    values=name,
                )
            )
        elif not progress.complete:
            steps.append(
                Step(
                    "questionnaire",
                    _("%(name)s: questionnaire %(share)s answered; carry on where you left off."),
                    f"/diagnosis/{enterprise.id}/questionnaire",
                    values={**name, "share": percent(progress.share, 0)},
                )
            )
        if not assessment.has_been_scanned(uow, enterprise.id):
            steps.append(
                Step(
                    "scan",
                    _("%(name)s: declare and verify your internet-facing assets, then scan them."),
                    f"/diagnosis/{enterprise.id}",
                    values=name,
                )
            )
        steps.append(
            Step(
                "score",
                _("%(name)s: security score %(score)s (grade %(grade)s)."),
                f"/diagnosis/{enterprise.id}",
                todo=False,
                values={**name, "score": f"{float(points):.1f}", "grade": grade},
            )
        )
    bound = {(p.quote_id, p.terms.option_index) for p in uow.underwriting.policies()}
    offered = [
        q
        for q in uow.underwriting.quotes()
        if q.status == "offered"
        and any(o.status.offered and (q.id, i) not in bound for i, o in enumerate(q.options))
    ]
    if offered:
        steps.append(
            Step(
                "bind",
                _("%(count)s quote(s) can be bound."),
                "/quotes",
                values={"count": len(offered)},
            )
        )
    for policy in uow.underwriting.policies():
        account = underwriting.premium_account(policy, uow.underwriting.events(policy.id))
        if policy.status == "in_force" and not account.settled:
            steps.append(
                Step(
                    "premium",
                    _("Policy %(number)s: premium of %(amount)s due by %(due)s."),
                    f"/policies/{policy.id}",
                    values={
                        "number": policy.number,
                        "amount": f"¥{account.outstanding:,.2f}",
                        "due": account.due_on.isoformat(),
                    },
                )
            )
    return steps


def _insurer_steps(uow: Any, principal: Principal) -> list[Step]:
    steps: list[Step] = []
    if underwriting.decides_referrals(principal):
        waiting = len(underwriting.referral_queue(uow))
        steps.append(
            Step(
                "referrals",
                _("%(count)s referred quote(s) wait for an underwriter."),
                "/underwriting",
                todo=waiting > 0,
                values={"count": waiting},
            )
        )
    if principal.has_any(Role.CLAIMS_ADJUSTER, Role.ADMIN):
        open_claims = len(claims.queue(uow))
        steps.append(
            Step(
                "claims",
                _("%(count)s open claim(s) in the queue."),
                "/steps/compensation",
                todo=open_claims > 0,
                values={"count": open_claims},
            )
        )
    return steps


def _desk_steps(uow: Any, principal: Principal) -> list[Step]:
    """The actuary's, the security analyst's, the regulator's and the platform admin's desks."""
    steps: list[Step] = []
    if principal.has_any(Role.ACTUARY):
        steps.append(
            Step(
                "experience",
                _("Read the claims experience and its rate indication against the filed rates."),
                "/experience",
                todo=False,
            )
        )
        steps.append(
            Step("reserving", _("Reserve from the claims triangles."), "/reserving", todo=False)
        )
    if principal.has_any(Role.SECURITY_ANALYST):
        open_tasks = [t for t in uow.assessment.tasks() if t.status != "done"]
        first = f"/treatment/{open_tasks[0].enterprise_id}#tasks" if open_tasks else "/"
        steps.append(
            Step(
                "tasks",
                _("%(count)s service task(s) assigned to you are open."),
                first,
                todo=bool(open_tasks),
                values={"count": len(open_tasks)},
            )
        )
    if principal.has_any(Role.REGULATOR_VIEWER):
        steps.append(
            Step(
                "statistics",
                _("Market statistics by province, industry and product."),
                "/statistics",
                todo=False,
            )
        )
    if principal.is_platform and principal.has_any(Role.ADMIN):
        steps.append(
            Step(
                "audit",
                _("Check the audit trail and the integrity of its chain."),
                "/audit",
                todo=False,
            )
        )
    return steps


def next_steps(uow: Any, principal: Principal) -> list[Step]:
    """The signed-in user's next steps, for each role it holds."""
    with uow:
        steps: list[Step] = []
        if principal.org_kind is OrgKind.ENTERPRISE and principal.has_any(Role.ENTERPRISE_USER):
            steps += _enterprise_steps(uow)
        if principal.org_kind is OrgKind.INSURER:
            steps += _insurer_steps(uow, principal)
        return steps + _desk_steps(uow, principal)
