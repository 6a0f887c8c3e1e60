"""Sphinx configuration of the spikelab documentation.

Build with ``sphinx-build -W -n -b html docs docs/_build/html`` (warnings are errors, every
cross-reference must resolve; the test suite builds it the same way). Markdown pages are read
by MyST.
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
autodoc_default_options = {"members": True}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# Offline builds (CI has no network): no intersphinx inventories are fetched.
intersphinx_mapping: dict = {}
# Every cross-reference must resolve: with -W a dangling one fails the build. The only
# exceptions are the references below, which cannot resolve here, each with its reason.
nitpicky = True
nitpick_ignore_regex = [
    # Other projects' objects (numpy, matplotlib, the standard library, ...): resolving them
    # needs their intersphinx inventories, which an offline build cannot fetch.
    (r"py:.*", r"(numpy|np|scipy|sparse|matplotlib|h5py|networkx|nx|sklearn|pynwb|umap|os"
               r"|pathlib|collections|collections\.abc|typing|types|threading|contextlib"
               r"|datetime|json|logging)\..+"),
    (r"py:class", r"ndarray|Figure|Axes|PathCollection|PathLike|Path|Callable|Sequence"
                  r"|Iterable|Iterator|Mapping|Generator|TextIO|Graph|BaseEstimator"),
    # numpydoc type specs are prose around a type ("ndarray, shape (U, T)", "int, optional",
    # '{"gzip", "lzf"}'), and Sphinx makes each word a class reference: shape letters,
    # sizes, literals and these words are not objects.
    # Our classes are CamelCase and dotted, so a lowercase word is prose ("list of (start,
    # end)", "(low Hz, high Hz)").
    (r"py:class", r"[A-Z]|\d+(-D)?|[a-z][\w -]*|.*[{}\"'].*"),
    # A type variable (the items progress() yields) is a placeholder, not an object.
    (r"py:class", r"spikelab\.progress\.T"),
]

html_theme = "alabaster"
html_title = f"spikelab {release}"
