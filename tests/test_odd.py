"""The ODD document is complete and its parameter table matches the parameter definitions."""

import pytest

from experiments.odd import END, ODD_PATH, START, parameter_table, table_in, with_table
from simulation.params import FIELDS
from simulation.params import SECTIONS as PARAMETER_SECTIONS

SECTIONS = ("Purpose and patterns", "Entities, state variables and scales", "Process overview and scheduling",
            "Design concepts", "Initialisation", "Input data", "Submodels")


def test_parameter_table_in_docs_is_up_to_date():
    assert table_in(ODD_PATH.read_text(encoding="utf-8")) == parameter_table(), (
        "docs/ODD.md is out of date: run `python -m experiments.odd`")


def test_table_lists_every_parameter_once_under_its_section():
    rows = [row for row in parameter_table().splitlines() if row.startswith("| `")]
    assert sorted(row.split("`")[1] for row in rows) == sorted(FIELDS)
    for section in PARAMETER_SECTIONS:
        assert f"**{section.title}**" in parameter_table()


def test_odd_has_every_section():
    text = ODD_PATH.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f"## {section}" in text or f". {section}" in text, section


def test_regeneration_replaces_only_the_table():
    doc = f"intro\n{START}\nstale\n{END}\noutro\n"
    new = with_table(doc)
    assert new.startswith(f"intro\n{START}\n") and new.endswith(f"{END}\noutro\n")
    assert table_in(new) == parameter_table()
    with pytest.raises(ValueError, match="marker"):
        with_table("no markers here")
