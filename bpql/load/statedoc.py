"""The types of a load state document (`bpql.load.protocol`), as msgspec checks them while it
parses: every field there and no other, the graph's values JSON's scalars, its ids texts,
counts whole numbers. What types cannot say is checked after, by the protocol."""

from __future__ import annotations

import msgspec

#: a node property's value (JSON's scalars)
Scalar = str | int | float | bool | None
#: a file as a load saw it: size, time, hash, status time, inode (`bpql.graphdata.Seen`)
Sighting = tuple[int, int, str, int, int]


class Table(msgspec.Struct, forbid_unknown_fields=True):
    """A label's rows: its columns' names, then each row's values in their order."""

    columns: list[str]
    rows: list[list[Scalar]]


class Graph(msgspec.Struct, forbid_unknown_fields=True):
    """Per label its table; per relationship type its pairs as one flat list of ids."""

    nodes: dict[str, Table]
    rels: dict[str, list[str]]


class Files(msgspec.Struct, forbid_unknown_fields=True):
    """The files the load read: the enterprise file (name, sighting, its own rows' counts),
    and per blueprint file its name, sighting, service and counts."""

    enterprise: tuple[str, Sighting, list[int]]
    names: list[str]
    seen: list[Sighting]
    services: list[tuple[str, str, str | None, str]]
    counts: list[list[int]]


class Counts(msgspec.Struct, forbid_unknown_fields=True):
    """A store's fingerprint: nodes per label, relationships per type."""

    nodes: dict[str, int]
    relationships: dict[str, int]


class StateDoc(msgspec.Struct, forbid_unknown_fields=True):
    """A whole state document."""

    format: str
    version: int
    code: str
    token: str
    fingerprint: Counts
    graph: Graph
    files: Files | None
