"""The plan stage: the named steps one query runs as, and the answer they make.

A plan is data. Each step declares its columns and its role (part of the answer, or of its
drawing only); a Cypher `Statement` has its RETURN generated from those columns
(`Dialect.statement`), and a `Compute` step is worked out in Python by the engine over the
answer so far. A step's inputs name typed sources, a column of an earlier step, checked when
the plan is built. The engine hands a statement module's shaper an `Answer`: rows by step
name, read by column name (`Rows.select`, `Rows.column`), never by position, so a plan and its
shaper cannot drift apart silently (tests/test_plan_contract.py runs every shaper on its
plan's declared, empty columns).
"""

from __future__ import annotations

import enum
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from bpql.result import Kind, Result


class PlanError(Exception):
    """A plan or a shaper broke the plan's contract: a programming error, never a user's."""


class Role(enum.Enum):
    """What a step is for: the answer's tables, or only its drawing (fetched when the answer
    is drawn or written whole)."""

    ANSWER = "answer"
    DRAWING = "drawing"


@dataclass(frozen=True)
class Source:
    """A column of an earlier step, whose values fill a list parameter (`each`: the column
    holds lists, and their items do)."""

    statement: str
    column: str
    each: bool = False

    def __str__(self) -> str:
        return f"{self.statement}.{self.column}" + ("[*]" if self.each else "")


@dataclass(frozen=True)
class Statement:
    """One named Cypher statement of a plan; `columns` are what its RETURN returns, in order.

    `inputs` maps a list parameter to the sources whose values fill it (their union, sorted);
    `without` takes the values of other sources out of it again (the new nodes of a
    breadth-first level)."""

    name: str
    cypher: str
    columns: tuple[str, ...]
    role: Role = Role.ANSWER
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    inputs: dict[str, tuple[Source, ...]] = field(default_factory=dict, hash=False)
    without: dict[str, tuple[Source, ...]] = field(default_factory=dict, hash=False)

    @property
    def draws(self) -> bool:
        return self.role is Role.DRAWING

    def __iter__(self) -> Iterator[Any]:
        """`cypher, params = statement`, as statements were plain pairs before plans."""
        return iter((self.cypher, self.params))

    def sources(self) -> Iterator[Source]:
        for group in (self.inputs, self.without):
            for sources in group.values():
                yield from sources

    def run(self, read: Read, answer: Answer) -> Sequence[Sequence[Any]]:
        """Its rows from the store, inputs filled from the answer so far; the columns the
        store names must be the ones declared."""
        params = dict(self.params)
        for param in self.inputs:
            params[param] = input_values(self, param, answer)
        columns, rows = read(self.cypher, params)
        if tuple(columns) != self.columns:
            raise PlanError(
                f"statement {self.name!r} declares columns {list(self.columns)} but returned "
                f"{list(columns)}"
            )
        return rows

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "cypher": self.cypher,
            "params": self.params,
            "columns": list(self.columns),
            "role": self.role.value,
        }
        if self.inputs:
            out["inputs"] = {k: [str(s) for s in v] for k, v in self.inputs.items()}
        if self.without:
            out["without"] = {k: [str(s) for s in v] for k, v in self.without.items()}
        return out


#: what a Compute step runs: the answer so far and its parameters -> its rows
ComputeFn = Callable[["Answer", Mapping[str, Any]], Sequence[Sequence[Any]]]


@dataclass(frozen=True)
class Compute:
    """A named step worked out in Python over the answer so far (the systems that fail with
    a system, the steps a set of steps supports): one implementation, over the in-memory
    graph (bpql/analysis), whose rows later statements may take as inputs like any other."""

    name: str
    #: what it computes, in words; `bpql explain` shows it as a comment
    what: str
    fn: ComputeFn = field(compare=False, hash=False)
    columns: tuple[str, ...] = ()
    #: the columns of earlier steps it reads (checked when the plan is built)
    reads: tuple[Source, ...] = ()
    role: Role = Role.ANSWER
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def draws(self) -> bool:
        return self.role is Role.DRAWING

    @property
    def cypher(self) -> str:
        """What `bpql explain` prints for it: no Cypher, a comment naming what it computes."""
        reads = ", ".join(str(s) for s in self.reads)
        return f"// computed in Python: {self.what}" + (f" (from {reads})" if reads else "")

    @property
    def inputs(self) -> dict[str, tuple[Source, ...]]:
        return {}

    @property
    def without(self) -> dict[str, tuple[Source, ...]]:
        return {}

    def __iter__(self) -> Iterator[Any]:
        return iter((self.cypher, self.params))

    def sources(self) -> Iterator[Source]:
        yield from self.reads

    def run(self, read: Read, answer: Answer) -> Sequence[Sequence[Any]]:
        return self.fn(answer, self.params)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "compute": self.what,
            "params": self.params,
            "columns": list(self.columns),
            "role": self.role.value,
            "reads": [str(s) for s in self.reads],
        }


Step = Statement | Compute
#: how a plan's statements reach a store: (cypher, params) -> (column names, rows)
Read = Callable[[str, dict[str, Any]], tuple[Sequence[str], Sequence[Sequence[Any]]]]


@dataclass
class Plan:
    """The named steps one query runs as, rendered for one dialect. Built checked: names are
    unique, every source is a declared column of an earlier step, and no step of the answer
    reads one of the drawing (which a table-only answer does not run)."""

    dialect: str
    #: the statement it was planned from ("find", "impact", ...; `QueryIR.kind`)
    kind: str = ""
    statements: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        seen: dict[str, Step] = {}
        for st in self.statements:
            if st.name in seen:
                raise PlanError(f"plan {self.kind!r}: two steps are named {st.name!r}")
            for source in st.sources():
                earlier = seen.get(source.statement)
                if earlier is None:
                    raise PlanError(
                        f"plan {self.kind!r}: {st.name!r} reads {source}, which no earlier step "
                        "makes"
                    )
                if source.column not in earlier.columns:
                    raise PlanError(
                        f"plan {self.kind!r}: {st.name!r} reads {source}, but {earlier.name!r} "
                        f"declares {list(earlier.columns)}"
                    )
                if earlier.draws and not st.draws:
                    raise PlanError(
                        f"plan {self.kind!r}: {st.name!r} is part of the answer but reads "
                        f"{source}, which only the drawing fetches"
                    )
            if isinstance(st, Statement):
                for param in st.inputs:
                    if f"${param}" not in st.cypher:
                        raise PlanError(f"plan {self.kind!r}: {st.name!r} never uses ${param}")
                if set(st.without) - set(st.inputs):
                    raise PlanError(f"plan {self.kind!r}: {st.name!r} takes out of no input")
            seen[st.name] = st
        self._steps = seen

    def step(self, name: str) -> Step:
        found = self._steps.get(name)
        if found is None:
            raise PlanError(
                f"plan {self.kind!r} has no step {name!r}; it has {', '.join(self._steps)}"
            )
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "dialect": self.dialect,
            "kind": self.kind,
            "statements": [s.to_json() for s in self.statements],
        }


class Rows:
    """One step's rows, read by column name: a name the step does not declare is refused,
    even when there are no rows."""

    __slots__ = ("columns", "data", "name")

    def __init__(self, name: str, columns: tuple[str, ...], data: Sequence[Sequence[Any]]):
        self.name = name
        self.columns = columns
        self.data = data

    def index(self, column: str) -> int:
        try:
            return self.columns.index(column)
        except ValueError:
            raise PlanError(
                f"step {self.name!r} has no column {column!r}; it declares {list(self.columns)}"
            ) from None

    def column(self, name: str) -> list[Any]:
        """One column's values, in row order."""
        i = self.index(name)
        return [r[i] for r in self.data]

    def select(self, *names: str) -> Iterator[tuple[Any, ...]]:
        """Each row's values of `names`, in that order, as a tuple."""
        if not names:
            raise PlanError(f"select from {self.name!r} names no column")
        idx = [self.index(n) for n in names]
        if len(idx) == 1:
            i = idx[0]
            return ((r[i],) for r in self.data)
        return map(itemgetter(*idx), self.data)

    def records(self) -> list[Any]:
        """Each row as a named tuple of the declared columns (a column a tuple cannot name,
        such as `_id`, keeps its place under a positional name)."""
        record = _record(self.columns)
        return [record(*r) for r in self.data]

    def __len__(self) -> int:
        return len(self.data)

    def __bool__(self) -> bool:
        return bool(self.data)


_RECORDS: dict[tuple[str, ...], Any] = {}


def _record(columns: tuple[str, ...]) -> Any:
    if columns not in _RECORDS:
        _RECORDS[columns] = namedtuple("Record", columns, rename=True)
    return _RECORDS[columns]


class Answer(Mapping[str, Rows]):
    """The rows of a plan's steps by name, as the engine hands them to a shaper. A name the
    plan does not declare is refused; a drawing step not run (`draw=False`) reads as no rows,
    and `drawn` says whether the drawing was fetched."""

    def __init__(self, plan: Plan, drawn: bool = True) -> None:
        self.plan = plan
        self.drawn = drawn
        #: the rows of the step that bounds the drawing (`Spec.drawn_rows`) when they were
        #: more than the nodes asked for, so the drawing was not read
        self.undrawn: int | None = None
        self._rows: dict[str, Rows] = {}
        #: what a compute step or the shaper derives from the rows once and shares (an
        #: in-memory graph of the blueprints read)
        self.memo: dict[str, Any] = {}

    def put(self, name: str, data: Sequence[Sequence[Any]]) -> None:
        step = self.plan.step(name)
        self._rows[name] = Rows(name, step.columns, data)

    def __getitem__(self, name: str) -> Rows:
        found = self._rows.get(name)
        if found is not None:
            return found
        step = self.plan.step(name)
        return Rows(name, step.columns, [])

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def ran(self, name: str) -> bool:
        """Whether the step ran (a drawing step does not without `draw`)."""
        self.plan.step(name)
        return name in self._rows


def input_values(st: Statement, param: str, answer: Answer) -> list[Any]:
    """The values of an input, sorted: its sources' values less those of its `without`; a
    null (an optional match that found nothing) matches nothing, and is left out."""
    return sorted(_values(st.inputs[param], answer) - _values(st.without.get(param, ()), answer))


def _values(sources: Iterable[Source], answer: Answer) -> set[Any]:
    out: set[Any] = set()
    for source in sources:
        values = answer[source.statement].column(source.column)
        if source.each:
            for items in values:
                out.update(items or ())
        else:
            out.update(values)
    out.discard(None)
    return out


@dataclass
class ExplainResult(Result):
    """`explain <query>`: the plans, not an answer of the store."""

    plans: list[Plan] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.kind is not Kind.EXPLAIN:
            raise PlanError("an explain result is of kind explain")

    def json_parts(self) -> dict[str, Any]:
        return {"plans": [p.to_json() for p in self.plans]}
