"""``liubu risk run``: quantify a model file, print a table or JSON, draw the exceedance curve."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from liubu.cli.context import ProgressBar, console
from liubu.errors import ValidationError

risk_app = typer.Typer(
    rich_markup_mode=None,
    help="Risk quantification (风险量化): aggregate loss under policy terms.",
    no_args_is_help=True,
)
out = console()


@risk_app.command("run")
def run(
    model_file: Annotated[Path, typer.Argument(help="Model YAML (see docs/risk.md).")],
    engine: Annotated[str, typer.Option(help="auto, fft or mc.")] = "auto",
    years: Annotated[int, typer.Option(help="Monte Carlo simulated years.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Monte Carlo seed.")] = 20_240_601,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write the exceedance chart: FILE.png or FILE.html.")
    ] = None,
) -> None:
    """Quantify MODEL_FILE: mean, sd, VaR and TVaR, return periods, contributions."""
    from liubu.risk import load_model, quantify

    if plot is not None and plot.suffix.lower() not in (".png", ".html"):
        raise ValidationError(
            f"--plot must name a .png or .html file; got {plot.name!r}.", field="plot"
        )
    if not model_file.is_file():
        raise ValidationError(f"No model file at {model_file}.", field="model_file")
    model = load_model(model_file)
    with ProgressBar("simulating years", enabled=not as_json) as report:
        result = quantify(model, engine=engine, years=years, seed=seed, progress=report)
    summary = result.to_dict()
    if plot is not None:
        _plot(summary, plot)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    _print_table(summary, model_file)
    if plot is not None:
        out.print(f"chart written to {plot}")


@risk_app.command("schema")
def schema() -> None:
    """Print the model file's JSON Schema."""
    from liubu.risk import model_schema

    typer.echo(json.dumps(model_schema(), ensure_ascii=False, indent=2))


def _money(value: float | None) -> str:
    return "—" if value is None else f"¥{value:,.0f}"


def _print_table(summary: dict[str, Any], model_file: Path) -> None:
    from rich.table import Table

    table = Table(title=f"{model_file.name} — engine {summary['engine']}")
    table.add_column("measure")
    table.add_column("annual insured loss", justify="right")
    table.add_row("mean", _money(summary["mean"]))
    table.add_row("sd", _money(summary["sd"]))
    for level, var in summary["quantiles"].items():
        table.add_row(f"VaR {float(level):.1%}", _money(var))
    for level, tvar in summary["tvar"].items():
        table.add_row(f"TVaR {float(level):.1%}", _money(tvar))
    table.add_row("ground-up mean", _money(summary["ground_up_mean"]))
    table.add_row("retained mean", _money(summary["retained_mean"]))
    out.print(table)
    periods = Table(title="return periods")
    for column in ("1 in N years", "aggregate", "largest event"):
        periods.add_column(column, justify="right")
    for n, row in summary["return_periods"].items():
        periods.add_row(n, _money(row["aggregate"]), _money(row["occurrence"]))
    out.print(periods)
    parts = Table(title="contribution by scenario")
    for column in ("scenario", "mean", "TVaR 99%"):
        parts.add_column(column, justify="right")
    for name, part in summary["by_scenario"].items():
        parts.add_row(name, _money(part["mean"]), _money(part["tvar"].get("0.99")))
    out.print(parts)


def _plot(summary: dict[str, Any], path: Path) -> None:
    from liubu.web.charts import exceedance_option, standalone_html

    if path.suffix.lower() == ".html":
        option = exceedance_option(summary["exceedance"], lang="en")
        path.write_text(standalone_html(option, title="liubu exceedance curve"), "utf-8")
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 5), dpi=120)
    for key, label in (("aggregate", "annual aggregate"), ("occurrence", "largest event")):
        points = [(x, p) for x, p in summary["exceedance"][key] if p > 0]
        if points:
            xs, ps = zip(*points, strict=True)
            axis.plot(xs, ps, label=label)
    axis.set_yscale("log")
    axis.set_xlabel("loss (CNY)")
    axis.set_ylabel("probability of exceeding")
    axis.set_title(f"Loss exceedance — {summary['engine']}")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
