"""mirra's trust hook: make stripe-python trust mirra's CA without editing the app.

stripe-python ignores SSL_CERT_FILE and REQUESTS_CA_BUNDLE and verifies against its own bundled
`stripe.ca_bundle_path`. `mirra env` / `mirra exec` put this folder on PYTHONPATH and set
MIRRA_CA_BUNDLE; when the app imports `stripe`, the path is pointed at mirra's bundle (public roots
plus mirra's CA). Any other `sitecustomize` later on sys.path still runs. Standard library only:
this file runs inside the user's interpreter, not mirra's.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


class _StripeTrust(importlib.abc.MetaPathFinder):
    """Wraps the loader of the top-level `stripe` module to set its CA bundle once loaded."""

    def find_spec(self, name, path=None, target=None):
        if name != "stripe":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original_exec = loader.exec_module

        def exec_module(module):
            original_exec(module)
            bundle = os.environ.get("MIRRA_CA_BUNDLE")
            if bundle:
                module.ca_bundle_path = bundle

        loader.exec_module = exec_module
        return spec


def _run_next_sitecustomize():
    others = [entry for entry in sys.path if os.path.abspath(entry or ".") != _HERE]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", others)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


if os.environ.get("MIRRA_CA_BUNDLE") and "stripe" not in sys.modules:
    sys.meta_path.insert(0, _StripeTrust())
_run_next_sitecustomize()
