"""The workspace's contracts in code: an abstract base, a slot protocol every slot keeps."""

from __future__ import annotations

import numpy as np
import pytest

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace
from spikelab.errors import CorruptWorkspaceError
from spikelab.workspace.base import WorkspaceBase
from spikelab.workspace.slots import DamagedSlot, GroupSlot, ObjectSlot, Slot


def test_the_base_cannot_be_used_without_a_slot_strategy():
    with pytest.raises(TypeError, match="abstract.*_adopt, _put"):
        WorkspaceBase()

    class Half(WorkspaceBase):
        def _put(self, obj):
            return ObjectSlot(obj)

    with pytest.raises(TypeError, match="_adopt"):
        Half()


def test_every_slot_keeps_the_protocol(tmp_path):
    ws = AnalysisWorkspace()
    ws.store("D0", "x", np.arange(3.0))
    ws.save(tmp_path / "ws")
    with LazyAnalysisWorkspace.load(tmp_path / "ws") as lazy:
        slots = [ObjectSlot(np.arange(3.0)), lazy._find("D0", "x").slot,
                 DamagedSlot(CorruptWorkspaceError("x.h5: damaged"), "x.h5")]
        assert [type(s) for s in slots] == [ObjectSlot, GroupSlot, DamagedSlot]
        assert all(isinstance(slot, Slot) for slot in slots)
        assert not isinstance(np.arange(3.0), Slot)
        assert [s.in_memory for s in slots] == [True, False, False]
        assert slots[1].content_hash() == slots[0].content_hash()
