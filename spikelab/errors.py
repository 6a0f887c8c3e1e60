"""The exception tree of spikelab.

Every class subclasses :class:`SpikelabError` *and* the built-in exception that callers
already catch (``KeyError``, ``TypeError``, ``ValueError``, ``OSError``), so code written
against plain Python semantics keeps working.  Messages name the file, namespace and key
involved and, where there is a closed set of valid choices, list them.
"""

from __future__ import annotations

__all__ = [
    "SpikelabError",
    "InvalidNameError",
    "UnsupportedTypeError",
    "InvalidItemError",
    "InvalidArgumentError",
    "ItemNotFoundError",
    "WorkspaceFileError",
    "NotAWorkspaceError",
    "CorruptWorkspaceError",
    "UnknownItemTypeError",
    "FormatVersionError",
    "WorkspaceLockedError",
    "ProvenanceError",
    "RecordingError",
    "ConfigError",
    "AnalysisError",
    "AnalysisTypeError",
    "AnalysisRunError",
    "UnitIndexError",
    "DamagedItemWarning",
]


class SpikelabError(Exception):
    """Base class of every error raised on purpose by spikelab."""


class InvalidNameError(SpikelabError, ValueError):
    """A namespace or key is not a valid workspace name."""


class UnsupportedTypeError(SpikelabError, TypeError):
    """An object cannot be stored in a workspace (no codec for its type)."""


class InvalidItemError(SpikelabError, ValueError):
    """An object to store breaks an invariant of its type (typically changed in place after
    it was created: spike times rescaled past the recording's length, a matrix made
    non-square), so the file could not give it back."""


class InvalidArgumentError(SpikelabError, ValueError):
    """Arguments that contradict each other (a merge target that is also one of its
    sources)."""


class ItemNotFoundError(SpikelabError, KeyError):
    """A ``(namespace, key)`` pair is not in the workspace."""

    def __str__(self) -> str:  # KeyError would repr() the message; keep it readable
        return str(self.args[0]) if self.args else ""


class WorkspaceFileError(SpikelabError, OSError):
    """A workspace file cannot be read or written."""


class NotAWorkspaceError(WorkspaceFileError):
    """The file is not HDF5, or is HDF5 without the workspace root attributes."""


class CorruptWorkspaceError(WorkspaceFileError):
    """The file is a workspace but part of it cannot be decoded (truncated, damaged)."""


class UnknownItemTypeError(CorruptWorkspaceError):
    """An item carries a ``__type__`` tag that no codec handles."""


class FormatVersionError(WorkspaceFileError):
    """The file was written in a newer format version than this package reads."""


class WorkspaceLockedError(WorkspaceFileError):
    """Another process holds the lock on a workspace file."""


class ProvenanceError(SpikelabError, ValueError):
    """An item's provenance is malformed (missing step, NaN parameter, non-JSON value)."""


class RecordingError(SpikelabError, ValueError):
    """A recording file or folder cannot be loaded (missing, corrupt, inconsistent)."""


class ConfigError(SpikelabError, ValueError):
    """The workflow configuration is invalid."""


class AnalysisError(SpikelabError, ValueError):
    """An analysis got arguments it cannot work with (bad events, widths, lags, kinds)."""


class AnalysisTypeError(AnalysisError, TypeError):
    """An analysis argument has the wrong type (a float where an index is needed).

    Both a ``TypeError`` (what spikelab 0.1.2 raises here) and, through
    :class:`AnalysisError`, a ``ValueError``.
    """


class AnalysisRunError(SpikelabError, RuntimeError):
    """A workflow analysis raised, or returned results it did not declare or that cannot be
    stored; the message names the analysis, its function, the recording and the key."""


class UnitIndexError(AnalysisError, IndexError):
    """A unit index is negative or not below the number of units.

    An :class:`AnalysisError` (a ``ValueError``, as spikelab 0.1.2 raises in ``subset``) and
    an ``IndexError`` (as it raises in ``latencies_to_index`` and ``set_neuron_attribute``).
    """


class DamagedItemWarning(UserWarning):
    """``load`` found items it cannot read; it loaded the others (see ``damaged``)."""
