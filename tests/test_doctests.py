"""Every public example in the package's docstrings runs (house style: docstrings with a runnable example)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kg

MODULES = sorted(m.name for m in pkgutil.iter_modules(kg.__path__, "kg."))


@pytest.mark.parametrize("module", MODULES)
def test_doctests_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
