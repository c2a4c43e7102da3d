"""Project configuration: the ``[tool.conformance]`` table of the nearest ``pyproject.toml``.

::

    [tool.conformance]
    strict = false                       # drift fails the run too
    capture = "aws-cli"                  # what produced the documents (validate --capture)
    include = ["*.json", "*.har"]        # file globs when a folder is given
    exclude = ["node_modules/*"]

    [tool.conformance.schemas]           # glob (relative to this file) -> schema name
    "tests/fixtures/kendra/**/*.json" = "kendra.DataSourceSyncJob"
    "recordings/graph-*.har" = "graph.synchronizationJob"
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from conformance.captures import CAPTURES, Capture
from conformance.errors import InputError


def glob_regex(glob: str) -> re.Pattern[str]:
    """A regex for a path glob: ``**`` spans folders, ``*``, ``?`` and ``[...]`` stay within one.

    ``[abc]``, ``[a-z]`` and ``[!abc]`` are fnmatch's classes (the include and exclude globs were
    fnmatch's before they were paths); a ``[`` with no ``]`` after it is itself.
    """
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
        elif glob[i] == "[" and (end := glob.find("]", i + 2)) != -1:
            members = glob[i + 1 : end]
            negated = members[:1] in ("!", "^")
            members = members[1:] if negated else members
            escaped = "".join("\\" + c if c in "\\^]" else c for c in members)
            out.append(f"[^/{escaped}]" if negated else f"(?!/)[{escaped}]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


class Globs(tuple[str, ...]):
    """Path globs, and the folder they are relative to (None: the working directory).

    The globs of ``[tool.conformance]`` are relative to the ``pyproject.toml`` they are written
    in, those of the command line to the folder it runs in; carried with the globs, the folder
    reaches every walker (the CLI's, the pytest plugin's) that takes a tuple of globs today.
    """

    base: Path | None

    def __new__(cls, globs: Iterable[str] = (), base: Path | None = None) -> Globs:
        self = super().__new__(cls, globs)
        self.base = base
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Globs, (tuple(self), self.base))


class GlobMatcher:
    """Globs compiled to match paths as ``.gitignore`` does, relative to their folder.

    - A glob without ``/`` matches a name at any depth: the file's (``*.json``) and, to exclude,
      any folder's on the way (``node_modules``).
    - A glob with ``/`` is anchored at the folder (``node_modules/*``, ``tests/**/*.json``; a
      leading ``./`` is the same folder); ``**`` spans folders.
    - A glob ending in ``/`` matches folders only (``build/``).
    - An absolute glob is matched against the absolute path.

    To exclude, a glob that matches a folder excludes everything below it, so
    ``node_modules/*`` and ``node_modules/**`` both exclude ``node_modules/x/pkg.json``.
    """

    def __init__(self, globs: Sequence[str]) -> None:
        base = getattr(globs, "base", None)
        self.base = os.path.abspath(base if base is not None else os.curdir)
        self._real_base: str | None = None
        # (regex, folders only) per kind of glob: by name, by path from the base, absolute.
        self.names: list[tuple[re.Pattern[str], bool]] = []
        self.paths: list[tuple[re.Pattern[str], bool]] = []
        self.absolute: list[tuple[re.Pattern[str], bool]] = []
        for glob in globs:
            folders = glob.endswith("/")
            text = glob.rstrip("/")
            if text.startswith("/") or os.path.isabs(text):
                self.absolute.append((glob_regex(text), folders))
                continue
            while text.startswith("./"):
                text = text[2:]
            target = self.paths if "/" in text else self.names
            target.append((glob_regex(text), folders))

    def relative(self, path: str) -> str:
        """``path`` from the base, with forward slashes (``../`` where it is outside)."""
        full = os.path.abspath(path)
        rel = _relpath(full, self.base)
        if rel.startswith(".."):  # perhaps through a symbolic link to the base: resolved once
            if self._real_base is None:
                self._real_base = os.path.realpath(self.base)
            rel = _relpath(os.path.realpath(full), self._real_base)
        return rel

    def file(self, rel: str, full: str | None = None) -> bool:
        """Whether a glob matches the file itself (its name, its path from the base)."""
        name = rel.rpartition("/")[2]
        if any(rx.match(name) for rx, folders in self.names if not folders):
            return True
        if any(rx.match(rel) for rx, folders in self.paths if not folders):
            return True
        if self.absolute:
            full = _posix(os.path.abspath(full or os.path.join(self.base, rel)))
            return any(rx.match(full) for rx, folders in self.absolute if not folders)
        return False

    def folder(self, rel: str, full: str | None = None) -> bool:
        """Whether a glob matches a folder, by its name or its path from the base."""
        name = rel.rpartition("/")[2]
        if name not in ("..", ".", "") and any(rx.match(name) for rx, _ in self.names):
            return True
        if any(rx.match(rel) for rx, _ in self.paths):
            return True
        if self.absolute:
            full = _posix(os.path.abspath(full or os.path.join(self.base, rel)))
            return any(rx.match(full) for rx, _ in self.absolute)
        return False

    def excludes(self, path: str) -> bool:
        """Whether the file at ``path``, or a folder it is in, is matched (as to exclude it)."""
        rel = self.relative(path)
        if self.file(rel, path):
            return True
        return self.within(rel)

    def within(self, rel: str) -> bool:
        """Whether a folder that ``rel`` is in (from the base) is matched."""
        parts = rel.split("/")[:-1]
        for i in range(len(parts)):
            if parts[i] not in ("..", ".") and self.folder("/".join(parts[: i + 1])):
                return True
        return False

    def __bool__(self) -> bool:
        return bool(self.names or self.paths or self.absolute)


def _relpath(path: str, base: str) -> str:
    try:
        return _posix(os.path.relpath(path, base))
    except ValueError:  # another drive (Windows): no relative path
        return _posix(path)


def _posix(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")


@dataclass(frozen=True)
class Config:
    """The settings of one ``pyproject.toml``."""

    path: Path
    schemas: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # What produced the documents (``--capture``), when the project says: None leaves it to the
    # command line (default ``wire``).
    capture: Capture | None = None
    # Contract rules switched off (``conformance rules`` lists their ids).
    disable_rules: tuple[str, ...] = ()
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


# Every key of [tool.conformance]; anything else is refused (a typo must not be ignored).
KEYS = ("capture", "disable-rules", "exclude", "include", "schemas", "strict")


def load_config(path: Path) -> Config | None:
    """The ``[tool.conformance]`` settings of a file; None when it has no such table.

    Every value is checked for its type and every key for being one we read: ``bool("no")`` is
    True and ``tuple("*.json")`` a tuple of characters, so a value taken as it comes would turn
    a mistake into a setting nobody asked for. The error names the file, the key and the type.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{_shown(path)}: cannot read the configuration: {exc}") from None
    tool: Any = data.get("tool", {})
    table: Any = tool.get("conformance") if isinstance(tool, dict) else None
    if table is None:
        return None
    where = f"{_shown(path)}: [tool.conformance]"
    if not isinstance(table, dict):
        raise InputError(f"{where} must be a table, got {_toml(table)}")
    for key in table:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InputError(f"{where} has no setting {key!r}{hint}; known: {', '.join(KEYS)}")
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise InputError(f"{where} strict must be true or false, got {_toml(strict)}")
    capture = table.get("capture")
    if capture is not None and capture not in CAPTURES:
        raise InputError(
            f"{where} capture must be one of {', '.join(map(json.dumps, CAPTURES))},"
            f" got {_toml(capture)}"
        )
    schemas = table.get("schemas", {})
    if not isinstance(schemas, dict):
        raise InputError(
            f'{where} schemas must be a table of "glob" = "schema name", got {_toml(schemas)}'
        )
    for glob, name in schemas.items():
        if not isinstance(name, str) or not name:
            raise InputError(
                f"{_shown(path)}: [tool.conformance.schemas] {json.dumps(glob)} must be a schema"
                f' name (a string such as "kendra.DataSourceSyncJob"), got {_toml(name)}'
            )
        if not glob:
            raise InputError(
                f"{_shown(path)}: [tool.conformance.schemas] has an empty glob (for {name!r})"
            )
    disabled = table.get("disable-rules", [])
    if not isinstance(disabled, list) or not all(isinstance(r, str) and r for r in disabled):
        raise InputError(
            f"{where} disable-rules must be a list of rule ids (conformance rules lists them),"
            f" got {_toml(disabled)}"
        )
    return Config(
        path=path,
        disable_rules=tuple(disabled),
        schemas=tuple(schemas.items()),
        strict=strict,
        capture=capture,
        include=Globs(_globs(table, "include", where), path.parent),
        exclude=Globs(_globs(table, "exclude", where), path.parent),
    )


def _globs(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """A list of non-empty strings, or the error that says so (a bare string is the usual slip)."""
    value = table.get(key, [])
    if isinstance(value, str):
        raise InputError(
            f"{where} {key} must be a list of globs, got {_toml(value)}: write"
            f" {key} = [{json.dumps(value)}]"
        )
    if not isinstance(value, list) or not all(isinstance(g, str) and g for g in value):
        raise InputError(
            f"{where} {key} must be a list of globs (non-empty strings), got {_toml(value)}"
        )
    return tuple(value)


def _shown(path: Path) -> str:
    """The file as the user knows it: relative to the working directory when it is inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _toml(value: Any) -> str:
    """A value as TOML would write it (near enough for an error message), or what it is."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, bool | int | float | str | list):
        try:
            return json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):  # nan, a date inside a list
            return str(value)
    return f"{value} (a {type(value).__name__})"
