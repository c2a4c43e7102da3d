"""The pre-commit hook: the real pre-commit installs it offline and runs it on fixture files.

pre-commit's `language: python` makes a virtualenv for the hook and `pip install`s the hook's
repository into it, which would fetch the dependencies from PyPI. The tests never reach the
network: they repack the distributions already installed in this interpreter's environment into
a local wheelhouse and run pre-commit with `PIP_NO_INDEX` and `PIP_FIND_LINKS` pointing at it
(pre-commit hands its environment to virtualenv and pip), a private `PRE_COMMIT_HOME` and a proxy
that refuses every connection, so that any attempt to go online fails instead of going unnoticed.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib
import importlib.metadata as metadata
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pytest
from packaging.requirements import Requirement  # pytest depends on packaging
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
HOOK = "conformance"
SCHEMA = "graph.synchronizationProgress"
PROGRESS = {
    "@odata.type": "#microsoft.graph.synchronizationProgress",
    "completedUnits": 1025,
    "totalUnits": 3024,
    "units": "pages",
    "progressObservationDateTime": "2017-10-10T17:00:00Z",
}
# Any connection through this proxy is refused at once: a download attempt fails, loudly.
DEAD_PROXY = "http://127.0.0.1:9"
# Should PIP_NO_INDEX ever be lost on its way to pip, pip would use this index, which cannot
# exist (.invalid), and say so: "Looking in indexes: http://index.invalid/simple".
DEAD_INDEX = "http://index.invalid/simple"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")

if importlib.util.find_spec("pre_commit") is None:
    pytest.skip(
        "pre-commit is not installed (it is in the test extra: pip install -e '.[test]')",
        allow_module_level=True,
    )
if shutil.which("git") is None:
    pytest.skip("git is not installed; pre-commit needs it", allow_module_level=True)


# --- the wheelhouse: installed distributions repacked as wheels -------------------------------


def _applies(requirement: Requirement, extras: Iterable[str]) -> bool:
    """Whether a requirement's marker holds here, for a dependent installed with `extras`."""
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras)


def needed_distributions(requirements: Iterable[str]) -> dict[str, metadata.Distribution]:
    """The installed distributions that `requirements` need, followed recursively."""
    found: dict[str, metadata.Distribution] = {}
    done: set[tuple[str, str]] = set()
    todo = [r for r in map(Requirement, requirements) if _applies(r, [""])]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        # A distribution is expanded once per extra asked of it ("" = its plain requirements).
        extras = {""} | {canonicalize_name(e) for e in requirement.extras}
        new = {e for e in extras if (name, e) not in done}
        if not new:
            continue
        done.update((name, e) for e in new)
        if name not in found:
            try:
                found[name] = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                pytest.fail(f"{requirement} is needed by the hook but not installed here")
        dist = found[name]
        if not requirement.specifier.contains(dist.version, prereleases=True):
            pytest.fail(f"{requirement} is needed by the hook, {name} {dist.version} is installed")
        todo.extend(r for r in map(Requirement, dist.requires or []) if _applies(r, new))
    return found


def repack(dist: metadata.Distribution, out: Path) -> Path:
    """Zip an installed distribution back into a wheel, with a fresh RECORD; returns its path."""
    name = dist.metadata["Name"]
    files = dist.files
    wheel_text = dist.read_text("WHEEL")
    if files is None or wheel_text is None:
        pytest.fail(f"{name} has no RECORD or WHEEL (not installed from a wheel): cannot repack it")
    [info] = {f.parts[0] for f in files if f.parts[0].endswith(".dist-info")}
    # The file name carries the WHEEL file's tags compressed: each part's values joined by dots.
    tags = [
        line.split(":", 1)[1].strip() for line in wheel_text.splitlines() if line.startswith("Tag:")
    ]
    tag = "-".join(
        ".".join(dict.fromkeys(part)) for part in zip(*(t.split("-") for t in tags), strict=True)
    )
    wheel = (
        out / f"{re.sub(r'[-_.]+', '_', name).lower()}-{dist.version.replace('-', '_')}-{tag}.whl"
    )
    installer_files = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
    members = [
        f
        for f in files
        # Outside site-packages are the console scripts, which pip makes again from
        # entry_points.txt; bytecode is compiled again; the installer's own files are not shipped.
        if f.parts[0] not in ("..", "/")
        and "__pycache__" not in f.parts
        and not (f.parts[:1] == (info,) and f.name in installer_files)
        and Path(str(dist.locate_file(f))).is_file()
    ]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        # The .dist-info folder goes last, as the wheel format recommends.
        for member in sorted(members, key=lambda f: f.parts[0] == info):
            source = Path(str(dist.locate_file(member)))
            data = source.read_bytes()
            entry = zipfile.ZipInfo.from_file(source, member.as_posix(), strict_timestamps=False)
            entry.compress_type = zipfile.ZIP_DEFLATED
            # Level 1: the wheels live for one test session; speed matters more than size.
            archive.writestr(entry, data, compresslevel=1)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            writer.writerow([member.as_posix(), f"sha256={digest.decode()}", len(data)])
        writer.writerow([f"{info}/RECORD", "", ""])
        archive.writestr(f"{info}/RECORD", record.getvalue())
    return wheel


def hook_requirements(project: Path) -> list[str]:
    """What installing the project needs: its build backend and its dependencies."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return [*pyproject["build-system"]["requires"], *pyproject["project"]["dependencies"]]


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of everything the hook's install needs, repacked from this environment."""
    out = tmp_path_factory.mktemp("wheelhouse")
    # setuptools included: pip builds the project in an isolated environment it installs the
    # build backend into, from the same wheelhouse.
    for dist in needed_distributions(hook_requirements(ROOT)).values():
        repack(dist, out)
    return out


# --- git, pre-commit and a hermetic environment for them -----------------------------------


def hermetic_env(home: Path, wheelhouse: Path) -> dict[str, str]:
    """The environment for git and pre-commit: no user configuration, no cache, no network."""
    env = {
        k: v
        for k, v in os.environ.items()
        # A test run from inside a git hook inherits GIT_DIR / GIT_INDEX_FILE; user settings of
        # pip and virtualenv (an index, a cache) must not leak in either.
        if not k.startswith(("GIT_", "PIP_", "PRE_COMMIT", "VIRTUALENV_"))
        and k.lower() not in (*PROXY_VARIABLES, "no_proxy")
    }
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
        PRE_COMMIT_HOME=str(home / "pre-commit"),
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PIP_INDEX_URL=DEAD_INDEX,
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_CACHE_DIR=str(home / "pip-cache"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PIP_RETRIES="0",
        # virtualenv seeds pip from the wheels it embeds; its periodic update would go online.
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
        VIRTUALENV_OVERRIDE_APP_DATA=str(home / "virtualenv"),
    )
    for name in PROXY_VARIABLES:
        env[name] = env[name.upper()] = DEAD_PROXY
    return env


def git(cwd: Path, env: Mapping[str, str], *args: str) -> str:
    """Run git quietly; returns its standard output."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def pre_commit(cwd: Path, env: Mapping[str, str], *args: str) -> tuple[int, str]:
    """Run pre-commit with this interpreter; returns its exit code and its output."""
    # This interpreter, not a `pre-commit` on PATH: its virtualenvs then get the same Python,
    # whose distributions the wheelhouse holds.
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The checkout as it is on disk, committed to a repository of its own; its path and commit.

    pre-commit installs a hook from a commit. `try-repo` adds only changes to tracked files, so a
    new file (a new .pre-commit-hooks.yaml, a new module) would be missing while it is developed;
    a snapshot of tracked and untracked, not ignored files works both there and in a clean clone.
    """
    repo = tmp_path_factory.mktemp("hook-repo")
    # The checkout is read with the user's git configuration (safe.directory may be needed), but
    # without the GIT_DIR / GIT_INDEX_FILE of a git hook this test might run in.
    user_env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        listed = git(ROOT, user_env, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    except subprocess.CalledProcessError:  # not a git checkout (an unpacked sdist)
        ignore = shutil.ignore_patterns(
            ".git", ".venv", ".*_cache", ".tox", "__pycache__", "*.egg-info", "build", "dist"
        )
        shutil.copytree(ROOT, repo, ignore=ignore, dirs_exist_ok=True)
    else:
        for name in filter(None, listed.split("\0")):
            source = ROOT / name
            if source.is_file():  # a tracked file deleted on disk is gone from the snapshot too
                (repo / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, repo / name)
    env = hermetic_env(repo, repo)
    git(repo, env, "-c", "init.defaultBranch=main", "init", "-q")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "--no-verify", "-m", "snapshot of the checkout")
    return repo, git(repo, env, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> dict[str, str]:
    """One PRE_COMMIT_HOME for the session, so that the hook's virtualenv is built once."""
    return hermetic_env(tmp_path_factory.mktemp("home"), wheelhouse)


def make_project(
    path: Path, hook_repo: tuple[Path, str], env: Mapping[str, str], args: Sequence[str] = ()
) -> Path:
    """A git repository with a good and a bad fixture and a config that uses the hook."""
    repo, rev = hook_repo
    path.mkdir()
    (path / "fixtures").mkdir()
    (path / "fixtures" / "good.json").write_text(json.dumps(PROGRESS, indent=2) + "\n")
    bad = {**PROGRESS, "completedUnits": "many"}
    (path / "fixtures" / "bad.json").write_text(json.dumps(bad, indent=2) + "\n")
    hook: dict[str, object] = {"id": HOOK, **({"args": list(args)} if args else {})}
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [hook]}]}
    # JSON is YAML: no YAML writer needed.
    (path / ".pre-commit-config.yaml").write_text(json.dumps(config, indent=2) + "\n")
    git(path, env, "-c", "init.defaultBranch=main", "init", "-q")
    git(path, env, "add", "-A")
    return path


def run_hook(project: Path, env: Mapping[str, str], *files: str) -> tuple[int, str]:
    """`pre-commit run` of the hook on `files`, verbose so that a passing hook shows its output."""
    return pre_commit(project, env, "run", HOOK, "--verbose", "--color=never", "--files", *files)


def assert_good_passes_and_bad_fails(project: Path, env: Mapping[str, str]) -> None:
    """The hook passes fixtures/good.json and fails fixtures/bad.json with its violation."""
    code, output = run_hook(project, env, "fixtures/good.json")
    assert code == 0, output
    assert re.search(r"^conformance.*\.Passed$", output, re.MULTILINE), output
    assert f"ok    fixtures/good.json  [{SCHEMA}]" in output

    code, output = run_hook(project, env, "fixtures/bad.json")
    assert code == 1, output
    assert re.search(r"^conformance.*\.Failed$", output, re.MULTILINE), output
    # pre-commit exits 1 for any failing hook; the hook's own code tells violations (1) from a
    # usage error or unreadable input (2).
    assert "- exit code: 1\n" in output, output
    assert f"FAIL  fixtures/bad.json  [{SCHEMA}]" in output
    assert 'violation  /completedUnits: "many" is not of type "integer"' in output


# --- the tests ------------------------------------------------------------------------------


def test_manifest_is_valid_and_selects_fixture_files() -> None:
    """pre-commit accepts .pre-commit-hooks.yaml; the hook takes fixtures, not the repo's YAML."""
    # pre-commit ships no type information: reach its loader through import_module (Any).
    clientlib = importlib.import_module("pre_commit.clientlib")
    [hook] = clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["id"] == HOOK
    assert hook["entry"] == "conformance validate --allow-empty"
    assert hook["language"] == "python"
    assert hook["require_serial"] is False
    files = re.compile(hook["files"])
    for taken in (
        "job.json",
        "tests/fixtures/jobs.ndjson",
        "traffic.jsonl",
        "recordings/portal.har",
        "tests/cassettes/test_sync/test_job.yaml",
        "spec/fixtures/vcr_cassettes/kendra.yml",
    ):
        assert files.search(taken), taken
    for left in (
        ".pre-commit-config.yaml",
        ".github/workflows/ci.yml",
        "job.json.bak",
        "README.md",
    ):
        assert not files.search(left), left


def test_hook_with_schema_argument_passes_good_and_fails_bad(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    """With `args: [--schema NAME]` the hook passes a conforming file and reports a violation."""
    project = make_project(tmp_path / "project", hook_repo, env, ["--schema", SCHEMA])
    assert_good_passes_and_bad_fails(project, env)


def test_hook_selects_schema_from_odata_type(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    """Without arguments the hook picks the schema from "@odata.type" and validates against it."""
    project = make_project(tmp_path / "project", hook_repo, env)
    assert_good_passes_and_bad_fails(project, env)


def test_hook_install_never_reaches_an_index(
    tmp_path: Path, hook_repo: tuple[Path, str], wheelhouse: Path
) -> None:
    """A dependency missing from the wheelhouse fails the install; pip does not fetch it."""
    # The control for the tests above: were PIP_NO_INDEX not reaching pip through pre-commit,
    # this install would download the missing wheel (or try to, through the dead proxy).
    # pip names the requirement as the project spells it.
    missing = Requirement(hook_requirements(ROOT)[-1]).name
    partial = tmp_path / "wheelhouse"
    partial.mkdir()
    for wheel in wheelhouse.glob("*.whl"):
        if canonicalize_name(wheel.name.split("-", 1)[0]) != canonicalize_name(missing):
            shutil.copy2(wheel, partial)
    env = hermetic_env(tmp_path, partial)
    project = make_project(tmp_path / "project", hook_repo, env)
    code, output = run_hook(project, env, "fixtures/good.json")
    assert code != 0, output
    assert re.search(rf"No matching distribution found for {re.escape(missing)}\b", output), output
    # pip saw the wheelhouse and nothing else: it names the index it looks in, if it has one.
    assert f"Looking in links: {partial}" in output
    assert "Looking in indexes" not in output
    assert "Could not fetch URL" not in output
    assert "ProxyError" not in output


def test_hook_reports_broken_contract_rules(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    """A fixture that passes its schema but breaks a contract rule (more units done than there
    are) fails the hook with the rule's id; disable-rules in pyproject.toml lets it pass."""
    project = make_project(tmp_path / "project", hook_repo, env)
    over = {**PROGRESS, "completedUnits": 5000, "totalUnits": 4000}
    (project / "fixtures" / "over.json").write_text(json.dumps(over, indent=2) + "\n")
    git(project, env, "add", "-A")
    code, output = run_hook(project, env, "fixtures/over.json")
    assert code == 1, output
    assert "rule  /completedUnits: completedUnits 5000 is more than totalUnits 4000" in output
    assert "graph.progress-within-total" in output
    (project / "pyproject.toml").write_text(
        '[tool.conformance]\ndisable-rules = ["graph.progress-within-total"]\n'
    )
    git(project, env, "add", "-A")
    code, output = run_hook(project, env, "fixtures/over.json")
    assert code == 0, output
