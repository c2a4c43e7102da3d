"""Start-up stays cheap: listing schemas imports neither validation engine nor referencing."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("jsonschema", "jsonschema_rs", "referencing", "regex")


def test_listing_schemas_imports_no_engine() -> None:
    """`conformance schemas` loads the catalog from JSON alone; the engines wait until needed."""
    code = (
        "import io, json, sys\n"
        "from conformance.cli import main\n"
        "main(['schemas'], io.StringIO())\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_explaining_a_failure_imports_no_second_engine() -> None:
    """Neither a conforming nor a failing document imports jsonschema, referencing or regex."""
    code = (
        "import json, sys\n"
        "import conformance\n"
        "ok = conformance.check({'Status': 'SUCCEEDED'}, schema='kendra.DataSourceSyncJob')\n"
        "bad = conformance.check({'Status': 1}, schema='kendra.DataSourceSyncJob')\n"
        "after = [m for m in ('jsonschema', 'referencing', 'regex') if m in sys.modules]\n"
        "print(json.dumps([ok.findings == (), len(bad.findings), after]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [True, 1, []]
