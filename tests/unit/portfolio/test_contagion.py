"""Supply-chain contagion against closed forms: bond percolation on a b-ary tree (expected
compromised nodes Σₖ (bp)ᵏ), a two-path graph's owner probability by inclusion–exclusion, the
attribution between two origins and the owner's expected loss; the same numbers for any block
size; graphs from files with located errors; premium shares by contribution that add up."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from liubu.datafiles import packaged_text
from liubu.errors import ValidationError
from liubu.portfolio import (
    CHUNK_TRIALS,
    ChainEdge,
    ChainMember,
    MemberRole,
    OwnerExposure,
    PortfolioCode,
    SchemeMember,
    SupplyChain,
    allocate_by_contribution,
    chain_from_scheme,
    contagion_parameters,
    load_chain,
    simulate_contagion,
)
from liubu.risk import Constant

OWNER, SUPPLIER = MemberRole.OWNER, MemberRole.SUPPLIER


def _chain(
    starts: dict[str, float], edges: list[tuple[str, str, float]], owner: str = "O"
) -> SupplyChain:
    members = [ChainMember(owner, owner, OWNER, 50)] + [
        ChainMember(m, m, SUPPLIER, 50, p) for m, p in starts.items()
    ]
    return SupplyChain(
        tuple(members),
        tuple(ChainEdge(a, b, "network_connection", p) for a, b, p in edges),
        OwnerExposure(87_600_000, 1.0, 0.0),
    )


def _within(estimate: float, truth: float, standard_error: float) -> None:
    assert standard_error > 0
    assert abs(estimate - truth) <= 4 * standard_error, (estimate, truth, standard_error)


def test_bond_percolation_on_a_tree_compromises_the_sum_of_bp_to_the_k_nodes() -> None:
    b, d, p = 3, 4, 0.4
    starts, edges, level, serial = {"n0": 1.0}, [], ["n0"], 1
    for _ in range(d):
        below = []
        for parent in level:
            for _ in range(b):
                node = f"n{serial}"
                serial += 1
                starts[node] = 0.0
                edges.append((parent, node, p))
                below.append(node)
        level = below
    # the owner stands apart (no edge reaches it): it is never compromised and adds nothing
    result = simulate_contagion(_chain(starts, edges), trials=40_000, seed=7)
    expected = sum((b * p) ** k for k in range(d + 1))
    _within(result.compromised_mean, expected, result.compromised_standard_error)
    # each node at depth k is compromised with probability p^k
    index = {m.id: i for i, m in enumerate(result.members)}
    for node, depth in (("n1", 1), ("n4", 2), (f"n{serial - 1}", d)):
        i = index[node]
        _within(result.probabilities[i], p**depth, result.standard_errors[i])
    assert result.owner_probability == 0.0


def test_two_paths_to_the_owner_follow_inclusion_exclusion() -> None:
    a, ab, bo, ac, co = 0.6, 0.5, 0.7, 0.4, 0.9
    chain = _chain(
        {"A": a, "B": 0.0, "C": 0.0},
        [("A", "B", ab), ("B", "O", bo), ("A", "C", ac), ("C", "O", co)],
    )
    result = simulate_contagion(chain, trials=60_000, seed=11)
    x, y = ab * bo, ac * co
    truth = a * (x + y - x * y)
    owner = [m.id for m in result.members].index("O")
    _within(result.owner_probability, truth, result.standard_errors[owner])
    by = {c.id: c for c in result.contributions}
    assert by["A"].share == 1.0  # the only origin
    assert by["B"].share == by["C"].share == 0.0
    _within(by["B"].probability, a * ab, math.sqrt(a * ab * (1 - a * ab) / 60_000))


def test_two_origins_share_the_owner_loss_equally_when_both_reach_it() -> None:
    a, b = 0.3, 0.2
    chain = _chain({"A": a, "B": b}, [("A", "O", 1.0), ("B", "O", 1.0)])
    hours = 48.0
    params = dataclasses.replace(contagion_parameters(), outage_hours=Constant(hours))
    trials = 50_000
    result = simulate_contagion(chain, trials=trials, seed=3, parameters=params)
    reached = a + b - a * b
    _within(result.owner_probability, reached, math.sqrt(reached * (1 - reached) / trials))
    loss = 87_600_000 / 8760 * hours  # revenue share 1, no tolerance
    _within(result.expected_loss, reached * loss, result.expected_loss_standard_error)
    by = {c.id: c for c in result.contributions}
    share_a = (a * (1 - b) + a * b / 2) / reached
    sd = math.sqrt(share_a * (1 - share_a) / (trials * reached))
    _within(by["A"].share, share_a, sd)
    assert by["A"].share + by["B"].share == pytest.approx(1.0)
    assert by["A"].expected_loss + by["B"].expected_loss == pytest.approx(result.expected_loss)
    assert result.critical()[0].id == "A"
    # the owner is hit in 44 % of years, always for the same loss: every quantile from 1-in-10 on
    assert list(result.loss_quantiles.values()) == [pytest.approx(loss)] * 4


def test_a_cycle_is_visited_once() -> None:
    chain = _chain({"A": 0.5, "B": 0.0}, [("A", "B", 1.0), ("B", "A", 1.0), ("B", "O", 0.5)])
    result = simulate_contagion(chain, trials=20_000, seed=5)
    index = {m.id: i for i, m in enumerate(result.members)}
    assert result.probabilities[index["A"]] == result.probabilities[index["B"]]
    _within(result.owner_probability, 0.25, result.standard_errors[index["O"]])
    again = simulate_contagion(chain, trials=20_000, seed=5, block_trials=3 * CHUNK_TRIALS)
    assert again.to_dict() == result.to_dict()


def test_the_same_numbers_for_any_block_size() -> None:
    chain = load_chain(CSV, source_name="chain.csv")
    runs = [
        simulate_contagion(chain, trials=4_500, seed=42, block_trials=size).to_dict()
        for size in (CHUNK_TRIALS, 3 * CHUNK_TRIALS, 10 * CHUNK_TRIALS)
    ]
    assert runs[0] == runs[1] == runs[2]
    assert simulate_contagion(chain, trials=4_500, seed=43).to_dict() != runs[0]
    with pytest.raises(ValidationError) as caught:
        simulate_contagion(chain, trials=10, block_trials=1_500)
    assert caught.value.code == PortfolioCode.BAD_RUN


def test_edge_probabilities_come_from_access_and_the_source_score() -> None:
    params = contagion_parameters()
    chain = load_chain(CSV, source_name="chain.csv")
    result = simulate_contagion(chain, trials=1_000, seed=1)
    assert result.edges == chain.edges
    by_edge = dict(zip(chain.edges, result.edge_probabilities, strict=True))
    remote = next(e for e in chain.edges if e.source == "S1")  # score 90, remote access
    assert by_edge[remote] == pytest.approx(0.6 * 0.5)
    software = next(e for e in chain.edges if e.source == "S2")  # score 30, software supply
    assert by_edge[software] == pytest.approx(min(1.0, 0.5 * (1.5 - 0.5 * 30 / 50)))
    given = next(e for e in chain.edges if e.source == "S3")
    assert by_edge[given] == 0.25
    assert params.initial_probability(60) == pytest.approx(0.08)


def test_every_shipped_number_has_a_basis() -> None:
    data = yaml.safe_load(packaged_text("liubu.portfolio", "data", "contagion.yaml"))
    entries = [*data["access_base_rate"].values(), data["edge_score_multiplier"]]
    entries += [data["initial_probability"], *data["owner"].values()]
    for entry in entries:
        assert entry.get("source") or (entry.get("assumption") is True and entry.get("note"))
    assert set(data["access_base_rate"]) == {
        "none",
        "remote_access",
        "network_connection",
        "data_processing",
        "software_supply",
    }


CSV = """\
id,name,role,score,probability,reaches,revenue,revenue_share,tolerance_hours
O,Owner,owner,70,,,500000000,0.4,12
S1,Remote admin,supplier,90,,O:remote_access,,,
S2,Software,supplier,30,,O:software_supply;S3:network_connection,,,
S3,Logistics,supplier,60,0.1,O:data_processing:0.25,,,
"""

YAML = """\
owner: {revenue: 300000000, tolerance_hours: 8}
members:
  - {id: O, name: Owner, role: owner, score: 70}
  - {id: S1, role: supplier, score: 55}
  - {id: S2, role: supplier, score: 80, probability: 0.05}
edges:
  - {from: S1, to: O, access: remote_access}
  - {from: S2, to: S1, access: network_connection}
  - {from: S2, to: X9, access: software_supply}
"""


def _refused(text: str, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        load_chain(text, source_name=name)
    return caught.value


def test_graphs_load_from_yaml_and_csv(tmp_path: Path) -> None:
    good = YAML.replace("X9", "O")
    chain = load_chain(good)
    assert chain.owner.id == "O"
    assert len(chain.edges) == 3
    assert chain.exposure == OwnerExposure(300_000_000, None, 8)
    path = tmp_path / "chain.csv"
    path.write_text(CSV, encoding="utf-8")
    from_csv = load_chain(path)
    assert [m.id for m in from_csv.members] == ["O", "S1", "S2", "S3"]
    assert len(from_csv.edges) == 4
    assert from_csv.exposure == OwnerExposure(500_000_000, 0.4, 12)


def test_an_edge_to_an_unknown_member_is_located() -> None:
    error = _refused(YAML, "chain.yaml")
    assert error.code == PortfolioCode.UNKNOWN_MEMBER
    assert error.location == "chain.yaml:9"
    assert error.field == "edges[2].to"
    csv_error = _refused(CSV.replace("S3:network_connection", "S7:network_connection"), "c.csv")
    assert csv_error.code == PortfolioCode.UNKNOWN_MEMBER
    assert csv_error.location == "c.csv:4"
    assert csv_error.field == "reaches"


def test_a_probability_outside_zero_one_is_located() -> None:
    error = _refused(
        YAML.replace("X9", "O").replace("probability: 0.05", "probability: 1.5"), "g.yaml"
    )
    assert error.code == PortfolioCode.BAD_PROBABILITY
    assert error.location == "g.yaml:5"
    edge = _refused(
        YAML.replace(
            "to: X9, access: software_supply", "to: O, access: software_supply, probability: -0.1"
        ),
        "g.yaml",
    )
    assert edge.code == PortfolioCode.BAD_PROBABILITY
    assert edge.location == "g.yaml:9"
    row = _refused(CSV.replace("60,0.1,", "60,1.2,"), "c.csv")
    assert row.code == PortfolioCode.BAD_PROBABILITY
    assert row.location == "c.csv:5"
    assert row.field == "probability"


def test_one_owner_known_access_and_unique_ids() -> None:
    two = _refused(
        YAML.replace("X9", "O").replace("role: supplier, score: 55", "role: owner, score: 55"),
        "g.yaml",
    )
    assert two.code == PortfolioCode.CHAIN_OWNER
    access = _refused(YAML.replace("X9", "O").replace("remote_access", "telepathy"), "g.yaml")
    assert access.code == PortfolioCode.BAD_FIELD
    assert access.location == "g.yaml:7"
    twice = _refused(YAML.replace("X9", "O").replace("id: S2", "id: S1"), "g.yaml")
    assert twice.code == PortfolioCode.DUPLICATE_ID
    assert twice.location == "g.yaml:5"


def test_a_scheme_graph_links_each_member_to_the_owner_by_its_access() -> None:
    chain = chain_from_scheme(
        owner_id="own",
        owner_name="Owner",
        owner_revenue=1e8,
        members=[
            SchemeMember("m1", "M1", "remote_access", 40),
            SchemeMember("m2", "M2", "none", 90),
        ],
    )
    assert chain.owner.id == "own"
    assert [(e.source, e.target, e.access) for e in chain.edges] == [
        ("m1", "own", "remote_access"),
        ("m2", "own", "none"),
    ]
    result = simulate_contagion(chain, trials=10_000, seed=1)
    assert result.critical()[0].id == "m1"


def test_premium_shares_by_contribution_add_up_to_the_group_premium() -> None:
    chain = _chain(
        {"A": 0.3, "B": 0.2, "C": 0.1}, [("A", "O", 0.9), ("B", "O", 0.5), ("C", "O", 0.3)]
    )
    result = simulate_contagion(chain, trials=20_000, seed=9)
    premiums = {"A": Decimal("1000.01"), "B": Decimal("2000.00"), "C": Decimal("3333.33")}
    shares = allocate_by_contribution(result, premiums)
    assert sum(s.by_contribution for s in shares) == sum(premiums.values())
    assert [s.premium for s in shares] == list(premiums.values())
    by = {s.id: s for s in shares}
    assert by["A"].by_contribution > by["B"].by_contribution > by["C"].by_contribution
    total = sum(premiums.values())
    for s in shares:
        assert abs(s.by_contribution - total * Decimal(repr(s.contribution_share))) <= Decimal(
            "0.02"
        )
    quiet = simulate_contagion(_chain({"A": 0.0}, [("A", "O", 1.0)]), trials=1_000, seed=1)
    kept = allocate_by_contribution(quiet, {"A": Decimal("10")})
    assert kept[0].by_contribution == Decimal("10")
