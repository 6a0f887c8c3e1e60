"""Data classes for spike trains, rates, slice stacks and pairwise matrices."""

from .pairwise import PairwiseCompMatrix, PairwiseCompMatrixStack
from .ratedata import RateData
from .rateslicestack import RateSliceStack
from .spikedata import SpikeData
from .spikeslicestack import SpikeSliceStack

__all__ = [
    "SpikeData",
    "RateData",
    "RateSliceStack",
    "SpikeSliceStack",
    "PairwiseCompMatrix",
    "PairwiseCompMatrixStack",
]
