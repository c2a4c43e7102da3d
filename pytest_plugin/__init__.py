"""pytest plugin of sync-conformance, installed as ``sync_conformance_pytest``.

Registered through the ``pytest11`` entry point. It is installed under that unique name so that
users' site-packages get no generic ``pytest_plugin`` module. Its fixtures, markers and options
are built on the same engine as the ``conformance`` command.
"""
