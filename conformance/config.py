"""Project configuration: the ``[tool.conformance]`` table of the nearest ``pyproject.toml``.

::

    [tool.conformance]
    strict = false                       # drift fails the run too
    include = ["*.json", "*.har"]        # file globs when a folder is given
    exclude = ["node_modules/*"]

    [tool.conformance.schemas]           # glob (relative to this file) -> schema name
    "tests/fixtures/kendra/**/*.json" = "kendra.DataSourceSyncJob"
    "recordings/graph-*.har" = "graph.synchronizationJob"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from conformance.errors import InputError


def glob_regex(glob: str) -> re.Pattern[str]:
    """A regex for a path glob: ``**`` spans folders, ``*`` and ``?`` stay within one."""
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True)
class Config:
    """The settings of one ``pyproject.toml``."""

    path: Path
    schemas: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _cache: dict[str, tuple[str, str] | None] = field(default_factory=dict, compare=False)

    @cached_property
    def _compiled(self) -> list[tuple[re.Pattern[str], str, str]]:
        return [(glob_regex(g), g, name) for g, name in self.schemas]

    def schema_for(self, source: str) -> tuple[str, str] | None:
        """The schema name configured for a file, with the glob that matched, or None."""
        if source in self._cache:
            return self._cache[source]
        found = None
        if self.schemas and not source.startswith("<"):
            try:
                rel = Path(source).resolve().relative_to(self.path.parent.resolve()).as_posix()
            except ValueError:
                rel = Path(source).as_posix()
            found = next(((name, g) for rx, g, name in self._compiled if rx.match(rel)), None)
        self._cache[source] = found
        return found


def find_config(start: Path | None = None) -> Config | None:
    """The config of the nearest ``pyproject.toml`` with a ``[tool.conformance]`` table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            config = load_config(candidate)
            if config is not None:
                return config
    return None


def load_config(path: Path) -> Config | None:
    """The ``[tool.conformance]`` settings of a file; None when it has no such table."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read the configuration: {exc}") from None
    table: Any = data.get("tool", {}).get("conformance")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise InputError(f"{path}: [tool.conformance] must be a table")
    schemas = table.get("schemas", {})
    if not isinstance(schemas, dict) or not all(isinstance(v, str) for v in schemas.values()):
        raise InputError(f"{path}: [tool.conformance.schemas] maps globs to schema names (strings)")
    return Config(
        path=path,
        schemas=tuple(schemas.items()),
        strict=bool(table.get("strict", False)),
        include=tuple(table.get("include", ())),
        exclude=tuple(table.get("exclude", ())),
    )
