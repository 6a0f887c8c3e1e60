"""Links and outside storage in workspace files: only what the workspace itself put there.

HDF5 lets a file reach into other files, or alias its own objects, in four ways, and
h5py follows all of them silently:

- an **external link** names another file and a path in it; HDF5 resolves a relative
  file name against ``$HDF5_EXT_PREFIX``, the link access property's prefix, the
  directory of the file holding the link and finally the *current directory* (so a link
  whose file is missing beside the workspace may open another one where the reader
  happens to be);
- a **soft link** is another name for any path of the same file (one item posing as
  another);
- a **virtual dataset** maps its values from datasets of other files;
- a dataset with **external raw storage** (``H5Pset_external``) reads its bytes from any
  file named in it, HDF5 or not (``/etc/passwd``).

A workspace handed to us could use any of them to make ``load_item`` read, or a merge
copy into our merged workspace, any file the user can read. Our writers never create
them, except the external links of a sharded workspace's root (:mod:`.shards`), one per
namespace, into the root's own shard folder. So every reader checks, *without following
anything*:

- root names: a namespace is a group in the file or, in a sharded root, an external
  link of the exact form :mod:`.shards` writes (checked there, and the shard's workspace
  id after it is opened by name, never through HDF5's search); anything else is refused;
- item names: the link from a namespace to an item is a hard link;
- inside an item: every link is a hard link (one ``H5Lvisit`` over the item), and every
  dataset is stored in the file itself (:func:`.checksums.check_dataset_storage`, part
  of every dataset read and of the seal walk).

A refusal raises :class:`~.checksums.DataDamage`, which the readers turn into one
:class:`~spikelab.errors.CorruptWorkspaceError` naming the file and the item.
"""

from __future__ import annotations

import h5py
from h5py import h5l

from .checksums import DataDamage

__all__ = ["describe_link", "check_item_links", "open_child", "has_link", "link_kind"]

_KINDS = {h5l.TYPE_HARD: "hard", h5l.TYPE_SOFT: "soft", h5l.TYPE_EXTERNAL: "external"}


def link_kind(parent: h5py.Group, name: str) -> str:
    """``"hard"``, ``"soft"``, ``"external"`` or ``"user-defined"``: the kind of the link
    ``name`` of ``parent``, read without following it (KeyError if there is none)."""
    raw = name.encode("utf-8")
    if not parent.id.links.exists(raw):
        raise KeyError(f"no link {name!r} in {parent.name}")
    info = parent.id.links.get_info(raw)
    return _KINDS.get(info.type, "user-defined")


def describe_link(parent: h5py.Group, name: str) -> str:
    """What the (non-hard) link ``name`` of ``parent`` points at, for an error message."""
    kind = link_kind(parent, name)
    raw = name.encode("utf-8")
    if kind == "soft":
        target = parent.id.links.get_val(raw).decode("utf-8", "replace")
        return f"a soft link to {target!r} (another object of the same file)"
    if kind == "external":
        filename, path = parent.id.links.get_val(raw)
        return (f"an external link to {filename.decode('utf-8', 'replace')!r}:"
                f"{path.decode('utf-8', 'replace')!r}")
    return f"a {kind} link"


def _refuse(parent: h5py.Group, name: str, where: str) -> DataDamage:
    return DataDamage(f"{where} is {describe_link(parent, name)}; workspace items never "
                      "link outside themselves: refused, not followed")


def check_item_links(group: h5py.Group) -> None:
    """Raise :class:`DataDamage` unless every link inside the item ``group`` is a hard link.

    One ``H5Lvisit`` over the item: link kinds are read from the link table, nothing is
    followed.
    """
    def visit(name: bytes, info) -> bytes | None:
        return None if info.type == h5l.TYPE_HARD else name

    bad = group.id.links.visit(visit, info=True)
    if bad:
        text = bad.decode("utf-8", "replace")
        parent_path, _, leaf = text.rpartition("/")
        parent = group[parent_path] if parent_path else group  # hard links up to there
        raise _refuse(parent, leaf, f"{group.name}/{text}")


def has_link(parent: h5py.Group, name: str) -> bool:
    """Does ``parent`` have a link ``name`` (of any kind; nothing followed)?"""
    return parent.id.links.exists(name.encode("utf-8"))


def open_child(parent: h5py.Group, name: str) -> h5py.HLObject:
    """``parent[name]`` for a single path component, refusing any link but a hard one
    (checked before following)."""
    if link_kind(parent, name) != "hard":
        raise _refuse(parent, name, f"{parent.name.rstrip('/')}/{name}")
    return parent[name]
