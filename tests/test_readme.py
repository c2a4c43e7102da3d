"""The README's examples are code: they must run as written, name only what they define, and pin
what exists.

A user copies an example before reading the prose around it, so a name the example never
defines (``graph_base``, ``SP``) or a ``rev`` no tag has is a first-day failure of ours, not of
theirs. The Python blocks are compiled and checked for undefined names (ruff's F821) and for
test arguments that are no fixture; the pre-commit and GitHub Actions examples are parsed and
their pins compared with the version in pyproject.toml.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

# Fixtures a README example may take without defining them: pytest's own and our plugin's.
KNOWN_FIXTURES = frozenset(
    {
        "cache",
        "capfd",
        "caplog",
        "capsys",
        "monkeypatch",
        "pytestconfig",
        "record_property",
        "recwarn",
        "request",
        "tmp_path",
        "tmp_path_factory",
        "conformance",
        "conformance_catalog",
    }
)


def _blocks(language: str) -> list[tuple[int, str]]:
    """The fenced blocks of one language, with the README line each starts on."""
    return [
        (README[: m.start()].count("\n") + 2, m.group(1))
        for m in re.finditer(rf"^```{language}\n(.*?)^```", README, re.S | re.M)
    ]


PYTHON = _blocks("python")


def test_there_are_python_examples() -> None:
    """The checks below would pass on no examples at all."""
    assert len(PYTHON) >= 4


@pytest.mark.parametrize(("line", "code"), PYTHON, ids=[f"line {n}" for n, _ in PYTHON])
def test_python_example_compiles(line: int, code: str) -> None:
    """Each block is valid Python as it stands."""
    compile(code, f"README.md:{line}", "exec")


def test_python_examples_define_every_name(tmp_path: Path) -> None:
    """No block uses a name it does not define or import (ruff's F821 on each block alone)."""
    for line, code in PYTHON:
        (tmp_path / f"readme_line_{line}.py").write_text(code, encoding="utf-8")
    ruff = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache"]
    checked = subprocess.run(
        [*ruff, "--select", "F821", "--output-format", "concise", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _is_given(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Name) and call.id == "given"


def test_test_functions_take_only_fixtures_that_exist() -> None:
    """A test's arguments are fixtures: pytest's, the plugin's, or ones the README shows."""
    trees = [ast.parse(code) for _, code in PYTHON]
    defined = {
        node.name
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and any(_is_fixture(d) for d in node.decorator_list)
    }
    missing = [
        f"{node.name}({arg.arg})"
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and node.name.startswith("test")
        # Hypothesis fills the arguments of a @given test, not pytest.
        and not any(_is_given(d) for d in node.decorator_list)
        for arg in node.args.args
        if arg.arg not in KNOWN_FIXTURES | defined
    ]
    assert missing == []


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) in ("pytest.fixture", "fixture")


def _yaml_block(marker: str) -> Any:
    [code] = [code for _, code in _blocks("yaml") if marker in code]
    return yaml.safe_load(code)


def test_precommit_rev_is_the_released_version() -> None:
    """The hook's rev is the tag of the version in pyproject.toml (releases are vX.Y.Z)."""
    [repo] = _yaml_block(".pre-commit-config.yaml")["repos"]
    assert repo["rev"] == f"v{VERSION}"
    assert repo["hooks"][0]["id"] == "conformance"


def test_github_actions_example() -> None:
    """The workflow installs the release, validates once for two reports, uploads the SARIF."""
    workflow = _yaml_block(".github/workflows/conformance.yml")
    steps = workflow["jobs"]["conformance"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert any(f"@v{VERSION}" in run and run.startswith("pip install") for run in runs)
    [validate] = [run for run in runs if run.startswith("conformance validate")]
    assert "--output github=- --output sarif=results.sarif" in validate
    [upload] = [
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    ]
    assert upload["with"]["sarif_file"] == "results.sarif"
    assert workflow["permissions"]["security-events"] == "write"
