"""Random sequences of operations on both workspaces, checked against a plain-dict model."""

from __future__ import annotations

import shutil
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from ws_equality import assert_same

from spikelab import AnalysisWorkspace, LazyAnalysisWorkspace

NS = st.sampled_from(["a", "b", "c"])
KEY = st.sampled_from(["x", "y", "z"])
NOTE = st.one_of(st.none(), st.sampled_from(["n1", "n2"]))
VALUE = st.one_of(st.integers(0, 4).map(lambda n: np.arange(n, dtype=np.int32)),
                  st.integers(-5, 5).map(lambda v: {"v": v, "l": [v, "s"]}))
ITEMS = st.lists(st.tuples(NS, KEY, VALUE, NOTE), max_size=4)


class WorkspaceModel(RuleBasedStateMachine):
    """``model`` is ``{ns: {key: (value, note)}}`` with the workspace's ordering rules."""

    kind: type = AnalysisWorkspace

    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.mkdtemp()
        self.ws = self._new(self.kind)
        self.model: dict[str, dict[str, tuple]] = {}
        self.saves = 0

    def _new(self, kind):
        return kind() if kind is AnalysisWorkspace else kind(dir=self.dir)

    def teardown(self) -> None:
        self.ws.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _has(self, ns, key) -> bool:
        return key in self.model.get(ns, {})

    @rule(ns=NS, key=KEY, value=VALUE, note=NOTE)
    def store(self, ns, key, value, note):
        self.ws.store(ns, key, value, note=note)
        self.model.setdefault(ns, {})[key] = (value, note)

    @rule(ns=NS, key=KEY)
    def get(self, ns, key):
        got = self.ws.get(ns, key)
        if self._has(ns, key):
            assert_same(got, self.model[ns][key][0])
        else:
            assert got is None

    @rule(ns=NS, old=KEY, new=KEY, overwrite=st.booleans())
    def rename(self, ns, old, new, overwrite):
        if not self._has(ns, old):
            with pytest.raises(KeyError, match="not found"):
                self.ws.rename(ns, old, new, overwrite=overwrite)
            return
        keys = self.model[ns]
        blocked = new != old and new in keys and not overwrite
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            assert self.ws.rename(ns, old, new, overwrite=overwrite) is not blocked
        if not blocked and new != old:
            item = keys.pop(old)
            keys[new] = item

    @rule(ns=NS, key=KEY, note=st.sampled_from(["n3", "n4"]))
    def add_note(self, ns, key, note):
        if not self._has(ns, key):
            with pytest.raises(KeyError):
                self.ws.add_note(ns, key, note)
            return
        self.ws.add_note(ns, key, note)
        self.model[ns][key] = (self.model[ns][key][0], note)

    @rule(ns=NS, key=st.one_of(st.none(), KEY))
    def delete(self, ns, key):
        present = ns in self.model if key is None else self._has(ns, key)
        if not present:
            with pytest.raises(KeyError, match="not found"):
                self.ws.delete(ns, key)
            return
        self.ws.delete(ns, key)
        if key is None:
            del self.model[ns]
        else:
            del self.model[ns][key]
            if not self.model[ns]:
                del self.model[ns]

    @rule(items=ITEMS, overwrite=st.booleans(), lazy=st.booleans())
    def merge(self, items, overwrite, lazy):
        other = self._new(LazyAnalysisWorkspace if lazy else AnalysisWorkspace)
        incoming: dict = {}
        for ns, key, value, note in items:
            other.store(ns, key, value, note=note)
            incoming.setdefault(ns, {})[key] = (value, note)
        report = self.ws.merge_from(other, overwrite=overwrite)
        skipped = []
        for ns, keys in incoming.items():
            for key, item in keys.items():
                if self._has(ns, key) and not overwrite:
                    skipped.append((ns, key))
                else:
                    self.model.setdefault(ns, {})[key] = item
        assert report["skipped_keys"] == skipped
        assert report["merged"] == sum(map(len, incoming.values())) - len(skipped)
        other.close()

    @precondition(lambda self: self.saves < 4)
    @rule(lazy=st.booleans())
    def save_and_load(self, lazy):
        path = f"{self.dir}/ws{self.saves}"
        self.saves += 1
        self.ws.save(path)
        self.ws.close()
        self.ws = (LazyAnalysisWorkspace if lazy else AnalysisWorkspace).load(path)

    @invariant()
    def index_matches_the_model(self):
        assert self.ws.list_keys() == {ns: list(keys) for ns, keys in self.model.items()}
        assert len(self.ws) == sum(map(len, self.model.values()))
        for ns, keys in self.model.items():
            for key, (_, note) in keys.items():
                assert self.ws.get_info(ns, key).get("note") == note


class LazyWorkspaceModel(WorkspaceModel):
    kind = LazyAnalysisWorkspace


STATEFUL = settings(max_examples=25, stateful_step_count=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
TestEagerWorkspace = WorkspaceModel.TestCase
TestEagerWorkspace.settings = STATEFUL
TestLazyWorkspace = LazyWorkspaceModel.TestCase
TestLazyWorkspace.settings = STATEFUL
