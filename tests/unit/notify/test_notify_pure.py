"""The pure parts of notifications against independent truths: the backoff schedule in closed
form, the webhook signature recomputed with ``hmac`` from its documented recipe, the bounded and
masked targets, the bilingual e-mail's order, and which rules are in effect."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from liubu.errors import PermissionDeniedError, ValidationError
from liubu.notify import (
    DEFAULT_IN_APP,
    Bilingual,
    Channel,
    Event,
    EventKind,
    Notification,
    Outgoing,
    RetryPolicy,
    Rule,
    email_message,
    mask_email,
    mask_secret,
    signature,
    verify,
    webhook_body,
)
from liubu.notify.service import rules_in_effect
from liubu.notify.targets import check_audience, check_email, check_url, checked_addresses

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_the_wait_doubles_from_the_base_up_to_the_cap() -> None:
    policy = RetryPolicy(base=timedelta(minutes=1), factor=2, cap=timedelta(minutes=10))
    waits = [policy.wait_after(n) for n in range(1, 7)]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 10, 10)]
    assert policy.next_attempt(3, AT) == AT + timedelta(minutes=4)
    with pytest.raises(ValidationError):
        RetryPolicy(max_attempts=0)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    body = '{"id":"d1","title":{"zh":"告警"}}'.encode()
    expected = hmac.new(b"s3cret-s3cret-s3", b"1780000000." + body, hashlib.sha256).hexdigest()
    header = signature("s3cret-s3cret-s3", 1780000000, body)
    assert header == f"sha256={expected}"
    assert verify("s3cret-s3cret-s3", 1780000000, body, header)
    assert not verify("s3cret-s3cret-s3", 1780000001, body, header)  # another time
    assert not verify("s3cret-s3cret-s3", 1780000000, body + b" ", header)  # another body


def test_targets_are_bounded_and_masked() -> None:
    assert check_audience("role:admin") == "role:admin"
    assert check_audience("user:li.wei") == "user:li.wei"
    for bad in ("role:boss", "everyone", "user:", "user:" + "x" * 65):
        with pytest.raises(ValidationError):
            check_audience(bad)
    assert mask_email(check_email(" soc@insurer.example ")) == "s***@insurer.example"
    for bad in ("no-at.example", "a@b", "a@b.example\nBcc: x@y.example", "a" * 250 + "@b.cn"):
        with pytest.raises(ValidationError):
            check_email(bad)
    assert mask_secret("0123456789abcdef") == "••••cdef"
    assert check_url("https://hooks.example/x?y=1") == ("https://hooks.example/x?y=1",
                                                       "hooks.example", 443)  # fmt: skip
    for bad in ("ftp://x.example/", "https://user:pw@x.example/", "https://", "http://a b/"):
        with pytest.raises(ValidationError):
            check_url(bad)


def test_a_name_resolving_to_any_private_address_is_refused() -> None:
    public_only = lambda address: not address.startswith(("10.", "127."))  # noqa: E731

    def resolve(host: str, port: int) -> list[str]:
        return {"mixed.example": ["203.0.113.9", "10.0.0.5"], "ok.example": ["203.0.113.9"]}[host]

    assert checked_addresses("https://ok.example/h", allowed=public_only, resolve=resolve) == [
        "203.0.113.9"
    ]
    with pytest.raises(PermissionDeniedError) as refused:
        checked_addresses("https://mixed.example/h", allowed=public_only, resolve=resolve)
    assert refused.value.detail["addresses"] == ["10.0.0.5"]


def _notification() -> Notification:
    return Notification(
        id="n1", tenant_id="t1", event_kind=EventKind.ALERT_OPENED, subject_id="a1",
        title_zh="严重监控告警", title_en="Critical monitoring alert", body_zh="请处置。",
        body_en="Please act.", link="/steps/monitoring", created_at=AT,
    )  # fmt: skip


def test_the_email_is_plain_text_chinese_first_with_the_link() -> None:
    outgoing = Outgoing("d1", _notification(), "soc@insurer.example", base_url="https://l.cn/")
    message = email_message(outgoing, sender="liubu@l.cn")
    text = message.get_content()
    assert message.get_content_type() == "text/plain"
    assert text.index("严重监控告警") < text.index("请处置") < text.index("Critical monitoring")
    assert text.count("https://l.cn/steps/monitoring") == 2
    assert message["Subject"] == "严重监控告警 | Critical monitoring alert"


def test_the_webhook_body_names_the_delivery_and_both_languages() -> None:
    body = webhook_body(Outgoing("d1", _notification(), "https://h.example/"))
    assert body.startswith(b'{"id":"d1","event":"monitoring.alert_opened"')
    assert "严重监控告警".encode() in body


def test_events_are_bounded() -> None:
    with pytest.raises(ValidationError):
        Event(EventKind.ALERT_OPENED, "a1", ("t1",), Bilingual("标题", "x" * 201),
              Bilingual("正文", "Body"), "/p", AT)  # fmt: skip
    with pytest.raises(ValidationError):
        Event(EventKind.ALERT_OPENED, "a1", (), Bilingual("标题", "Title"),
              Bilingual("正文", "Body"), "/p", AT)  # fmt: skip
    with pytest.raises(ValidationError):  # a title that would break an e-mail header
        Event(EventKind.ALERT_OPENED, "a1", ("t1",), Bilingual("标题", "Title\nBcc: x@y.cn"),
              Bilingual("正文", "Body"), "/p", AT)  # fmt: skip
    for outside in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        with pytest.raises(ValidationError):
            Event(EventKind.ALERT_OPENED, "a1", ("t1",), Bilingual("标题", "Title"),
                  Bilingual("正文", "Body"), outside, AT)  # fmt: skip
    with pytest.raises(ValidationError):  # an outside link
        Event(EventKind.ALERT_OPENED, "a1", ("t1",), Bilingual("标题", "Title"),
              Bilingual("正文", "Body"), "https://evil.example/", AT)  # fmt: skip


def _rule(channel: Channel, target: str) -> Rule:
    return Rule(f"r-{target}", "t1", EventKind.ALERT_OPENED, channel, target, AT, "u1")


def test_the_in_app_default_holds_until_the_tenant_has_an_in_app_rule() -> None:
    # one in-app rule to everyone per event kind told by default
    defaults = rules_in_effect([], "t1", at=AT)
    assert sorted(r.event_kind for r in defaults) == sorted(DEFAULT_IN_APP)
    assert {(r.channel, r.target) for r in defaults} == {(Channel.IN_APP, "all")}
    mail = _rule(Channel.EMAIL, "s***@x.cn")
    assert [r.target for r in rules_in_effect([mail], "t1", at=AT)] == ["s***@x.cn"] + [
        "all"
    ] * len(DEFAULT_IN_APP)
    admins = _rule(Channel.IN_APP, "role:admin")
    assert rules_in_effect([mail, admins], "t1", at=AT) == [mail, admins]
