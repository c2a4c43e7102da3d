"""What ships: the wheel holds the schemas and the plugin under unique names, and it works."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline with the installed setuptools."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        cwd=out,
    )
    [built] = out.glob("sync_conformance-*.whl")
    return built


def test_wheel_contains_schemas_sources_and_plugin(wheel: Path) -> None:
    """Every schema, the source documents and the plugin are in the wheel, under unique names."""
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "schemas").glob("*.json")}
    assert len(shipped) >= 13
    assert {f"sync_conformance_schemas/{n}" for n in shipped} <= names
    for source in (ROOT / "schemas" / "sources").iterdir():
        assert f"sync_conformance_schemas/sources/{source.name}" in names
    assert "sync_conformance_pytest/__init__.py" in names
    assert "conformance/py.typed" in names
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"conformance", "sync_conformance_schemas", "sync_conformance_pytest"}
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[pytest11]\nsync_conformance = sync_conformance_pytest" in text
    assert "conformance = conformance.cli:main" in text


def test_installed_copy_finds_its_schemas_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    """Installed in a fresh venv and run from elsewhere, the command lists and shows the schemas."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # No dependencies: listing the catalog must need nothing but the standard library.
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        cwd=tmp_path,
    )
    listing = subprocess.run(
        [str(python), "-m", "conformance", "schemas", "--json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    rows = json.loads(listing.stdout)
    assert {r["name"] for r in rows} >= {"graph.synchronizationStatus", "kendra.DataSourceSyncJob"}
    where = subprocess.run(
        [str(python), "-c", "import conformance.catalog as c; print(c.shipped_directory())"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert str(env_dir) in where.stdout
    assert str(ROOT) not in where.stdout
