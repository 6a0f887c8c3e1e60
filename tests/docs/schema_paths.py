"""Walk the workflow's config JSON schema into dotted option paths (for the docs checks)."""

from __future__ import annotations

from collections import deque
from typing import Any

MAP_ENTRY = "<name>"  # stands for any key of a mapping such as `recordings`


def _resolve(node: dict, schema: dict) -> tuple[dict, str | None]:
    ref = node.get("$ref")
    if ref is None:
        return node, None
    target = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return merged, ref


def option_paths(schema: dict) -> dict[str, dict[str, Any]]:
    """Dotted path -> resolved sub-schema of every option, breadth first.

    A ``$defs`` object reached from several places (e.g. the culture parameters under
    ``simulation`` and ``recordings.<name>.simulate``) has its properties listed once, at the
    shallowest place: that is where the docs describe them.
    """
    paths: dict[str, dict[str, Any]] = {}
    expanded_refs: set[str] = set()
    queue = deque([("", schema)])
    while queue:
        prefix, node = queue.popleft()
        node, ref = _resolve(node, schema)
        if ref is not None and prefix != "":
            if ref in expanded_refs and "properties" in node:
                continue
            expanded_refs.add(ref)
        children = dict(node.get("properties", {}))
        entry = node.get("additionalProperties")
        if isinstance(entry, dict):
            children[MAP_ENTRY] = entry
        for name, sub in children.items():
            path = f"{prefix}.{name}" if prefix else name
            resolved, _ = _resolve(sub, schema)
            if name != MAP_ENTRY:
                paths[path] = resolved
            queue.append((path, sub))
    return paths
