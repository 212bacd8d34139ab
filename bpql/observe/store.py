"""The observed figures in the store: aggregates, never raw events, all or nothing.

One `Observation` node per observed thing (the blueprint, each step, each mapped fail point,
each metric with readings) and period, hung off the blueprint by `OBSERVED`; the latest
period's figures are copied onto the things themselves (`bpql.schema.OBSERVED_PROPS`), so
`find steps where wait_p90 > max_wait` reads them like any field. Observing a period again
replaces that period's nodes. The write is the load's own (`Backend.replace_graph` with the
graph the store holds), so it is one transaction on Neo4j and a copy switched in on LadybugDB.

A load keeps what was observed of the things it keeps (`carry`): editing a blueprint file and
loading again does not lose the observations of its unchanged steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bpql.errors import BackendError
from bpql.graphdata import GraphData
from bpql.schema import NODES, OBSERVED_PROPS

if TYPE_CHECKING:
    from bpql.backends.base import Backend
    from bpql.observe.figures import Observed, PeriodFigures
    from bpql.observe.mapping import Mapping

LABEL = "Observation"
REL = "OBSERVED"


def observation_id(subject: str, period: str) -> str:
    return f"{subject}@{period}"


def _copy(graph: GraphData) -> GraphData:
    out = GraphData()
    for label, rows in graph.nodes.items():
        out.nodes[label] = [dict(r) for r in rows]
    for type_, pairs in graph.rels.items():
        out.rels[type_] = list(pairs)
    return out


def _node(**props: Any) -> dict[str, Any]:
    names = NODES[LABEL].prop_names
    unknown = set(props) - set(names)
    assert not unknown, unknown
    return {p: props.get(p) for p in names}


def _next_text(pairs: Iterable[tuple[str, int]]) -> str | None:
    text = "; ".join(f"{label}: {n}" for label, n in pairs)
    return text or None


def _period_nodes(mapping: Mapping, observed: Observed, p: PeriodFigures) -> list[dict[str, Any]]:
    bid = mapping.blueprint
    common = {
        "period": p.period,
        "period_start": p.start,
        "period_end": p.end,
        "blueprint": bid,
    }
    out = [
        _node(
            id=observation_id(bid, p.period),
            name=f"{mapping.blueprint_name}, {p.period}",
            subject=bid,
            subject_kind="blueprint",
            cases=p.cases,
            completed=p.completed,
            fallen_out=p.fallen_out,
            open_cases=p.open,
            conformance=p.conformance,
            fitness=p.fitness,
            ftr=p.ftr,
            fallout=p.fallout,
            adhoc=_next_text(
                sorted(
                    ((d.what or "", d.cases) for d in p.deviations if d.kind == "adhoc"),
                    key=lambda kv: (-kv[1], kv[0]),
                )
            ),
            **common,
        )
    ]
    for s in p.steps:
        out.append(
            _node(
                id=observation_id(s.id, p.period),
                name=f"{s.name}, {p.period}",
                subject=s.id,
                subject_kind="step",
                observed=s.observed,
                wait_p50=s.wait_p50,
                wait_p90=s.wait_p90,
                wait_p95=s.wait_p95,
                time_p50=s.time_p50,
                time_p90=s.time_p90,
                time_p95=s.time_p95,
                wait_breaches=s.wait_breaches,
                time_breaches=s.time_breaches,
                breach=s.breach,
                deviation=s.deviation,
                missing=s.missing,
                irregular=s.irregular,
                failed=s.failed,
                stopped=s.stopped,
                dropoff=s.dropoff,
                next=_next_text(s.next),
                adhoc=_next_text(s.adhoc),
                **common,
            )
        )
    for f in p.failpoints:
        out.append(
            _node(
                id=observation_id(f.id, p.period),
                name=f"{f.name}, {p.period}",
                subject=f.id,
                subject_kind="failpoint",
                cases=f.cases,
                failures=f.failures,
                failure_rate=f.rate,
                occurrence_observed=f.occurrence_observed,
                ap_observed=f.ap_observed,
                ap_observed_order=f.ap_observed_order,
                **common,
            )
        )
    for m in observed.metrics:
        if p.period in m.periods:
            inside = m.periods[p.period]
            out.append(
                _node(
                    id=observation_id(m.id, p.period),
                    name=f"{m.name}, {p.period}",
                    subject=m.id,
                    subject_kind="metric",
                    value=inside,
                    **common,
                )
            )
    return out


#: the property of an Observation each observed property of a thing is copied from
_FROM = {"observed_period": "period"}


def observed_graph(stored: GraphData, observed: Observed, mapping: Mapping) -> GraphData:
    """The store's graph with this observation written in: the periods it covers replaced,
    the latest period's figures copied onto the blueprint and its things."""
    bid = mapping.blueprint
    if bid not in {n["id"] for n in stored.nodes["Blueprint"]}:
        raise BackendError(
            f"the store holds no blueprint '{bid}': load the enterprise first "
            f"(bpql load {mapping.enterprise.files[0] if mapping.enterprise.files else '...'})",
            code="BPQL-S400",
        )
    held = {n["id"] for n in stored.nodes["Step"]}
    absent = sorted(s.id for s in mapping.steps.values() if s.id not in held)
    if absent:
        raise BackendError(
            f"the store's blueprint '{bid}' lacks steps the enterprise's files have "
            f"({', '.join(absent[:5])}): load the enterprise again first",
            code="BPQL-S401",
        )
    graph = _copy(stored)
    periods = {p.period for p in observed.periods}
    gone = {n["id"] for n in graph.nodes[LABEL] if n["blueprint"] == bid and n["period"] in periods}
    graph.nodes[LABEL] = [n for n in graph.nodes[LABEL] if n["id"] not in gone]
    graph.rels[REL] = [(s, d) for s, d in graph.rels[REL] if d not in gone]
    for p in observed.periods:
        for node in _period_nodes(mapping, observed, p):
            graph.nodes[LABEL].append(node)
            graph.rels[REL].append((bid, node["id"]))
    _latest(graph, bid, mapping.prefix)
    if observed.metrics:
        metrics = {m.id: m for m in observed.metrics}
        for row in graph.nodes["Metric"]:
            m = metrics.get(row["id"])
            if m is not None and m.readings:
                row.update(observed_value=m.latest, observed_date=m.last, trend=m.trend)
    return graph


def _latest(graph: GraphData, bid: str, prefix: str) -> None:
    """Copy the latest period's figures of blueprint `bid` onto it and its things (the steps
    and fail points whose ids start with its member `prefix`: `claims.x` of `claims:as-is`,
    `claims:to-be.x` of `claims:to-be`)."""
    mine = [n for n in graph.nodes[LABEL] if n["blueprint"] == bid]
    tops = [n for n in mine if n["subject_kind"] == "blueprint"]
    if not tops:
        return
    latest = max(tops, key=lambda n: (n["period_start"] or "", n["period"] or ""))["period"]
    by_subject = {n["subject"]: n for n in mine if n["period"] == latest}
    for label, props in OBSERVED_PROPS.items():
        if label == "Metric":
            continue
        for row in graph.nodes[label]:
            node = by_subject.get(row["id"])
            if node is None:
                if label == "Blueprint" and row["id"] != bid:
                    continue
                if label != "Blueprint" and not row["id"].startswith(prefix + "."):
                    continue
            for prop in props:
                row[prop] = None if node is None else node[_FROM.get(prop, prop)]


def write_observed(backend: Backend, observed: Observed, mapping: Mapping) -> GraphData:
    """Write the observation into the store, all or nothing; the graph it holds after."""
    from bpql.backends.reads import stored_graph

    stored = stored_graph(backend)
    graph = observed_graph(stored, observed, mapping)
    backend.replace_graph(graph, None, stored)
    return graph


def carry(stored: GraphData, graph: GraphData) -> GraphData:
    """What the store observed, kept in `graph` (the files' graph a load is about to write)
    for the things `graph` still holds: their observed figures, their Observation nodes.
    The rows of `graph` come from files and hold no observed figure, so only the stored rows
    that hold one are looked up (a store nothing was observed in costs a pass, no index)."""
    for label, props in OBSERVED_PROPS.items():
        stored_rows = stored.nodes.get(label, [])
        if _none_observed(stored_rows, props):
            continue
        before = {r["id"]: r for r in stored_rows if any(r.get(p) is not None for p in props)}
        if not before:
            continue
        rows = graph.nodes[label]
        for i, row in enumerate(rows):
            old = before.get(row["id"])
            if old is not None:
                # a new row: a reload's rows may be the saved graph's own
                rows[i] = {**row, **{p: old[p] for p in props if p in old}}
    observed = stored.nodes.get(LABEL, [])
    if not observed:
        graph.nodes[LABEL], graph.rels[REL] = [], []
        return graph
    ids = {r["id"] for rows in graph.nodes.values() for r in rows}
    kept = [dict(n) for n in observed if n["blueprint"] in ids and n["subject"] in ids]
    graph.nodes[LABEL] = kept
    keep = {n["id"] for n in kept}
    graph.rels[REL] = [(s, d) for s, d in stored.rels.get(REL, []) if d in keep and s in ids]
    return graph


def _none_observed(rows: list[dict[str, Any]], props: tuple[str, ...]) -> bool:
    """Whether no row holds one of `props`, told at C speed when every row has them all (the
    per-row test was 0.5 s of a 10,000-service reload in which nothing was observed)."""
    import operator

    if not rows:
        return True
    try:
        values = set(map(operator.itemgetter(*props), rows))
    except KeyError:  # rows read back from a store hold only what it had
        return False
    return values <= {None if len(props) == 1 else (None,) * len(props)}


def stored_observations(backend: Backend) -> GraphData:
    """Only what a load must carry: Observation nodes, OBSERVED pairs, and the observed
    properties of the things that have them (a load with no saved graph reads these)."""
    from bpql.backends import reads

    graph = GraphData()
    graph.nodes[LABEL] = reads.nodes(backend, LABEL)
    graph.rels[REL] = reads.pairs(backend, REL)
    for label, props in OBSERVED_PROPS.items():
        rows = reads.nodes(backend, label, ("id", *props))
        graph.nodes[label] = [r for r in rows if any(r[p] is not None for p in props)]
    return graph
