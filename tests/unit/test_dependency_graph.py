"""Dependency cycles: found with their path, and only when there is one."""

from __future__ import annotations

from focusplan.dependency_graph import find_cycle, format_cycle


def test_a_cycle_through_start_is_found_with_its_path() -> None:
    assert find_cycle({1: [2], 2: [3], 3: [1]}, 1) == [1, 2, 3, 1]


def test_a_task_waiting_for_itself_is_a_cycle() -> None:
    assert find_cycle({4: [4]}, 4) == [4, 4]


def test_shared_dependencies_are_no_cycle() -> None:
    # A diamond: 1 waits for 2 and 3, both wait for 4.
    assert find_cycle({1: [2, 3], 2: [4], 3: [4]}, 1) is None


def test_a_cycle_that_does_not_reach_back_to_start_is_not_starts_cycle() -> None:
    # Only a cycle through `start` matters: the edit being checked is start's own.
    assert find_cycle({1: [2], 2: [3], 3: [2]}, 1) is None


def test_a_long_chain_does_not_hit_the_recursion_limit() -> None:
    edges = {node: [node + 1] for node in range(5_000)}
    assert find_cycle(edges, 0) is None
    edges[5_000] = [0]
    path = find_cycle(edges, 0)
    assert path is not None
    assert (path[0], path[-1], len(path)) == (0, 0, 5_002)


def test_the_refusal_names_the_path() -> None:
    assert format_cycle([3, 5, 3]) == "dependency cycle: 3 → 5 → 3"


def test_waits_for_follows_dependencies_transitively() -> None:
    from focusplan.dependency_graph import waits_for

    edges = {1: [2], 2: [3], 4: [1]}
    assert waits_for(edges, 1, 3)
    assert waits_for(edges, 4, 3)
    assert not waits_for(edges, 3, 1)
    assert not waits_for({1: [2], 2: [1]}, 1, 9)  # a cycle elsewhere does not loop forever
