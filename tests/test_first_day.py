"""First-day annoyances, each pinned: what a new user trips over in the first hour.

Each section reproduces one complaint (an empty folder passing, a config glob that excluded
nothing, a config value of the wrong type taken silently, the top-level usage for a subcommand's
mistake, "2 violation", a derive message that named no file, one report format per run) and
checks the fix.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.findings import Finding, Location, Result
from conformance.report import REPORTERS, plural

JOB = {"ExecutionId": "e1", "StartTime": 1763643600, "Status": "SUCCEEDED"}
SCHEMA = "kendra.DataSourceSyncJob"


def _violation(n: int) -> Finding:
    return Finding("violation", Location("job.json", n, 1), f"bad {n}", SCHEMA, f"/P{n}")


# --- 5. plurals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "noun", "text"),
    [
        (1, "violation", "1 violation"),
        (2, "violation", "2 violations"),
        (0, "violation", "0 violations"),
        (2, "enum-drift", "2 enum-drifts"),
        (2, "error-response", "2 error-responses"),
        (2, "unreadable", "2 unreadable"),
        (2, "unselected", "2 unselected"),
        (1, "file", "1 file"),
    ],
)
def test_plural(n: int, noun: str, text: str) -> None:
    """A count agrees with its noun; the kinds that are adjectives stay as they are."""
    assert plural(n, noun) == text


@pytest.mark.parametrize(("n", "summary"), [(1, "1 violation"), (2, "2 violations")])
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_summary_line_counts_agree(n: int, summary: str, fmt: str) -> None:
    """The summary line of the text and GitHub reports: "1 violation", "2 violations"."""
    out = io.StringIO()
    report = REPORTERS[fmt](out)
    report.add(Result(Location("job.json"), SCHEMA, tuple(_violation(i + 1) for i in range(n))))
    assert report.finish() == 1
    assert out.getvalue().splitlines()[-1] == f"1 file, 1 document: {summary}"


def test_cli_summary_plural(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """End to end: two violations in one document are "2 violations"."""
    path = tmp_path / "job.json"
    path.write_text(json.dumps({**JOB, "Status": 1, "ExecutionId": 2}), encoding="utf-8")
    assert main(["validate", str(path), "--schema", SCHEMA]) == 1
    assert capsys.readouterr().out.rstrip().endswith("1 file, 1 document: 2 violations")


def test_plugin_headline_plural() -> None:
    """The pytest plugin's failure headline counts as the CLI does."""
    from pytest_plugin.render import headline

    one = Result(Location("job.json"), SCHEMA, (_violation(1),))
    two = Result(Location("job.json"), SCHEMA, (_violation(1), _violation(2)))
    assert headline([one], False).startswith("conformance: 1 violation in ")
    assert headline([two], False).startswith("conformance: 2 violations in ")


# --- 6. derive outside a checkout ----------------------------------------------------------------

ROOT = Path(__file__).parents[1]


def test_derive_outside_a_checkout_says_what_it_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not "manifest.json:1: no sources manifest here": what was looked for, and what to do."""
    monkeypatch.chdir(tmp_path)
    assert main(["derive"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "conformance: error: no schemas/sources/manifest.json in the current folder or its"
        " parents: run derive in a checkout of sync-conformance, or give pages/models as"
        " arguments with --out\n"
    )


def test_derive_with_a_sources_folder_without_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An explicit --sources without a manifest names the folder, exit 2."""
    assert main(["derive", "--sources", str(tmp_path), "--check"]) == 2
    err = capsys.readouterr().err
    assert f"no manifest.json in {tmp_path}: give --sources the folder" in err
    assert ":1:" not in err


def test_derive_check_from_a_subfolder_of_the_checkout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The checkout's sources are found upwards, as git finds its repository."""
    monkeypatch.chdir(ROOT / "conformance" / "report")
    assert main(["derive", "--check"]) == 0
    assert "matches its sources" in capsys.readouterr().out


# --- 3. configuration values of the wrong type ---------------------------------------------------


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'strict = "no"',
            'pyproject.toml: [tool.conformance] strict must be true or false, got "no"',
        ),
        ("strict = 1", "pyproject.toml: [tool.conformance] strict must be true or false, got 1"),
        (
            'include = "*.json"',
            'pyproject.toml: [tool.conformance] include must be a list of globs, got "*.json":'
            ' write include = ["*.json"]',
        ),
        (
            "exclude = [1]",
            "pyproject.toml: [tool.conformance] exclude must be a list of globs (non-empty"
            " strings), got [1]",
        ),
        (
            'exclude = ["ok", ""]',
            "pyproject.toml: [tool.conformance] exclude must be a list of globs (non-empty"
            ' strings), got ["ok", ""]',
        ),
        (
            'schemas = "kendra.DataSourceSyncJob"',
            'pyproject.toml: [tool.conformance] schemas must be a table of "glob" = "schema'
            ' name", got "kendra.DataSourceSyncJob"',
        ),
        (
            '[tool.conformance.schemas]\n"*.json" = 3',
            'pyproject.toml: [tool.conformance.schemas] "*.json" must be a schema name (a string'
            ' such as "kendra.DataSourceSyncJob"), got 3',
        ),
        (
            '[tool.conformance.schemas]\n"*.json" = ["kendra.DataSourceSyncJob"]',
            'pyproject.toml: [tool.conformance.schemas] "*.json" must be a schema name (a string'
            ' such as "kendra.DataSourceSyncJob"), got ["kendra.DataSourceSyncJob"]',
        ),
        (
            "stric = true",
            "pyproject.toml: [tool.conformance] has no setting 'stric' (did you mean 'strict'?);"
            " known: capture, disable-rules, exclude, include, schemas, strict",
        ),
        (
            "excludes = []",
            "pyproject.toml: [tool.conformance] has no setting 'excludes' (did you mean"
            " 'exclude'?); known: capture, disable-rules, exclude, include, schemas, strict",
        ),
        (
            "colour = 1",
            "pyproject.toml: [tool.conformance] has no setting 'colour'; known: capture,"
            " disable-rules, exclude, include, schemas, strict",
        ),
    ],
)
def test_config_of_the_wrong_type_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    table: str,
    message: str,
) -> None:
    """A value of the wrong type, or a key we do not read, is exit 2 with the file, the key and
    the expected type; never a silent setting, never a traceback."""
    (tmp_path / "pyproject.toml").write_text(f"[tool.conformance]\n{table}\n", encoding="utf-8")
    (tmp_path / "job.json").write_text(json.dumps(JOB), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "job.json"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"conformance: error: {message}\n"
    assert "Traceback" not in captured.err + captured.out


def test_config_table_that_is_not_a_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``[tool] conformance = 3`` names what it got."""
    (tmp_path / "pyproject.toml").write_text("[tool]\nconformance = 3\n", encoding="utf-8")
    (tmp_path / "job.json").write_text(json.dumps(JOB), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "job.json"]) == 2
    assert capsys.readouterr().err == (
        "conformance: error: pyproject.toml: [tool.conformance] must be a table, got 3\n"
    )


def test_config_of_the_right_types_is_read(tmp_path: Path) -> None:
    """The settings of every key, as written."""
    from conformance.config import load_config

    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.conformance]\nstrict = true\ninclude = ["*.json"]\nexclude = ["old/*"]\n'
        '[tool.conformance.schemas]\n"jobs/*.json" = "kendra.DataSourceSyncJob"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config is not None
    assert config.strict is True
    assert config.include == ("*.json",)
    assert config.exclude == ("old/*",)
    assert config.schemas == (("jobs/*.json", "kendra.DataSourceSyncJob"),)


# --- 2. include and exclude globs, relative to where they are written ----------------------------


def _tree(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(json.dumps(JOB), encoding="utf-8")


TREE = (
    "fixtures/job.json",
    "fixtures/old/job1.json",
    "fixtures/old/job2.json",
    "fixtures/job.bak.json",
    "node_modules/x/pkg.json",
    "node_modules/top.json",
    "lib/node_modules/y/pkg.json",
    "build/out.json",
)


def _found(root: Path, paths: list[str], include: object = None, exclude: object = ()) -> list[str]:
    from conformance.sources import DEFAULT_INCLUDE, expand

    found = expand(paths, include or DEFAULT_INCLUDE, exclude)  # type: ignore[arg-type]
    return sorted(
        Path(p).resolve().relative_to(root).as_posix() for p in found if isinstance(p, str)
    )


@pytest.mark.parametrize(
    ("exclude", "left_out"),
    [
        # Anchored at the folder of the globs: everything below node_modules, and no deeper one.
        (["node_modules/*"], {"node_modules/x/pkg.json", "node_modules/top.json"}),
        (["node_modules/**"], {"node_modules/x/pkg.json", "node_modules/top.json"}),
        (["./node_modules/**"], {"node_modules/x/pkg.json", "node_modules/top.json"}),
        # No slash: a name at any depth, a folder's too.
        (
            ["node_modules"],
            {"node_modules/x/pkg.json", "node_modules/top.json", "lib/node_modules/y/pkg.json"},
        ),
        (["*.bak.json"], {"fixtures/job.bak.json"}),
        (
            ["**/node_modules/**"],
            {"node_modules/x/pkg.json", "node_modules/top.json", "lib/node_modules/y/pkg.json"},
        ),
        (["fixtures/old"], {"fixtures/old/job1.json", "fixtures/old/job2.json"}),
        (["fixtures/old/job[1].json"], {"fixtures/old/job1.json"}),
        (["build/"], {"build/out.json"}),
        (["pkg.json/"], set()),  # a trailing / is for folders only
    ],
)
def test_exclude_globs_from_the_config(
    tmp_path: Path, exclude: list[str], left_out: set[str]
) -> None:
    """Config globs are relative to the pyproject.toml's folder, as .gitignore's to its own."""
    from conformance.config import Globs

    _tree(tmp_path, *TREE)
    found = _found(tmp_path, [str(tmp_path)], exclude=Globs(exclude, tmp_path))
    assert set(found) == set(TREE) - left_out


def test_globs_are_relative_to_their_folder_not_to_the_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same config glob, whether the walk starts at the project, below it or above it."""
    from conformance.config import Globs

    _tree(tmp_path / "proj", *TREE)
    exclude = Globs(["node_modules/*"], tmp_path / "proj")
    monkeypatch.chdir(tmp_path / "proj" / "fixtures")
    assert "node_modules/x/pkg.json" not in _found(tmp_path / "proj", [".."], exclude=exclude)
    monkeypatch.chdir(tmp_path)
    found = _found(tmp_path / "proj", ["proj"], exclude=exclude)
    assert "node_modules/x/pkg.json" not in found
    assert "lib/node_modules/y/pkg.json" in found
    # The excluded folder given itself: nothing of it is read.
    assert _found(tmp_path / "proj", ["proj/node_modules"], exclude=exclude) == []


def test_named_files_are_excluded_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files named one by one (pre-commit passes them so) meet the exclude globs too."""
    from conformance.config import Globs

    _tree(tmp_path, *TREE)
    monkeypatch.chdir(tmp_path / "fixtures")
    exclude = Globs(["node_modules/*"], tmp_path)
    found = _found(tmp_path, ["../node_modules/x/pkg.json", "job.json"], exclude=exclude)
    assert found == ["fixtures/job.json"]


def test_command_line_globs_are_relative_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--include and --exclude are read from where the command runs."""
    _tree(tmp_path, *TREE)
    monkeypatch.chdir(tmp_path)
    include = ["fixtures/**/*.json"]
    assert _found(tmp_path, ["."], include=include, exclude=["fixtures/old/*"]) == [
        "fixtures/job.bak.json",
        "fixtures/job.json",
    ]
    # A name glob matches at any depth; an anchored one only from the current folder.
    assert _found(tmp_path, ["."], include=["pkg.json"]) == [
        "lib/node_modules/y/pkg.json",
        "node_modules/x/pkg.json",
    ]
    assert _found(tmp_path, ["."], include=["x/pkg.json"]) == []


def test_cli_config_exclude_of_node_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reported case: exclude = ["node_modules/*"] leaves ./node_modules/x/pkg.json out."""
    _tree(tmp_path, "fixtures/job.json", "node_modules/x/pkg.json")
    (tmp_path / "node_modules" / "x" / "pkg.json").write_text('{"name": "x"}', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.conformance]\nexclude = ["node_modules/*"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "."]) == 0
    out = capsys.readouterr().out
    assert "pkg.json" not in out
    assert out.rstrip().endswith("1 file, 1 document: all conform")
    # The command line's own --exclude replaces the configuration's.
    main(["validate", ".", "--exclude", "fixtures/*"])
    out = capsys.readouterr().out
    assert "node_modules/x/pkg.json" in out
    assert "fixtures/job.json" not in out


# --- 1. nothing to validate is exit 2, unless --allow-empty --------------------------------------


def test_empty_folder_is_exit_2_with_what_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty folder passed as "nothing to validate", exit 0; now it says so and fails."""
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "empty"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "0 files, 0 documents: nothing to validate\n"
    assert captured.err == (
        "conformance: error: no files matched in empty (include: *.json, *.ndjson, *.jsonl,"
        " *.har, *.yaml, *.yml); pass --allow-empty to accept\n"
    )
    assert main(["validate", "empty", "--allow-empty"]) == 0
    assert capsys.readouterr().err == ""


def test_globs_that_match_nothing_name_the_globs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Include and exclude globs that leave nothing are named, so the mistake shows."""
    _tree(tmp_path, "a/job.json", "b/job.json")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "a", "b", "--include", "*.xml", "--exclude", "b"]) == 2
    assert capsys.readouterr().err == (
        "conformance: error: no files matched in a, b (include: *.xml; exclude: b);"
        " pass --allow-empty to accept\n"
    )
    # A file named on its own, excluded (as pre-commit may pass one).
    assert main(["validate", "a/job.json", "--exclude", "a/*"]) == 2
    assert "no files matched in a/job.json (include: " in capsys.readouterr().err
    assert main(["validate", "a/job.json", "--exclude", "a/*", "--allow-empty"]) == 0


def test_files_that_hold_no_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A matched file with no document in it (an empty NDJSON stream) is nothing validated."""
    (tmp_path / "jobs.ndjson").write_text("\n\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "."]) == 2
    assert capsys.readouterr().err == (
        "conformance: error: nothing to validate in .: 1 file held no document;"
        " pass --allow-empty to accept\n"
    )


def test_the_json_report_carries_the_exit_code_of_an_empty_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every format agrees on the exit code: the JSON report's summary says 2 too."""
    assert main(["validate", str(tmp_path), "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().out)["summary"]["exit_code"] == 2
    assert main(["validate", str(tmp_path), "--format", "json", "--allow-empty"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["exit_code"] == 0


def test_a_run_of_skipped_results_alone_validated_nothing() -> None:
    """Skipped exchanges (a HAR of pages and scripts) are no document: nothing validated."""
    if "skipped" not in getattr(Result, "__dataclass_fields__", {}):
        pytest.skip("results have no skipped field yet")
    report = REPORTERS["text"](io.StringIO(), allow_empty=False)
    skipped = Result(Location("pages.har", entry=1, entry_kind="entry"), None, skipped="not JSON")
    report.add(skipped)
    assert report.empty
    assert report.finish() == 2


def test_reporters_default_to_allowing_an_empty_run() -> None:
    """Library callers keep what they had: an empty run is 0 unless they ask otherwise."""
    assert REPORTERS["text"](io.StringIO()).finish() == 0
    assert REPORTERS["sarif"](io.StringIO(), allow_empty=False).finish() == 2


# --- 4. a subcommand's mistakes come with its own usage ------------------------------------------

COMMANDS = [["validate"], ["schemas"], ["schemas", "list"], ["schemas", "show"], ["derive"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_unknown_option_prints_the_subcommands_usage(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`validate --formatt x` printed the top-level usage; now `validate`'s, for every command."""
    with pytest.raises(SystemExit) as exited:
        main([*command, *(["x"] if command[-1] == "show" else []), "--no-such-option"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: conformance {' '.join(command)} ")
    assert (
        f"conformance {' '.join(command)}: error: unrecognized arguments: --no-such-option" in err
    )


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        (["validate", "--formatt", "x", "job.json"], "--format"),
        (["validate", "job.json", "--stirct"], "--strict"),
        (["derive", "--chek"], "--check"),
        (["schemas", "--jsno"], "--json"),
        (["schemas", "show", "x", "--bundel"], "--bundle"),
    ],
)
def test_misspelt_option_gets_a_did_you_mean(
    argv: list[str], meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt option names the one meant."""
    with pytest.raises(SystemExit):
        main(argv)
    assert f"(did you mean {meant}?)" in capsys.readouterr().err


def test_usage_errors_found_after_parsing_use_the_subcommands_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The checks the commands make themselves (no PATH, --bundle without show) too."""
    with pytest.raises(SystemExit):
        main(["validate"])
    assert capsys.readouterr().err.startswith("usage: conformance validate ")
    with pytest.raises(SystemExit):
        main(["schemas", "show"])
    assert capsys.readouterr().err.startswith("usage: conformance schemas show ")


# --- 7. each command's --help gives its own exit codes -------------------------------------------


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    return out[out.index("exit codes") :]


def test_each_command_has_its_own_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """validate's codes are validate's; derive's, schemas' and schemas show's their own."""
    validate = _help(["validate"], capsys)
    assert "--allow-empty" in validate
    assert "--strict" in validate
    assert "derive" not in validate
    derive = _help(["derive"], capsys)
    assert "1  --check: schemas that differ" in derive
    assert "violations" not in derive
    assert "--strict" not in derive
    show = _help(["schemas", "show"], capsys)
    assert "0  the schema was printed" in show
    assert "unknown schema name" in show
    assert "violations" not in show
    assert "  1  " not in show
    listing = _help(["schemas", "list"], capsys)
    assert "0  the schemas were listed" in listing
    assert "  1  " not in listing
    schemas = _help(["schemas"], capsys)
    assert "violations" not in schemas
    assert "  1  " not in schemas
    top = _help([], capsys)
    assert "each command's --help" in top
    assert len({validate, derive, show, listing, schemas, top}) == 6


def test_schemas_forms_still_work(capsys: pytest.CaptureFixture[str]) -> None:
    """`schemas`, `schemas --json`, `schemas list --json` and `schemas show NAME --bundle`."""
    assert main(["schemas"]) == 0
    plain = capsys.readouterr().out
    assert main(["schemas", "list"]) == 0
    assert capsys.readouterr().out == plain
    assert main(["schemas", "--json"]) == 0
    as_json = capsys.readouterr().out
    assert main(["schemas", "list", "--json"]) == 0
    assert capsys.readouterr().out == as_json
    assert main(["schemas", "show", SCHEMA, "--bundle"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"] == f"urn:sync-conformance:{SCHEMA}"


# --- 8. several report formats in one pass -------------------------------------------------------


@pytest.fixture
def bad_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "job.json"
    path.write_text(json.dumps({**JOB, "Status": 1}), encoding="utf-8")
    return path


def test_github_on_stdout_and_sarif_in_a_file_in_one_pass(
    bad_job: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI's case: annotations on stdout and a SARIF file, the inputs read once."""
    from conformance.pipeline import Pipeline

    runs = []
    real = Pipeline.run

    def counted(self: Pipeline, *args: object, **kwargs: object) -> object:
        runs.append(args)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "run", counted)
    argv = ["validate", "job.json", "--schema", SCHEMA]
    assert main([*argv, "--output", "github=-", "--output", "sarif=results.sarif"]) == 1
    assert len(runs) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=job.json,line=1,")
    assert out.endswith("1 file, 1 document: 1 violation\n")
    sarif = json.loads(Path("results.sarif").read_text(encoding="utf-8"))
    [result] = sarif["runs"][0]["results"]
    assert result["level"] == "error"


def test_each_output_is_what_its_format_alone_writes(
    bad_job: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report written beside others is byte for byte the report of a run of its own."""
    argv = ["validate", "job.json", "--schema", SCHEMA]
    alone = {}
    for fmt in ("text", "json", "junit", "github"):
        assert main([*argv, "--format", fmt]) == 1
        alone[fmt] = capsys.readouterr().out
    outputs = [f"--output={fmt}=report.{fmt}" for fmt in alone]
    assert main([*argv, *outputs]) == 1
    assert capsys.readouterr().out == ""  # with --output, stdout gets only what is asked
    for fmt, text in alone.items():
        written = Path(f"report.{fmt}").read_text(encoding="utf-8")
        # JUnit's XML declaration names the stream's encoding, spelt as the stream spells it.
        assert written.replace("'utf-8'", "'UTF-8'") == text.replace("'utf-8'", "'UTF-8'"), fmt
    # --format stays as it was: the report on stdout, beside the files.
    assert main([*argv, "--format", "json", "--output", "text=report.txt"]) == 1
    assert capsys.readouterr().out == alone["json"]
    assert Path("report.txt").read_text(encoding="utf-8") == alone["text"]


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("xml=report.xml", "unknown format 'xml' in 'xml=report.xml': choose from github,"),
        ("sarf=x.sarif", "unknown format 'sarf' in 'sarf=x.sarif' (did you mean sarif?)"),
        ("sarif", "expected FORMAT=FILE (e.g. sarif=results.sarif, github=-), got 'sarif'"),
        ("sarif=", "expected FORMAT=FILE"),
    ],
)
def test_a_bad_output_format_is_a_usage_error(
    bad_job: Path, capsys: pytest.CaptureFixture[str], output: str, message: str
) -> None:
    """A format we do not know is exit 2 with validate's usage."""
    with pytest.raises(SystemExit) as exited:
        main(["validate", "job.json", "--output", output])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: conformance validate ")
    assert message in err


def test_an_unwritable_output_stops_the_run_before_validation(
    bad_job: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FILE that cannot be written is exit 2, and nothing is read or validated."""
    from conformance.pipeline import Pipeline

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated although an output cannot be written")

    monkeypatch.setattr(Pipeline, "run", never)
    argv = ["validate", "job.json", "--output", "json=ok.json", "--output", "sarif=no/such/dir/x"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "conformance: error: --output sarif=no/such/dir/x: cannot write no/such/dir/x:"
        " no such file or directory\n"
    )
    assert captured.out == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "json", "--output", "github=-"], "json and github would both write to"),
        (["--output", "text=-", "--output", "github=-"], "text and github would both write to"),
        (["--output", "json=r", "--output", "sarif=r"], "--output names r twice"),
    ],
)
def test_two_reports_in_one_place_is_a_usage_error(
    bad_job: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Two reports on stdout, or in one file, would interleave: refused."""
    with pytest.raises(SystemExit) as exited:
        main(["validate", "job.json", *argv])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_a_har_of_pages_alone_says_what_was_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A browser HAR that held only pages validated nothing: exit 2, and the message says why."""
    if "skipped" not in getattr(Result, "__dataclass_fields__", {}):
        pytest.skip("results have no skipped field yet")
    entry = {
        "request": {"method": "GET", "url": "https://example.com/", "headers": []},
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "text/html"}],
            "content": {"mimeType": "text/html", "text": "<html></html>"},
        },
    }
    (tmp_path / "pages.har").write_text(json.dumps({"log": {"entries": [entry]}}), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "pages.har"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformance: error: nothing to validate in pages.har: 1 file held")
    assert "skipped" in err
    assert err.endswith("; pass --allow-empty to accept\n")
    assert main(["validate", "pages.har", "--allow-empty"]) == 0
