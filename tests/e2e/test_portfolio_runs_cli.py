"""``liubu portfolio runs`` on the demo, as an operator runs it: queue a run of the demo files for
the demo insurer, let ``liubu worker --once`` simulate it, list and show it as JSON (the
summary and the ORD files); a catalogue with an unknown dependency is refused and queues
nothing."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from tests.e2e.cli import run_cli
from tests.e2e.conftest import CLI_DEMO

DATA = resources.files("liubu.portfolio").joinpath("data")


@CLI_DEMO
def test_queue_work_list_show(cli_demo: Path, tmp_path: Path) -> None:
    book = tmp_path / "demo_book.csv"
    book.write_bytes(DATA.joinpath("demo_book.csv").read_bytes())
    catalogue = tmp_path / "demo_catalogue.yaml"
    text = DATA.joinpath("demo_catalogue.yaml").read_text("utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("target: aliyun-cn-hangzhou", "target: nowhere", 1), "utf-8")
    catalogue.write_text(text, "utf-8")
    common = ("--insurer", "shifan-pc", "--book", str(book), "--years", "2000")

    refused = run_cli(
        "portfolio", "runs", "queue", *common, "--catalogue", str(bad), data_dir=cli_demo
    )
    assert refused.returncode != 0
    assert "nowhere" in refused.stdout + refused.stderr
    queued = run_cli(
        "portfolio", "runs", "queue", *common, "--catalogue", str(catalogue), "--json",
        data_dir=cli_demo, check=True,
    )  # fmt: skip
    run_id = json.loads(queued.stdout)["id"]
    run_cli("worker", "--once", data_dir=cli_demo, check=True)
    listed = json.loads(
        run_cli("portfolio", "runs", "list", "--json", data_dir=cli_demo, check=True).stdout
    )
    assert [r["id"] for r in listed] == [run_id]
    shown = json.loads(
        run_cli("portfolio", "runs", "show", run_id, "--json", data_dir=cli_demo, check=True).stdout
    )
    assert shown["status"] == "succeeded"
    assert shown["summary"]["years"] == 2000
    assert sorted(Path(p).name for p in shown["ord_files"]) == [
        "gul_S1_palt.csv",
        "il_S1_ept.csv",
        "il_S1_palt.csv",
        "il_S1_selt.csv",
        "il_S1_splt.csv",
        "il_S2_ept.csv",
        "il_S2_palt.csv",
        "il_S2_summary-info.csv",
    ]
    text_out = run_cli("portfolio", "runs", "show", run_id, data_dir=cli_demo, check=True).stdout
    assert "AAL" in text_out
    assert "1-in-200" in text_out
