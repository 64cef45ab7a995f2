"""Notifications on real databases, a real SMTP server (aiosmtpd) and a real HTTP receiver
(http.server), all on 127.0.0.1.

- A high alert opened by monitoring is announced in its own transaction to the insurer and the
  insured (in-app by default); recording it again announces nothing.
- An e-mail rule's address is stored only sealed and shown masked; the publication queues the
  ``notify.deliver`` job, and the worker's run sends the e-mail to the SMTP server, Chinese
  first, English below.
- A webhook that fails three times (HTTP 503, too slow, HTTP 429) is retried with backoff and
  accepted the fourth time; the receiver verifies the signature with ``hmac`` on its own; a 400
  receiver makes the delivery dead after one attempt; the tenant admin retries it and it is sent.
- A webhook URL on a private or (without the test setting) loopback address is refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from liubu import monitoring, notify
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.errors import ConcurrencyError, ConflictError, PermissionDeniedError
from liubu.notify import Bilingual, Channel, DeliveryStatus, Event, EventKind, RetryPolicy
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import IN_TERM, build_world
from tests.integration.notify_servers import (  # noqa: F401 - fixtures
    SECRET,
    TOO_SLOW,
    Inbox,
    Receiver,
    http_receiver,
    smtp_server,
)
from tests.unit.monitoring.realdata import feodo_observation, feodo_rows, require_shared

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
RETRY = RetryPolicy(max_attempts=4, base=timedelta(minutes=1), factor=2)


# --- helpers -----------------------------------------------------------------------------------


def _admin(platform: Platform, name: str) -> Principal:
    return make_tenant(platform, OrgKind.INSURER, name, Role.ADMIN).principal


def _event(tenant_id: str, subject: str = "alert-1") -> Event:
    return Event(
        kind=EventKind.ALERT_OPENED,
        subject_id=subject,
        audiences=(tenant_id,),
        title=Bilingual(zh="高危监控告警：203.0.113.7", en="High monitoring alert: 203.0.113.7"),
        body=Bilingual(zh="请查看告警。", en="Please review the alert."),
        link="/steps/monitoring",
        occurred_at=NOW,
    )


def _publish(platform: Platform, event: Event) -> None:
    with platform.uow(SYSTEM) as uow:
        notify.publish(uow, event, retry=RETRY)
        uow.commit()


def _deliver(platform: Platform, at: datetime) -> notify.DeliveryReport:
    return notify.deliver_due(
        lambda: platform.uow(SYSTEM),
        senders=platform.notification_senders(),
        cipher=platform.cipher,
        retry=RETRY,
        base_url="https://liubu.example",
        now=at,
    )


def _loopback_platform(platform: Platform, **settings: object) -> Platform:
    platform.settings = platform.settings.model_copy(
        update={"notify_allow_loopback": True, **settings}
    )
    return platform


# --- tests -------------------------------------------------------------------------------------


def test_a_high_alert_is_announced_in_app_to_the_insurer_and_the_insured_once(
    platform: Platform,
) -> None:
    require_shared()
    world = build_world(platform)
    row = next(r for r in feodo_rows() if r["dst_ip"] == world.insured_ip)
    batch = [feodo_observation(row)]
    monitoring.record_observations(platform.uow(SYSTEM), batch, now=IN_TERM)
    monitoring.record_observations(platform.uow(SYSTEM), batch, now=IN_TERM)  # a duplicate
    (alert,) = monitoring.list_alerts(platform.uow(world.underwriter))
    for principal in (world.buyer, world.underwriter):
        assert notify.unread_count(platform.uow(principal)) == 1
        (item,) = notify.inbox(platform.uow(principal))
        assert item.notification.subject_id == alert.id
        assert item.notification.event_kind == "monitoring.alert_opened"
        assert world.insured_ip in item.notification.title_en
        assert item.unread
    assert notify.mark_read(platform.uow(world.buyer)) == 1
    assert notify.unread_count(platform.uow(world.buyer)) == 0
    assert notify.unread_count(platform.uow(world.underwriter)) == 1  # read per recipient
    # in-app only by default: nothing owed to e-mail or webhooks
    assert _deliver(platform, IN_TERM) == notify.DeliveryReport()


def test_an_email_rule_is_sealed_masked_and_delivers_chinese_first(
    platform: Platform, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    platform.settings = platform.settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_sender": "alerts@liubu.test",
            "public_url": "https://liubu.example",
        }
    )
    admin = _admin(platform, "Mail insurer")
    rule = notify.add_rule(
        platform.uow(admin),
        event_kind="monitoring.alert_opened",
        channel="email",
        target="soc.lead@insurer.example",
        cipher=platform.cipher,
        allowed=platform.outbound_allowed(),
    )
    assert rule.target == "s***@insurer.example"
    with pytest.raises(ConflictError):
        notify.add_rule(
            platform.uow(admin),
            event_kind="monitoring.alert_opened",
            channel="email",
            target="SOC.lead@insurer.example",
            cipher=platform.cipher,
            allowed=platform.outbound_allowed(),
        )
    with platform.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT * FROM notify_rules")).all()
    assert b"soc.lead" not in repr(stored).encode()
    _publish(platform, _event(admin.tenant_id))
    # the publication queued the job that sends it; a worker runs it at once
    job = platform.worker().run_once()
    assert job is not None
    assert (job.kind, str(job.state)) == ("notify.deliver", "succeeded")
    assert json.loads(job.result or "") == {"sent": 1, "retrying": 0, "dead": 0}
    assert platform.worker().run_once() is None  # one job per publication, and it has run
    (message,) = inbox.messages
    assert inbox.recipients == [["soc.lead@insurer.example"]]
    assert message["From"] == "alerts@liubu.test"
    text = message.get_payload(decode=True).decode("utf-8")
    assert text.index("高危监控告警") < text.index("High monitoring alert")
    assert "https://liubu.example/steps/monitoring" in text
    # an e-mail rule adds to the in-app default
    assert notify.unread_count(platform.uow(admin)) == 1
    assert _deliver(platform, NOW + timedelta(hours=1)) == notify.DeliveryReport()


def _webhook_rule(platform: Platform, admin: Principal, port: int) -> notify.Rule:
    return notify.add_rule(
        platform.uow(admin),
        event_kind="monitoring.alert_opened",
        channel="webhook",
        target=f"http://127.0.0.1:{port}/hooks/liubu",
        secret=SECRET,
        cipher=platform.cipher,
        allowed=platform.outbound_allowed(),
    )


def test_a_webhook_failing_with_5xx_timeout_and_429_is_retried_with_backoff_and_verifies(
    platform: Platform, receiver: Receiver
) -> None:
    _loopback_platform(platform, webhook_timeout_seconds=0.5)
    admin = _admin(platform, "Hook insurer")
    rule = _webhook_rule(platform, admin, receiver.port)
    assert rule.secret_hint == "••••cdef"
    receiver.answers = [503, TOO_SLOW, 429]
    _publish(platform, _event(admin.tenant_id))
    assert _deliver(platform, NOW) == notify.DeliveryReport(retrying=1)
    # not due before the backoff (1 minute after the first failure, 2 after the second)
    assert _deliver(platform, NOW + timedelta(seconds=59)) == notify.DeliveryReport()
    assert _deliver(platform, NOW + timedelta(minutes=1)) == notify.DeliveryReport(retrying=1)
    assert _deliver(platform, NOW + timedelta(minutes=2)) == notify.DeliveryReport()
    assert _deliver(platform, NOW + timedelta(minutes=3)) == notify.DeliveryReport(retrying=1)
    # third failure (429): due 4 minutes later
    assert _deliver(platform, NOW + timedelta(minutes=6)) == notify.DeliveryReport()
    assert _deliver(platform, NOW + timedelta(minutes=7)) == notify.DeliveryReport(sent=1)
    assert len(receiver.calls) == 4
    ids = {headers["x-liubu-delivery"] for headers, _body in receiver.calls}
    assert len(ids) == 1  # the receiver's idempotence key is the same on every attempt
    for headers, body in receiver.calls:
        signed = headers["x-liubu-timestamp"].encode() + b"." + body
        expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-liubu-signature"], f"sha256={expected}")
    document = json.loads(receiver.calls[-1][1])
    assert document["id"] in ids
    assert document["event"] == "monitoring.alert_opened"
    assert document["title"]["zh"].startswith("高危")
    assert document["link"] == "https://liubu.example/steps/monitoring"
    assert notify.dead_letters(platform.uow(admin)) == []


def test_a_4xx_receiver_makes_the_delivery_dead_at_once_and_the_admin_retries_it(
    platform: Platform, receiver: Receiver
) -> None:
    _loopback_platform(platform)
    admin = _admin(platform, "Strict insurer")
    _webhook_rule(platform, admin, receiver.port)
    receiver.answers = [400]
    _publish(platform, _event(admin.tenant_id))
    assert _deliver(platform, NOW) == notify.DeliveryReport(dead=1)
    (dead,) = notify.dead_letters(platform.uow(admin))
    assert (dead.status, dead.attempts) == (DeliveryStatus.DEAD, 1)
    assert "400" in (dead.last_error or "")
    other = _admin(platform, "Other insurer")
    assert notify.dead_letters(platform.uow(other)) == []
    with pytest.raises(Exception, match="No delivery"):
        notify.retry_delivery(platform.uow(other), dead.id)
    again = notify.retry_delivery(platform.uow(admin), dead.id, retry=RETRY, now=NOW)
    assert (again.status, again.attempts) == (DeliveryStatus.PENDING, 0)
    with pytest.raises(ConflictError):
        notify.retry_delivery(platform.uow(admin), dead.id)
    assert _deliver(platform, NOW + timedelta(seconds=1)) == notify.DeliveryReport(sent=1)
    assert notify.dead_letters(platform.uow(admin)) == []
    assert len(receiver.calls) == 2


def test_a_webhook_on_a_private_or_loopback_address_is_refused(platform: Platform) -> None:
    admin = _admin(platform, "Careless insurer")
    for url in ("http://10.1.2.3/hook", "http://127.0.0.1:9/hook", "http://[::1]/hook"):
        with pytest.raises(PermissionDeniedError) as refused:
            notify.add_rule(
                platform.uow(admin),
                event_kind="monitoring.alert_opened",
                channel=str(Channel.WEBHOOK),
                target=url,
                secret=SECRET,
                cipher=platform.cipher,
                allowed=platform.outbound_allowed(),
            )
        assert refused.value.code == "notify.private_url"
    # the test setting admits loopback, never a private network
    _loopback_platform(platform)
    with pytest.raises(PermissionDeniedError):
        notify.add_rule(
            platform.uow(admin),
            event_kind="monitoring.alert_opened",
            channel="webhook",
            target="http://192.168.1.10/hook",
            secret=SECRET,
            cipher=platform.cipher,
            allowed=platform.outbound_allowed(),
        )
    # only the in-app defaults, one per event kind told by default
    assert sorted((r.id, r.channel, r.target) for r in notify.list_rules(platform.uow(admin))) == [
        (f"default:{kind}", Channel.IN_APP, "all") for kind in sorted(notify.DEFAULT_IN_APP)
    ]


def test_two_deliverers_at_once_send_each_delivery_exactly_once(
    platform: Platform, receiver: Receiver
) -> None:
    _loopback_platform(platform)
    admin = _admin(platform, "Busy insurer")
    _webhook_rule(platform, admin, receiver.port)
    for serial in range(6):
        _publish(platform, _event(admin.tenant_id, subject=f"alert-{serial}"))
    start = threading.Barrier(2)
    reports: list[notify.DeliveryReport] = []
    lost: list[Exception] = []

    def run() -> None:
        start.wait()
        try:
            reports.append(_deliver(platform, NOW))
        except ConcurrencyError as error:  # a busy SQLite: the job would simply run again
            lost.append(error)

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    reports.append(_deliver(platform, NOW + timedelta(minutes=5)))  # after the claims lapse
    ids = [headers["x-liubu-delivery"] for headers, _body in receiver.calls]
    assert len(ids) == len(set(ids)) == 6
    assert sum(report.sent for report in reports) == 6


def test_an_in_app_rule_for_a_role_or_a_user_replaces_the_default_to_everyone(
    platform: Platform,
) -> None:
    from liubu.accounts import service as accounts
    from tests.integration.helpers import PASSWORD

    admin = _admin(platform, "Quiet insurer")
    with platform.uow(SYSTEM) as uow:
        organisation = uow.organisations.get(admin.tenant_id)
        users = {
            role: accounts.principal_for(
                accounts.create_user(
                    uow, tenant_id=admin.tenant_id, username=f"quiet-{role}", password=PASSWORD,
                    roles=[role],
                ),
                organisation,
            )
            for role in (Role.UNDERWRITER, Role.ACTUARY)
        }  # fmt: skip
        uow.commit()
    everyone = (admin, *users.values())
    _publish(platform, _event(admin.tenant_id, subject="before"))
    assert [notify.unread_count(platform.uow(p)) for p in everyone] == [1, 1, 1]
    for target in ("role:underwriter", "user:quiet-actuary"):
        notify.add_rule(
            platform.uow(admin),
            event_kind="monitoring.alert_opened",
            channel="in_app",
            target=target,
            cipher=platform.cipher,
            allowed=platform.outbound_allowed(),
        )
    later = dataclasses.replace(_event(admin.tenant_id, subject="after"), occurred_at=NOW + MINUTE)
    _publish(platform, later)
    assert [notify.unread_count(platform.uow(p)) for p in everyone] == [1, 2, 2]
    (first, _older) = notify.inbox(platform.uow(users[Role.UNDERWRITER]))
    assert first.notification.subject_id == "after"
    # another tenant's user sees none of it
    outsider = _admin(platform, "Other tenant")
    assert notify.inbox(platform.uow(outsider)) == []
