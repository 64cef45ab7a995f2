"""``liubu monitor`` and ``liubu alerts`` as a user runs them: the watch list and the alerts
print what the store holds, and recording the same observation file twice alerts once."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from liubu import monitoring
from liubu.accounts.model import SYSTEM
from liubu.bootstrap import bootstrap
from liubu.config import load_settings
from liubu.core import shanghai_today
from tests.e2e.cli import run_cli
from tests.integration.monitoring_world import APACHE, DOMAIN, build_world
from tests.unit.monitoring.realdata import (
    APACHE_CVE,
    SHARED,
    feodo_observation,
    feodo_rows,
    kev_entry,
    kev_observation,
    require_shared,
)


def _line(observation: monitoring.Observation) -> str:
    return json.dumps(
        {
            "kind": str(observation.kind),
            "value": observation.value,
            "source": observation.source,
            "rule": observation.rule,
            "severity": str(observation.severity),
            "seen_at": observation.seen_at.isoformat(),
            "fingerprint": observation.fingerprint,
            "evidence": dict(observation.evidence),
        }
    )


def test_the_watch_list_and_alerts_in_the_cli(tmp_path: Path) -> None:
    require_shared()
    platform = bootstrap(load_settings(env="development", data_dir=tmp_path), upgrade_schema=True)
    try:
        today = shanghai_today()
        world = build_world(platform, start=today - timedelta(days=100))
        with platform.uow(SYSTEM) as uow:
            expected_watch = [a.as_dict() for a in monitoring.watchlist(uow)]
    finally:
        platform.dispose()
    listed = run_cli("monitor", "watchlist", "--json", data_dir=tmp_path, check=True)
    assert json.loads(listed.stdout) == expected_watch
    assert {(w["kind"], w["value"]) for w in expected_watch} == {
        ("ipv4", world.insured_ip),
        ("domain", DOMAIN),
        ("cpe", APACHE),
    }
    assert {w["policy_number"] for w in expected_watch} == {world.policy_number}
    table = run_cli("monitor", "watchlist", data_dir=tmp_path, check=True).stdout
    assert world.policy_number in table
    assert "3 watched asset(s)" in table

    lines = [
        _line(kev_observation(kev_entry(APACHE_CVE))),
        *(_line(feodo_observation(row)) for row in feodo_rows()),
        "{not json",
    ]
    observations = tmp_path / "observations.jsonl"
    observations.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = run_cli("monitor", "record", str(observations), "--json", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout)
    assert counts["read"] == len(lines) - 1
    assert (counts["alerted"], counts["duplicates"], counts["rejected"]) == (2, 0, 1)
    assert f"line {len(lines)}:" in first.stderr
    again = run_cli("monitor", "record", str(observations), "--json", data_dir=tmp_path)
    assert json.loads(again.stdout)["duplicates"] == len(lines) - 1
    assert json.loads(again.stdout)["alerted"] == 0

    shown = run_cli("alerts", "list", "--json", data_dir=tmp_path, check=True)
    alerts = json.loads(shown.stdout)
    platform = bootstrap(load_settings(env="development", data_dir=tmp_path))
    try:
        stored = monitoring.list_alerts(platform.uow(SYSTEM))
    finally:
        platform.dispose()
    assert [a["id"] for a in alerts] == [a.id for a in stored]
    assert {(a["asset"], a["indicator"]) for a in alerts} == {
        (APACHE, APACHE_CVE),
        (world.insured_ip, world.insured_ip),
    }
    mine = run_cli(
        "alerts", "list", "--enterprise", world.enterprise_id, "--status", "open", "--json",
        data_dir=tmp_path, check=True,
    )  # fmt: skip
    assert len(json.loads(mine.stdout)) == 2
    refused = run_cli("alerts", "list", "--status", "archived", data_dir=tmp_path)
    assert refused.returncode != 0
    assert "not an alert status" in refused.stderr

    # the lifecycle, as the platform's operator runs it
    (blocked,) = [a["id"] for a in alerts if a["asset"] == world.insured_ip]
    (kev,) = [a["id"] for a in alerts if a["asset"] == APACHE]

    def alert_cli(*words: str) -> dict[str, object]:
        done = run_cli("alerts", *words, "--json", data_dir=tmp_path)
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    assert alert_cli("ack", blocked)["status"] == "acknowledged"
    assert alert_cli("remediate", blocked)["status"] == "remediation"
    bare = run_cli("alerts", "fixed", blocked, data_dir=tmp_path)
    assert bare.returncode != 0
    assert "Say what was fixed" in bare.stderr
    assert alert_cli("fixed", blocked, "--note", "C2 beacon removed")["status"] == "fix_reported"
    blind = run_cli("alerts", "verify", blocked, data_dir=tmp_path)
    assert "A rescan cannot see" in blind.stderr
    assert alert_cli("accept", blocked)["status"] == "fixed"
    closed = alert_cli("close", blocked)
    assert closed["status"] == "closed"
    assert [h["action"] for h in closed["history"]] == [  # type: ignore[union-attr]
        "acknowledge", "remediate", "report_fix", "accept", "close",
    ]  # fmt: skip
    illegal = run_cli("alerts", "ack", blocked, data_dir=tmp_path)
    assert "cannot be given 'acknowledge'" in illegal.stderr
    vague = run_cli("alerts", "false-positive", kev, "--reason", "meh", data_dir=tmp_path)
    assert "needs one of these reasons" in vague.stderr
    marked = alert_cli("false-positive", kev, "--reason", "not_affected")
    assert (marked["status"], marked["resolution"]) == ("false_positive", "not_affected")
    precision = json.loads(run_cli("alerts", "precision", "--json", data_dir=tmp_path).stdout)
    assert [(p["source"], p["alerts"], p["false_positives"]) for p in precision] == [
        ("kev", 1, 1),
        ("feodo", 1, 0),
    ]


def test_ingest_reads_real_feeds_and_events_and_alerts_once(tmp_path: Path) -> None:
    """`liubu monitor ingest` on the real Feodo blocklist (the insured IP is its first row) and
    on Suricata EVE lines shaped like the real file's: an alert on the insured IP raises one
    alert, one on an uninsured IP none, a broken line is refused by file and number, and the
    same files again raise nothing new."""
    require_shared()
    platform = bootstrap(load_settings(env="development", data_dir=tmp_path), upgrade_schema=True)
    try:
        world = build_world(platform, start=shanghai_today() - timedelta(days=100))
    finally:
        platform.dispose()
    (feodo,) = sorted((SHARED / "abusech_feodo").glob("ipblocklist*.csv"))
    rows = feodo_rows()
    first = run_cli("monitor", "ingest", str(feodo), "--json", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout)
    assert (counts["records"], counts["read"], counts["rejected"]) == (len(rows), len(rows), 0)
    assert counts["alerted"] == 1  # only the insured IP is watched

    with (SHARED / "suricata_eve_zeus_lab" / "eve.json").open(encoding="utf-8") as capture:
        real = next(  # a real alert line of the Zeus lab capture, moved onto our two addresses
            json.loads(line) for line in capture if '"event_type":"alert"' in line.replace(" ", "")
        )
    on_insured = real | {"src_ip": "198.51.100.7", "dest_ip": world.insured_ip, "flow_id": 1}
    on_other = real | {"src_ip": "198.51.100.7", "dest_ip": "198.51.100.8", "flow_id": 2}
    eve = tmp_path / "eve.json"
    lines = [json.dumps(on_insured), json.dumps(on_other), "{broken"]
    eve.write_text("\n".join(lines) + "\n", encoding="utf-8")
    events = run_cli(
        "monitor", "ingest", str(eve), "--format", "suricata", "--json", data_dir=tmp_path
    )
    assert events.returncode == 0, events.stderr
    tally = json.loads(events.stdout)
    assert (tally["alerted"], tally["rejected"]) == (1, 1)
    assert "eve.json:3:" in events.stderr
    for path in (feodo, eve):
        again = json.loads(
            run_cli("monitor", "ingest", str(path), "--json", data_dir=tmp_path, check=True).stdout
        )
        assert again["alerted"] == 0
        assert again["duplicates"] == again["read"]
    platform = bootstrap(load_settings(env="development", data_dir=tmp_path))
    try:
        stored = monitoring.list_alerts(platform.uow(SYSTEM))
    finally:
        platform.dispose()
    assert sorted(a.source for a in stored) == ["feodo", "suricata"]
    assert {a.indicator for a in stored} == {world.insured_ip}


def test_ingest_refuses_an_unknown_format_naming_the_known_ones(tmp_path: Path) -> None:
    bootstrap(load_settings(env="development", data_dir=tmp_path), upgrade_schema=True).dispose()
    odd = tmp_path / "odd.txt"
    odd.write_text("hello\n", encoding="utf-8")
    refused = run_cli("monitor", "ingest", str(odd), data_dir=tmp_path)
    assert refused.returncode != 0
    for known in ("suricata", "ocsf", "zeek", "stix", "feodo"):
        assert known in refused.stderr
