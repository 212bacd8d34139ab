"""Alignments of an observed trace against the blueprint's customer and frontstage path.

The path is a sequence of steps in NEXT order, each required or optional (`optional: true` in
the blueprint, or a skip the mapping accepts). An alignment pairs the trace's events with the
path's steps in order: a synchronous move (the event is the step) costs nothing, a move on the
log only (an event the path has no place for there) costs 1, a move on the model only costs 1
for a required step and nothing for an optional one (it is skipped). The cheapest alignment is
found by dynamic programming over (events, steps), the edit distance with those costs, which
on a sequence with skips is what an A* search over its Petri net finds (PM4Py's default).

Fitness is PM4Py's alignment-based fitness, `1 - cost / (len(trace) + required steps)`: the
cost against the worst alignment, every event on the log only and the shortest path of the
model on the model only. tests/test_observe_pm4py.py checks both figures against PM4Py itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SYNC, LOG, MODEL = "sync", "log", "model"


@dataclass(frozen=True)
class Path:
    """The path a trace is held against: steps (their local ids) and which are required."""

    steps: tuple[str, ...]
    required: tuple[bool, ...]

    @property
    def shortest(self) -> int:
        return sum(self.required)


@dataclass(frozen=True)
class Alignment:
    cost: int
    fitness: float
    #: (move, position in the trace or -1, position in the path or -1), in order
    moves: tuple[tuple[str, int, int], ...]

    @property
    def fits(self) -> bool:
        return self.cost == 0


def align(trace: Sequence[int], path: Path) -> Alignment:
    """The cheapest alignment of `trace` (each event a path position, or a negative number
    for an event with no step) against `path`. Ties prefer a synchronous move, then a move
    on the log, so that an event done out of place is the one marked, not its neighbours."""
    n, k = len(trace), len(path.steps)
    skip = [1 if r else 0 for r in path.required]
    inf = n + k + 1
    # cost[i][j]: the cheapest alignment of the first i events with the first j steps
    cost = [[inf] * (k + 1) for _ in range(n + 1)]
    row0 = cost[0]
    row0[0] = 0
    for j in range(1, k + 1):
        row0[j] = row0[j - 1] + skip[j - 1]
    for i in range(1, n + 1):
        here, above = cost[i], cost[i - 1]
        event = trace[i - 1]
        here[0] = i
        for j in range(1, k + 1):
            best = above[j] + 1
            left = here[j - 1] + skip[j - 1]
            if left < best:
                best = left
            if event == j - 1 and above[j - 1] < best:
                best = above[j - 1]
            here[j] = best
    moves: list[tuple[str, int, int]] = []
    i, j = n, k
    while i > 0 or j > 0:
        c = cost[i][j]
        if i > 0 and j > 0 and trace[i - 1] == j - 1 and cost[i - 1][j - 1] == c:
            moves.append((SYNC, i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and cost[i - 1][j] + 1 == c:
            moves.append((LOG, i - 1, -1))
            i -= 1
        else:
            moves.append((MODEL, -1, j - 1))
            j -= 1
    moves.reverse()
    total = cost[n][k]
    worst = n + path.shortest
    fitness = 1.0 - total / worst if worst > 0 else 1.0
    return Alignment(total, fitness, tuple(moves))
