"""``liubu portfolio run`` from files, as a user runs it: JSON on stdout, ORD files on disk, a
located error and a non-zero exit for a bad catalogue; ``liubu portfolio scenario`` (an outage
given on the command line, a named scenario from a library file, the demo library, bad input);
``liubu portfolio contagion`` over a graph file and over the demo's supply-chain scheme."""

from __future__ import annotations

import csv
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

from tests.e2e.cli import run_cli
from tests.e2e.conftest import CLI_DEMO

CATALOGUE = """\
dependencies:
  - {id: cloud-a, kind: cloud, provider: huawei_cloud, region: cn-north-4}
families:
  - name: a_down
    kind: provider_outage
    target: cloud-a
    rate: 0.5
    outage_hours: {constant: 10}
"""

BOOK = (
    "id,industry,region,revenue,retention,aggregate_limit,bi_sublimit,bi_waiting_hours,"
    "dependencies\n"
    "P1,I65,330100,8760000,1000,100000,,,cloud-a:0:1\n"
    "P2,C39,440300,8760000,1000,100000,,,cloud-a:0:1\n"
)


def test_a_book_from_files_prints_json_and_writes_ord(tmp_path: Path) -> None:
    (tmp_path / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "book.csv").write_text(BOOK, encoding="utf-8")
    result = run_cli(
        "portfolio", "run", "--book", str(tmp_path / "book.csv"),
        "--catalogue", str(tmp_path / "cat.yaml"), "--years", "4000", "--seed", "3",
        "--workers", "0", "--json", "--ord", str(tmp_path / "ord"),
        data_dir=tmp_path, check=True,
    )  # fmt: skip
    document = json.loads(result.stdout)
    # each event costs each policy 10 h × 1,000 − 1,000 = 9,000; two policies; λ = 0.5
    assert abs(document["aal"] - 0.5 * 2 * 9_000) < 4 * document["aal_standard_error"]
    assert {row["return_period"] for row in document["pml"]} == {100, 200, 250}
    assert [c["key"] for c in document["contributions"]["dependency"]] == ["cloud-a"]
    with (tmp_path / "ord" / "il_S1_ept.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["SummaryId", "EPCalc", "EPType", "ReturnPeriod", "Loss"]
    # every year's loss is a multiple of 18,000 (two policies × 9,000 per outage)
    for row in rows:
        if row["EPType"] in ("1", "3"):
            assert float(row["Loss"]) % 18_000 == 0
    # summary set 2: one SummaryId per policy, each half the book's AAL
    with (tmp_path / "ord" / "il_S2_summary-info.csv").open(encoding="utf-8") as f:
        assert [(r["summary_id"], r["PolNumber"]) for r in csv.DictReader(f)] == [
            ("1", "P1"),
            ("2", "P2"),
        ]
    with (tmp_path / "ord" / "il_S2_palt.csv").open(encoding="utf-8") as f:
        means = [float(r["MeanLoss"]) for r in csv.DictReader(f)]
    assert means[0] == means[1] == document["aal"] / 2


def test_an_event_on_an_unknown_dependency_exits_with_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "cat.yaml").write_text(
        CATALOGUE.replace("target: cloud-a", "target: cloud-b"), encoding="utf-8"
    )
    (tmp_path / "book.csv").write_text(BOOK, encoding="utf-8")
    result = run_cli(
        "portfolio", "run", "--book", str(tmp_path / "book.csv"),
        "--catalogue", str(tmp_path / "cat.yaml"), "--workers", "0",
        data_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode != 0
    assert "cloud-b" in result.stderr
    assert "cat.yaml:6" in result.stderr


LIBRARY = """\
scenarios:
  - name: a_day
    kind: outage
    target: cloud-a
    hours: 24
    basis:
      hours: {assumption: true, note: a full day}
  - name: a_morning
    kind: outage
    target: cloud-a
    hours: 4
"""


def test_a_scenario_from_the_command_line_and_from_a_library(tmp_path: Path) -> None:
    (tmp_path / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "book.csv").write_text(BOOK, encoding="utf-8")
    (tmp_path / "lib.yaml").write_text(LIBRARY, encoding="utf-8")
    files = ("--book", str(tmp_path / "book.csv"), "--catalogue", str(tmp_path / "cat.yaml"))
    result = run_cli(
        "portfolio", "scenario", *files, "--target", "cloud-a", "--hours", "10", "--json",
        data_dir=tmp_path, check=True,
    )  # fmt: skip
    (one,) = json.loads(result.stdout)["scenarios"]
    # each policy: 10 h × 1,000 CNY an hour, less its 1,000 retention
    assert one["ground_up"] == 20_000
    assert one["insured"] == 18_000
    assert [p["policy"] for p in one["by_policy"]] == ["P1", "P2"]
    assert {g["key"] for g in one["by_industry"]} == {"I", "C"}
    result = run_cli(
        "portfolio", "scenario", *files, "--scenario-file", str(tmp_path / "lib.yaml"),
        "--name", "a_day", "--json", data_dir=tmp_path, check=True,
    )  # fmt: skip
    (day,) = json.loads(result.stdout)["scenarios"]
    assert day["scenario"]["name"] == "a_day"
    assert day["insured"] == 2 * (24_000 - 1_000)
    result = run_cli(
        "portfolio", "scenario", *files, "--scenario-file", str(tmp_path / "lib.yaml"),
        data_dir=tmp_path, check=True,
    )  # fmt: skip
    assert "a_day" in result.stdout
    assert "a_morning" in result.stdout
    assert "¥46,000" in result.stdout


def test_the_demo_scenario_library_runs_without_files(tmp_path: Path) -> None:
    result = run_cli("portfolio", "scenario", "--json", data_dir=tmp_path, check=True)
    scenarios = json.loads(result.stdout)["scenarios"]
    assert len(scenarios) >= 6
    assert all(s["insured"] <= s["ground_up"] for s in scenarios)
    assert all(s["policies"] == 200 for s in scenarios)


def test_bad_scenario_input_exits_with_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "book.csv").write_text(BOOK, encoding="utf-8")
    files = ("--book", str(tmp_path / "book.csv"), "--catalogue", str(tmp_path / "cat.yaml"))
    negative = run_cli(
        "portfolio", "scenario", *files, "--target", "cloud-a", "--hours", "-5",
        data_dir=tmp_path,
    )  # fmt: skip
    assert negative.returncode != 0
    assert "hours" in negative.stderr
    unknown = run_cli(
        "portfolio", "scenario", *files, "--target", "cloud-z", "--hours", "5", data_dir=tmp_path
    )
    assert unknown.returncode != 0
    assert "cloud-z" in unknown.stderr
    (tmp_path / "lib.yaml").write_text(
        LIBRARY.replace("hours: 4", "hours: -4").replace(
            "target: cloud-a\n    hours: 24", "target: cloud-q\n    hours: 24"
        ),
        encoding="utf-8",
    )
    located = run_cli(
        "portfolio", "scenario", *files, "--scenario-file", str(tmp_path / "lib.yaml"),
        data_dir=tmp_path,
    )  # fmt: skip
    assert located.returncode != 0
    assert "cloud-q" in located.stderr
    assert "lib.yaml:4" in located.stderr
    missing = run_cli(
        "portfolio", "scenario", *files, "--scenario-file", str(tmp_path / "lib.yaml"),
        "--name", "nope", data_dir=tmp_path,
    )  # fmt: skip
    assert missing.returncode != 0


CHAIN = """\
id,name,role,score,probability,reaches,revenue,revenue_share,tolerance_hours
O,Owner,owner,70,,,876000000,1,0
S1,Supplier one,supplier,50,0.2,O:remote_access:1,,,
S2,Supplier two,supplier,50,0,O:none,,,
"""


def test_contagion_over_a_graph_file_prints_json(tmp_path: Path) -> None:
    (tmp_path / "chain.csv").write_text(CHAIN, encoding="utf-8")
    result = run_cli(
        "portfolio", "contagion", "--graph", str(tmp_path / "chain.csv"), "--trials", "20000",
        "--seed", "5", "--json", data_dir=tmp_path, check=True,
    )  # fmt: skip
    document = json.loads(result.stdout)
    assert document["trials"] == 20_000
    # S1 alone can reach the owner (S2 never starts compromised): P = 0.2
    se = (0.2 * 0.8 / 20_000) ** 0.5
    assert abs(document["owner_probability"] - 0.2) < 4 * se
    assert [c["id"] for c in document["contributions"]] == ["S1", "S2"]
    assert document["contributions"][0]["share"] == 1.0
    bad = run_cli("portfolio", "contagion", "--graph", str(tmp_path / "bad.csv"), data_dir=tmp_path)
    assert bad.returncode != 0
    (tmp_path / "bad.csv").write_text(CHAIN.replace("O:none", "S9:none"), encoding="utf-8")
    bad = run_cli("portfolio", "contagion", "--graph", str(tmp_path / "bad.csv"), data_dir=tmp_path)
    assert bad.returncode != 0
    assert "bad.csv:4" in bad.stderr
    assert "S9" in bad.stderr


@CLI_DEMO
def test_contagion_over_the_demo_chain_as_its_owner(cli_demo: Path) -> None:
    with sqlite3.connect(cli_demo / "liubu.db") as db:
        ((scheme,),) = db.execute("SELECT id FROM group_schemes").fetchall()
    result = run_cli(
        "portfolio", "contagion", "--scheme", scheme, "--trials", "5000", "--json",
        data_dir=cli_demo, check=True,
    )  # fmt: skip
    document = json.loads(result.stdout)
    assert len(document["contributions"]) == 10  # the ten suppliers that accepted
    assert abs(sum(c["share"] for c in document["contributions"]) - 1.0) < 1e-9
    shares = document["premium_by_contribution"]
    assert len(shares) == 10
    today = sum(Decimal(a["premium"]) for a in shares)
    assert sum(Decimal(a["by_contribution"]) for a in shares) == today


@CLI_DEMO
def test_capital_refresh_stores_the_books_capital_and_show_reads_it(cli_demo: Path) -> None:
    """Two policies on one provider, hit together: comonotone, so the book ties up all of each
    policy's stand-alone capital (r = 1); the run replaces nothing the first time."""
    (cli_demo / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    (cli_demo / "book.csv").write_text(BOOK, encoding="utf-8")
    refreshed = run_cli(
        "portfolio", "capital", "refresh", "--insurer", "shifan-pc",
        "--book", str(cli_demo / "book.csv"), "--catalogue", str(cli_demo / "cat.yaml"),
        "--years", "2000", "--seed", "5", "--json",
        data_dir=cli_demo, check=True,
    )  # fmt: skip
    document = json.loads(refreshed.stdout)
    assert document["return_period"] == 200
    rows = {(r["segment"], r["key"]): r for r in document["rows"]}
    assert set(rows) == {
        ("book", ""), ("industry", "C"), ("industry", "I"), ("policy", "P1"), ("policy", "P2")
    }  # fmt: skip
    assert Decimal(rows["book", ""]["ratio"]) == 1
    shown = run_cli(
        "portfolio", "capital", "show", "--insurer", "shifan-pc", "--json",
        data_dir=cli_demo, check=True,
    )  # fmt: skip
    assert json.loads(shown.stdout)["run_id"] == document["run_id"]
    with sqlite3.connect(cli_demo / "liubu.db") as db:
        (count,) = db.execute("select count(*) from book_capital").fetchone()
    assert count == 5
    # A command-line quote of the insurer's product prices on it, as a quote does: section C's r.
    submission = cli_demo / "submission.yaml"
    product = "shifan-pc/sme-cyber-comprehensive@2"
    submission.write_text(
        "enterprise: {industry_section: C, revenue: 30000000}\n"
        "assessment: {score: 62.5, grade: C}\n"
        f"products: [{product}]\nlimits: {{{product}: [1000000]}}\n",
        encoding="utf-8",
    )
    quoted = run_cli("quote", str(submission), "--json", data_dir=cli_demo, check=True)
    (option,) = json.loads(quoted.stdout)["options"]
    assert option["book_capital"]["basis"] == "industry"
    assert option["book_capital"]["run_id"] == document["run_id"]
    assert Decimal(option["book_capital"]["ratio"]) == Decimal(rows["industry", "C"]["ratio"])
    unknown = run_cli("portfolio", "capital", "show", "--insurer", "no-such", data_dir=cli_demo)
    assert unknown.returncode != 0
    assert "no-such" in unknown.stderr + unknown.stdout


def test_the_demo_owner_declares_a_supplier_of_supplier_link_and_contagion_follows_it(
    cli_demo: Path,
) -> None:
    with sqlite3.connect(cli_demo / "liubu.db") as db:
        ((scheme,),) = db.execute("SELECT id FROM group_schemes").fetchall()
        members = dict(
            db.execute(
                "SELECT uscc, enterprise_id FROM group_members WHERE state = 'accepted'"
            ).fetchall()
        )
    listed = run_cli("group", "links", "list", scheme, "--json", data_dir=cli_demo, check=True)
    demo_links = json.loads(listed.stdout)
    assert len(demo_links) == 2  # the demo declares two
    taken = {(x["source"], x["target"]) for x in demo_links}
    source, through = next(
        (a, b) for a in sorted(members) for b in sorted(members)
        if a != b and (members[a], members[b]) not in taken
    )  # fmt: skip
    added = run_cli(
        "group", "links", "add", scheme, "--source", source, "--through", through,
        "--access", "remote_access", data_dir=cli_demo, check=True,
    )  # fmt: skip
    link_id = added.stdout.split()[1]
    again = run_cli(
        "group", "links", "add", scheme, "--source", source, "--through", through,
        data_dir=cli_demo,
    )  # fmt: skip
    assert again.returncode != 0
    assert "group.link_duplicate" in again.stderr or "already declared" in again.stderr
    unknown = run_cli(
        "group", "links", "add", scheme, "--source", source, "--through", "nobody",
        data_dir=cli_demo,
    )  # fmt: skip
    assert unknown.returncode != 0
    assert "'nobody' is not a member" in unknown.stderr
    result = run_cli(
        "portfolio", "contagion", "--scheme", scheme, "--trials", "2000", "--json",
        data_dir=cli_demo, check=True,
    )  # fmt: skip
    edges = {(e["from"], e["to"]): e["access"] for e in json.loads(result.stdout)["edges"]}
    assert edges[(members[source], members[through])] == "remote_access"
    assert taken <= set(edges)
    run_cli("group", "links", "remove", scheme, link_id, data_dir=cli_demo, check=True)
    after = run_cli("group", "links", "list", scheme, "--json", data_dir=cli_demo, check=True)
    assert len(json.loads(after.stdout)) == 2


def test_an_insurers_book_is_imported_shown_and_run_from_the_platform(
    cli_demo: Path, tmp_path: Path
) -> None:
    # the demo insurer imported the packaged demo book (200 rows); the demo enterprise's one
    # policy joins it with the dependencies it declared
    shown = run_cli(
        "portfolio", "book", "show", "--insurer", "shifan-pc", "--json",
        data_dir=cli_demo, check=True,
    )  # fmt: skip
    document = json.loads(shown.stdout)
    assert (document["from_store"], document["imported"]) == (1, 200)
    assert document["import"]["filename"] == "demo_book.csv"
    # its security provider comes from the platform's records and is not in the catalogue
    assert [u["source"] for u in document["unmatched"]] == ["platform"]
    # a new import replaces the demo book; a bad row stores nothing and names line and column
    (tmp_path / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    bad = BOOK.replace("cloud-a:0:1\n", "cloud-z:0:1\n", 1)
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")
    refused = run_cli(
        "portfolio", "book", "import", str(tmp_path / "bad.csv"), "--insurer", "shifan-pc",
        "--catalogue", str(tmp_path / "cat.yaml"), data_dir=cli_demo,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "bad.csv:2" in refused.stderr + refused.stdout
    assert "cloud-z" in refused.stderr
    assert "column dependencies" in refused.stderr
    kept = run_cli(
        "portfolio", "book", "show", "--insurer", "shifan-pc", "--json",
        data_dir=cli_demo, check=True,
    )  # fmt: skip
    assert json.loads(kept.stdout)["imported"] == 200  # nothing stored
    (tmp_path / "book.csv").write_text(BOOK, encoding="utf-8")
    run_cli(
        "portfolio", "book", "import", str(tmp_path / "book.csv"), "--insurer", "shifan-pc",
        "--catalogue", str(tmp_path / "cat.yaml"), data_dir=cli_demo, check=True,
    )  # fmt: skip
    # run --insurer under the file catalogue: the two imported rows (each outage 10 h × 1,000
    # − 1,000 = 9,000) and the demo policy, whose declared dependencies this catalogue lacks
    result = run_cli(
        "portfolio", "run", "--insurer", "shifan-pc", "--catalogue", str(tmp_path / "cat.yaml"),
        "--years", "4000", "--seed", "3", "--workers", "0", "--json",
        data_dir=cli_demo, check=True,
    )  # fmt: skip
    run = json.loads(result.stdout)
    assert run["settings"]["policies"] == 3
    assert abs(run["aal"] - 0.5 * 2 * 9_000) < 4 * run["aal_standard_error"]
    assert [c["key"] for c in run["contributions"]["dependency"]] == ["cloud-a"]
    assert "not in the catalogue" in result.stderr
    # an unknown insurer code is refused
    unknown = run_cli("portfolio", "run", "--insurer", "nobody", data_dir=cli_demo)
    assert unknown.returncode != 0


@CLI_DEMO
def test_the_demo_enterprises_dependencies_are_shown_and_replaced(
    cli_demo: Path, tmp_path: Path
) -> None:
    with sqlite3.connect(cli_demo / "liubu.db") as db:
        (enterprise,) = db.execute(
            "select e.id from enterprises e join organisations o on o.id = e.tenant_id "
            "where o.name like '%Suzhou Example Smart Manufacturing'"
        ).fetchone()
    shown = run_cli("assess", "dependencies", enterprise, "--json", data_dir=cli_demo, check=True)
    rows = json.loads(shown.stdout)
    assert [(r["source"], r["kind"]) for r in rows] == [
        ("declared", "cloud"),
        ("declared", "dns"),
        ("declared", "cdn"),
        ("declared", "software"),
        ("platform", "msp"),
    ]
    (tmp_path / "deps.yaml").write_text(
        "- {kind: cloud, provider: tencent_cloud, region: ap-guangzhou, tolerance_hours: 4}\n",
        encoding="utf-8",
    )
    replaced = run_cli(
        "assess", "dependencies", enterprise, "--declare", str(tmp_path / "deps.yaml"), "--json",
        data_dir=cli_demo, check=True,
    )  # fmt: skip
    assert [(r["source"], r["provider"]) for r in json.loads(replaced.stdout)] == [
        ("declared", "tencent_cloud"),
        ("platform", "示例网络安全服务有限公司 Example Security Services"),
    ]
    (tmp_path / "bad.yaml").write_text("- {kind: cloud, provider: nimbus}\n", encoding="utf-8")
    bad = run_cli(
        "assess", "dependencies", enterprise, "--declare", str(tmp_path / "bad.yaml"),
        data_dir=cli_demo,
    )  # fmt: skip
    assert bad.returncode != 0
    assert "nimbus" in bad.stderr
