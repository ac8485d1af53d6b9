"""Heavy libraries imported the first time one of their names is used."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    """The module `name`, loaded when first used: a module that needs a heavy library (pikepdf
    takes 80 ms to import) only for some of its work imports it this way, so that importing the
    module stays cheap for the commands that never do that work (a build with nothing to do)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
