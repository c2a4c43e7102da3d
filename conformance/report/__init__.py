"""The report formats of ``conformance validate``: a table of formats over one base class.

The table feeds argparse's ``choices``, so adding a format is adding a module and a row. The
base class and the helpers the formats share are in ``conformance.report.base`` and exported
here, as the public names of report rendering (the pytest plugin renders with them too).
"""

from __future__ import annotations

from typing import Final

from conformance.report.base import (
    CLIP,
    EXIT_FOUND,
    EXIT_OK,
    EXIT_UNREADABLE,
    KINDS,
    MESSAGE,
    TOOL_NAME,
    WHOLE_LIST,
    Reporter,
    Status,
    artifact_uri,
    clip,
    clip_list,
    clip_text,
    details,
    dump_json,
    expected_got,
    message_of,
    plural,
    position,
    relative_path,
    request_line,
    tool_version,
    visible,
)
from conformance.report.github import GitHubReporter
from conformance.report.json import JsonReporter
from conformance.report.junit import JUnitReporter
from conformance.report.sarif import SarifReporter
from conformance.report.text import TextReporter

REPORTERS: Final[dict[str, type[Reporter]]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "junit": JUnitReporter,
    "sarif": SarifReporter,
    "github": GitHubReporter,
}

__all__ = [
    "CLIP",
    "EXIT_FOUND",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "KINDS",
    "MESSAGE",
    "REPORTERS",
    "TOOL_NAME",
    "WHOLE_LIST",
    "GitHubReporter",
    "JUnitReporter",
    "JsonReporter",
    "Reporter",
    "SarifReporter",
    "Status",
    "TextReporter",
    "artifact_uri",
    "clip",
    "clip_list",
    "clip_text",
    "details",
    "dump_json",
    "expected_got",
    "message_of",
    "plural",
    "position",
    "relative_path",
    "request_line",
    "tool_version",
    "visible",
]
