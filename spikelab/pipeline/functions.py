"""Where an analysis function lives: ``package.module:function`` or ``path/to/file.py:function``.

Parsing a reference is cheap and imports nothing (the Snakefile does it for every analysis);
:meth:`FunctionRef.load` imports the code and runs only in the job that calls the function.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError

__all__ = ["FunctionRef"]


def _is_identifier_path(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


@dataclass(frozen=True)
class FunctionRef:
    """A function named in the config.

    Attributes
    ----------
    text : str
        The reference as written (a file path normalised to ``/`` separators).
    module : str or None
        Dotted module name, for ``module:function``.
    path : str or None
        File path (relative to the project folder unless absolute), for ``file.py:function``.
    function : str
        Name of the function in that module.

    Examples
    --------
    >>> FunctionRef.parse("mylab.analyses:isi_histogram").module
    'mylab.analyses'
    >>> FunctionRef.parse("workflow/analyses/isi.py:isi_histogram").path
    'workflow/analyses/isi.py'
    """

    text: str
    module: str | None
    path: str | None
    function: str

    @classmethod
    def parse(cls, text: str) -> FunctionRef:
        """Read ``module:function`` or ``file.py:function``.

        Raises
        ------
        ConfigError
            When ``text`` is neither form.
        """
        where, sep, function = str(text).rpartition(":")
        forms = "'package.module:function' or 'path/to/file.py:function'"
        if not sep or not function.isidentifier():
            raise ConfigError(f"{text!r} is not a function reference: write {forms}")
        if where.endswith(".py") or "/" in where or os.sep in where:
            if not where.endswith(".py"):
                raise ConfigError(f"{text!r}: a file reference names a .py file; write {forms}")
            path = Path(where).as_posix()
            return cls(f"{path}:{function}", None, path, function)
        if not _is_identifier_path(where):
            raise ConfigError(f"{text!r} is not a function reference: write {forms}")
        return cls(f"{where}:{function}", where, None, function)

    def load(self, project_dir: str | os.PathLike = ".") -> Callable[..., Any]:
        """Import the module (or execute the file) and return the function.

        A file's folder and the project folder are put first on ``sys.path``, so the file
        can import the modules next to it, and a package in the project is found as
        ``python`` run from the project would find it.
        """
        project = Path(project_dir).resolve()
        if self.path is not None:
            file = (project / self.path).resolve()
            _put_first_on_path(file.parent)
            name = file.stem if file.stem not in sys.modules else f"_spikelab_file_{file.stem}"
            spec = importlib.util.spec_from_file_location(name, file)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {file} as a Python module")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        else:
            _put_first_on_path(project)
            module = importlib.import_module(self.module)
        function = getattr(module, self.function, None)
        if not callable(function):
            raise AttributeError(f"{self.text}: the module has no function {self.function!r}")
        return function


def _put_first_on_path(folder: Path) -> None:
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
