"""Stands in for the optional ``rfc3987_syntax`` package in the processes the test suite starts.

The dev tools bring it (stix2-validator asks for ``jsonschema[format-nongpl]``), and ``import jsonschema`` then
imports it and compiles its grammar: about 1.3 s of CPU in every ``sarhad serve`` a test starts. A user's install
lacks it, and sarhad never asks for the formats it checks (``iri``, ``iri-reference``): its STIX validator uses
no format checker and its API checks only ``date``. jsonschema imports it under ``suppress(ImportError)``, so
this makes a child process behave as a user's install does. The test process itself keeps the real package
(stix2-validator and schemathesis run there). See ``children_as_installed`` in tests/conftest.py.
"""

raise ImportError("rfc3987_syntax is left out of the processes the tests start (tests/child_site)")
