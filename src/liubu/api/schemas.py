"""API schemas, kept apart from storage tables: ``XCreate`` in, ``XPublic`` out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from liubu.accounts import OrgKind, Role
from liubu.underwriting import Declarations


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - OAuth2 token type
    expires_in: int


class MePublic(BaseModel):
    user_id: str
    username: str
    tenant_id: str
    org_kind: OrgKind
    roles: list[Role]


class OrganisationCreate(BaseModel):
    kind: OrgKind
    name: str = Field(min_length=1, max_length=200)


class OrganisationPublic(_Out):
    id: str
    kind: OrgKind
    name: str
    created_at: datetime
    version: int


class UserCreate(BaseModel):
    tenant_id: str | None = Field(
        default=None, description="The organisation; defaults to the caller's own."
    )
    username: str = Field(min_length=1, max_length=64)
    # The policy (≥ 12 characters, not common, not the username) is the accounts package's; the
    # schema only bounds the size. Up to 128 characters, as ASVS 2.1.2 asks at least 64.
    password: str = Field(min_length=1, max_length=128)
    roles: list[Role] = Field(min_length=1)
    display_name: str = ""


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=128)


class SessionsRevoke(BaseModel):
    api_tokens: bool = Field(
        default=False, description="Also revoke the user's API tokens (lbt_…)."
    )


class SessionsRevoked(BaseModel):
    user_id: str
    web_sessions_ended: int
    api_tokens_revoked: bool


class UserPublic(_Out):
    id: str
    tenant_id: str
    username: str
    display_name: str
    roles: list[Role]
    active: bool
    created_at: datetime


class ApiTokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class ApiTokenPublic(_Out):
    id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


class ApiTokenIssued(ApiTokenPublic):
    token: str = Field(description="Shown once; store it safely.")


class EnterpriseCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    uscc: str = Field(description="统一社会信用代码 (GB 32100-2015), 18 characters")
    industry_section: str = Field(description="GB/T 4754-2017 门类, A–T")
    industry_division: str = Field(description="GB/T 4754-2017 大类, 01–97")
    region_code: str = Field(description="GB/T 2260 six-digit administrative division code")
    annual_revenue: Decimal = Field(ge=0, description="CNY")
    employees: int = Field(ge=0)
    mlps_level: int = Field(ge=1, le=5, description="网络安全等级保护 level")
    critical_infrastructure: bool = False


class EnterpriseUpdate(EnterpriseCreate):
    version: int = Field(ge=1, description="The version you edited (optimistic locking).")


class EnterprisePublic(_Out):
    id: str
    tenant_id: str
    name: str
    uscc: str
    industry_section: str
    industry_division: str
    region_code: str
    annual_revenue: Decimal
    employees: int
    mlps_level: int
    critical_infrastructure: bool
    created_at: datetime
    updated_at: datetime
    version: int
    identity_holder: bool = Field(
        default=False, description="This record holds its credit code on the platform"
    )
    verified_at: datetime | None = Field(
        default=None, description="When the platform operator verified the holder"
    )


class AuditEventPublic(BaseModel):
    seq: int
    occurred_at: str
    tenant_id: str
    actor_id: str
    action: str
    entity_type: str
    entity_id: str
    action_name_zh: str = Field(description="What the action did, in Chinese (else its code).")
    action_name_en: str = Field(description="What the action did, in English (else its code).")
    entity_type_name_zh: str
    entity_type_name_en: str


class DeclarationsIn(BaseModel):
    """The insured's (or a group sponsor's) declarations at binding; both must be true (else 422
    bind.declarations_required)."""

    truthful: bool = Field(
        description="The company facts, answers and assessment given are true and complete."
    )
    terms_read: bool = Field(
        description="The wording was read; its exclusions were pointed out and explained."
    )

    def made(self) -> Declarations:
        return Declarations(truthful=self.truthful, terms_read=self.terms_read)
