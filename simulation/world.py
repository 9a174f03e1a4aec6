"""Initialisation: the place, the residents' starting state, the network, groups and offenders.

Everything here is a pure function of the parameters and one random generator,
so two models with the same seed start from the same world whatever strategy
they then follow (paired comparison of strategies).

Geometry: street segments sit on a square grid ``segment_length_km`` apart;
neighbourhoods are contiguous blocks of that grid. Residents are numbered so
that each segment holds a contiguous range of ``households_per_segment``
residents (one resident per household).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from simulation.network import SocialNetwork, spans
from simulation.network_file import read_network_file
from simulation.params import Params
from simulation.state import ISSUES


@dataclass(frozen=True)
class Place:
    """Fixed geography: segments, neighbourhoods and who lives where."""

    grid_width: int
    segment_length_km: float
    segment_xy: np.ndarray        # (n_segments, 2) km
    segment_nbhd: np.ndarray      # neighbourhood of each segment
    segment_start: np.ndarray     # first resident on each segment
    segment_size: np.ndarray      # residents on each segment
    resident_segment: np.ndarray  # segment of each resident
    resident_nbhd: np.ndarray     # neighbourhood of each resident
    resident_xy: np.ndarray       # (n, 2) km, household position
    deprivation: np.ndarray       # per neighbourhood, 0-1
    cohesion: np.ndarray          # per neighbourhood starting mean trust
    attractiveness: np.ndarray    # per resident (household) target reward, mean 1

    @property
    def n_segments(self) -> int:
        """Number of street segments."""
        return len(self.segment_start)

    @property
    def n_nbhd(self) -> int:
        """Number of neighbourhoods."""
        return len(self.deprivation)

    def residents_on(self, segments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every resident on each of ``segments``: (position in ``segments``, resident) arrays."""
        return spans(self.segment_start[segments], self.segment_size[segments])

    def nearest_segment(self, xy: np.ndarray) -> np.ndarray:
        """Segment nearest each point.

        Points off the map are reflected back into it (so no edge segment
        collects everything beyond the border); a point past the end of a
        partial last row moves one row down.
        """
        height = math.ceil(self.n_segments / self.grid_width)
        col = _reflect(xy[:, 0] / self.segment_length_km, self.grid_width - 1)
        row = _reflect(xy[:, 1] / self.segment_length_km, height - 1)
        segment = row * self.grid_width + col
        return np.where(segment < self.n_segments, segment, segment - self.grid_width)


def _reflect(x: np.ndarray, top: int) -> np.ndarray:
    """Nearest whole number to ``x`` after reflecting ``x`` into [0, top]."""
    if top == 0:
        return np.zeros(len(x), dtype=np.int64)
    folded = np.mod(x, 2 * top)
    return np.rint(np.where(folded > top, 2 * top - folded, folded)).astype(np.int64)


def build_place(p: Params, rng: np.random.Generator) -> Place:
    """Lay out segments and neighbourhoods; draw deprivation and attractiveness."""
    n, per = p.n_residents, p.households_per_segment
    n_seg = math.ceil(n / per)
    width = math.ceil(math.sqrt(n_seg))
    height = math.ceil(n_seg / width)
    col, row = np.arange(n_seg) % width, np.arange(n_seg) // width
    k = min(p.n_neighbourhoods, n_seg)
    bx = math.ceil(math.sqrt(k))
    by = math.ceil(k / bx)
    block = (col * bx // width) + bx * (row * by // height)
    _, segment_nbhd = np.unique(np.minimum(block, k - 1), return_inverse=True)
    k = int(segment_nbhd.max()) + 1
    start = np.arange(n_seg) * per
    size = np.minimum(per, n - start)
    resident_segment = np.repeat(np.arange(n_seg), size)
    segment_xy = np.column_stack([col, row]).astype(np.float64) * p.segment_length_km
    jitter = rng.uniform(-0.35, 0.35, size=(n, 2)) * p.segment_length_km
    rank = (rng.permutation(k) + 0.5) / k               # deprivation rank in (0, 1)
    deprivation = 0.5 + p.deprivation_spread * (rank - 0.5)
    cohesion = np.clip(p.cohesion_mean + p.cohesion_spread * (1 - 2 * rank), 0, 1)
    seg_reward = rng.lognormal(0.0, p.segment_attractiveness_sd, n_seg)
    reward = seg_reward[resident_segment] * rng.lognormal(0.0, p.household_attractiveness_sd, n)
    return Place(
        grid_width=width, segment_length_km=p.segment_length_km, segment_xy=segment_xy, segment_nbhd=segment_nbhd,
        segment_start=start, segment_size=size, resident_segment=resident_segment,
        resident_nbhd=segment_nbhd[resident_segment],
        resident_xy=segment_xy[resident_segment] + jitter,
        deprivation=deprivation, cohesion=cohesion, attractiveness=reward / reward.mean())


def starting_attitudes(p: Params, place: Place, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trust, efficacy and fear of each resident (float32 columns in [0, 1])."""
    n = p.n_residents
    nbhd_trust = place.cohesion[place.resident_nbhd]
    sd = p.individual_sd
    trust = nbhd_trust + rng.normal(0, sd, n)
    efficacy = p.efficacy_mean + (nbhd_trust - p.cohesion_mean) + rng.normal(0, sd, n)
    fear = p.fear_mean + 0.5 * (place.deprivation[place.resident_nbhd] - 0.5) + rng.normal(0, sd, n)
    return tuple(np.clip(x, 0, 1).astype(np.float32) for x in (trust, efficacy, fear))


def starting_concerns(p: Params, n: int, rng: np.random.Generator) -> np.ndarray:
    """Bitmask of each resident's concerns (bit i = :data:`~simulation.state.ISSUES` [i])."""
    prevalence = np.array([getattr(p, f"p_concern_{issue.name}") for issue in ISSUES])
    bits = rng.random((n, len(ISSUES))) < prevalence
    return (bits * (1 << np.arange(len(ISSUES)))).sum(axis=1).astype(np.uint8)


@dataclass(frozen=True)
class Groups:
    """Existing community groups ("what already exists")."""

    member_group: np.ndarray   # group of each resident, -1 if none
    is_leader: np.ndarray      # informal leader of a group
    nbhd: np.ndarray           # neighbourhood of each group


def build_groups(p: Params, place: Place, rng: np.random.Generator
                 ) -> tuple[Groups, np.ndarray, np.ndarray]:
    """Draw groups, members and leaders; return them with the ties they imply."""
    n = p.n_residents
    n_groups = int(round(p.groups_per_1000 * n / 1000))
    member_group = np.full(n, -1, dtype=np.int32)
    is_leader = np.zeros(n, dtype=bool)
    if n_groups == 0:
        empty = np.empty(0, dtype=np.int64)
        return Groups(member_group, is_leader, np.empty(0, dtype=np.int32)), empty, empty
    pop = np.bincount(place.resident_nbhd, minlength=place.n_nbhd)
    weight = pop * (0.5 + place.cohesion)
    nbhd = rng.choice(place.n_nbhd, size=n_groups, p=weight / weight.sum()).astype(np.int32)
    sizes = np.maximum(3, rng.poisson(p.group_size, n_groups))
    group_of = np.repeat(np.arange(n_groups), sizes)
    members = _random_residents_in(place, nbhd[group_of], rng)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.arange(len(group_of)) - first[group_of]
    member_group[members] = group_of
    leaders = members[rank < np.minimum(p.leaders_per_group, sizes)[group_of]]
    is_leader[leaders] = True
    # each member knows the group's first leader and one other member
    other = first[group_of] + rng.integers(0, sizes[group_of])
    u = np.concatenate([members, members])
    v = np.concatenate([members[first[group_of]], members[other]])
    return Groups(member_group, is_leader, nbhd), u, v


def _random_residents_in(place: Place, nbhd: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    order = np.argsort(place.resident_nbhd, kind="stable")
    counts = np.bincount(place.resident_nbhd, minlength=place.n_nbhd)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return order[starts[nbhd] + (rng.random(len(nbhd)) * counts[nbhd]).astype(np.int64)]


def build_network(p: Params, place: Place, trust: np.ndarray, group_ties: tuple[np.ndarray, np.ndarray],
                  rng: np.random.Generator) -> SocialNetwork:
    """Spatially embedded ties plus group ties, or the user's own network file.

    Each resident starts ``Poisson(mean_degree / 2 * (0.5 + trust))`` ties: a
    share ``p_tie_long_range`` to anyone in their neighbourhood, the rest to a
    household a normally distributed number of segments away.
    """
    n = p.n_residents
    if p.network_file:
        u, v = read_network_file(p.network_file, n)
        return SocialNetwork(n, u, v)
    stubs = rng.poisson(p.mean_degree / 2 * (0.5 + trust.astype(np.float64)))
    owner = np.repeat(np.arange(n), stubs)
    long_range = rng.random(len(owner)) < p.p_tie_long_range
    partner = np.empty(len(owner), dtype=np.int64)
    partner[long_range] = _random_residents_in(place, place.resident_nbhd[owner[long_range]], rng)
    local = owner[~long_range]
    offset = rng.normal(0, p.tie_distance_segments, (len(local), 2)) * place.segment_length_km
    seg = place.nearest_segment(place.segment_xy[place.resident_segment[local]] + offset)
    partner[~long_range] = place.segment_start[seg] + (
        rng.random(len(local)) * place.segment_size[seg]).astype(np.int64)
    gu, gv = group_ties
    return SocialNetwork(n, np.concatenate([owner, gu]), np.concatenate([partner, gv]))


@dataclass(slots=True)
class Segments:
    """Street-segment state that changes during a run."""

    heat: np.ndarray        # near-repeat heat: recent completed crimes, decaying
    lighting: np.ndarray    # lighting improvement won by residents, 0-1

    @classmethod
    def initial(cls, n_segments: int) -> Segments:
        """No heat, no improved lighting."""
        return cls(heat=np.zeros(n_segments), lighting=np.zeros(n_segments))


@dataclass(slots=True)
class Offenders:
    """Where offenders live and how motivated they are (1 = baseline).

    The crime map (:mod:`simulation.crimemap`) adds the ring's offenders
    (neighbourhood -1), who is young, and everyone's routine activity nodes;
    youth provision marks who it diverts each day.
    """

    home_segment: np.ndarray
    home_xy: np.ndarray
    nbhd: np.ndarray
    motivation: np.ndarray
    young: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    nodes: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    diverted: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def build_offenders(p: Params, place: Place, rng: np.random.Generator) -> Offenders:
    """Offenders live more often in deprived neighbourhoods (weight = deprivation)."""
    count = int(round(p.offenders_per_1000 * p.n_residents / 1000))
    seg_weight = place.deprivation[place.segment_nbhd] * place.segment_size
    home = rng.choice(place.n_segments, size=count, p=seg_weight / seg_weight.sum())
    return Offenders(home_segment=home, home_xy=place.segment_xy[home],
                     nbhd=place.segment_nbhd[home], motivation=np.ones(count))


@dataclass(frozen=True)
class World:
    """Everything a run starts from; a pure function of the parameters and the world stream."""

    place: Place
    trust: np.ndarray
    efficacy: np.ndarray
    fear: np.ndarray
    concerns: np.ndarray
    groups: Groups
    network: SocialNetwork
    offenders: Offenders


def build_world(p: Params, rng: np.random.Generator) -> World:
    """Place, residents' starting attitudes and concerns, existing groups, the network and offenders."""
    place = build_place(p, rng)
    trust, efficacy, fear = starting_attitudes(p, place, rng)
    groups, gu, gv = build_groups(p, place, rng)
    concerns = starting_concerns(p, p.n_residents, rng)
    network = build_network(p, place, trust, (gu, gv), rng)
    return World(place, trust, efficacy, fear, concerns, groups, network, build_offenders(p, place, rng))
