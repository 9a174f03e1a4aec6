"""The shape of a process: a component of the daily loop with its own parameters and random stream.

A component is one file in ``agents/``: a subclass of :class:`Component`
with a ``name`` (also the name of its random stream), its parameter
:class:`~simulation.fields.Section` classes, state set up in
``__init__`` and a ``step`` run once a day in the phase list. It reads and
writes the shared columns of the model (residents, segments, offenders)
through ``self.model``, requests attitude changes through
``model.requests`` (resolved once a day), and counts what it did in
``model.tally``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from simulation.fields import Section

if TYPE_CHECKING:
    from simulation.model import CommunityModel


class Component:
    """One process of the daily loop (see :data:`agents.PHASES`)."""

    name: ClassVar[str] = ""
    """Registry name and name of the component's random stream."""
    sections: ClassVar[tuple[type[Section], ...]] = ()
    """The component's parameters (gathered into :class:`~simulation.params.Params`)."""

    def __init__(self, model: CommunityModel) -> None:
        self.model = model
        self.p: Any = model.params

    def rng(self) -> np.random.Generator:
        """Today's generator of this component's stream (independent of every other stream and day)."""
        return self.model.streams.day(self.name, self.model.today)

    def step(self) -> None:
        """One day of this process."""
        raise NotImplementedError
