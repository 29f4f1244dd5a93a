"""spaCy, imported without its command-line interface.

``spacy/__init__`` imports ``spacy.cli.info`` (for ``spacy.info``), and with it the whole
command-line interface: typer, weasel, requests, httpx, every subcommand — about 360
modules and 0.15 s of every process that analyses documents, none of them used there.
While spaCy is imported, ``spacy.cli`` and ``spacy.cli.info`` are stand-ins; they are gone
afterwards, so ``import spacy.cli`` loads the real package, and ``spacy.info`` imports the
real function when it is called.  Nothing else in spaCy imports its CLI (the pipeline, its
registries and its tokenizers are as before).  If spaCy was imported already, this does
nothing.

>>> from kg.spacy_import import spacy
>>> spacy.blank("zh").pipe_names
[]
"""

from __future__ import annotations

import sys
import types


def _stand_ins() -> dict[str, types.ModuleType]:
    """``spacy.cli`` and ``spacy.cli.info`` as empty stand-ins, with an ``info`` that imports the real one."""
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # a package: ``spacy.cli.info`` is looked up in sys.modules
    info_module = types.ModuleType("spacy.cli.info")

    def info(*args, **kwargs):
        from spacy.cli.info import info as real  # the stand-ins are gone by now: the real one

        return real(*args, **kwargs)

    info_module.info = info  # type: ignore[attr-defined]
    return {"spacy.cli": cli, "spacy.cli.info": info_module}


def _without_cli() -> None:
    if "spacy" in sys.modules or "spacy.cli" in sys.modules or "spacy.cli.info" in sys.modules:
        return
    stand_ins = _stand_ins()
    sys.modules.update(stand_ins)
    try:
        import spacy  # noqa: F401
    except ImportError:  # a spaCy whose start needs more of its CLI: forget the attempt, import it whole
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
        package = sys.modules.get("spacy")
        if package is not None and package.__dict__.get("cli") is stand_ins["spacy.cli"]:
            del package.cli


_without_cli()

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402

__all__ = ["Doc", "Language", "Span", "spacy"]
