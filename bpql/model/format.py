"""The blueprint file format, as pydantic models.

Two kinds of file make an enterprise: one `enterprise:` file declaring the shared things
(departments, roles, systems, touchpoints, personas) and one `service:` file per blueprint.
Fields are short and forgiving where a person writes them by hand (a single reference may be
written without a list), strict where a typo would silently lose data (unknown fields are errors).

Values are kept exactly as written or refused at their line:col, never changed on the way in:
ids hold only the id alphabet, names no space or line break at either end, free text is kept
as written (a `|` block's final line break included); every text has a length both stores
index or hold (`MAX_NAME`, `MAX_TEXT`). `json_schema()` is generated from these models, in the
shape a file is written in (`performed_by: clerk` or a list, `max_wait: 10m`), for editors.
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
    StrictBool,
    StringConstraints,
)
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from bpql.durations import EXAMPLES as DURATION_EXAMPLES
from bpql.durations import parse_duration
from bpql.schema import BLUEPRINT_STATUSES, CHANNELS

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
#: the longest id, name and free text a file may hold. Names are indexed on Neo4j, whose range
#: index takes a key of about 8,160 bytes: 1,000 characters are at most 4,000 bytes in UTF-8,
#: a blueprint's name (the service's and its scenario) included. Free text is not indexed;
#: both stores hold megabytes, and no description or script is near 100,000 characters.
MAX_ID = 80
MAX_NAME = 1_000
MAX_TEXT = 100_000
#: what "a space or line break at either end" of a name is: Python's whitespace (U+0085,
#: U+2028 and U+2029 among them) and U+FEFF, the byte order mark, invisible everywhere
#: (written out: finding them among 1.1 million characters took 0.2 s at every start; a test
#: checks this list against str.isspace)
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def _unicode_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _no_outer_space(value: str) -> str:
    """A name is looked up exactly (`service "Motor claims"`), so a space or line break at
    either end would make a name nobody can type; stripping it would change the value
    silently. Refuse it where it is written."""
    for end, ch in (("starts", value[:1]), ("ends", value[-1:])):
        if ch and ch in SPACES:
            raise ValueError(
                f"a name with no space or line break at either end (this one {end} with "
                f"{_unicode_name(ch)})"
            )
    return value


_SPACE = "[" + "".join(f"\\u{ord(c):04x}" for c in SPACES) + "]"
#: `_no_outer_space` for JSON Schema validators (ECMA-262 and Python's `re` read it alike)
NAME_PATTERN = rf"^(?!{_SPACE})(?![\s\S]*{_SPACE}(?![\s\S]))"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=MAX_ID)]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_NAME),
    AfterValidator(_no_outer_space),
    Field(json_schema_extra={"pattern": NAME_PATTERN}),
]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Lane = Literal["customer", "frontstage", "backstage", "support"]
Channel = Literal[CHANNELS]  # type: ignore[valid-type]
Status = Literal[BLUEPRINT_STATUSES]  # type: ignore[valid-type]
Rating = Annotated[int, Field(ge=1, le=10, strict=True)]
#: a rating written as a mapping key (`10: Harms a customer`), which YAML readers hand over as text
RatingKey = Annotated[int, Field(ge=1, le=10)]


def as_list(value: Any) -> Any:
    """Let a person write `uses: crm` for `uses: [crm]` (a single value for a list of one;
    none for an empty list)."""
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


#: a number as written: `14` or `2.5`, never the text "14"
Finite = Annotated[float, Field(strict=True), AfterValidator(_finite)]
RefList = Annotated[list[Id], BeforeValidator(as_list, json_schema_input_type=Id | list[Id] | None)]
#: step references are checked by the validator, which can say "another blueprint"
StepRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.:-]*$", max_length=200)]
StepRefList = Annotated[
    list[StepRef],
    BeforeValidator(as_list, json_schema_input_type=StepRef | list[StepRef] | None),
]
_NUMBER = r"\d+(?:\.\d+)?\s*"
#: a duration as text, each unit once, largest first (what bpql.durations reads)
DURATION_PATTERN = (
    r"^\s*(?=\d)"
    + "".join(rf"(?:{_NUMBER}{unit}\s*)?" for unit in ("w", "d", "h", "(?:min|m)", "s"))
    + "$"
)
_DurationText = Annotated[str, StringConstraints(pattern=DURATION_PATTERN)]
Minutes = Annotated[
    float,
    Field(gt=0),
    AfterValidator(_finite),
    BeforeValidator(
        parse_minutes, json_schema_input_type=Annotated[float, Field(gt=0)] | _DurationText
    ),
]


def _date_text(value: Any) -> Any:
    """A date as YAML writes it, `2026-06-01`; a number is no date (pydantic would read 0
    as 1970-01-01)."""
    if not isinstance(value, (str, date)):
        raise ValueError("a date written YYYY-MM-DD")
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date written YYYY-MM-DD")
    return value


Day = Annotated[
    date,
    BeforeValidator(
        _date_text,
        json_schema_input_type=Annotated[str, Field(json_schema_extra={"format": "date"})],
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


#: a lint rule id, as `lanes/frontstage-without-touchpoint`
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$", max_length=120)]


class LintSettings(_Strict):
    """`lint: {ignore: [rule-id]}` on any element: those rules say nothing about it or about
    anything inside it (a blueprint's steps, a step's fail points)."""

    ignore: Annotated[
        list[RuleId],
        BeforeValidator(as_list, json_schema_input_type=RuleId | list[RuleId] | None),
    ] = Field(default_factory=list)


class _Element(_Strict):
    lint: LintSettings | None = Field(None, description="lint: {ignore: [rule-id, ...]}")


# --- fail points (on a step, or on a system) -------------------------------------------


STATUSES = ("open", "in progress", "done", "verified")


def _status(value: Any) -> Any:
    """`in progress`, `in-progress` and `In Progress` are one status."""
    if isinstance(value, str):
        return re.sub(r"[\s_-]+", " ", value.strip().lower())
    return value


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


#: every way of writing a status that `_status` reads, for the JSON Schema
STATUS_PATTERN = (
    r"^\s*(?:"
    + "|".join(r"[\s_-]+".join(_any_case(w) for w in s.split()) for s in STATUSES)
    + r")\s*$"
)


class Controls(_Strict):
    prevention: Text | None = Field(None, description="what keeps the cause from happening")
    detection: Text | None = Field(None, description="what catches it before the customer does")


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
    action: Text | None = Field(None, description="the recommended action")
    owner: Id | None = Field(None, description="a role or department id")
    due: Day | None = None
    status: Annotated[
        Literal["open", "in progress", "done", "verified"] | None,
        BeforeValidator(
            _status,
            json_schema_input_type=Literal["open", "in progress", "done", "verified"]
            | Annotated[str, StringConstraints(pattern=STATUS_PATTERN)]
            | None,
        ),
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
    kind: Text | None = None
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
    description: Text | None = None


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

    action_priority: Text | None = Field(
        None, description="a CSV file (beside the enterprise file) replacing the AIAG-VDA table"
    )
    severity: dict[RatingKey, Text] | None = None
    occurrence: dict[RatingKey, Text] | None = None
    detection: dict[RatingKey, Text] | None = None


class EnterpriseFile(_Element):
    """Shared things, declared once and referenced by id from every blueprint."""

    enterprise: Annotated[
        Name, BeforeValidator(_enterprise_name, json_schema_input_type=Name | EnterpriseRef)
    ] = Field(description="the enterprise's name, or {id, name}")
    description: Text | None = None
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
    description: Text | None = None


class Phase(_Element):
    id: Id
    name: Name


class Evidence(_Element):
    id: Id
    name: Name
    kind: Text | None = None


class Step(_Element):
    id: Id
    name: Name
    lane: Lane
    phase: Id
    description: Text | None = None
    touchpoint: Id | None = Field(None, description="the one touchpoint of the step")
    performed_by: RefList = Field(default_factory=list, description="role ids")
    uses: RefList = Field(default_factory=list, description="system ids")
    supports: StepRefList = Field(
        default_factory=list, description="ids of steps in a higher lane that this step enables"
    )
    shows: RefList = Field(default_factory=list, description="evidence ids")
    fail_points: list[FailPoint] = Field(default_factory=list)
    target_time: Minutes | None = None
    max_wait: Minutes | None = None
    script: Text | None = None
    moment_of_truth: StrictBool = False
    optional: StrictBool = Field(
        False,
        description="the service may run without this step (an observed case that skips it "
        "still fits the blueprint: bpql observe)",
    )


class Metric(_Element):
    id: Id
    name: Name
    target: Finite | None = None
    unit: Text | None = None
    measures: RefList = Field(default_factory=list, description="step ids")


class BlueprintFile(_Element):
    """One blueprint of one service: steps in time order, lanes top to bottom."""

    service: ServiceRef
    scenario: Literal["as-is", "to-be"] = "as-is"
    variant: Id | None = Field(None, description="names one of several to-be blueprints")
    version: Text | None = None
    owner: Id | None = Field(None, description="the role or department answerable for it")
    status: Status | None = None
    reviewed: Day | None = Field(None, description="when it was last reviewed (YYYY-MM-DD)")
    review_every: Minutes | None = Field(None, description="how often it is reviewed: 90d")
    personas: RefList = Field(default_factory=list)
    phases: list[Phase] = Field(min_length=1)
    evidence: list[Evidence] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)
    metrics: list[Metric] = Field(default_factory=list)


#: the JSON Schema dialects `bpql schema --draft` offers
SCHEMA_DRAFTS = {
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
    "07": "http://json-schema.org/draft-07/schema#",
}


def _portable(pattern: str) -> str:
    """A pydantic (Rust regex) pattern for every JSON Schema validator: a final `$` is the end
    of the text in Rust and ECMA-262, but Python's `re`, which Python validators use, also
    matches it before a final line break, so `"claims\\n"` would pass as an id."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + r"(?![\s\S])"
    return pattern


class _Generator(GenerateJsonSchema):
    """pydantic's JSON Schema generator, with patterns every validator reads alike."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        out = super().str_schema(schema)
        if "pattern" in out:
            out["pattern"] = _portable(out["pattern"])
        return out


def json_schema(draft: str = "2020-12") -> dict[str, Any]:
    """One JSON Schema accepting either kind of file as it is written, for editors: draft
    2020-12 (`$defs`) or draft-07 (`definitions`), generated from the models."""
    from pydantic.json_schema import models_json_schema

    where = "$defs" if draft == "2020-12" else "definitions"
    _, top = models_json_schema(
        [(EnterpriseFile, "validation"), (BlueprintFile, "validation")],
        ref_template=f"#/{where}/{{model}}",
        schema_generator=_Generator,
    )
    return {
        "$schema": SCHEMA_DRAFTS[draft],
        "title": "BPQL blueprint file",
        "description": "An enterprise file (shared things) or a service blueprint file.",
        "oneOf": [{"$ref": f"#/{where}/EnterpriseFile"}, {"$ref": f"#/{where}/BlueprintFile"}],
        where: top.get("$defs", {}),
    }
