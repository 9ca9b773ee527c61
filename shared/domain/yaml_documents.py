"""YAML from clients, read safely: PyYAML's safe loader (no arbitrary objects), after one pass
over the parser's events that refuses what would cost far more than the body's size (§22).

The safe loader shares an aliased node rather than copying it, but a merge key (``<<: *a``)
copies its pairs, and so a "billion laughs" of merges grows exponentially; an alias inside its
own anchor makes a recursive structure; and deep nesting exhausts the composer's recursion. The
first pass counts the nodes each document would have with every alias expanded, and its depth,
in time and memory linear in the body, before anything is built.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import Node

from shared.domain.errors import BadRequest

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML's wheels carry libyaml; the pure one is the same loader
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_DEPTH = 32
"""Far deeper than any catalog (a Backstage entity is about five levels deep)."""
MAX_EXPANDED_NODES = 1_000_000
"""More than a body of 1 MB can hold without aliases; only aliases can pass it."""
CONSTRUCTION_ERRORS = (ValueError, TypeError, AttributeError, OverflowError)
"""What PyYAML's constructors raise for a malformed tagged value (``2001-13-45``, ``!!int 0x``)."""


class _CatalogLoader(SafeLoader):
    """The safe loader, whose malformed values are errors that name their line."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except CONSTRUCTION_ERRORS as error:
            problem = f"this value cannot be read ({type(error).__name__})"
            raise ConstructorError(None, None, problem, node.start_mark) from error


class _Expansion:
    """The running count of one body's nodes, aliases expanded, per open collection."""

    def __init__(self) -> None:
        self.open: list[tuple[str | None, int]] = []
        self.anchored: dict[str, int] = {}
        self.total = 0

    def start(self, event: yaml.CollectionStartEvent) -> None:
        if len(self.open) == MAX_DEPTH:
            raise _refusal(f"nested more than {MAX_DEPTH} levels deep", event)
        self.open.append((event.anchor, 1))

    def end(self, event: yaml.Event) -> None:
        anchor, size = self.open.pop()
        self.add(anchor, size, event)

    def alias(self, event: yaml.AliasEvent) -> None:
        if any(anchor == event.anchor for anchor, _ in self.open):
            raise _refusal("an alias inside its own anchor (a recursive structure)", event)
        self.add(None, self.anchored.get(str(event.anchor), 1), event)

    def add(self, anchor: str | None, size: int, event: yaml.Event) -> None:
        if anchor is not None:
            self.anchored[anchor] = size
        if self.open:
            parent_anchor, parent_size = self.open[-1]
            self.open[-1] = (parent_anchor, parent_size + size)
            counted = self.total + parent_size + size
        else:
            self.total += size
            counted = self.total
        if counted > MAX_EXPANDED_NODES:
            raise _refusal(f"aliases expand to more than {MAX_EXPANDED_NODES:,} values", event)


def _refusal(problem: str, event: yaml.Event) -> BadRequest:
    """What the first pass refuses, named as a parse error is, by its line."""
    line = event.start_mark.line + 1 if event.start_mark else 0
    return BadRequest(f"YAML does not parse at line {line}: {problem}")


def _check_events(body: bytes) -> None:
    """Refuses what would be too deep, recursive, too large once expanded, or not Unicode."""
    expansion = _Expansion()
    for event in yaml.parse(body, Loader=SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            expansion.start(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            expansion.end(event)
        elif isinstance(event, yaml.AliasEvent):
            expansion.alias(event)
        elif isinstance(event, yaml.ScalarEvent):
            _check_unicode(event)
            expansion.add(event.anchor, 1, event)
        elif isinstance(event, yaml.DocumentEndEvent):
            expansion.anchored.clear()


def _check_unicode(event: yaml.ScalarEvent) -> None:
    """An escape such as ``"\\ud800"`` makes a string that no store or answer can hold."""
    try:
        event.value.encode("utf-8")
    except UnicodeEncodeError:
        raise _refusal("a string with an unpaired surrogate escape", event) from None


def load_documents(body: bytes) -> list[Any]:
    """Every document of the body (``None`` for an empty one), or a 400 naming the line."""
    try:
        _check_events(body)
        return list(yaml.load_all(body, Loader=_CatalogLoader))
    except yaml.MarkedYAMLError as error:
        raise BadRequest(_problem(error)) from None
    except yaml.YAMLError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise BadRequest(f"the body is not readable YAML: {reason}") from None
    except (*CONSTRUCTION_ERRORS, RecursionError) as error:
        raise BadRequest(f"the body is not readable YAML ({type(error).__name__})") from None


def _problem(error: yaml.MarkedYAMLError) -> str:
    """``YAML does not parse at line 3: mapping values are not allowed here`` (lines from 1)."""
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "it does not parse"
    return f"YAML does not parse at line {mark.line + 1}: {problem}" if mark else f"YAML does not parse: {problem}"
