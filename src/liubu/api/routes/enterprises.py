"""Enterprise records: the facts underwriting and assessment start from."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter

from liubu import accounts
from liubu.accounts import Enterprise, EnterpriseFacts
from liubu.api.deps import UowDep
from liubu.api.schemas import EnterpriseCreate, EnterprisePublic, EnterpriseUpdate

router = APIRouter(prefix="/api", tags=["enterprises"])


def _facts(body: EnterpriseCreate) -> EnterpriseFacts:
    return EnterpriseFacts(**body.model_dump(exclude={"version"}))


@router.get("/enterprises", response_model=list[EnterprisePublic])
def list_enterprises(uow: UowDep) -> Sequence[Enterprise]:
    return uow.enterprises.list()


@router.post("/enterprises", response_model=EnterprisePublic, status_code=201)
def register_enterprise(body: EnterpriseCreate, uow: UowDep) -> Enterprise:
    enterprise = accounts.register_enterprise(uow, _facts(body))
    return enterprise


@router.get("/enterprises/{enterprise_id}", response_model=EnterprisePublic)
def get_enterprise(enterprise_id: str, uow: UowDep) -> Enterprise:
    return uow.enterprises.get(enterprise_id)


@router.put("/enterprises/{enterprise_id}", response_model=EnterprisePublic)
def update_enterprise(enterprise_id: str, body: EnterpriseUpdate, uow: UowDep) -> Enterprise:
    enterprise = accounts.update_enterprise(
        uow, enterprise_id, _facts(body), expected_version=body.version
    )
    return enterprise
