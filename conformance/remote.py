"""Inputs by URL: object storage and other fsspec file systems (``s3://``, ``gs://``, ``file://``).

``conformance validate s3://bucket/polls/2026-11-*.ndjson.gz`` reads what a fleet keeps in object
storage as the readers read local files: the same formats, caps and findings. fsspec resolves the
URL (its globs, a "folder" prefix walked with the include globs), opens each object and undoes
its compression by the name's suffix (``.gz``, ``.zst``, ...); credentials come from the usual
environment of each file system (for S3: the AWS variables, profile, or ``FSSPEC_S3_*``
settings such as ``FSSPEC_S3_ENDPOINT_URL``), never from the command line, and never appear in
output: an object that cannot be listed or read is an ``unreadable`` finding naming the URL
(user info redacted) and the error's kind.

fsspec and the file system's own package (``s3fs``, ``gcsfs``) are optional: ``pip install
'sync-conformance[cloud]'``; without them a URL is a finding that says so.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any

from conformance.redaction import redact_url

# A URL of a file system, not a path: scheme://... (a Windows drive letter is no scheme).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+://")
# Suffixes of compression fsspec undoes; the format is read from the name without them.
COMPRESSED = (".gz", ".zst", ".bz2", ".xz", ".lz4")
# Schemes that are HTTP: live services are fetched by validate --url, not read as files.
_HTTP = ("http://", "https://")


def is_url(path: str) -> bool:
    """Whether an input names a file system URL rather than a local path."""
    return bool(_URL.match(path))


def base_name(url: str) -> str:
    """The name whose extension says the format: the URL without a compression suffix."""
    for suffix in COMPRESSED:
        if url.lower().endswith(suffix):
            return url[: -len(suffix)]
    return url


def _file_system(url: str) -> tuple[Any, str] | str:
    """fsspec's file system and path for a URL, or why there is none."""
    if url.lower().startswith(_HTTP):
        return (
            "an http(s) URL is a live service, not a file: validate --url URL fetches it (with"
            " no PATH)"
        )
    try:
        import fsspec  # type: ignore[import-untyped]  # no type information
    except ImportError:
        return "reading URLs needs fsspec: pip install 'sync-conformance[cloud]'"
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except ImportError as exc:
        package = getattr(exc, "name", None) or "the file system's package"
        return f"reading this URL needs {package}: pip install 'sync-conformance[cloud]'"
    except (ValueError, TypeError, OSError) as exc:
        return f"not a URL fsspec can read ({type(exc).__name__})"
    return fs, path


def expand_url(url: str, matches: Any) -> Iterator[str]:
    """The objects a URL names, as URLs: itself, what its glob matches, or what lies under it
    (a prefix) that ``matches(name)`` (the include globs) accepts; sorted. A URL that names
    nothing yields itself, so that reading it says why."""
    found = _file_system(url)
    if isinstance(found, str):
        yield url
        return
    fs, path = found
    try:
        if any(c in path for c in "*?["):
            names = sorted(fs.glob(path))
        elif fs.isdir(path):
            names = sorted(p for p in fs.find(path) if matches(p))
        else:
            names = [path]
    except Exception:  # listing failed (credentials, no bucket): reading it will say why
        yield url
        return
    for name in names:
        yield fs.unstrip_protocol(name)


def open_url(url: str) -> tuple[IO[bytes], int | None] | str:
    """The object's bytes as a buffered stream, compression undone, and its stored size (None
    when compressed: the stored size is not the document's), or why it cannot be read."""
    opened = _open(url, "infer")
    if isinstance(opened, str):
        return opened
    file, size = opened
    return io.BufferedReader(_Raw(file), buffer_size=1 << 20), size


def _open(url: str, compression: str | None, sized: bool = True) -> tuple[Any, int | None] | str:
    """fsspec's file for the object and its stored size (None when compressed or not
    ``sized``: a request less), or why it cannot be opened."""
    found = _file_system(url)
    if isinstance(found, str):
        return found
    fs, path = found
    compressed = base_name(url) != url
    try:
        size = fs.size(path) if sized and not compressed else None
        opened = fs.open(path, "rb", compression=compression)
    except FileNotFoundError:
        return "no such object"
    except PermissionError:
        return "permission denied (check the credentials in the environment)"
    except Exception as exc:
        # The file system's own errors, named but never quoted: their text may quote the URL's
        # path, user info included (s3://KEY:SECRET@bucket/...), which no redaction recognises
        # once the file system has taken the scheme off.
        return f"cannot read: {type(exc).__name__}"
    return opened, size if isinstance(size, int) and size >= 0 else None


def object_size(url: str) -> int | None:
    """The stored size of an uncompressed object, or None when it is compressed or cannot be
    asked (reading it then says why)."""
    found = _file_system(url)
    if isinstance(found, str) or base_name(url) != url:
        return None
    fs, path = found
    try:
        size = fs.size(path)
    except Exception:  # the file system's own errors: reading the object will name them
        return None
    return size if isinstance(size, int) and size >= 0 else None


def open_seekable(url: str) -> IO[bytes] | str:
    """An uncompressed object opened as it is stored, for reads at any offset (its byte ranges
    are read by different workers), or why it cannot be."""
    opened = _open(url, None, sized=False)
    return opened if isinstance(opened, str) else opened[0]


def shown(url: str) -> str:
    """How reports name an object: the URL with any user info redacted."""
    return redact_url(url)


class _Raw(io.RawIOBase):
    """An fsspec file (or its decompressor) as a raw stream, for ``io.BufferedReader``."""

    def __init__(self, file: Any) -> None:
        self._file = file

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._file.close()
        finally:
            super().close()
