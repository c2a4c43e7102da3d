"""The derived JSON Schemas, installed as the package ``sync_conformance_schemas``.

The folder holds only data: one schema per type (``<vendor>.<Type>.json``) and, in ``sources/``,
the vendor documents they are derived from. It is a package so that the schemas ship inside the
wheel and are found the same way from an installed copy and from a checkout.
"""

from pathlib import Path

DIRECTORY = Path(__file__).parent
