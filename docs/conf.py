"""Sphinx configuration of the spikelab documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (warnings are errors; the test
suite builds it the same way). Markdown pages are read by MyST.
"""

from __future__ import annotations

import spikelab

project = "spikelab"
author = "spikelab developers"
release = spikelab.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",  # numpydoc-style docstrings
    "sphinx.ext.intersphinx",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# The notebook is opened with Jupyter (it needs a finished workflow run), not built here.
exclude_patterns = ["_build", "notebooks", "**/.ipynb_checkpoints"]

myst_heading_anchors = 3  # `[text](pipeline.md#the-cache)` links to sections
myst_enable_extensions = ["colon_fence"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# Offline builds (CI has no network): no intersphinx inventories are fetched, so references
# to numpy/matplotlib types stay plain text instead of raising warnings.
intersphinx_mapping: dict = {}
nitpicky = False

html_theme = "alabaster"
html_title = f"spikelab {release}"
