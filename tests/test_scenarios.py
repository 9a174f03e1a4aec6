"""Tests of scenario files: shipped scenarios load, bad files give clear errors."""

import pytest

from simulation.params import Params, ParameterError
from simulation.scenarios import load_scenario, scenario_names

EXPECTED = {"baseline", "listening_led", "broadcast", "target_hardening", "combined"}


def test_shipped_scenarios_load_with_descriptions():
    assert EXPECTED <= set(scenario_names())
    for name in scenario_names():
        sc = load_scenario(name)
        assert sc.name == name and sc.description


def test_baseline_is_the_default_parameters():
    assert load_scenario("baseline").params == Params()


def test_strategies_differ_as_described():
    assert load_scenario("listening_led").params.organising == "listening"
    assert load_scenario("broadcast").params.organising == "broadcast"
    assert load_scenario("target_hardening").params.hardening_budget_gbp > 0
    combined = load_scenario("combined").params
    assert combined.organising == "listening" and combined.hardening_budget_gbp > 0


def write(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("text", "needles"), [
    ('name = "x"\n[params]\nn_organisrs = 3\n', ["s.toml", "n_organisrs", "n_organisers"]),
    ('name = "x"\n[params]\np_home = 2.0\n', ["s.toml", "p_home", "[0, 1]"]),
    ('name = "x"\n[params]\nn_residents = "lots"\n', ["s.toml", "n_residents", "integer"]),
    ('name = "x"\n[params]\norganising = "door"\n', ["s.toml", "organising", "'listening'"]),
    ('name = "x"\ncolour = "red"\n', ["s.toml", "colour", "name, title, description, params"]),
    ('name = "x"\nparams = 3\n', ["s.toml", "[params]"]),
    ('name = 3\n', ["s.toml", "name"]),
    ('name = "x\n', ["s.toml", "not valid TOML"]),
    ('[params]\nn_organisers = "__import__(\'os\').system(\'true\')"\n', ["n_organisers", "integer"]),
])
def test_bad_scenario_files_name_file_field_and_allowed(tmp_path, text, needles):
    with pytest.raises(ParameterError) as err:
        load_scenario(write(tmp_path, text))
    for needle in needles:
        assert needle in str(err.value)


def test_unknown_scenario_lists_shipped_ones():
    with pytest.raises(ParameterError, match="listening_led"):
        load_scenario("listening")


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(ParameterError, match="not found"):
        load_scenario(tmp_path / "missing.toml")


def test_user_scenario_file_overrides_baseline(tmp_path):
    sc = load_scenario(write(tmp_path, 'name = "mine"\ndescription = "d"\n[params]\nn_organisers = 2\n'))
    assert sc.name == "mine" and sc.params.diff() == {"n_organisers": 2}


def test_shipped_scenarios_have_plain_titles():
    assert load_scenario("listening_led").title == "Listening-led organising"
    for name in scenario_names():
        assert "_" not in load_scenario(name).title


def test_title_defaults_to_the_name_in_words(tmp_path):
    assert load_scenario(write(tmp_path, 'name = "door_knocking"\n')).title == "Door knocking"


def test_shipped_only_loads_names_and_refuses_paths(tmp_path):
    assert load_scenario("listening_led", shipped_only=True).name == "listening_led"
    path = write(tmp_path, 'name = "mine"\n')
    for name in (str(path), "scenarios/baseline.toml", "../scenarios/baseline", "baseline.toml", "/etc/passwd"):
        with pytest.raises(ParameterError, match="unknown scenario .*expected one of: baseline"):
            load_scenario(name, shipped_only=True)


@pytest.mark.parametrize(("value", "needle"), [(123, "expected a scenario name"), (None, "expected a scenario name"),
                                               ("a\0b", "NUL"), ("", "empty")])
def test_scenario_argument_of_the_wrong_kind(value, needle):
    with pytest.raises(ParameterError, match=needle):
        load_scenario(value)


def test_text_fields_are_single_lines(tmp_path):
    with pytest.raises(ParameterError, match="'name' must be one line of text of at most 64"):
        load_scenario(write(tmp_path, 'name = "a\\nb"\n'))
