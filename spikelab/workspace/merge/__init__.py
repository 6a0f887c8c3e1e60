"""Merging workspaces.

- :mod:`.rule`: the merge rule shared by :meth:`~spikelab.AnalysisWorkspace.merge_from`
  and :func:`~spikelab.workspace.merge_files` (skip, replace, add);
- :mod:`.files`: :func:`~spikelab.workspace.merge_files`, the HDF5-level merge of files
  into a target written in the sharded layout;
- :mod:`.sourcememo`: what the sources of the last merge held, so an unchanged source is
  not opened again.

The pipeline's merge job is :mod:`spikelab.pipeline.merge_job`; the ``spikelab merge``
command is :mod:`spikelab.cli.merge`.
"""
