"""The in-memory graph the analyses run on: a `GraphData` looked up by id, nodes per label and
relationships per type, out of a node and into it. Built once per graph (comparing every
blueprint of 1,000 services stays linear)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bpql.graphdata import GraphData


class _ByType(dict[str, defaultdict[str, list[str]]]):
    """Relationships of a type grouped by one end, grouped the first time they are asked for
    (a graph of 1,000 services holds 167,000; an analysis reads a few types)."""

    def __init__(self, graph: GraphData, reverse: bool) -> None:
        super().__init__()
        self.graph = graph
        self.reverse = reverse

    def __missing__(self, type_: str) -> defaultdict[str, list[str]]:
        by: defaultdict[str, list[str]] = defaultdict(list)
        for a, b in self.graph.rels.get(type_, ()):
            if self.reverse:
                by[b].append(a)
            else:
                by[a].append(b)
        self[type_] = by
        return by


class Index:
    """Nodes by label and id; relationships by type, from a node (`out`) and to it (`into`)."""

    def __init__(self, graph: GraphData) -> None:
        self.graph = graph
        self.nodes: dict[str, dict[str, dict[str, Any]]] = {
            label: {n["id"]: n for n in rows} for label, rows in graph.nodes.items()
        }
        self.out: dict[str, defaultdict[str, list[str]]] = _ByType(graph, reverse=False)
        self.into: dict[str, defaultdict[str, list[str]]] = _ByType(graph, reverse=True)

    def node(self, label: str, id_: str) -> dict[str, Any] | None:
        return self.nodes.get(label, {}).get(id_)

    def targets(self, type_: str, id_: str) -> list[str]:
        """The nodes `id_` has a relationship of this type to."""
        return self.out[type_].get(id_, [])

    def sources(self, type_: str, id_: str) -> list[str]:
        """The nodes that have a relationship of this type to `id_`."""
        return self.into[type_].get(id_, [])
