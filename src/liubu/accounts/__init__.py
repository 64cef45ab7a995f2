"""liubu.accounts."""

from liubu.accounts.credentials import decode_access_token, issue_access_token
from liubu.accounts.enterprise import EnterpriseFacts
from liubu.accounts.model import (
    SYSTEM,
    ApiToken,
    Enterprise,
    Organisation,
    OrgKind,
    Principal,
    Role,
    User,
    acting_in,
    new_id,
)
from liubu.accounts.ports import UnitOfWork
from liubu.accounts.service import (
    SignInLimits,
    add_enterprise,
    add_organisation,
    add_user,
    authenticate_api_token,
    create_organisation,
    create_user,
    issue_api_token,
    load_principal,
    register_enterprise,
    require,
    revoke_api_token,
    sign_in,
    update_enterprise,
)

__all__ = [
    "SYSTEM",
    "ApiToken",
    "Enterprise",
    "EnterpriseFacts",
    "OrgKind",
    "Organisation",
    "Principal",
    "Role",
    "SignInLimits",
    "UnitOfWork",
    "User",
    "acting_in",
    "add_enterprise",
    "add_organisation",
    "add_user",
    "authenticate_api_token",
    "create_organisation",
    "create_user",
    "decode_access_token",
    "issue_access_token",
    "issue_api_token",
    "load_principal",
    "new_id",
    "register_enterprise",
    "require",
    "revoke_api_token",
    "sign_in",
    "update_enterprise",
]
