"""The index of a workspace file, in its three forms.

One entry per item (its type, summary, note, provenance, fingerprint, content hash) is
written three times, each form for a different reader:

- :mod:`.entries`: the entry itself, as the item group's header attributes (the source of
  truth, read when nothing else can be trusted);
- :mod:`.infile`: every entry in the file's ``__index__`` dataset (checksummed), so a
  listing or a cache lookup reads one dataset instead of every item's attributes;
- :mod:`.sidecar`: every entry in the JSON file beside the ``.h5``, for people and tools
  without HDF5.
"""
