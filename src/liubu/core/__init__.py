"""liubu.core: shared values, pure (imports nothing of liubu but ``liubu.errors``).

- :class:`Money`: CNY amounts as exact Decimals, rounded half-up to the fen where documented.
- Identifiers with their published checks: :class:`UnifiedSocialCreditCode` (统一社会信用代码,
  GB 32100-2015), :class:`ResidentId` (公民身份号码, GB 11643-1999), :class:`MobileNumber`.
- :class:`Industry` (国民经济行业分类, GB/T 4754-2017) and :class:`Region` (行政区划代码,
  GB/T 2260).
- :class:`Period` of cover, :func:`to_shanghai` for display times and :func:`shanghai_today`
  for the calendar date policies are written in.
- Personal data (个人信息): :class:`PersonalDataCipher` (AES-256-GCM at rest, keyed lookup hash)
  and the masks shown on screen.
"""

from liubu.core.identifiers import (
    MobileNumber,
    RegistrationAuthority,
    ResidentId,
    Sex,
    UnifiedSocialCreditCode,
    parse_mobile,
    parse_resident_id,
    parse_uscc,
    registration_authorities,
    resident_id_check_character,
    uscc_check_character,
    uscc_with_check,
)
from liubu.core.industry import (
    Industry,
    IndustryDivision,
    IndustrySection,
    industry_divisions,
    industry_sections,
    parse_industry,
)
from liubu.core.money import FEN, Money, half_up
from liubu.core.period import Period, shanghai_today, to_shanghai
from liubu.core.personal import PersonalDataCipher, mask_mobile, mask_name, mask_resident_id
from liubu.core.reasons import CoreCode
from liubu.core.region import Province, Region, RegionLevel, parse_region, provinces

__all__ = [
    "FEN",
    "CoreCode",
    "Industry",
    "IndustryDivision",
    "IndustrySection",
    "MobileNumber",
    "Money",
    "Period",
    "PersonalDataCipher",
    "Province",
    "Region",
    "RegionLevel",
    "RegistrationAuthority",
    "ResidentId",
    "Sex",
    "UnifiedSocialCreditCode",
    "half_up",
    "industry_divisions",
    "industry_sections",
    "mask_mobile",
    "mask_name",
    "mask_resident_id",
    "parse_industry",
    "parse_mobile",
    "parse_region",
    "parse_resident_id",
    "parse_uscc",
    "provinces",
    "registration_authorities",
    "resident_id_check_character",
    "shanghai_today",
    "to_shanghai",
    "uscc_check_character",
    "uscc_with_check",
]
