"""Dependency cycles among tasks: graph logic, pure, beside the domain.

The store refuses an edit that would close a cycle (a task that waits, however
indirectly, for itself could never become eligible); this module finds the cycle
so the refusal can name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def find_cycle(edges: Mapping[int, Iterable[int]], start: int) -> list[int] | None:
    """A dependency path from `start` back to itself, e.g. [3, 5, 3], or None.

    `edges[a]` are the tasks `a` depends on. The search is iterative, so a chain
    of thousands of dependencies cannot reach the recursion limit.
    """
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        for follower in edges.get(node, ()):
            if follower == start:
                return [*path, start]
            if follower not in seen:
                seen.add(follower)
                stack.append((follower, [*path, follower]))
    return None


def waits_for(edges: Mapping[int, Iterable[int]], start: int, target: int) -> bool:
    """Whether `start` depends on `target`, directly or through others.

    The task form asks it before saving, so a cycle is refused under the field
    where it was typed rather than by the store on save.
    """
    seen: set[int] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return False


def format_cycle(path: Sequence[int]) -> str:
    """The refusal a person reads: `dependency cycle: 3 → 5 → 3`."""
    return "dependency cycle: " + " → ".join(str(task_id) for task_id in path)
