"""What a GraphQL document would cost to run, estimated from the document alone, before any validation.

The alias, depth and token limits count what is written; a document of 861 bytes that spreads fragments
2^20 times passed all three and took a server core for 12.7 s (most of it in validation, which expands
fragments). The estimate counts what would be *executed*: every field after fragment expansion, each
field's selection multiplied by how many items a list can return.

- A field costs 1, plus its selection times its multiplier. ``__typename`` costs nothing.
- A field with a ``first`` or ``last`` argument multiplies by it (literal or variable), else by the
  argument's default, else by the default page size; never by more than the maximum page size, since
  ``first`` above it is refused when the field runs.
- A connection's ``edges``/``nodes`` are already counted by the connection's ``first``; the lists of
  introspection (a schema's types, a type's fields) are as long as the schema, fixed and known; any other
  list of objects (a customer's credit reviews) multiplies by ``UNPAGED_LIST``.

Expansion is never performed: each fragment's cost is computed once, in dependency order, and a spread
adds that number. The walk is linear in the size of the document whatever it spreads (the fan-out
document costs 2^20 and is priced in well under a millisecond), nesting deeper than ``MAX_NESTING`` is
priced as unaffordable rather than walked, and every sum saturates at ``CAP`` so numbers stay small.
Fragment cycles are priced as unaffordable too (validation would refuse them anyway).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.pyutils import Undefined
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

#: Above this nothing is told apart: the document is refused either way.
CAP = 10**9
#: The multiplier of a list of objects that has no page size of its own.
UNPAGED_LIST = 10
#: Deeper than any real document; the depth limit refuses far earlier, with its own message.
MAX_NESTING = 64
PAGING_ARGUMENTS = ("first", "last")
INTROSPECTION = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


@dataclass
class Estimator:
    """Prices the selections of one document against one schema (``estimate`` is the entry point)."""

    schema: GraphQLSchema
    variables: Mapping[str, Any]
    default_page_size: int
    max_page_size: int
    fragments: dict[str, FragmentDefinitionNode] = field(default_factory=dict)
    fragment_costs: dict[str, int] = field(default_factory=dict)

    def selection_cost(self, selection_set: SelectionSetNode | None, parent: Any, depth: int = 0) -> int:
        if selection_set is None:
            return 0
        if depth > MAX_NESTING:
            return CAP
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, depth)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_cost(selection.selection_set, inner, depth + 1)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment_costs.get(selection.name.value, 0)
            if total >= CAP:
                return CAP
        return total

    def field_cost(self, node: FieldNode, parent: Any, depth: int) -> int:
        name = node.name.value
        if name == "__typename":
            return 0
        definition = self._field(parent, name)
        if definition is None:  # unknown here: validation will refuse it; count it like a leaf
            return 1
        child = get_named_type(definition.type)
        inner = self.selection_cost(node.selection_set, child, depth + 1)
        return min(CAP, 1 + self.multiplier(node, definition, parent) * inner)

    def multiplier(self, node: FieldNode, definition: GraphQLField, parent: Any) -> int:
        for argument in PAGING_ARGUMENTS:
            if argument in definition.args:
                return self._page_size(node, argument, definition)
        if not isinstance(get_nullable_type(definition.type), GraphQLList):
            return 1
        if node.name.value in ("edges", "nodes") and _is_connection(parent):
            return 1
        if getattr(parent, "name", "").startswith("__"):  # introspection: as long as the schema, no more
            return 1
        return UNPAGED_LIST

    def _page_size(self, node: FieldNode, argument: str, definition: GraphQLField) -> int:
        value: Any = None
        for given in node.arguments or ():
            if given.name.value != argument:
                continue
            if isinstance(given.value, IntValueNode):
                value = int(given.value.value)
            elif isinstance(given.value, VariableNode):
                value = self.variables.get(given.value.name.value)
        if value is None:
            default = definition.args[argument].default_value
            value = default if default not in (None, Undefined) else self.default_page_size
        if not isinstance(value, int) or isinstance(value, bool):
            value = self.default_page_size
        return max(0, min(value, self.max_page_size))

    def _field(self, parent: Any, name: str) -> GraphQLField | None:
        if name in INTROSPECTION:  # priced like any other field: a fan-out inside __schema is one too
            return INTROSPECTION[name]
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def price_fragments(self) -> None:
        """Each fragment's cost, computed once, every fragment after those it spreads."""
        spreads = {name: _spread_names(f.selection_set) for name, f in self.fragments.items()}
        pending = {name: {s for s in used if s in self.fragments} for name, used in spreads.items()}
        ready = [name for name, used in pending.items() if not used]
        users: dict[str, list[str]] = {}
        for name, used in pending.items():
            for dependency in used:
                users.setdefault(dependency, []).append(name)
        while ready:
            name = ready.pop()
            fragment = self.fragments[name]
            on = self.schema.get_type(fragment.type_condition.name.value)
            self.fragment_costs[name] = self.selection_cost(fragment.selection_set, on) if on else 0
            for user in users.get(name, ()):
                pending[user].discard(name)
                if not pending[user]:
                    ready.append(user)
        for name in self.fragments:  # left over: part of a cycle, or spreading one
            self.fragment_costs.setdefault(name, CAP)


def _is_connection(parent: Any) -> bool:
    return isinstance(parent, GraphQLObjectType) and {"edges", "pageInfo"} <= parent.fields.keys()


def _spread_names(selection_set: SelectionSetNode | None, depth: int = 0) -> set[str]:
    names: set[str] = set()
    if selection_set is None or depth > MAX_NESTING:
        return names
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode):
            names.add(selection.name.value)
        else:
            names |= _spread_names(selection.selection_set, depth + 1)
    return names


def estimate(
    schema: GraphQLSchema,
    document,
    variables: Mapping[str, Any] | None,
    *,
    default_page_size: int,
    max_page_size: int,
) -> int:
    """The cost of every operation in ``document`` together (validation looks at all of them, so all
    of them are priced, not just the one that would run), at most ``CAP``."""
    estimator = Estimator(schema, variables or {}, default_page_size, max_page_size)
    operations = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            estimator.fragments[definition.name.value] = definition
        elif isinstance(definition, OperationDefinitionNode):
            operations.append(definition)
    estimator.price_fragments()
    total = 0
    for operation in operations:
        root: GraphQLNamedType | None = schema.get_root_type(operation.operation)
        total += estimator.selection_cost(operation.selection_set, root) if root else 0
    # A fragment no operation spreads is still validated: it is priced as if it ran once.
    used = set().union(*(_spread_names(o.selection_set) for o in operations)) if operations else set()
    for name, fragment_used in _reachable(estimator, used).items():
        if not fragment_used:
            total += estimator.fragment_costs[name]
    return min(total, CAP)


def _reachable(estimator: Estimator, roots: set[str]) -> dict[str, bool]:
    seen = {name: False for name in estimator.fragments}
    stack = [name for name in roots if name in seen]
    while stack:
        name = stack.pop()
        if seen[name]:
            continue
        seen[name] = True
        stack.extend(s for s in _spread_names(estimator.fragments[name].selection_set) if s in seen)
    return seen
