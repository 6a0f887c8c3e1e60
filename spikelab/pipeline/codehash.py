"""The code of an analysis, hashed statically: part of every result's fingerprint.

An analysis ``module:function`` (or ``path/to/file.py:function``) is hashed as the
normalised source of the module defining it and of every module it imports, transitively,
from its own package and from spikelab. Nothing is imported or executed: module files are
located through the import system's finders (as ``import`` would find them, without running
any package ``__init__``), parsed with :mod:`ast`, and normalised so that comments,
docstrings and formatting do not count. Imports are found anywhere in a module: at the top,
inside functions, under ``if TYPE_CHECKING:`` (a type a function is annotated with is one
whose methods it may call).

What the scan cannot see: modules loaded by name at run time (``importlib.import_module``)
and code outside the followed packages (numpy, a third-party library, a data file read by
the function). A change there is covered by the analysis's ``version:`` in the config.

The parse of each file is cached by the sha256 of its bytes (in memory, and in a JSON file
when the caller gives one, e.g. the workflow's ``.snakemake/spikelab-codehash.json``), so a
no-op rerun reads and hashes the files but parses none of them.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.machinery
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomicfile import atomic_write_text
from ..errors import ConfigError
from .functions import FunctionRef

__all__ = ["CodeHash", "CodeHasher", "code_version"]

#: Packages whose modules are always followed (besides the analysis's own package).
FOLLOWED = ("spikelab",)

_Import = tuple[int, str, tuple[str, ...]]  # (relative level, module, imported names)


@dataclass(frozen=True)
class CodeHash:
    """The code identity of one analysis function.

    Attributes
    ----------
    digest : str
        sha256 (hex) of the function's name and the normalised source of every module in
        ``modules``.
    modules : tuple of str
        The modules hashed, sorted: the defining module and what it imports, transitively.
    """

    digest: str
    modules: tuple[str, ...]


def code_version(digest: str, version: str | None = None) -> str:
    """The ``version`` field of a provenance record: the code hash, after any manual version.

    Examples
    --------
    >>> code_version("ab12")
    'code:ab12'
    >>> code_version("ab12", "2")
    'version:2;code:ab12'
    """
    return f"code:{digest}" if version is None else f"version:{version};code:{digest}"


# --------------------------------------------------------------------- normalising
def _strip_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        return body[1:]
    return body


def _serialise(node: Any, out: list[str]) -> None:
    """Append a formatting-free text of ``node``: node types, fields, constants.

    Unlike :func:`ast.dump` it leaves out empty fields, so that a Python version adding an
    optional field (``type_params`` in 3.12) does not change the text of unchanged code.
    """
    if isinstance(node, ast.AST):
        out.append(type(node).__name__)
        out.append("(")
        body_owner = isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
        for field in node._fields:
            value = getattr(node, field, None)
            if field == "body" and body_owner:
                value = _strip_docstring(value)
            if value is None or (isinstance(value, list) and not value):
                continue
            out.append(field)
            out.append("=")
            _serialise(value, out)
            out.append(",")
        out.append(")")
    elif isinstance(node, list):
        out.append("[")
        for item in node:
            _serialise(item, out)
            out.append(",")
        out.append("]")
    else:  # a constant or an identifier: type-tagged, so 1, 1.0, True and "1" differ
        out.append(f"{type(node).__name__}:{node!r}")


def _imports(tree: ast.Module) -> list[_Import]:
    """Every import statement of the module, wherever it is (functions, TYPE_CHECKING)."""
    found: list[_Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(0, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or "", tuple(a.name for a in node.names)))
    return found


@dataclass(frozen=True)
class _Parsed:
    digest: str
    imports: tuple[_Import, ...]
    functions: tuple[str, ...]  # top-level function definitions
    names: tuple[str, ...]      # every other top-level name (classes, assignments, imports)


def _parse(source: bytes, path: Path) -> _Parsed:
    try:
        tree = ast.parse(source, filename=str(path))
    except (SyntaxError, ValueError) as exc:
        line = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        msg = getattr(exc, "msg", str(exc))
        raise ConfigError(f"{path}{line}: {msg} (the analysis code cannot be parsed)") from None
    text: list[str] = []
    _serialise(tree, text)
    digest = hashlib.sha256("".join(text).encode("utf-8")).hexdigest()
    functions = [
        n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    names = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    names += [t.id for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
              for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
              if isinstance(t, ast.Name)]
    names += [(a.asname or a.name).split(".")[0] for n in tree.body
              if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names]
    return _Parsed(digest, tuple(_imports(tree)), tuple(functions), tuple(sorted(set(names))))


# --------------------------------------------------------------------- locating
@dataclass(frozen=True)
class _Module:
    name: str            # dotted module name (for a file analysis: relative to its folder)
    path: Path           # the .py file
    is_package: bool     # an __init__.py: relative imports resolve inside it


def _spec_file(spec: Any) -> Path | None:
    origin = getattr(spec, "origin", None)
    if not origin or not spec.has_location or not origin.endswith(".py"):
        return None  # built-in, frozen, namespace package or compiled extension
    return Path(origin)


def _find_spec(name: str, path: Sequence[str] | None) -> Any:
    """What ``import`` would find for ``name`` (parent search path given), importing nothing."""
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None:
            continue
        try:
            spec = find_spec(name, path)
        except (ImportError, ValueError):
            continue
        if spec is not None:
            return spec
    return None


class _PackageLocator:
    """Module name -> file, through the import system's finders, with a first search folder."""

    def __init__(self, first: Path | None = None) -> None:
        self._first = first
        self._specs: dict[str, Any] = {}

    def spec(self, name: str) -> Any:
        if name in self._specs:
            return self._specs[name]
        parent, _, _ = name.rpartition(".")
        if parent:
            parent_spec = self.spec(parent)
            locations = getattr(parent_spec, "submodule_search_locations", None)
            spec = _find_spec(name, list(locations)) if locations else None
        else:
            # A package this process has imported (spikelab itself, at parse time) is the one
            # the jobs import too: hash that copy, wherever the import system found it.
            loaded = sys.modules.get(name)
            spec = getattr(loaded, "__spec__", None) if loaded is not None else None
            if spec is None and self._first is not None:
                spec = importlib.machinery.PathFinder.find_spec(name, [str(self._first)])
            if spec is None:
                spec = _find_spec(name, None)
        self._specs[name] = spec
        return spec

    def module(self, name: str) -> _Module | None:
        spec = self.spec(name)
        path = _spec_file(spec) if spec is not None else None
        if path is None:
            return None
        return _Module(name, path, spec.submodule_search_locations is not None)


class _FolderLocator:
    """Modules of a file analysis: its folder is the root of the modules it may import."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def module(self, name: str) -> _Module | None:
        base = self._root.joinpath(*name.split("."))
        if (base / "__init__.py").is_file():
            return _Module(name, base / "__init__.py", True)
        if base.with_suffix(".py").is_file():
            return _Module(name, base.with_suffix(".py"), False)
        return None


# --------------------------------------------------------------------- hashing
class CodeHasher:
    """Hashes analysis functions; shares located modules and parsed files between them.

    Parameters
    ----------
    project_dir : path
        Where file analyses (``path.py:fn``) are looked up, and the first place searched for
        a top-level package (as ``python`` run from that folder would).
    cache : path, optional
        A JSON file keeping each parsed file's result, keyed by the sha256 of its bytes; read
        at creation, rewritten by :meth:`save` with the entries this hasher used.

    A hasher reads each file once and hashes each function once (one Snakefile parse): make
    a new one to see later edits.

    Examples
    --------
    >>> from spikelab.pipeline.functions import FunctionRef
    >>> hasher = CodeHasher(".")
    >>> code = hasher.hash(FunctionRef.parse("spikelab.pipeline.analyses.sttc:sttc"))
    >>> "spikelab.spikedata.sttc" in code.modules, len(code.digest)
    (True, 64)
    """

    def __init__(self, project_dir: str | os.PathLike = ".",
                 cache: str | os.PathLike | None = None) -> None:
        self.project_dir = Path(project_dir).resolve()
        self._cache_path = Path(cache) if cache is not None else None
        self._stored = self._read_cache()
        self._used: dict[str, _Parsed] = {}
        self._files: dict[Path, _Parsed] = {}
        self._packages = _PackageLocator(self.project_dir)
        self._hashes: dict[str, CodeHash] = {}

    # ---------------------------------------------------------------- cache file
    def _read_cache(self) -> dict[str, _Parsed]:
        if self._cache_path is None:
            return {}
        try:
            raw = json.loads(self._cache_path.read_text())
            return {sha: _Parsed(str(entry["digest"]),
                                 tuple((int(lvl), str(mod), tuple(map(str, names)))
                                       for lvl, mod, names in entry["imports"]),
                                 tuple(map(str, entry["functions"])),
                                 tuple(map(str, entry["names"])))
                    for sha, entry in raw["files"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}  # absent or damaged: it is only a cache, parse again

    def save(self) -> None:
        """Write the cache file (atomically) with the files used since creation."""
        if self._cache_path is None or not self._used:
            return
        files = {sha: {"digest": p.digest, "imports": [list(i) for i in p.imports],
                       "functions": list(p.functions), "names": list(p.names)}
                 for sha, p in self._used.items()}
        text = json.dumps({"files": files}, sort_keys=True)
        try:
            if self._cache_path.exists() and self._cache_path.read_text() == text:
                return
            self._cache_path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(str(self._cache_path), text)
        except OSError:
            pass  # a read-only project still runs; it just parses again next time

    # ---------------------------------------------------------------- parsing
    def _parsed(self, path: Path) -> _Parsed:
        if path in self._files:  # modules shared by several analyses are read once
            return self._files[path]
        source = path.read_bytes()
        sha = hashlib.sha256(source).hexdigest()
        parsed = self._used.get(sha) or self._stored.get(sha)
        if parsed is None:
            parsed = _parse(source, path)
        self._used[sha] = self._files[path] = parsed
        return parsed

    # ---------------------------------------------------------------- closure
    def hash(self, ref: FunctionRef) -> CodeHash:
        """The :class:`CodeHash` of ``ref``.

        Raises
        ------
        ConfigError
            When the module or file cannot be found, cannot be parsed, or does not define the
            function at its top level.
        """
        key = ref.text
        if key not in self._hashes:
            self._hashes[key] = self._hash(ref)
        return self._hashes[key]

    def _hash(self, ref: FunctionRef) -> CodeHash:
        if ref.path is not None:
            file = (self.project_dir / ref.path).resolve()
            if not file.is_file():
                raise ConfigError(f"{ref.text}: file {file} not found")
            locator: Any = _FolderLocator(file.parent)
            start = _Module(file.stem, file, False)
            own = None
        else:
            locator = self._packages
            start = locator.module(ref.module)
            if start is None:
                raise ConfigError(
                    f"{ref.text}: module {ref.module} not found (is its package installed, or "
                    f"in {self.project_dir}?)")
            own = ref.module.split(".")[0]
        self._check_defines(start, ref)
        modules = self._closure(start, locator, own)
        h = hashlib.sha256(f"function {ref.module or start.name}:{ref.function}\n".encode())
        for name in sorted(modules):
            h.update(f"{name} {modules[name]}\n".encode())
        return CodeHash(h.hexdigest(), tuple(sorted(modules)))

    def modules_digest(self, modules: Sequence[str], alone: Sequence[str] = ()) -> str:
        """sha256 (hex) of the normalised source of ``modules`` and what they import,
        transitively, and of the modules ``alone`` without their imports.

        Raises
        ------
        ConfigError
            When one of them cannot be found.
        """
        digests: dict[str, str] = {}
        for name in [*modules, *alone]:
            module = self._packages.module(name)
            if module is None:
                raise ConfigError(f"module {name} not found (is its package installed?)")
            if name in alone:
                digests[name] = self._parsed(module.path).digest
            else:
                digests.update(self._closure(module, self._packages, name.split(".")[0]))
        h = hashlib.sha256()
        for name in sorted(digests):
            h.update(f"{name} {digests[name]}\n".encode())
        return h.hexdigest()

    def _check_defines(self, module: _Module, ref: FunctionRef) -> None:
        parsed = self._parsed(module.path)
        if ref.function not in parsed.functions and ref.function not in parsed.names:
            raise ConfigError(
                f"{ref.text}: {module.path} defines no {ref.function!r} at its top level "
                f"(functions there: {', '.join(parsed.functions) or 'none'})")

    def _closure(self, start: _Module, locator: Any, own: str | None) -> dict[str, str]:
        """Module name -> normalised-source digest of ``start`` and what it imports."""
        digests: dict[str, str] = {}
        queue = [start]
        while queue:
            module = queue.pop()
            if module.name in digests:
                continue
            parsed = self._parsed(module.path)
            digests[module.name] = parsed.digest
            for target in self._resolve(module, parsed.imports, locator, own):
                if target.name not in digests:
                    queue.append(target)
        return digests

    def _resolve(self, module: _Module, imports: Iterable[_Import], locator: Any,
                 own: str | None) -> list[_Module]:
        """The followed modules an import list names (leaves, not their parent packages)."""
        found = []
        for level, name, names in imports:
            base = _absolute(module, level, name)
            if base is None:
                continue
            reads_base = not names  # ``import a.b``: the module a.b itself
            for imported in names:
                sub = None if imported == "*" else self._locate(f"{base}.{imported}", locator, own)
                if sub is not None:
                    found.append(sub)  # ``from pkg import submodule``
                else:
                    reads_base = True  # ``from module import name``: the name is in module
            target = self._locate(base, locator, own) if reads_base else None
            if target is not None:
                found.append(target)
        return found

    def _locate(self, name: str, locator: Any, own: str | None) -> _Module | None:
        top = name.split(".")[0]
        if top in FOLLOWED:
            return self._packages.module(name)
        if own is None or top == own:  # own is None: a file analysis, its folder decides
            return locator.module(name)
        return None


def _absolute(module: _Module, level: int, name: str) -> str | None:
    """The absolute module name of an import inside ``module`` (None: beyond the top)."""
    if level == 0:
        return name
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    parts = package.split(".") if package else []
    if level - 1 > len(parts) or (level - 1 == len(parts) and not name):
        return None
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, name] if name else parts) or None
