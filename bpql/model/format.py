"""The blueprint file format, as pydantic models.

Two kinds of file make an enterprise: one `enterprise:` file declaring the shared things
(departments, roles, systems, touchpoints, personas) and one `service:` file per blueprint.
Fields are short and forgiving where a person writes them by hand (a single reference may be
written without a list), strict where a typo would silently lose data (unknown fields are errors).
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from bpql.durations import EXAMPLES as DURATION_EXAMPLES
from bpql.durations import parse_duration
from bpql.schema import BLUEPRINT_STATUSES, CHANNELS

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80)]
Name = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Lane = Literal["customer", "frontstage", "backstage", "support"]
Channel = Literal[CHANNELS]  # type: ignore[valid-type]
Status = Literal[BLUEPRINT_STATUSES]  # type: ignore[valid-type]
Rating = Annotated[int, Field(ge=1, le=10, strict=True)]
#: a rating written as a mapping key (`10: Harms a customer`), which YAML readers hand over as text
RatingKey = Annotated[int, Field(ge=1, le=10)]


def _as_list(value: Any) -> Any:
    """Let a person write `uses: crm` for `uses: [crm]`."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [value]
    return value


def parse_minutes(value: Any) -> Any:
    """`90s`, `5m`, `2h`, `1d`, `2w`, `1h30m` or a bare number of minutes, as minutes."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        minutes = parse_duration(value)
        if minutes is None:
            raise ValueError(f"a duration such as {DURATION_EXAMPLES}")
        return minutes
    return value


#: the largest magnitude a number in a file may have: far beyond any real target or duration
#: (a century is 5.3e7 minutes) and well inside what both stores hold exactly
MAX_NUMBER = 1e12


def _finite(value: float) -> float:
    """NaN, infinities and absurd magnitudes (`.nan`, `.inf`, `1e400`, `10**30`) are
    mistakes, and stores disagree on them; refuse them at the value."""
    if math.isnan(value) or math.isinf(value) or abs(value) > MAX_NUMBER:
        raise ValueError(f"a finite number no larger than {MAX_NUMBER:g}")
    return value


Finite = Annotated[float, AfterValidator(_finite)]
RefList = Annotated[list[Id], BeforeValidator(_as_list)]
#: step references are checked by the validator, which can say "another blueprint"
StepRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.:-]*$", max_length=200)]
StepRefList = Annotated[list[StepRef], BeforeValidator(_as_list)]
Minutes = Annotated[float, BeforeValidator(parse_minutes), Field(gt=0), AfterValidator(_finite)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


#: a lint rule id, as `lanes/frontstage-without-touchpoint`
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$", max_length=120)]


class LintSettings(_Strict):
    """`lint: {ignore: [rule-id]}` on any element: those rules say nothing about it or about
    anything inside it (a blueprint's steps, a step's fail points)."""

    ignore: Annotated[list[RuleId], BeforeValidator(_as_list)] = Field(default_factory=list)


class _Element(_Strict):
    lint: LintSettings | None = Field(None, description="lint: {ignore: [rule-id, ...]}")


# --- fail points (on a step, or on a system) -------------------------------------------


def _status(value: Any) -> Any:
    """`in progress`, `in-progress` and `In Progress` are one status."""
    if isinstance(value, str):
        return re.sub(r"[\s_-]+", " ", value.strip().lower())
    return value


class Controls(_Strict):
    prevention: str | None = Field(None, description="what keeps the cause from happening")
    detection: str | None = Field(None, description="what catches it before the customer does")


class Ratings(_Strict):
    severity: Rating
    occurrence: Rating
    detection: Rating


class FailPoint(_Element):
    id: Id
    name: Name
    severity: Rating
    occurrence: Rating
    detection: Rating
    effect: StepRef | None = Field(
        None,
        description="the step the failure hurts: of this blueprint, or as service.step on a system",
    )
    cause: Id | None = Field(None, description="a step of this blueprint, or a system id")
    controls: Controls | None = None
    action: str | None = Field(None, description="the recommended action")
    owner: Id | None = Field(None, description="a role or department id")
    due: date | None = None
    status: Annotated[
        Literal["open", "in progress", "done", "verified"] | None, BeforeValidator(_status)
    ] = None
    after: Ratings | None = Field(None, description="the ratings once the action is done")


# --- the enterprise file ---------------------------------------------------------------


class Department(_Element):
    id: Id
    name: Name


class Role(_Element):
    id: Id
    name: Name
    department: Id | None = Field(None, description="the department the role belongs to")


class System(_Element):
    id: Id
    name: Name
    kind: str | None = None
    owner: Id | None = Field(None, description="the department that owns the system")
    depends_on: RefList = Field(default_factory=list)
    fail_points: list[FailPoint] = Field(
        default_factory=list,
        description="failures of the system itself; every step that uses it inherits them",
    )


class Touchpoint(_Element):
    id: Id
    name: Name
    channel: Channel


class Persona(_Element):
    id: Id
    name: Name
    description: str | None = None


class EnterpriseRef(_Strict):
    id: Id
    name: Name


def _enterprise_name(value: Any) -> Any:
    """`enterprise: Northwind` or, as a service is written, `enterprise: {id: nw, name: ...}`."""
    if isinstance(value, dict):
        return EnterpriseRef.model_validate(value).name
    return value


class FmeaSettings(_Strict):
    """An enterprise's own action priority table and the wording of its rating scales."""

    action_priority: str | None = Field(
        None, description="a CSV file (beside the enterprise file) replacing the AIAG-VDA table"
    )
    severity: dict[RatingKey, str] | None = None
    occurrence: dict[RatingKey, str] | None = None
    detection: dict[RatingKey, str] | None = None


class EnterpriseFile(_Element):
    """Shared things, declared once and referenced by id from every blueprint."""

    enterprise: Annotated[Name, BeforeValidator(_enterprise_name)] = Field(
        description="the enterprise's name, or {id, name}"
    )
    description: str | None = None
    departments: list[Department] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    systems: list[System] = Field(default_factory=list)
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    personas: list[Persona] = Field(default_factory=list)
    fmea: FmeaSettings | None = None


# --- a blueprint file ----------------------------------------------------------------------


class ServiceRef(_Strict):
    id: Id
    name: Name
    description: str | None = None


class Phase(_Element):
    id: Id
    name: Name


class Evidence(_Element):
    id: Id
    name: Name
    kind: str | None = None


class Step(_Element):
    id: Id
    name: Name
    lane: Lane
    phase: Id
    description: str | None = None
    touchpoint: Id | None = None
    performed_by: RefList = Field(default_factory=list, description="role ids")
    uses: RefList = Field(default_factory=list, description="system ids")
    supports: StepRefList = Field(
        default_factory=list, description="ids of steps in a higher lane that this step enables"
    )
    shows: RefList = Field(default_factory=list, description="evidence ids")
    fail_points: list[FailPoint] = Field(default_factory=list)
    target_time: Minutes | None = None
    max_wait: Minutes | None = None
    script: str | None = None
    moment_of_truth: bool = False


class Metric(_Element):
    id: Id
    name: Name
    target: Finite | None = None
    unit: str | None = None
    measures: RefList = Field(default_factory=list, description="step ids")


class BlueprintFile(_Element):
    """One blueprint of one service: steps in time order, lanes top to bottom."""

    service: ServiceRef
    scenario: Literal["as-is", "to-be"] = "as-is"
    variant: Id | None = Field(None, description="names one of several to-be blueprints")
    version: str | None = None
    owner: Id | None = Field(None, description="the role or department answerable for it")
    status: Status | None = None
    reviewed: date | None = Field(None, description="when it was last reviewed (YYYY-MM-DD)")
    review_every: Minutes | None = Field(None, description="how often it is reviewed: 90d")
    personas: RefList = Field(default_factory=list)
    phases: list[Phase] = Field(min_length=1)
    evidence: list[Evidence] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)
    metrics: list[Metric] = Field(default_factory=list)


def json_schema() -> dict[str, Any]:
    """One JSON Schema accepting either kind of file, for editor completion."""
    ent = EnterpriseFile.model_json_schema(ref_template="#/$defs/{model}")
    bp = BlueprintFile.model_json_schema(ref_template="#/$defs/{model}")
    defs = {**ent.pop("$defs", {}), **bp.pop("$defs", {})}
    defs["EnterpriseFile"] = ent
    defs["BlueprintFile"] = bp
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "BPQL blueprint file",
        "description": "An enterprise file (shared things) or a service blueprint file.",
        "oneOf": [{"$ref": "#/$defs/EnterpriseFile"}, {"$ref": "#/$defs/BlueprintFile"}],
        "$defs": defs,
    }
