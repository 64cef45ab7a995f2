"""liubu.underwriting — pricing and policy money (核保定价与保单收付), pure.

Two prices for every quote option, side by side, with a rating worksheet showing every step:

- technical premium = (expected insured loss + risk load) / (1 − expense ratio − profit margin),
  from the risk engine (:mod:`liubu.risk`) under the option's exact terms;
- filed premium = base premium × Π coefficients of the product's filed rate plan, each clamped
  to its filed range and the product to the filed bound.

When the insurer has claims experience of the applicant's segment, the technical premium's claim
frequency is the credibility blend of the library's and the experience's
(:mod:`liubu.underwriting.experience_credit`); when its simulated book is stored, the risk
load's capital is the policy's share of that book's (:mod:`liubu.underwriting.book_capital`).
Their ratio (rate adequacy) feeds the referral rules. Also: eligibility, underwriting authority,
mid-term endorsement premium, cancellation refunds and the claims-history coefficient for
renewals. Nothing here touches a database, the web or the CLI; the security score, grade and
modifiers come from the assessment as plain values.
"""

from __future__ import annotations

from liubu.underwriting.applicant import Applicant
from liubu.underwriting.authority import (
    OverrideAuthority,
    authority_for,
    check_override,
    override_authorities,
)
from liubu.underwriting.book_capital import BookCapitalRatio
from liubu.underwriting.calibration import CalibrationReport, calibration_report
from liubu.underwriting.calibration import benchmarks as calibration_benchmarks
from liubu.underwriting.declarations import MAX_START_DAYS, Declarations, declaration_texts
from liubu.underwriting.eligibility import EligibilityFailure, check_eligibility
from liubu.underwriting.experience_credit import (
    CredibilitySettings,
    ExperienceCredit,
    SegmentExperience,
    credibility_settings,
    experience_credit,
)
from liubu.underwriting.filed import CoefficientLine, FiledPrice, filed_price
from liubu.underwriting.group_records import (
    Certificate,
    GroupMember,
    GroupPolicy,
    GroupScheme,
    MemberState,
    RegisteredEnterprise,
    SchemeKind,
    SchemeLink,
    SupplierAccess,
)
from liubu.underwriting.groups import (
    GroupProduct,
    Invitation,
    MemberEntry,
    accept_invitation,
    add_members,
    batch_scores,
    bind_group,
    create_scheme,
    decline_invitation,
    group_products,
    group_spec,
    leave_scheme,
    may_sponsor,
    my_invitations,
    quote_group,
    remove_member,
    scheme_view,
)
from liubu.underwriting.groups_links import (
    MAX_LINKS,
    InsuredScheme,
    LinkView,
    declare_link,
    remove_link,
    scheme_links,
    underwritten_scheme,
    underwritten_schemes,
)
from liubu.underwriting.labels import policy_label
from liubu.underwriting.lifecycle import (
    bind,
    cancel,
    decide_referral,
    decides_referrals,
    endorse_limit,
    option_breakdown,
    priced_product,
    record_premium_payment,
    records_payments,
    referral_queue,
    renew,
    request_quotes,
    snapshot_of,
)
from liubu.underwriting.loads import Loads, loads_for
from liubu.underwriting.options import BoundTerms, OptionStatus, PricedOption, QuoteDecision
from liubu.underwriting.policy_money import (
    CancellationRefund,
    CancellationRule,
    cancellation_refund,
    cancellation_rule_for,
    months_in_force,
    pro_rata_premium,
    short_rate_table,
)
from liubu.underwriting.premium_account import PremiumAccount, premium_account
from liubu.underwriting.quote import QuoteOption, price_option, price_options
from liubu.underwriting.reasons import UnderwritingCode
from liubu.underwriting.records import Policy, PolicyEvent, PolicyState, Quote
from liubu.underwriting.referral import (
    Referral,
    ReferralReason,
    ReferralRule,
    ReferralRules,
    evaluate_referral,
    referral_rules,
)
from liubu.underwriting.renewal import (
    RenewalTerm,
    TermChange,
    claims_history_coefficient,
    claims_history_level,
)
from liubu.underwriting.submission import EnterpriseSnapshot, Submission
from liubu.underwriting.technical import EngineSettings, TechnicalPrice, technical_price
from liubu.underwriting.terms import (
    CoverageMapping,
    OptionTerms,
    option_terms,
    retention_options,
    terms_for_option,
)
from liubu.underwriting.treatment import FiledPremiumAtScore, treatment_plan
from liubu.underwriting.worksheet import Step, Worksheet

__all__ = [
    "MAX_LINKS",
    "MAX_START_DAYS",
    "Applicant",
    "BookCapitalRatio",
    "BoundTerms",
    "CalibrationReport",
    "CancellationRefund",
    "CancellationRule",
    "Certificate",
    "CoefficientLine",
    "CoverageMapping",
    "CredibilitySettings",
    "Declarations",
    "EligibilityFailure",
    "EngineSettings",
    "EnterpriseSnapshot",
    "ExperienceCredit",
    "FiledPremiumAtScore",
    "FiledPrice",
    "GroupMember",
    "GroupPolicy",
    "GroupProduct",
    "GroupScheme",
    "InsuredScheme",
    "Invitation",
    "LinkView",
    "Loads",
    "MemberEntry",
    "MemberState",
    "OptionStatus",
    "OptionTerms",
    "OverrideAuthority",
    "Policy",
    "PolicyEvent",
    "PolicyState",
    "PremiumAccount",
    "PricedOption",
    "Quote",
    "QuoteDecision",
    "QuoteOption",
    "Referral",
    "ReferralReason",
    "ReferralRule",
    "ReferralRules",
    "RegisteredEnterprise",
    "RenewalTerm",
    "SchemeKind",
    "SchemeLink",
    "SegmentExperience",
    "Step",
    "Submission",
    "SupplierAccess",
    "TechnicalPrice",
    "TermChange",
    "UnderwritingCode",
    "Worksheet",
    "accept_invitation",
    "add_members",
    "authority_for",
    "batch_scores",
    "bind",
    "bind_group",
    "calibration_benchmarks",
    "calibration_report",
    "cancel",
    "cancellation_refund",
    "cancellation_rule_for",
    "check_eligibility",
    "check_override",
    "claims_history_coefficient",
    "claims_history_level",
    "create_scheme",
    "credibility_settings",
    "decide_referral",
    "decides_referrals",
    "declaration_texts",
    "declare_link",
    "decline_invitation",
    "endorse_limit",
    "evaluate_referral",
    "experience_credit",
    "filed_price",
    "group_products",
    "group_spec",
    "leave_scheme",
    "loads_for",
    "may_sponsor",
    "months_in_force",
    "my_invitations",
    "option_breakdown",
    "option_terms",
    "override_authorities",
    "policy_label",
    "premium_account",
    "price_option",
    "price_options",
    "priced_product",
    "pro_rata_premium",
    "quote_group",
    "record_premium_payment",
    "records_payments",
    "referral_queue",
    "referral_rules",
    "remove_link",
    "remove_member",
    "renew",
    "request_quotes",
    "retention_options",
    "scheme_links",
    "scheme_view",
    "short_rate_table",
    "snapshot_of",
    "technical_price",
    "terms_for_option",
    "treatment_plan",
    "underwritten_scheme",
    "underwritten_schemes",
]
