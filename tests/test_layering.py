"""Data flows one way: params -> world -> processes -> metrics -> outputs -> experiments/viz -> CLI."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"simulation": {"experiments", "viz"}, "agents": {"experiments", "viz"}, "viz": {"experiments"}}
"""Packages each package must not import."""


def imported_packages(path: Path) -> set[str]:
    """Top-level modules a Python file imports (at any depth of the file)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_no_package_imports_a_layer_above_it(package):
    for path in (ROOT / package).rglob("*.py"):
        above = {m for m in imported_packages(path) if m.split(".")[0] in LAYERS[package]}
        assert not above, f"{path.relative_to(ROOT)} imports {sorted(above)}"


def test_only_the_command_line_imports_the_command_line():
    for path in [*ROOT.glob("simulation/**/*.py"), *ROOT.glob("agents/**/*.py"), *ROOT.glob("experiments/*.py"),
                 *ROOT.glob("viz/**/*.py")]:
        if path.name.endswith("cli.py"):
            continue
        assert "experiments.cli" not in imported_packages(path), path


def test_help_does_not_load_the_model_or_data_stack():
    code = ("import sys, experiments.cli; heavy = {'mesa', 'pandas', 'scipy', 'matplotlib', 'simulation.model'};"
            "print(sorted(heavy & set(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"
