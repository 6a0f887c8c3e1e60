"""Every name spikelab writes to disk, in one place.

The workspace format (``docs/workspace-layout.md``) is a contract with files already on
users' disks and with spikelab 0.1.2, which reads and writes the same names: a name changed
here changes what every reader and writer finds, so each is spelled exactly once and
imported by the workspace, the pipeline, the command line and the workflow's rule files.
This module imports nothing of spikelab's (and only :mod:`os`), so anything may import it.

Examples
--------
>>> from spikelab.ondisk import SHARD_DIR_SUFFIX, SUFFIX, item_file
>>> item_file("results/workspace" + SUFFIX + "::D0/spikedata")
'results/workspace.h5'
>>> "results/workspace" + SHARD_DIR_SUFFIX
'results/workspace.shards'
"""

from __future__ import annotations

import os

__all__ = [
    "SUFFIX", "SIDECAR_SUFFIX", "SHARD_DIR_SUFFIX", "ITEM_SEPARATOR", "ITEM_ADDRESS_FORM",
    "FORMAT_VERSION",
    "WORKSPACE_ID_ATTR", "WORKSPACE_NAME_ATTR", "CREATED_AT_ATTR", "FORMAT_VERSION_ATTR",
    "SPIKELAB_VERSION_ATTR", "SAVE_ID_ATTR", "RETIRED_SHARDS_ATTR", "INDEX", "SOURCES_MEMO",
    "NOTE_ATTR", "PROVENANCE_ATTR", "FINGERPRINT_ATTR", "CONTENT_HASH_ATTR", "HEADER_ATTRS",
    "HEADER_FIELDS", "SEAL_ATTR", "CHECKSUM_ATTR", "TYPE_ATTR", "OWN_TYPE_ATTR", "EXTRAS",
    "METADATA_ATTR", "NDARRAY_SENTINEL", "PY_TYPE_ATTR", "SCALAR_VALUE_ATTR",
    "SCALAR_KIND_ATTR", "NUMPY_DTYPE_ATTR", "STRING_ARRAY_ATTR", "DTYPE_ATTR",
    "NEURON_ATTRIBUTES_LEN_ATTR", "KEY_ORDER_ATTR", "UNIT_KEY_ORDER_ATTR",
    "MISSING_UNITS_ATTR", "base_path", "h5_path", "item_file",
]

# ----------------------------------------------------------------- files and addresses
SUFFIX = ".h5"  # a workspace file; paths are accepted with or without it
SIDECAR_SUFFIX = ".json"  # the JSON index beside it: X.h5 -> X.json
SHARD_DIR_SUFFIX = ".shards"  # a sharded workspace's shard folder: X.h5 -> X.shards/
ITEM_SEPARATOR = "::"  # "results/ws.h5::namespace/key" names one item of a workspace file
ITEM_ADDRESS_FORM = f"file{SUFFIX}{ITEM_SEPARATOR}namespace/key"  # how messages show it
FORMAT_VERSION = 1  # written by this version; a file with a larger one is refused

# ----------------------------------------------------------------- root attributes
WORKSPACE_ID_ATTR = "__workspace_id__"
WORKSPACE_NAME_ATTR = "__workspace_name__"
CREATED_AT_ATTR = "__created_at__"  # also an item header attribute
FORMAT_VERSION_ATTR = "__format_version__"  # absent in files written by 0.1.2
SPIKELAB_VERSION_ATTR = "__spikelab_version__"
SAVE_ID_ATTR = "__save_id__"  # a fresh id per write, repeated in the sidecar
RETIRED_SHARDS_ATTR = "__retired_shards__"  # JSON {shard file name: time unlinked (s)}
INDEX = "__index__"  # root dataset: every item's index entry, as JSON
SOURCES_MEMO = "__sources__"  # root dataset of a merge target: what its sources held

# ----------------------------------------------------------------- item attributes
NOTE_ATTR = "__note__"
PROVENANCE_ATTR = "__provenance__"
FINGERPRINT_ATTR = "__fingerprint__"
CONTENT_HASH_ATTR = "__content_hash__"
#: An item's header: what its index entry holds besides the codec's summary.
HEADER_ATTRS = (CREATED_AT_ATTR, NOTE_ATTR, PROVENANCE_ATTR, FINGERPRINT_ATTR,
                CONTENT_HASH_ATTR)
#: (index entry field, header attribute) of the header's text attributes.
HEADER_FIELDS = (("note", NOTE_ATTR), ("fingerprint", FINGERPRINT_ATTR),
                 ("content_hash", CONTENT_HASH_ATTR))
SEAL_ATTR = "__checksum__"  # an item's (or the root's) seal: attributes and structure
CHECKSUM_ATTR = "__xxh3__"  # a dataset's checksum
TYPE_ATTR = "__type__"  # the codec tag an item is read by (0.1.2's names)
#: Set on an item written under another type's ``__type__`` (a form 0.1.2 reads, for an
#: object 0.1.2 cannot build): the tag this version reads it by.
OWN_TYPE_ATTR = "__spikelab_type__"
EXTRAS = "__spikelab__"  # child group holding exact encodings 0.1.2 does not read

# ----------------------------------------------------------------- codec attributes
METADATA_ATTR = "__metadata__"  # free-form metadata as 0.1.2's JSON text
NDARRAY_SENTINEL = "__ndarray__"  # marks an ndarray inside metadata JSON (0.1.2's form)
PY_TYPE_ATTR = "__py_type__"  # the Python type of a stored value (tuple, set, ...)
SCALAR_VALUE_ATTR = "__scalar_value__"
SCALAR_KIND_ATTR = "__scalar_kind__"
NUMPY_DTYPE_ATTR = "__numpy_dtype__"
STRING_ARRAY_ATTR = "__string_array__"
DTYPE_ATTR = "__dtype__"
NEURON_ATTRIBUTES_LEN_ATTR = "__neuron_attributes_len__"
KEY_ORDER_ATTR = "__key_order__"
UNIT_KEY_ORDER_ATTR = "__unit_key_order__"  # {unit: [names]} for units whose order differs
MISSING_UNITS_ATTR = "__missing_unit_indices__"


def base_path(path: str | os.PathLike) -> str:
    """``path`` as str without a trailing :data:`SUFFIX` (the form ``save`` and ``load``
    accept).

    >>> base_path("results/workspace.h5"), base_path("results/workspace")
    ('results/workspace', 'results/workspace')
    """
    text = os.fspath(path)
    return text[: -len(SUFFIX)] if text.endswith(SUFFIX) else text


def h5_path(path: str | os.PathLike) -> str:
    """The :data:`SUFFIX` file of a workspace path given with or without the suffix.

    >>> h5_path("results/workspace")
    'results/workspace.h5'
    """
    return base_path(path) + SUFFIX


def item_file(address: str) -> str:
    """The file part of ``path`` or ``path::namespace/key`` (everything before
    :data:`ITEM_SEPARATOR`).

    >>> item_file("ws.h5::D0/spikedata"), item_file("D0.nwb")
    ('ws.h5', 'D0.nwb')
    """
    return address.split(ITEM_SEPARATOR, 1)[0]

