"""The pitfall catalogue: one table of checks drawn from OOPS!, ROBOT report, FOOPS!, SKOS and qSKOS.

Each check is a small function registered with its code, the catalogue it comes
from, a level and a one-line fix. Codes are the catalogues' own (OOPS! ``P06``,
ROBOT ``duplicate_label``, FOOPS! ``OM1``, SKOS integrity condition ``S46``);
``also`` names the same check in the other catalogues. Checks that no rule can
decide (they need human judgement or the Web) are listed in ``NOT_CHECKED`` with
the reason, so the report says what it did not look at.

Levels are this project's, chosen so that ``--fail-on error`` blocks a change
that breaks the model or its conventions:

- error: the model is wrong or breaks a project rule (bilingual labels and
  definitions, declared terms, license); ROBOT's ERROR checks stay errors.
  ``missing_definition`` is an error here (ROBOT: WARN) because every term must
  be defined in English and French.
- warning: legal but most likely unintended (missing domain, a property named
  "is", a probable inverse not declared, SKOS mappings inside one scheme).
- info: style and hints (naming conventions, unused terms, detailed metadata).

Deliberate departures, all language-related: ``multiple_labels`` and
``multiple_definitions`` allow one value per language (ROBOT counts values
regardless of language, which fails any bilingual ontology); languages compare
by primary subtag, so ``fr`` and ``fr-t-en`` are both French.
"""

from __future__ import annotations

# Importing the area modules registers their checks in CHECKS.
from strategykg.pitfalls import classes, declarations, header, labels, properties, skos  # noqa: F401
from strategykg.pitfalls.catalogue import (
    CATALOGUES,
    CHECKS,
    LEVELS,
    Check,
    Finding,
    Hit,
    NotChecked,
    check,
    run_checks,
)
from strategykg.pitfalls.helpers import (
    CLASS_DECLARATIONS,
    PROPERTY_DECLARATIONS,
    REQUIRED_LANGUAGES,
    SKOS_MAPPINGS,
    STRUCTURAL,
)
from strategykg.pitfalls.not_checked import NOT_CHECKED

__all__ = [
    "CATALOGUES",
    "CHECKS",
    "CLASS_DECLARATIONS",
    "LEVELS",
    "NOT_CHECKED",
    "PROPERTY_DECLARATIONS",
    "REQUIRED_LANGUAGES",
    "SKOS_MAPPINGS",
    "STRUCTURAL",
    "Check",
    "Finding",
    "Hit",
    "NotChecked",
    "check",
    "run_checks",
]
