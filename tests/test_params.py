"""Tests of the parameter object: metadata, validation and parsing."""

import dataclasses

import pytest

from simulation.params import FIELDS, ParameterError, Params, allowed, parse_value, spec


def test_every_parameter_has_unit_range_source_and_meaning():
    defaults = Params()
    for name in FIELDS:
        s = spec(name)
        assert s.unit and s.source and s.doc, name
        value = getattr(defaults, name)
        if s.choices is not None:
            assert value in s.choices, name
        elif s.lo is not None:
            assert s.lo <= value <= s.hi, name


def test_params_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Params().n_residents = 5  # type: ignore[misc]


def test_unknown_key_names_it_suggests_and_lists_valid_ones():
    with pytest.raises(ParameterError) as err:
        Params.from_mapping({"n_organizers": 3})
    message = str(err.value)
    assert "n_organizers" in message and "Did you mean 'n_organisers'" in message
    assert "Valid parameters:" in message and "p_attempt" in message


@pytest.mark.parametrize(("name", "value"), [("p_home", 1.5), ("n_residents", 5), ("n_organisers", -1),
                                             ("organising", "door-knocking"), ("journey_km", float("nan"))])
def test_out_of_range_names_field_value_and_allowed_values(name, value):
    with pytest.raises(ParameterError) as err:
        Params(**{name: value})
    assert name in str(err.value) and repr(value) in str(err.value)
    assert allowed(name) in str(err.value)


@pytest.mark.parametrize(("name", "value"), [("n_residents", True), ("n_residents", 10.5), ("p_home", "0.5"),
                                             ("organising", 1)])
def test_wrong_types_are_rejected(name, value):
    with pytest.raises(ParameterError, match=name):
        Params(**{name: value})


def test_ints_are_accepted_for_floats_and_whole_floats_for_ints():
    p = Params(p_home=1, n_residents=3000.0)
    assert isinstance(p.p_home, float) and p.p_home == 1.0
    assert isinstance(p.n_residents, int) and p.n_residents == 3000


def test_crime_shares_must_add_up_to_one():
    with pytest.raises(ParameterError, match="share_burglary"):
        Params(share_burglary=0.5)


def test_replace_validates_again_and_diff_lists_changes():
    p = Params().replace(n_organisers=4, organising="listening")
    assert p.diff() == {"n_organisers": 4, "organising": "listening"}
    with pytest.raises(ParameterError):
        p.replace(n_organisers=10_000)


@pytest.mark.parametrize(("name", "text", "expected"), [("n_residents", "3000", 3000), ("p_home", "0.4", 0.4),
                                                        ("organising", "listening", "listening"),
                                                        ("n_residents", "1e3", 1000)])
def test_parse_value_converts_text(name, text, expected):
    assert parse_value(name, text) == expected


@pytest.mark.parametrize(("name", "text"), [("n_residents", "many"), ("n_residents", "2.5"), ("p_home", "x")])
def test_parse_value_errors_name_field_and_type(name, text):
    with pytest.raises(ParameterError) as err:
        parse_value(name, text)
    assert name in str(err.value) and allowed(name) in str(err.value)


def test_parse_value_rejects_unknown_names():
    with pytest.raises(ParameterError, match="unknown parameter 'colour'"):
        parse_value("colour", "red")


def test_every_parameter_belongs_to_a_titled_section_with_a_source():
    from simulation.params import SECTIONS

    titles = [section.title for section in SECTIONS]
    assert len(set(titles)) == len(titles)
    for name in FIELDS:
        assert spec(name).section in titles and spec(name).source and spec(name).unit, name


def test_crime_mix_and_concerns_are_generated_from_their_tables():
    from simulation.state import CRIME_TYPES, ISSUES

    assert {f"share_{c.name}" for c in CRIME_TYPES} | {f"p_concern_{i.name}" for i in ISSUES} <= set(FIELDS)


def test_a_misspelt_keyword_names_the_closest_parameter():
    with pytest.raises(ParameterError, match="unknown parameter 'n_organisrs'. Did you mean 'n_organisers'"):
        Params(n_organisrs=3)
