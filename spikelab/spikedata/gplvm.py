"""GPLVM fitting (spikelab 0.1.2's ``fit_gplvm``): not available in this package.

0.1.2 wraps the ``poor_man_gplvm`` library (a JAX model of a 1-D latent variable with
jumps).  That library is not published on PyPI, so spikelab can neither declare it as an
installable extra nor test against it; rather than ship an untested wrapper, ``fit_gplvm``
raises an ImportError that says so and how to fit the model directly.
"""

from __future__ import annotations

from typing import Any

from .spikedata import SpikeData

__all__ = ["fit_gplvm", "GPLVM_UNAVAILABLE"]

GPLVM_UNAVAILABLE = (
    "fit_gplvm is not available in spikelab: its model library poor_man_gplvm (with jax) is not "
    "published on PyPI, so spikelab has no extra that installs it and cannot test a wrapper "
    "around it. Install poor_man_gplvm from its repository and fit it on the binned counts, "
    "sd.raster(bin_size_ms).T (time bins x units), as its documentation describes."
)


def fit_gplvm(sd: SpikeData, bin_size_ms: float = 50.0, **kwargs: Any) -> dict[str, Any]:
    """Always raises ImportError (see the module): spikelab cannot provide this fit.

    Raises
    ------
    ImportError
        Naming the missing library and the way to fit the model without spikelab.

    Examples
    --------
    >>> fit_gplvm(SpikeData([[1.0, 2.0]], length=5.0))
    Traceback (most recent call last):
    ...
    ImportError: fit_gplvm is not available in spikelab: ...
    """
    raise ImportError(GPLVM_UNAVAILABLE)
