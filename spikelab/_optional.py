"""Optional dependencies: imported on first use, with one error naming the extra to install.

Each optional library belongs to one extra of ``pyproject.toml``; the table below is the
only place that pairing is written down.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["EXTRAS", "require"]

#: import name -> (distribution name, spikelab extra that installs it)
EXTRAS: dict[str, tuple[str, str]] = {
    "networkx": ("networkx", "graph"),
    "sklearn": ("scikit-learn", "ml"),
    "umap": ("umap-learn", "ml"),
}


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` or raise ImportError saying which extra provides it.

    Parameters
    ----------
    module : str
        Import name, a key of :data:`EXTRAS` (a submodule such as ``"sklearn.manifold"``
        is looked up by its top-level package).
    feature : str
        What needs it, named in the message (e.g. ``"PairwiseCompMatrix.to_networkx"``).
    """
    top = module.split(".")[0]
    dist, extra = EXTRAS[top]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{feature} needs the optional dependency {dist!r}: install it with "
            f"`pip install 'spikelab[{extra}]'` (or `pip install {dist}`)"
        ) from exc
