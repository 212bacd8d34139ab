"""`bpql lint`: the blueprinting method's consistency checks, as configurable rules.

`bpql validate` refuses what cannot be loaded; lint flags what loads but does not make sense
as a blueprint (a frontstage step with no touchpoint, a system nobody owns). Real blueprints
bend rules, so every rule can be switched off in `bpql.toml` or for one element in the YAML.
"""

from __future__ import annotations

from bpql.lint.config import Config
from bpql.lint.config import load as load_config
from bpql.lint.registry import RULES, Finding, Rule
from bpql.lint.run import Report, lint_paths

__all__ = ["RULES", "Config", "Finding", "Report", "Rule", "lint_paths", "load_config"]
