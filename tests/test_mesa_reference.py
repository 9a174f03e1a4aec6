"""The plain-Mesa speed reference runs the same resident rules as the vectorised model (in distribution)."""

import numpy as np

from experiments.mesa_reference import MesaReference, leader_issues, vectorised_counterpart
from simulation import CommunityModel
from simulation.params import Params
from simulation.state import Stage
from simulation.streams import Streams
from simulation.world import build_world

JOINING = Params(n_residents=600, p_join=0.05)   # joins common enough to compare within 30 days


def both(seed: int, params: Params = JOINING, steps: int = 30) -> tuple[MesaReference, CommunityModel]:
    reference, vectorised = MesaReference(params, rng=seed), vectorised_counterpart(params, seed)
    reference.run_for(steps)
    vectorised.run_for(steps)
    return reference, vectorised


def test_reference_starts_from_the_model_world():
    reference, model = MesaReference(rng=4, n_residents=400), CommunityModel(rng=4, n_residents=400)
    assert reference.grid.G.number_of_edges() == model.network.n_edges
    assert np.allclose([a.trust for a in reference.agents], model.residents.trust)
    assert all(len(a.ties) == len(model.network.neighbours(i)) for i, a in enumerate(reference.agents))


def test_counterpart_starts_with_the_references_active_residents_by_default():
    for seed in (2, 5):
        reference, vectorised = both(seed, steps=0)
        r = vectorised.residents
        issues = np.array([a.issue if a.active else -1 for a in reference.agents])
        assert (issues >= 0).sum() > 3
        assert np.array_equal(np.where(r.stage >= Stage.ACTIVE, r.issue, -1), issues)
        world = build_world(JOINING, Streams(seed).generator("world"))
        assert np.array_equal(issues, leader_issues(world.concerns, world.groups.is_leader,
                                                    np.random.default_rng(seed)))


def test_reference_matches_the_vectorised_rules_in_distribution():
    trust, efficacy, joins = [], [], []
    for seed in range(6):
        reference, vectorised = both(seed)
        agents = reference.agents.to_list()
        r = vectorised.residents
        trust.append(np.mean([a.trust for a in agents]) - r.trust.mean())
        efficacy.append(np.mean([a.efficacy for a in agents]) - r.efficacy.mean())
        joins.append(sum(a.active for a in agents) - int((r.stage >= Stage.ACTIVE).sum()))
    assert np.abs(trust).max() < 1e-3 and np.abs(efficacy).max() < 1e-3
    joins = np.array(joins, dtype=float)
    assert abs(joins.mean()) < 3 * joins.std(ddof=1) / np.sqrt(len(joins)) + 1, joins


def test_reference_residents_join_and_drop_out():
    reference, _ = both(1, JOINING.replace(p_dropout=0.05), steps=40)
    members = np.array(reference.members).sum()
    assert members == sum(a.active for a in reference.agents)
    assert any(a.issue >= 0 and not a.active for a in reference.agents)
