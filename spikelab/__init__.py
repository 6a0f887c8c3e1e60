"""spikelab: spike-train analysis with an HDF5-backed analysis workspace."""

from ._version import __version__
from .spikedata import (
    PairwiseCompMatrix,
    PairwiseCompMatrixStack,
    RateData,
    RateSliceStack,
    SpikeData,
    SpikeSliceStack,
)
from .workspace import AnalysisWorkspace, LazyAnalysisWorkspace

__all__ = [
    "__version__",
    "SpikeData",
    "RateData",
    "RateSliceStack",
    "SpikeSliceStack",
    "PairwiseCompMatrix",
    "PairwiseCompMatrixStack",
    "AnalysisWorkspace",
    "LazyAnalysisWorkspace",
]
