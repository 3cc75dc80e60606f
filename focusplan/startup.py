"""What every focusplan process sets before its first model or matrix (the CLI and the
launcher's write path call `configure` first).

Measured in bench/cli_cold.py and bench/writes.py:

- the ranking's matrices are small, so threaded BLAS only adds thread start-up and
  contention;
- pydantic's plugin scan reads every installed package's metadata for plugins focusplan
  does not use. PYDANTIC_DISABLE_PLUGINS stops the scan, but pydantic's loader module
  still imports importlib.metadata (with email, zipfile, csv: ~15 ms of a cold write)
  the first time a model is validated. While the scan is off as a whole, the loader is
  a module that answers as pydantic's own does then: no plugins.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

PLUGIN_LOADER = "pydantic.plugin._loader"
# The values for which pydantic's own get_plugins returns () without a scan.
_ALL_PLUGINS_OFF = ("__all__", "1", "true")


def configure() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in _ALL_PLUGINS_OFF:
        sys.modules.setdefault(PLUGIN_LOADER, _no_plugin_loader())


def _no_plugin_loader() -> ModuleType:
    loader = ModuleType(PLUGIN_LOADER, "pydantic's plugin loader while every plugin is off")
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    return loader


def _no_plugins() -> tuple[()]:
    return ()
