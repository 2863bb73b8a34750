"""strategykg: publish a government strategy as a linked-data knowledge graph.

The public API mirrors the command line: :func:`load` a project into a
:class:`KnowledgeGraph`, :func:`validate` it, and ask its competency questions
through an engine (:func:`open_engine`) with the :class:`QueryLibrary`.
"""

from strategykg.engines import Engine, QueryResult, open_engine
from strategykg.errors import InputError, StrategyKGError
from strategykg.load import KnowledgeGraph, load
from strategykg.queries import QueryLibrary
from strategykg.validate import ValidationOutcome, validate

__all__ = [
    "Engine",
    "InputError",
    "KnowledgeGraph",
    "QueryLibrary",
    "QueryResult",
    "StrategyKGError",
    "ValidationOutcome",
    "load",
    "open_engine",
    "validate",
]
