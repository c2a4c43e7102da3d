"""The architecture holds: no import cycles, and the front-ends use only the public API."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "conformance"
# What the front-ends may import: the package's public names, the report formats and the
# deriver (the CLI's derive command).
PUBLIC = {
    "conformance",
    "conformance.report",
    "conformance.report.progress",
    "conformance.derive",
    "conformance.commands",
    # The schema diff behind ``conformance diff`` and ``conformance upstream``.
    "conformance.schemadiff",
    # The input options the commands that read recorded traffic share (validate, drift).
    "conformance.commands.inputs",
    # The drift analysis over a corpus (``conformance drift``).
    "conformance.drift",
    # The drift report as one self-contained HTML page (``conformance drift --format html``).
    "conformance.drift_html",
    # Hypothesis strategies and the seeded generator (``conformance generate``).
    "conformance.strategies",
    # Black-box fuzzing of an external client (``conformance fuzz``).
    "conformance.fuzzing",
    # In-process fuzzing of a Python client (``conformance.fuzz``).
    "conformance.fuzz_python",
    # Live services: fetching, paging, signing and recording (``conformance validate --url``).
    "conformance.live",
    # The stand-in server (``conformance serve``) and the job lifecycles it plays.
    "conformance.emulator",
    "conformance.scenarios",
    # Which states of a job are terminal, and the transitions between them (data in the catalog).
    "conformance.lifecycle",
    # OpenAPI descriptions from the catalog and schemathesis runs (``conformance contract``).
    "conformance.openapi",
    "conformance.contract",
    # Contract rules beyond the schemas (``conformance rules``, --disable-rule).
    "conformance.rules",
    # A user's poller run against each scenario (``conformance check-poller``).
    "conformance.pollers",
    # Validation on a Dask cluster (``--engine dask``) and its dask.bag API.
    "conformance.cluster",
    # Drift per tenant, day or object (``conformance drift --group-by``).
    "conformance.groups",
    # What the services put on the wire (Kendra's target, AWS JSON's media type, limits).
    "conformance.wire",
}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, package: str) -> Iterator[tuple[str, int]]:
    """Every module imported anywhere in a file (in functions too), save under TYPE_CHECKING."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # ``from conformance.derive import markdown`` imports the submodule: an edge to it,
            # as import-linter and pydeps count it, not to the package's ``__init__``.
            submodules = [
                f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in MODULES
            ]
            for found in submodules or [module]:
                yield found, node.lineno
        stack.extend(ast.iter_child_nodes(node))


MODULES = {_module(p): p for p in PACKAGE.rglob("*.py")}


def _graph() -> dict[str, set[str]]:
    modules = MODULES
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = {m for m, _ in _imports(ast.parse(path.read_text("utf-8")), package)}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycles() -> None:
    """No module imports, even lazily inside a function, one that imports it back."""
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check itself sees a cycle through a lazy import."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _private_imports(path: Path, package: str) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for module, line in _imports(tree, package)
        if module.startswith("conformance.") and module not in PUBLIC
    ]


def test_the_cli_and_the_plugin_use_only_the_public_api() -> None:
    """The front-ends import ``conformance``, ``conformance.report`` and ``conformance.derive``,
    nothing private."""
    files = [
        PACKAGE / "cli.py",
        *sorted((PACKAGE / "commands").glob("*.py")),
        *sorted((ROOT / "pytest_plugin").glob("*.py")),
    ]
    private = [
        line
        for path in files
        for line in _private_imports(
            path,
            _module(path).rsplit(".", 1)[0]
            if path.is_relative_to(PACKAGE)
            else "sync_conformance_pytest",
        )
    ]
    assert private == []
