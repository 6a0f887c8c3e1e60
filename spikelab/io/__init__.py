"""Recordings in and out: NWB files, Phy/Kilosort folders, spikelab ``.npz`` files and
workspace items, all as :class:`~spikelab.SpikeData` with times in ms.

``load_recording(path)`` picks the format from the path; the ``save_*`` functions write the
same formats back (for demos, tests and exchange).
"""

from .dispatch import FORMATS, infer_format, load_recording
from .npz import load_npz, save_npz
from .nwb import load_nwb, save_nwb
from .phy import load_phy, save_phy

__all__ = [
    "FORMATS",
    "load_recording",
    "infer_format",
    "load_nwb",
    "load_phy",
    "load_npz",
    "save_nwb",
    "save_phy",
    "save_npz",
]
