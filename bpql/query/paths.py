"""Graph patterns as data: the language's relation rules, derived fields and anchors are paths
of nodes and hops that render themselves to Cypher, so no code counts `[:` in pattern text,
runs a regex over it or splits it to find a label.

A node names a placeholder (`n` the entity found, `s` a step, `t` a reference's target, `x`
the node a derived field reads, `y` where a chain starts, `bp` a blueprint whose scenario the
query follows) and a label; a hop names a relationship type, its direction and its length,
which may be the query's own bound (`within N`). Placeholders become Cypher variables when a
path is rendered: `path.cypher(s="s:Step", t="t2", k=3)`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Node:
    """A placeholder (None: an anonymous node) and a label (None: any)."""

    var: str | None = None
    label: str | None = None

    def cypher(self, names: dict[str, str]) -> str:
        name = names.get(self.var, self.var) if self.var is not None else ""
        return f"({name}{':' + self.label if self.label else ''})"


@dataclass(frozen=True)
class Hop:
    """A relationship of one type, forward (`->`) or backward (`<-`), of `low` to `high`
    relationships; `high=None` is the query's bound."""

    type: str
    forward: bool = True
    low: int = 1
    high: int | None = 1

    @property
    def fixed(self) -> bool:
        """One relationship exactly."""
        return self.low == 1 and self.high == 1

    def cypher(self, k: int) -> str:
        length = "" if self.fixed else f"*{self.low}..{k if self.high is None else self.high}"
        inner = f"[:{self.type}{length}]"
        return f"-{inner}->" if self.forward else f"<-{inner}-"


@dataclass(frozen=True)
class Path:
    """Nodes joined by hops: `nodes[i]` and `nodes[i + 1]` are the ends of `hops[i]`."""

    nodes: tuple[Node, ...]
    hops: tuple[Hop, ...] = ()

    def __post_init__(self) -> None:
        if len(self.nodes) != len(self.hops) + 1:
            raise ValueError("a path has one node more than it has hops")

    def cypher(self, k: int = 1, **names: str) -> str:
        """The pattern as Cypher: each placeholder as `names` says (its own name when not
        given), a hop bounded by the query as `k`."""
        out = [self.nodes[0].cypher(names)]
        for hop, node in zip(self.hops, self.nodes[1:], strict=True):
            out.append(hop.cypher(k) + node.cypher(names))
        return "".join(out)

    def has(self, var: str) -> bool:
        return any(n.var == var for n in self.nodes)

    def node(self, var: str) -> Node:
        return next(n for n in self.nodes if n.var == var)

    @property
    def bounded(self) -> bool:
        """Whether a hop's length is the query's bound (`within N`)."""
        return any(h.high is None for h in self.hops)

    @property
    def fixed_hops(self) -> int:
        """The relationships of the hops of one relationship exactly."""
        return sum(1 for h in self.hops if h.fixed)

    def named(self, i: int, var: str) -> Path:
        """The same path with node `i` given the placeholder `var`."""
        nodes = list(self.nodes)
        nodes[i] = replace(nodes[i], var=var)
        return Path(tuple(nodes), self.hops)

    def then(self, other: Path) -> Path:
        """This path followed by `other`, which starts where this one ends (the same
        placeholder; a label either gives)."""
        end, start = self.nodes[-1], other.nodes[0]
        if end.var != start.var:
            raise ValueError(f"{other} does not start where {self} ends")
        joined = Node(end.var, end.label or start.label)
        return Path((*self.nodes[:-1], joined, *other.nodes[1:]), self.hops + other.hops)

    def split(self, i: int, var: str) -> tuple[Path, Path]:
        """The path cut at node `i`, which both halves name `var`: (up to it, from it)."""
        named = self.named(i, var)
        return Path(named.nodes[: i + 1], self.hops[:i]), Path(named.nodes[i:], self.hops[i:])


def path(first: Node, *rest: Hop | Node) -> Path:
    """A path written out: a node, then a hop and a node, and so on."""
    nodes, hops = [first], []
    for i, part in enumerate(rest):
        if (i % 2 == 0) != isinstance(part, Hop):
            raise ValueError("a path alternates nodes and hops, from a node to a node")
        if isinstance(part, Hop):
            hops.append(part)
        else:
            nodes.append(part)
    return Path(tuple(nodes), tuple(hops))


def out(type_: str, low: int = 1, high: int | None = 1) -> Hop:
    """A relationship walked forward: `-[:TYPE]->`."""
    return Hop(type_, True, low, high)


def into(type_: str, low: int = 1, high: int | None = 1) -> Hop:
    """A relationship walked backward: `<-[:TYPE]-`."""
    return Hop(type_, False, low, high)


#: a hop's length bounded by the query (`within N`)
BOUND = None
