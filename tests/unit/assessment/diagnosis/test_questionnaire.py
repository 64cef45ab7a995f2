"""The questionnaire: its size and languages, its mappings against the published frameworks, and
its conditional questions."""

from __future__ import annotations

import re

import pytest

from liubu.assessment.questionnaire import (
    Questionnaire,
    QuestionType,
    Visibility,
    parse_questionnaire,
)
from liubu.errors import ConfigurationError

from .conftest import DATA

# GB/T 22239-2019, 8.1 (level 3, general requirements): the ten areas and their control points.
MLPS = {
    "安全物理环境": {
        "物理位置选择",
        "物理访问控制",
        "防盗窃和防破坏",
        "防雷击",
        "防火",
        "防水和防潮",
        "防静电",
        "温湿度控制",
        "电力供应",
        "电磁防护",
    },
    "安全通信网络": {"网络架构", "通信传输", "可信验证"},
    "安全区域边界": {
        "边界防护",
        "访问控制",
        "入侵防范",
        "恶意代码和垃圾邮件防范",
        "安全审计",
        "可信验证",
    },
    "安全计算环境": {
        "身份鉴别",
        "访问控制",
        "安全审计",
        "入侵防范",
        "恶意代码防范",
        "可信验证",
        "数据完整性",
        "数据保密性",
        "数据备份恢复",
        "剩余信息保护",
        "个人信息保护",
    },
    "安全管理中心": {"系统管理", "审计管理", "安全管理", "集中管控"},
    "安全管理制度": {"安全策略", "管理制度", "制定和发布", "评审和修订"},
    "安全管理机构": {"岗位设置", "人员配备", "授权和审批", "沟通和合作", "审核和检查"},
    "安全管理人员": {"人员录用", "人员离岗", "安全意识教育和培训", "外部人员访问管理"},
    "安全建设管理": {
        "定级和备案",
        "安全方案设计",
        "产品采购和使用",
        "自行软件开发",
        "外包软件开发",
        "工程实施",
        "测试验收",
        "系统交付",
        "等级测评",
        "服务供应商选择",
    },
    "安全运维管理": {
        "环境管理",
        "资产管理",
        "介质管理",
        "设备维护管理",
        "漏洞和风险管理",
        "网络和系统安全管理",
        "恶意代码防范管理",
        "配置管理",
        "密码管理",
        "变更管理",
        "备份与恢复管理",
        "安全事件处置",
        "应急预案管理",
        "外包运维管理",
    },
}
# NIST CSF 2.0 (CSWP 29): six functions, 22 categories.
CSF_FUNCTIONS = {"GV", "ID", "PR", "DE", "RS", "RC"}
CSF_CATEGORIES = {
    "GV.OC",
    "GV.RM",
    "GV.RR",
    "GV.PO",
    "GV.OV",
    "GV.SC",
    "ID.AM",
    "ID.RA",
    "ID.IM",
    "PR.AA",
    "PR.AT",
    "PR.DS",
    "PR.PS",
    "PR.IR",
    "DE.CM",
    "DE.AE",
    "RS.MA",
    "RS.AN",
    "RS.CO",
    "RS.MI",
    "RC.RP",
    "RC.CO",
}
# CIS Controls v8: safeguards per control (153 in all).
CIS_V8 = {
    1: 5,
    2: 7,
    3: 14,
    4: 12,
    5: 6,
    6: 8,
    7: 7,
    8: 12,
    9: 7,
    10: 7,
    11: 5,
    12: 8,
    13: 11,
    14: 9,
    15: 7,
    16: 14,
    17: 9,
    18: 5,
}
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_questionnaire_has_about_forty_questions(questionnaire: Questionnaire) -> None:
    assert 35 <= len(questionnaire.questions) <= 50
    assert len(set(questionnaire.ids)) == len(questionnaire.ids)


def test_every_question_and_option_is_in_chinese_and_english(
    questionnaire: Questionnaire,
) -> None:
    for question in questionnaire.questions:
        texts = [question.text, *(option.text for option in question.options)]
        for text in texts:
            assert HAN.search(text.zh), question.id
            assert text.en.isascii() or not HAN.search(text.en), question.id
            assert text.en.strip(), question.id


def test_the_controls_claims_data_singles_out_are_all_asked(questionnaire: Questionnaire) -> None:
    for question_id in (
        "mfa.email",
        "mfa.remote_access",
        "mfa.admin",
        "edr.coverage",
        "backup.offline",
        "backup.restore_test_months",
        "patch.critical_days",
        "pam.tool",
        "log.central",
        "log.monitoring",
        "email.filtering",
        "ir.plan",
        "ir.exercise_months",
        "training.awareness",
        "vendor.assessment",
        "payments.callback",
        "network.segmentation",
        "eol.software",
    ):
        assert questionnaire.has(question_id), question_id


def test_mlps_areas_are_the_ten_of_gbt_22239_2019(questionnaire: Questionnaire) -> None:
    assert {k: set(v) for k, v in questionnaire.mlps_areas.items()} == MLPS


def test_every_question_maps_to_mlps_control_points(questionnaire: Questionnaire) -> None:
    for question in questionnaire.questions:
        assert question.mappings.mlps, question.id
        for ref in question.mappings.mlps:
            area, point = ref.split("/")
            assert point in MLPS[area], (question.id, ref)


def test_csf_functions_are_exactly_the_six_of_csf_2_0(questionnaire: Questionnaire) -> None:
    used = set()
    for question in questionnaire.questions:
        assert question.mappings.nist_csf, question.id
        for ref in question.mappings.nist_csf:
            assert re.fullmatch(r"[A-Z]{2}\.[A-Z]{2}-\d{2}", ref), ref
            assert ref[:5] in CSF_CATEGORIES, ref
            used.add(ref[:2])
    assert set(questionnaire.csf_categories) == CSF_CATEGORIES
    assert used <= CSF_FUNCTIONS
    # The questionnaire covers every function but Respond's analysis and Recover's comms.
    assert used == CSF_FUNCTIONS


def test_every_question_maps_to_existing_cis_v8_safeguards(questionnaire: Questionnaire) -> None:
    assert dict(questionnaire.cis_safeguards) == CIS_V8
    assert sum(CIS_V8.values()) == 153
    for question in questionnaire.questions:
        assert question.mappings.cis_v8, question.id
        for ref in question.mappings.cis_v8:
            control, safeguard = (int(part) for part in ref.split("."))
            assert 1 <= safeguard <= CIS_V8[control], (question.id, ref)


def test_conditional_question_depends_on_its_context_answer(questionnaire: Questionnaire) -> None:
    assert questionnaire.visibility({})["mfa.remote_access"] is Visibility.UNDETERMINED
    shown = questionnaire.visibility({"ctx.remote_access": "yes"})
    assert shown["mfa.remote_access"] is Visibility.SHOWN
    assert shown["vendor.remote_access"] is Visibility.SHOWN
    hidden = questionnaire.visibility({"ctx.remote_access": "no"})
    assert hidden["mfa.remote_access"] is Visibility.NOT_APPLICABLE
    assert hidden["mfa.email"] is Visibility.SHOWN


def test_backup_details_are_asked_only_when_there_are_backups(
    questionnaire: Questionnaire,
) -> None:
    children = ("backup.offline", "backup.separate_access", "backup.restore_test_months")
    for answer, expected in (
        ("yes", Visibility.SHOWN),
        ("partial", Visibility.SHOWN),
        ("no", Visibility.NOT_APPLICABLE),
    ):
        shown = questionnaire.visibility({"backup.exists": answer})
        assert [shown[c] for c in children] == [expected] * 3


def test_question_types_and_evidence_requests(questionnaire: Questionnaire) -> None:
    assert questionnaire.question("patch.critical_days").type is QuestionType.NUMBER
    assert questionnaire.question("edr.coverage").values == (
        "none",
        "antivirus",
        "edr_partial",
        "edr_all",
    )
    assert questionnaire.question("mfa.email").values == ("yes", "partial", "no")
    evidence = questionnaire.question("backup.offline").evidence
    assert evidence is not None
    assert evidence.applies("yes")
    assert not evidence.applies("no")


def test_condition_on_a_later_question_is_refused_with_its_line() -> None:
    text = (DATA / "questionnaire.yaml").read_text(encoding="utf-8")
    broken = text.replace(
        'show_if: {question: ctx.remote_access, in: ["yes"]}\n    text:\n      zh: 所有远程访问',
        'show_if: {question: network.ddos, in: ["yes"]}\n    text:\n      zh: 所有远程访问',
    )
    assert broken != text
    with pytest.raises(
        ConfigurationError, match=r"not an earlier question.*questionnaire.yaml:\d+"
    ):
        parse_questionnaire(broken)


def test_mapping_to_a_safeguard_cis_v8_lacks_is_refused() -> None:
    text = (DATA / "questionnaire.yaml").read_text(encoding="utf-8")
    broken = text.replace('cis_v8: ["6.3"]}', 'cis_v8: ["6.9"]}', 1)
    with pytest.raises(ConfigurationError, match=r"6\.9"):
        parse_questionnaire(broken)


def test_every_mlps_reference_has_an_english_name_and_keeps_the_standards_chinese(
    questionnaire: Questionnaire,
) -> None:
    cjk = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
    for question in questionnaire.questions:
        for ref in question.mappings.mlps:
            name = questionnaire.mlps_name(ref)
            assert name.zh == ref, ref
            assert not cjk.search(name.en), (ref, name.en)
            area, point = name.en.split(" / ")
            assert area, name.en
            assert point, name.en
    # Every control point of the standard is named, not only those the questions cite.
    assert set(questionnaire.mlps_names) == {
        f"{a}/{p}" for a, points in MLPS.items() for p in points
    }
