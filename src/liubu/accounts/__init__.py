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
    WebSession,
    acting_in,
    new_id,
)
from liubu.accounts.passwords import check_password
from liubu.accounts.ports import UnitOfWork
from liubu.accounts.reasons import AccountsCode
from liubu.accounts.service import (
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
from liubu.accounts.sessions import (
    SessionLimits,
    change_password,
    end_session,
    resume_session,
    revoke_sessions,
    set_password,
    start_session,
)
from liubu.accounts.throttle import FailureCounts, SignInLimits, address_key

__all__ = [
    "SYSTEM",
    "AccountsCode",
    "ApiToken",
    "Enterprise",
    "EnterpriseFacts",
    "FailureCounts",
    "OrgKind",
    "Organisation",
    "Principal",
    "Role",
    "SessionLimits",
    "SignInLimits",
    "UnitOfWork",
    "User",
    "WebSession",
    "acting_in",
    "add_enterprise",
    "add_organisation",
    "add_user",
    "address_key",
    "authenticate_api_token",
    "change_password",
    "check_password",
    "create_organisation",
    "create_user",
    "decode_access_token",
    "end_session",
    "issue_access_token",
    "issue_api_token",
    "load_principal",
    "new_id",
    "register_enterprise",
    "require",
    "resume_session",
    "revoke_api_token",
    "revoke_sessions",
    "set_password",
    "sign_in",
    "start_session",
    "update_enterprise",
]
