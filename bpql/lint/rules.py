"""The rule catalogue: the service blueprinting method's consistency checks.

Each rule is a small function registered with its id, default severity, summary, and the text
of its docs page (why it matters, a wrong and a right example); `docs/lint/<rule>.md` is made
from these by `python -m bpql.lint.docs` and a test keeps the two in step.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from bpql.analysis.criticality import system_figures
from bpql.analysis.fmea import default_table
from bpql.ids import system_member_id
from bpql.lint.registry import Blueprint, Enterprise, Hit, rule
from bpql.model.format import FailPoint
from bpql.model.yamlpos import PathKey, SourceDoc
from bpql.words import counted

STAFF_LANES = ("frontstage", "backstage")
INVISIBLE_LANES = ("backstage", "support")


def _step_hit(bp: Blueprint, i: int, message: str) -> Hit:
    return Hit(bp.doc, ("steps", i), message, bp.gid(bp.model.steps[i].id))


# --- lanes: who acts where, and the line of visibility ------------------------------------


@rule(
    "lanes/customer-step-performed-by-staff",
    "warn",
    "a customer step names a role that performs it",
    why="""
The customer lane holds what the customer does. A role in `performed_by` means staff act in
it: that work belongs in the frontstage (seen by the customer) or backstage lane, as its own
step supporting the customer's.
""",
    wrong="""
- {id: fill-form, name: Fill in claim form, lane: customer, phase: report,
   touchpoint: website, performed_by: claims-handler}
""",
    right="""
- {id: fill-form, name: Fill in claim form, lane: customer, phase: report, touchpoint: website}
- {id: check-form, name: Check claim form, lane: backstage, phase: report,
   performed_by: claims-handler, supports: [fill-form]}
""",
)
def customer_performed_by(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("customer"):
            if s.performed_by:
                roles = ", ".join(s.performed_by)
                yield _step_hit(bp, i, f"customer step '{s.id}' is performed by staff ({roles})")


@rule(
    "lanes/customer-step-uses-system",
    "warn",
    "a customer step lists internal systems in `uses`",
    why="""
`uses` names the enterprise's systems behind a step. Customers meet a touchpoint (the app, the
website), not the claims engine behind it; a system on a customer step hides the backstage or
support step that really runs it, and `impact of system` then counts the wrong lane.
""",
    wrong="""
- {id: submit, name: Submit claim, lane: customer, phase: report, touchpoint: website,
   uses: [claims-engine]}
""",
    right="""
- {id: submit, name: Submit claim, lane: customer, phase: report, touchpoint: website}
- {id: store-claim, name: Store claim, lane: support, phase: report, uses: [claims-engine],
   supports: [register]}
""",
)
def customer_uses(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("customer"):
            if s.uses:
                yield _step_hit(bp, i, f"customer step '{s.id}' uses systems ({', '.join(s.uses)})")


@rule(
    "lanes/customer-step-with-script",
    "warn",
    "a customer step carries a staff script",
    why="""
A script is what frontstage staff say. On a customer step it has no speaker; it belongs on the
frontstage step where staff meet the customer.
""",
    wrong="""
- {id: call, name: Call the claims line, lane: customer, phase: report, touchpoint: phone,
   script: "Is everyone safe?"}
""",
    right="""
- {id: call, name: Call the claims line, lane: customer, phase: report, touchpoint: phone}
- {id: answer, name: Answer the call, lane: frontstage, phase: report, touchpoint: phone,
   performed_by: agent, supports: [call], script: "Is everyone safe?"}
""",
)
def customer_script(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("customer"):
            if s.script:
                yield _step_hit(bp, i, f"customer step '{s.id}' has a staff script")


@rule(
    "lanes/customer-step-without-touchpoint",
    "warn",
    "a customer step names no touchpoint",
    why="""
Every customer action happens somewhere: on the website, on the phone, at the counter. Without
a touchpoint the step drops out of channel questions (`find steps at touchpoint ...`) and the
blueprint cannot show where the experience happens.
""",
    wrong="""
- {id: wait, name: Wait for decision, lane: customer, phase: settle}
""",
    right="""
- {id: wait, name: Wait for decision, lane: customer, phase: settle, touchpoint: email}
""",
)
def customer_no_touchpoint(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("customer"):
            if s.touchpoint is None:
                yield _step_hit(bp, i, f"customer step '{s.id}' has no touchpoint")


@rule(
    "lanes/frontstage-without-touchpoint",
    "warn",
    "a frontstage step names no touchpoint",
    why="""
Frontstage means visible to the customer, and the customer sees staff through a touchpoint (a
call, a visit, a chat). A frontstage step with none is either backstage work in the wrong lane
or a missing touchpoint.
""",
    wrong="""
- {id: book, name: Book adjuster visit, lane: frontstage, phase: assess,
   performed_by: claims-handler}
""",
    right="""
- {id: book, name: Book adjuster visit, lane: frontstage, phase: assess,
   touchpoint: contact-centre, performed_by: claims-handler}
""",
)
def frontstage_no_touchpoint(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("frontstage"):
            if s.touchpoint is None:
                yield _step_hit(bp, i, f"frontstage step '{s.id}' has no touchpoint")


@rule(
    "lanes/backstage-with-touchpoint",
    "warn",
    "a backstage or support step names a touchpoint (it crosses the line of visibility)",
    why="""
The line of visibility separates what the customer sees from what they do not. A touchpoint on
a backstage or support step puts customer contact below that line: the step is frontstage, or
the touchpoint belongs to the customer step it supports.
""",
    wrong="""
- {id: register, name: Register claim, lane: backstage, phase: report, touchpoint: website,
   performed_by: claims-handler}
""",
    right="""
- {id: register, name: Register claim, lane: backstage, phase: report,
   performed_by: claims-handler}
""",
)
def backstage_touchpoint(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps(*INVISIBLE_LANES):
            if s.touchpoint is not None:
                yield _step_hit(
                    bp,
                    i,
                    f"{s.lane} step '{s.id}' has touchpoint '{s.touchpoint}' below the line "
                    "of visibility",
                )


@rule(
    "lanes/backstage-shows-evidence",
    "warn",
    "a backstage or support step shows evidence to the customer",
    why="""
Evidence is what the customer sees or keeps: a letter, a text message, a receipt. Shown by a
step the customer cannot see, it crosses the line of visibility; attach it to the customer
step that receives it.
""",
    wrong="""
- {id: send-ref, name: Send claim reference, lane: support, phase: report,
   uses: [email-service], shows: [claim-ref-sms], supports: [register]}
""",
    right="""
- {id: get-ref, name: Receive claim reference, lane: customer, phase: report, touchpoint: sms,
   shows: [claim-ref-sms]}
""",
)
def backstage_evidence(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps(*INVISIBLE_LANES):
            if s.shows:
                yield _step_hit(
                    bp, i, f"{s.lane} step '{s.id}' shows evidence ({', '.join(s.shows)})"
                )


@rule(
    "lanes/staff-step-without-performer",
    "warn",
    "a frontstage or backstage step names no role in `performed_by`",
    why="""
Frontstage and backstage steps are staff work. Without a role nobody answers for the step, and
`find steps performed by role ...` and department questions miss it. (Support steps may be run
by systems alone, so they are not checked.)
""",
    wrong="""
- {id: decide, name: Decide claim, lane: backstage, phase: settle, uses: [claims-engine]}
""",
    right="""
- {id: decide, name: Decide claim, lane: backstage, phase: settle, uses: [claims-engine],
   performed_by: claims-handler}
""",
)
def staff_no_performer(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps(*STAFF_LANES):
            if not s.performed_by:
                yield _step_hit(bp, i, f"{s.lane} step '{s.id}' names no role that performs it")


@rule(
    "lanes/support-supports-customer",
    "warn",
    "a support step supports a customer step directly",
    why="""
Support processes reach the customer through staff: support enables backstage, backstage enables
frontstage, frontstage serves the customer. A support step feeding a customer step directly
skips the line of internal interaction, and usually hides the step in between.
""",
    wrong="""
- {id: send-sms, name: Send text, lane: support, phase: report, uses: [sms-gateway],
   supports: [get-ref]}
""",
    right="""
- {id: send-sms, name: Send text, lane: support, phase: report, uses: [sms-gateway],
   supports: [register]}
""",
)
def support_to_customer(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("support"):
            direct = [t for t in s.supports if bp.step(t).lane == "customer"]
            if direct:
                yield _step_hit(
                    bp,
                    i,
                    f"support step '{s.id}' supports customer step '{direct[0]}' directly",
                )


# --- support: what holds up what ---------------------------------------------------------


@rule(
    "support/customer-step-unsupported",
    "warn",
    "no step supports a customer step",
    why="""
A blueprint exists to show what makes each customer action possible. A customer step nothing
supports is either fully self-service (say so with `lint: {ignore: [...]}`) or missing the
frontstage and backstage work behind it, and impact questions will not reach it.
""",
    wrong="""
- {id: pay, name: Pay the excess, lane: customer, phase: settle, touchpoint: website}
""",
    right="""
- {id: pay, name: Pay the excess, lane: customer, phase: settle, touchpoint: website}
- {id: take-payment, name: Take payment, lane: support, phase: settle,
   uses: [payments-gateway], supports: [pay]}
""",
)
def customer_unsupported(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("customer"):
            if s.id not in bp.supported_by:
                yield _step_hit(bp, i, f"customer step '{s.id}' is supported by no step")


@rule(
    "support/support-step-supports-nothing",
    "warn",
    "a support step supports no step",
    why="""
A support step is there to enable work in a higher lane. Supporting nothing, it floats: no
impact question passes through it to a customer step.
""",
    wrong="""
- {id: archive, name: Archive claim, lane: support, phase: close, uses: [document-store]}
""",
    right="""
- {id: archive, name: Archive claim, lane: support, phase: close, uses: [document-store],
   supports: [close-claim]}
""",
)
def support_supports_nothing(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("support"):
            if not s.supports:
                yield _step_hit(bp, i, f"support step '{s.id}' supports no step")


@rule(
    "support/backstage-step-supports-nothing",
    "warn",
    "a backstage step supports no step",
    why="""
Backstage work is done for the customer's sake, through frontstage or directly for a customer
step. A backstage step that supports nothing cannot be traced to any customer moment, so
nobody can tell what breaks when it fails.
""",
    wrong="""
- {id: file-claim, name: File claim papers, lane: backstage, phase: close,
   performed_by: claims-handler}
""",
    right="""
- {id: file-claim, name: File claim papers, lane: backstage, phase: close,
   performed_by: claims-handler, supports: [receive-closure]}
""",
)
def backstage_supports_nothing(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("backstage"):
            if not s.supports:
                yield _step_hit(bp, i, f"backstage step '{s.id}' supports no step")


# --- shared things ------------------------------------------------------------------------


@rule(
    "shared/role-without-department",
    "warn",
    "a role belongs to no department",
    why="""
Departments answer "who owns this part of the journey?" and count handoffs. A role without one
drops out of every department question.
""",
    wrong="""
roles:
  - {id: adjuster, name: Loss adjuster}
""",
    right="""
roles:
  - {id: adjuster, name: Loss adjuster, department: claims}
""",
)
def role_without_department(ent: Enterprise) -> Iterator[Hit]:
    for i, r in enumerate(ent.model.roles):
        if r.department is None:
            yield Hit(ent.doc, ("roles", i), f"role '{r.id}' belongs to no department", r.id)


@rule(
    "shared/system-without-owner",
    "warn",
    "a system names no owning department",
    why="""
When a system fails, someone must be called. A system without an owner has nobody to call, and
`find systems where owner ...` cannot list it.
""",
    wrong="""
systems:
  - {id: crm, name: Customer CRM}
""",
    right="""
systems:
  - {id: crm, name: Customer CRM, owner: it}
""",
)
def system_without_owner(ent: Enterprise) -> Iterator[Hit]:
    for i, s in enumerate(ent.model.systems):
        if s.owner is None:
            yield Hit(ent.doc, ("systems", i), f"system '{s.id}' has no owner", s.id)


def _used_systems(ent: Enterprise) -> set[str]:
    used = {d for s in ent.model.systems for d in s.depends_on}
    for bp in ent.blueprints:
        for s in bp.model.steps:
            used.update(s.uses)
    return used


@rule(
    "shared/unused-system",
    "warn",
    "a system is declared and no step uses it, nor any system depends on it",
    why="""
Declared things nobody uses make the enterprise file lie: they show up in lists and counts but
in no blueprint. Either a step forgot its `uses`, or the system can go.
""",
    wrong="""
systems:
  - {id: fax-server, name: Fax server, owner: it}   # no step uses it
""",
    right="""
# remove it, or name it in the steps that use it:
- {id: send-fax, name: Fax the form, lane: support, phase: report, uses: [fax-server],
   supports: [register]}
""",
)
def unused_system(ent: Enterprise) -> Iterator[Hit]:
    used = _used_systems(ent)
    for i, s in enumerate(ent.model.systems):
        if s.id not in used:
            yield Hit(ent.doc, ("systems", i), f"system '{s.id}' is never used", s.id)


@rule(
    "shared/unused-touchpoint",
    "warn",
    "a touchpoint is declared and no step happens at it",
    why="""
A touchpoint no step happens at is a channel the blueprints do not describe. Either a step is
missing its `touchpoint`, or the channel is not part of any service and can go.
""",
    wrong="""
touchpoints:
  - {id: fax, name: Fax, channel: letter}   # no step is at it
""",
    right="""
# remove it, or put the steps that happen there at it:
- {id: send-form, name: Send form by fax, lane: customer, phase: report, touchpoint: fax}
""",
)
def unused_touchpoint(ent: Enterprise) -> Iterator[Hit]:
    used = {s.touchpoint for bp in ent.blueprints for s in bp.model.steps}
    for i, t in enumerate(ent.model.touchpoints):
        if t.id not in used:
            yield Hit(ent.doc, ("touchpoints", i), f"touchpoint '{t.id}' is never used", t.id)


@rule(
    "shared/unused-persona",
    "warn",
    "a persona is declared and no blueprint is for it",
    why="""
Personas say whose journey a blueprint draws. One that no blueprint names is research that no
service design uses: name it in `personas:` of the blueprints it fits, or remove it.
""",
    wrong="""
personas:
  - {id: broker, name: Insurance broker}   # no blueprint lists it
""",
    right="""
service: {id: quote, name: Get a quote}
personas: [broker]
""",
)
def unused_persona(ent: Enterprise) -> Iterator[Hit]:
    used = {p for bp in ent.blueprints for p in bp.model.personas}
    for i, p in enumerate(ent.model.personas):
        if p.id not in used:
            yield Hit(ent.doc, ("personas", i), f"persona '{p.id}' is never used", p.id)


@rule(
    "shared/unused-role",
    "warn",
    "a role is declared and performs no step nor owns a blueprint",
    why="""
A role that performs nothing cannot be found by `find steps performed by role`; either steps
forgot their `performed_by`, or the role is not part of any service.
""",
    wrong="""
roles:
  - {id: archivist, name: Archivist, department: it}   # performs no step
""",
    right="""
- {id: archive, name: Archive the file, lane: backstage, phase: close, performed_by: archivist,
   supports: [close]}
""",
)
def unused_role(ent: Enterprise) -> Iterator[Hit]:
    used = {r for bp in ent.blueprints for s in bp.model.steps for r in s.performed_by}
    used |= {bp.model.owner for bp in ent.blueprints if bp.model.owner}
    for i, r in enumerate(ent.model.roles):
        if r.id not in used:
            yield Hit(ent.doc, ("roles", i), f"role '{r.id}' is never used", r.id)


@rule(
    "shared/unused-department",
    "warn",
    "a department has no role, owns no system and no blueprint",
    why="""
A department nothing points at is invisible in every question the language can ask. Give it
its roles or systems, or remove it.
""",
    wrong="""
departments:
  - {id: legal, name: Legal}   # no role, no system, no blueprint
""",
    right="""
roles:
  - {id: counsel, name: In-house counsel, department: legal}
""",
)
def unused_department(ent: Enterprise) -> Iterator[Hit]:
    used = {r.department for r in ent.model.roles} | {s.owner for s in ent.model.systems}
    used |= {bp.model.owner for bp in ent.blueprints}
    for i, d in enumerate(ent.model.departments):
        if d.id not in used:
            yield Hit(ent.doc, ("departments", i), f"department '{d.id}' is never used", d.id)


def _fold(name: str) -> str:
    """A name as a person reads it: no case, no punctuation (`e-mail` is `email`)."""
    return re.sub(r"[^0-9a-z]+", "", name.lower())


@rule(
    "shared/near-duplicate-touchpoint-names",
    "warn",
    "two touchpoints have nearly the same name",
    why="""
"Welcome email" and "welcome e-mail" are one channel declared twice; steps then split between
them and channel questions count half of each. Merge them, or name them so people can tell
them apart.
""",
    wrong="""
touchpoints:
  - {id: welcome-email, name: Welcome email, channel: email}
  - {id: welcome-mail, name: welcome e-mail, channel: email}
""",
    right="""
touchpoints:
  - {id: welcome-email, name: Welcome email, channel: email}
""",
)
def near_duplicate_touchpoints(ent: Enterprise) -> Iterator[Hit]:
    seen: list[tuple[str, str]] = []
    for i, t in enumerate(ent.model.touchpoints):
        folded = _fold(t.name)
        for other_id, other in seen:
            if folded == other or difflib.SequenceMatcher(None, folded, other).ratio() >= 0.92:
                yield Hit(
                    ent.doc,
                    ("touchpoints", i),
                    f"touchpoint '{t.id}' ({t.name!r}) is nearly named as '{other_id}'",
                    t.id,
                )
                break
        seen.append((t.id, folded))


# --- flow and phases ---------------------------------------------------------------------


@rule(
    "flow/phase-order-backwards",
    "warn",
    "a step's phase comes before the phase of a step above it (time runs backwards)",
    why="""
Steps are listed in time order and phases are listed in time order, so the phases of the
steps should never go back. A step in an earlier phase than the step before it is either out
of place or in the wrong phase.
""",
    wrong="""
- {id: pay, name: Pay claim, lane: backstage, phase: settle, ...}
- {id: register, name: Register claim, lane: backstage, phase: report, ...}
""",
    right="""
- {id: register, name: Register claim, lane: backstage, phase: report, ...}
- {id: pay, name: Pay claim, lane: backstage, phase: settle, ...}
""",
)
def phase_backwards(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        latest: tuple[int, str] | None = None
        for i, s in bp.steps():
            order = bp.phase_index[s.phase]
            if latest is not None and order < latest[0]:
                yield _step_hit(
                    bp,
                    i,
                    f"step '{s.id}' is in phase '{s.phase}', before the phase of the earlier "
                    f"step '{latest[1]}'",
                )
            elif latest is None or order > latest[0]:
                latest = (order, s.id)


@rule(
    "flow/empty-phase",
    "warn",
    "a phase has no step",
    why="""
A phase with no step draws an empty column and says the journey has a stage the blueprint does
not describe. Fill it or remove it.
""",
    wrong="""
phases:
  - {id: report, name: Report}
  - {id: appeal, name: Appeal}   # no step is in it
""",
    right="""
phases:
  - {id: report, name: Report}
""",
)
def empty_phase(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        used = {s.phase for s in bp.model.steps}
        for i, p in enumerate(bp.model.phases):
            if p.id not in used:
                yield Hit(bp.doc, ("phases", i), f"phase '{p.id}' has no step", bp.gid(p.id))


@rule(
    "flow/unused-evidence",
    "warn",
    "evidence is declared and no step shows it",
    why="""
Evidence is the physical trace of the service. Declared but shown by no step, it is in no
blueprint view and no question finds it.
""",
    wrong="""
evidence:
  - {id: receipt, name: Payment receipt}   # no step shows it
""",
    right="""
- {id: get-paid, name: Receive payment, lane: customer, phase: settle, touchpoint: email,
   shows: [receipt]}
""",
)
def unused_evidence(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        shown = {e for s in bp.model.steps for e in s.shows}
        for i, e in enumerate(bp.model.evidence):
            if e.id not in shown:
                yield Hit(
                    bp.doc, ("evidence", i), f"evidence '{e.id}' is shown by no step", bp.gid(e.id)
                )


@rule(
    "flow/duplicate-step-name",
    "warn",
    "two steps of one blueprint have the same name",
    why="""
Step names are what people read on the blueprint and in answers. Two steps named alike read
as one; name each for what happens in it.
""",
    wrong="""
- {id: check-1, name: Check documents, ...}
- {id: check-2, name: Check documents, ...}
""",
    right="""
- {id: check-1, name: Check identity documents, ...}
- {id: check-2, name: Check repair invoice, ...}
""",
)
def duplicate_step_name(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        seen: dict[str, str] = {}
        for i, s in bp.steps():
            folded = _fold(s.name)
            if folded in seen:
                yield _step_hit(bp, i, f"step '{s.id}' has the same name as step '{seen[folded]}'")
            else:
                seen[folded] = s.id


# --- standards and metrics ---------------------------------------------------------------


@rule(
    "standards/moment-of-truth-without-standard",
    "warn",
    "a moment of truth sets neither `target_time` nor `max_wait`",
    why="""
A moment of truth is where the customer decides what they think of the service. Without a
standard (how long it should take, how long they may wait) nobody can tell whether it goes
well, and `find steps where max_wait > ...` cannot watch it.
""",
    wrong="""
- {id: decision, name: Receive decision, lane: customer, phase: settle, touchpoint: email,
   moment_of_truth: true}
""",
    right="""
- {id: decision, name: Receive decision, lane: customer, phase: settle, touchpoint: email,
   moment_of_truth: true, max_wait: 5d}
""",
)
def moment_without_standard(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps():
            if s.moment_of_truth and s.target_time is None and s.max_wait is None:
                yield _step_hit(
                    bp, i, f"moment of truth '{s.id}' has no target_time and no max_wait"
                )


def _minutes(value: float) -> str:
    for unit, size in (("d", 1440), ("h", 60)):
        if value >= size and value % size == 0:
            return f"{value / size:g}{unit}"
    return f"{value:g}m"


@rule(
    "standards/max-wait-below-target-time",
    "error",
    "a step's `max_wait` is shorter than its `target_time`",
    why="""
`target_time` is how long the step should take; `max_wait` is the longest the customer may
wait for it. A maximum shorter than the target breaks the standard every time the step goes as
planned: one of the two numbers is wrong.
""",
    wrong="""
- {id: call, name: Call the claims line, ..., target_time: 15m, max_wait: 10m}
""",
    right="""
- {id: call, name: Call the claims line, ..., target_time: 15m, max_wait: 30m}
""",
)
def max_wait_below_target(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps():
            if s.max_wait is not None and s.target_time is not None and s.max_wait < s.target_time:
                yield _step_hit(
                    bp,
                    i,
                    f"step '{s.id}' has max_wait {_minutes(s.max_wait)} shorter than its "
                    f"target_time {_minutes(s.target_time)}",
                )


@rule(
    "metrics/metric-without-target",
    "warn",
    "a metric has no target",
    why="""
A metric without a target can be measured but never met or missed; say what good looks like.
""",
    wrong="""
metrics:
  - {id: cycle-time, name: Claim cycle time, unit: days, measures: [register, close]}
""",
    right="""
metrics:
  - {id: cycle-time, name: Claim cycle time, target: 14, unit: days, measures: [register, close]}
""",
)
def metric_without_target(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, m in enumerate(bp.model.metrics):
            if m.target is None:
                yield Hit(bp.doc, ("metrics", i), f"metric '{m.id}' has no target", bp.gid(m.id))


@rule(
    "metrics/metric-without-measured-step",
    "warn",
    "a metric measures no step",
    why="""
A metric is read at steps; with no `measures` it is attached to nothing in the blueprint and
no question about a step reaches it.
""",
    wrong="""
metrics:
  - {id: nps, name: Claims NPS, target: 45}
""",
    right="""
metrics:
  - {id: nps, name: Claims NPS, target: 45, measures: [receive-payment]}
""",
)
def metric_without_step(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, m in enumerate(bp.model.metrics):
            if not m.measures:
                yield Hit(bp.doc, ("metrics", i), f"metric '{m.id}' measures no step", bp.gid(m.id))


def _fail_points(ent: Enterprise) -> Iterator[tuple[SourceDoc, PathKey, str, FailPoint]]:
    """Every fail point with its file, path and stored id: those of steps, then of systems."""
    for bp in ent.blueprints:
        for i, s in bp.steps():
            for j, fp in enumerate(s.fail_points):
                yield bp.doc, ("steps", i, "fail_points", j), bp.gid(fp.id), fp
    for i, sys in enumerate(ent.model.systems):
        for j, fp in enumerate(sys.fail_points):
            yield (
                ent.doc,
                ("systems", i, "fail_points", j),
                system_member_id(sys.id, fp.id),
                fp,
            )


@rule(
    "risk/high-priority-without-action",
    "warn",
    "a fail point of high action priority has no recommended `action`",
    why="""
The AIAG-VDA action priority (docs/fmea.md) is high when the severity, the occurrence and the
detection together call for action: the handbook asks for an action, or a written reason for
taking none. RPN alone would miss some of these (a 9 x 4 x 2 is high at RPN 72).
""",
    wrong="""
fail_points:
  - {id: wrong-account, name: Paid to the wrong account, severity: 9, occurrence: 4,
     detection: 5}
""",
    right="""
fail_points:
  - {id: wrong-account, name: Paid to the wrong account, severity: 9, occurrence: 4,
     detection: 5, action: Confirm the account holder name before paying}
""",
)
def high_priority_without_action(ent: Enterprise) -> Iterator[Hit]:
    table = default_table()
    for doc, path, fid, fp in _fail_points(ent):
        if not fp.action and table.ap(fp.severity, fp.occurrence, fp.detection) == "high":
            yield Hit(
                doc,
                path,
                f"fail point '{fp.id}' has high action priority "
                f"(S{fp.severity} O{fp.occurrence} D{fp.detection}) and no action",
                fid,
            )


@rule(
    "risk/severity-below-effect",
    "warn",
    "a fail point hurts a moment of truth but is rated below severity 7",
    why="""
A moment of truth is where the customer decides what they think of the service; a failure
there is at least a broken promise (severity 7 in the packaged scales). A low rating there is
usually a rating made before the effect was written down.
""",
    wrong="""
  - id: pay
    fail_points:
      - {id: late, name: Paid late, severity: 4, occurrence: 5, detection: 5,
         effect: receive-payment}   # a moment of truth
""",
    right="""
  - id: pay
    fail_points:
      - {id: late, name: Paid late, severity: 7, occurrence: 5, detection: 5,
         effect: receive-payment}
""",
)
def severity_below_effect(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps():
            for j, fp in enumerate(s.fail_points):
                if fp.effect in bp.step_index and fp.severity < 7:
                    hurt = bp.step(fp.effect)
                    if hurt.moment_of_truth:
                        yield Hit(
                            bp.doc,
                            ("steps", i, "fail_points", j, "severity"),
                            f"fail point '{fp.id}' hurts the moment of truth '{hurt.id}' but has "
                            f"severity {fp.severity}",
                            bp.gid(fp.id),
                        )


@rule(
    "risk/unrated-single-point-of-failure",
    "warn",
    "a system is a single point of failure for a customer step and no fail point rates it",
    why="""
When every supporting route of a customer step runs through one system (docs/fmea.md), that
system's failure stops the step. Such a system deserves a rated fail point of its own (on the
system, or a step's fail point naming it as `cause`), so that its risk shows in the register.
Off in `bpql:recommended`: most blueprints rate failures on steps, and would see every core
system flagged; switch it on when the enterprise rates its systems.
""",
    wrong="""
systems:
  - {id: engine, name: Claims engine, owner: claims}
""",
    right="""
systems:
  - id: engine
    name: Claims engine
    owner: claims
    fail_points:
      - {id: outage, name: Engine down in office hours, severity: 8, occurrence: 2, detection: 2}
""",
    recommended=False,
    graph=True,
)
def unrated_single_point(ent: Enterprise) -> Iterator[Hit]:
    if ent.graph is None:
        return
    systems = ent.graph.nodes["System"]
    if systems and all(type(s.get("single_point_for")) is int for s in systems):
        # worked out at validation already (a load's graph; lint's, summed file by file)
        spof_of = {s["id"]: s["single_point_for"] for s in systems}
    else:
        figures = system_figures(ent.graph)
        spof_of = {sid: f.get("single_point_for", 0) for sid, f in figures.items()}
    rated = {sys for sys, _ in ent.graph.rels["CAN_FAIL"]}
    rated |= {f["cause"] for f in ent.graph.nodes["FailPoint"] if f.get("cause")}
    for i, sys in enumerate(ent.model.systems):
        spof = spof_of.get(sys.id, 0)
        if spof and sys.id not in rated:
            yield Hit(
                ent.doc,
                ("systems", i),
                f"system '{sys.id}' is a single point of failure for "
                f"{counted(spof, 'customer step')} and no fail point rates it",
                sys.id,
            )


@rule(
    "risk/action-overdue",
    "warn",
    "a fail point's action is past its due date and not done",
    why="""
An action with a due date is a promise; past it, the risk is still there and the register
says otherwise. Mark it done (and re-rate it), or move the date.
""",
    wrong="""
      - {id: wrong-payee, ..., action: Confirm the payee name, due: 2026-01-31, status: open}
""",
    right="""
      - {id: wrong-payee, ..., action: Confirm the payee name, due: 2026-01-31, status: done,
         after: {severity: 9, occurrence: 1, detection: 3}}
""",
)
def action_overdue(ent: Enterprise) -> Iterator[Hit]:
    for doc, path, fid, fp in _fail_points(ent):
        if fp.due is not None and fp.due < ent.today and fp.status not in ("done", "verified"):
            yield Hit(
                doc,
                (*path, "due"),
                f"fail point '{fp.id}': its action was due on {fp.due.isoformat()} and is "
                f"{fp.status or 'open'}",
                fid,
            )


@rule(
    "risk/done-not-rerated",
    "warn",
    "a fail point's action is done but its ratings after the action are missing",
    why="""
An action changes the occurrence or the detection (rarely the severity). Until the fail point is
rated again (`after:`), its priority is the one from before the action, and the register
overstates the risk, or hides that the action did not help.
""",
    wrong="""
      - {id: wrong-payee, ..., action: Confirm the payee name, status: done}
""",
    right="""
      - {id: wrong-payee, ..., action: Confirm the payee name, status: done,
         after: {severity: 9, occurrence: 1, detection: 3}}
""",
)
def done_not_rerated(ent: Enterprise) -> Iterator[Hit]:
    for doc, path, fid, fp in _fail_points(ent):
        if fp.status in ("done", "verified") and fp.after is None:
            yield Hit(
                doc,
                (*path, "status"),
                f"fail point '{fp.id}' is {fp.status} but has no ratings after the action",
                fid,
            )


# --- blueprints and services ---------------------------------------------------------------


@rule(
    "scenario/to-be-without-as-is",
    "warn",
    "a to-be blueprint's service has no as-is blueprint",
    why="""
A redesign is judged against how the service runs today. Without the as-is blueprint nobody can
compare the two (steps removed, handoffs saved), and the queries that follow the as-is scenario
by default do not see the service at all.
""",
    wrong="""
# services/claims-to-be.yaml, and no services/claims.yaml
service: {id: claims, name: Motor claims}
scenario: to-be
""",
    right="""
# services/claims.yaml beside it
service: {id: claims, name: Motor claims}
scenario: as-is
""",
)
def to_be_without_as_is(ent: Enterprise) -> Iterator[Hit]:
    as_is = {bp.model.service.id for bp in ent.blueprints if bp.model.scenario == "as-is"}
    for bp in ent.blueprints:
        if bp.model.scenario == "to-be" and bp.model.service.id not in as_is:
            yield Hit(
                bp.doc,
                ("service",),
                f"to-be blueprint '{bp.id}' has no as-is blueprint of service "
                f"'{bp.model.service.id}'",
                bp.id,
            )


def _departments_behind(ent: Enterprise, bp: Blueprint, step_id: str) -> set[str]:
    """Departments of everyone performing a step that supports `step_id`, at any depth."""
    depts: set[str] = set()
    seen: set[str] = set()
    todo = list(bp.supported_by.get(step_id, []))
    while todo:
        sid = todo.pop()
        if sid in seen:
            continue
        seen.add(sid)
        for role in bp.step(sid).performed_by:
            dept = ent.role_department.get(role)
            if dept:
                depts.add(dept)
        todo.extend(bp.supported_by.get(sid, []))
    return depts


@rule(
    "handoff/three-department-chain",
    "warn",
    "a customer step is supported by work across three or more departments",
    why="""
Each department boundary is a handoff, and handoffs are where requests wait and get lost. A
customer step held up by three or more departments is where a redesign usually starts; the
rule makes those chains visible.
""",
    wrong="""
# submit-claim <- take-call (customer-service) <- register (claims) <- screen (fraud)
""",
    right="""
# submit-claim <- register (claims) <- screen (claims)
""",
)
def handoff_chain(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        for i, s in bp.steps("customer"):
            depts = _departments_behind(ent, bp, s.id)
            if len(depts) >= 3:
                yield _step_hit(
                    bp,
                    i,
                    f"customer step '{s.id}' is supported across {len(depts)} departments "
                    f"({', '.join(sorted(depts))})",
                )


@rule(
    "service/no-frontstage-contact",
    "warn",
    "a blueprint has customer steps and no frontstage step",
    why="""
Without any frontstage step the customer never meets a person or a staffed channel. That can
be deliberate (a fully digital service: say so with `lint: {ignore: [...]}`), but more often
the contact is drawn in the customer lane or missing.
""",
    wrong="""
steps:
  - {id: order, lane: customer, ...}
  - {id: ship, lane: backstage, ..., supports: [order]}
""",
    right="""
steps:
  - {id: order, lane: customer, ...}
  - {id: confirm, lane: frontstage, touchpoint: phone, ..., supports: [order]}
  - {id: ship, lane: backstage, ..., supports: [confirm]}
""",
)
def no_frontstage(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        lanes = {s.lane for s in bp.model.steps}
        if "customer" in lanes and "frontstage" not in lanes:
            yield Hit(bp.doc, ("service",), f"blueprint '{bp.id}' has no frontstage step", bp.id)


# --- ownership and currency -----------------------------------------------------------------


@rule(
    "ownership/blueprint-not-reviewed",
    "warn",
    "a blueprint has not been reviewed within its `review_every` period",
    why="""
A blueprint is a description of how a service runs, and services drift. `review_every` says
how often the owner checks it; past that, people are reading an old map.
""",
    wrong="""
owner: claims
reviewed: 2024-01-10
review_every: 180d
""",
    right="""
owner: claims
reviewed: 2026-09-01
review_every: 180d
""",
)
def not_reviewed(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        every = bp.model.review_every
        if every is None:
            continue
        reviewed = bp.model.reviewed
        if reviewed is None:
            yield Hit(
                bp.doc,
                ("review_every",),
                f"blueprint '{bp.id}' has review_every but was never reviewed",
                bp.id,
            )
        elif reviewed + timedelta(minutes=every) < ent.today:
            yield Hit(
                bp.doc,
                ("reviewed",),
                f"blueprint '{bp.id}' was last reviewed on {reviewed.isoformat()}, more than "
                f"{_minutes(every)} ago",
                bp.id,
            )


@rule(
    "ownership/blueprint-without-owner",
    "warn",
    "a blueprint names no owner",
    why="""
Somebody must answer for a blueprint being right: a role or a department in `owner`. Off in
`bpql:recommended` (the field is new); on in `bpql:all`.
""",
    wrong="""
service: {id: claims, name: Motor claims}
scenario: as-is
""",
    right="""
service: {id: claims, name: Motor claims}
scenario: as-is
owner: claims
status: live
""",
    recommended=False,
)
def without_owner(ent: Enterprise) -> Iterator[Hit]:
    for bp in ent.blueprints:
        if bp.model.owner is None:
            yield Hit(bp.doc, ("service",), f"blueprint '{bp.id}' has no owner", bp.id)


# --- observed: the blueprint against what its log shows (bpql observe) ---------------------
#
# These rules read the logs the settings name under `observe` (docs/observe.md): with none,
# they say nothing. Each holds the latest period of a mapping's log against its blueprint.

#: the share of a log's cases from which an activity with no step is frequent
FREQUENT = 0.05
#: the fewest cases a fail point's observed rate is judged on, and how far apart the observed
#: and the written occurrence ratings must be to contradict each other
RATED_ON, CONTRADICTS = 30, 2


def _observed_blueprints(ent: Enterprise) -> Iterator[tuple[Blueprint, Any, Any]]:
    """(blueprint file, mapping, latest period's figures) for each observed log."""
    for mapping, found in ent.observed:
        periods = [p for p in found.periods if p.cases]
        if not periods:
            continue
        bp = next((b for b in ent.blueprints if b.id == mapping.blueprint), None)
        if bp is not None:
            yield bp, mapping, periods[-1]


@rule(
    "observed/step-never-observed",
    "warn",
    "a required step of an observed blueprint that no case of the log's latest period showed",
    why="""
A step no case goes through is either not logged (no activity of the log maps to it), or not
done: the blueprint describes a service that does not run that way. Either way the blueprint
and the service have drifted apart; a step the service may do without says `optional: true`.
""",
    wrong="""
# claims.yaml: every claim is to be registered ...
- {id: register, name: Register claim, lane: backstage, phase: report}
# ... and the mapping's log of March shows no 'Register claim' in any case
""",
    right="""
# the log's activity mapped to the step (activities: {Claim registered: register}),
# or the step marked as one the service may skip
- {id: register, name: Register claim, lane: backstage, phase: report, optional: true}
""",
)
def step_never_observed(ent: Enterprise) -> Iterator[Hit]:
    for bp, mapping, p in _observed_blueprints(ent):
        mapped = set(mapping.exact.values()) | {s for _, s in mapping.patterns}
        for f in p.steps:
            if f.observed or f.optional or f.step not in bp.step_index:
                continue
            why = (
                "no activity of the log maps to it"
                if f.step not in mapped
                else ("the activities mapped to it never occur")
            )
            yield _step_hit(
                bp,
                bp.step_index[f.step],
                f"no case of {p.period} ({counted(p.cases, 'case')}) showed this step: {why}",
            )


@rule(
    "observed/frequent-unmodelled-activity",
    "warn",
    f"an activity with no step, in {FREQUENT:.0%} or more of an observed log's cases",
    why="""
An activity that many cases go through and no step stands for is work the blueprint does not
show: a chase, a correction, a hand-off. It costs time and is invisible to every question the
graph answers. Model it as a step, map it to one, or accept it in the mapping
(`accept: {activities: [...]}`) if it is noise.
""",
    wrong="""
# the log: 'Chase by phone' in 12% of the claims; no step, no mapping, not accepted
""",
    right="""
- {id: chase, name: Chase the customer by phone, lane: frontstage, phase: assess,
   touchpoint: claims-line, performed_by: claims-handler}
# and in the mapping: activities: {Chase by phone: chase}
""",
)
def frequent_unmodelled_activity(ent: Enterprise) -> Iterator[Hit]:
    for mapping, found in ent.observed:
        bp = next((b for b in ent.blueprints if b.id == mapping.blueprint), None)
        if bp is None or not found.cases:
            continue
        for label, (_, cases) in found.unmapped.items():
            if label in found.accepted or cases < FREQUENT * found.cases:
                continue
            yield Hit(
                bp.doc,
                ("service",),
                f"'{label}' occurs in {counted(cases, 'case')} of {found.cases} "
                f"({cases / found.cases:.0%}) of the log and no step stands for it",
                bp.id,
            )


@rule(
    "observed/to-be-step-not-adopted",
    "warn",
    "a step new in the to-be blueprint that the live process, as logged, has not taken up",
    why="""
When a to-be blueprint is observed (the redesign is live), its new steps are the redesign. A
new step no case shows has not been adopted: the service still runs the old way there, and
every figure worked out for the to-be (handoffs, customer time) is a promise, not a fact.
""",
    wrong="""
# claims-to-be.yaml (observed): a new step
- {id: instant-quote, name: Instant quote in the app, lane: frontstage, phase: report}
# the log of the live process shows it in no case
""",
    right="""
# the log shows 'Instant quote' in the cases, mapped: activities: {Instant quote: instant-quote}
""",
)
def to_be_step_not_adopted(ent: Enterprise) -> Iterator[Hit]:
    for bp, mapping, p in _observed_blueprints(ent):
        if mapping.scenario != "to-be":
            continue
        as_is = next(
            (
                b
                for b in ent.blueprints
                if b.model.service.id == mapping.service and b.model.scenario == "as-is"
            ),
            None,
        )
        old = set(as_is.step_index) if as_is is not None else set()
        for f in p.steps:
            if f.observed or f.step in old or f.step not in bp.step_index:
                continue
            yield _step_hit(
                bp,
                bp.step_index[f.step],
                f"new in the to-be, and no case of {p.period} ({counted(p.cases, 'case')}) "
                "showed it: the live process has not adopted it",
            )


@rule(
    "observed/standard-breached-by-most",
    "error",
    "a max_wait or target_time that most of an observed log's cases break",
    why="""
A standard most cases miss is no standard: either the step needs fixing, or the standard was
never what the service can do and every promise built on it (a customer's wait, a moment of
truth) is broken by design. The log says which, in the latest period.
""",
    wrong="""
- {id: call, name: Call the claims line, lane: customer, phase: report, max_wait: 2m}
# the log: the wait before 'Call the claims line' is over 2m in 70% of the cases
""",
    right="""
- {id: call, name: Call the claims line, lane: customer, phase: report, max_wait: 10m}
# or the queue fixed, until most cases keep to the standard
""",
)
def standard_breached_by_most(ent: Enterprise) -> Iterator[Hit]:
    for bp, _, p in _observed_blueprints(ent):
        for f in p.steps:
            if f.step not in bp.step_index:
                continue
            i = bp.step_index[f.step]
            for field_name, over, measured, p90 in (
                ("max_wait", f.wait_breaches, f.waits_measured, f.wait_p90),
                ("target_time", f.time_breaches, f.times_measured, f.time_p90),
            ):
                if measured and over > measured / 2:
                    from bpql.durations import format_minutes

                    yield Hit(
                        bp.doc,
                        ("steps", i, field_name),
                        f"{over} of {measured} cases of {p.period} ({over / measured:.0%}) "
                        f"break {field_name} (p90 {format_minutes(p90 or 0)})",
                        bp.gid(f.step),
                    )


@rule(
    "observed/occurrence-contradicted",
    "warn",
    "a fail point whose observed occurrence is two ratings or more from the one written",
    why="""
An occurrence rating is a guess made before anyone counted. When a log counts the fail point
(an outcome mapped to it) in enough cases and the rate it shows sits two or more ratings away
on the enterprise's own scale, the action priority built on the guess is wrong too: rate it
from the data, and the register orders the work by what happens.
""",
    wrong="""
fail_points:
  - {id: wrong-policy, name: Claim on the wrong policy, severity: 7, occurrence: 2, detection: 5}
# the log: 'E-WRONG-POLICY' in 1 of 60 cases, which the scale rates 7
""",
    right="""
fail_points:
  - {id: wrong-policy, name: Claim on the wrong policy, severity: 7, occurrence: 7, detection: 5}
""",
)
def occurrence_contradicted(ent: Enterprise) -> Iterator[Hit]:
    for bp, mapping, p in _observed_blueprints(ent):
        for f in p.failpoints:
            seen = f.occurrence_observed
            if seen is None or f.cases < RATED_ON or abs(seen - f.occurrence) < CONTRADICTS:
                continue
            where = _failpoint_path(ent, bp, mapping, f.id)
            if where is None:
                continue
            doc, path = where
            yield Hit(
                doc,
                (*path, "occurrence"),
                f"rated {f.occurrence}, but the log of {p.period} shows {f.failures} in "
                f"{counted(f.cases, 'case')} ({(f.rate or 0):.2%}), which the scale rates {seen} "
                f"(action priority {f.ap} -> {f.ap_observed})",
                f.id,
            )


def _failpoint_path(
    ent: Enterprise, bp: Blueprint, mapping: Any, fid: str
) -> tuple[SourceDoc, PathKey] | None:
    """Where a fail point is written: under its step in the blueprint, or under its system."""
    cut = len(mapping.prefix) + 1
    if fid.startswith(mapping.prefix + "."):
        local = fid[cut:]
        for i, s in enumerate(bp.model.steps):
            for j, fp in enumerate(s.fail_points):
                if fp.id == local:
                    return bp.doc, ("steps", i, "fail_points", j)
        return None
    for i, system in enumerate(ent.model.systems):
        for j, fp in enumerate(system.fail_points):
            if system_member_id(system.id, fp.id) == fid:
                return ent.doc, ("systems", i, "fail_points", j)
    return None
