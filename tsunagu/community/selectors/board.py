"""The district's board: issues → actions, with nested actions and the parents' progress.

A parent's progress is the plain mean of its children's progress (each child counts the same, whatever its
size; a child that is itself a parent brings its own computed mean), rounded down to a whole percent. A
finished child counts 100 whatever its recorded figure. A leaf shows its own recorded progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import ActionItem, ActionStatus


@dataclass
class ActionNode:
    action: ActionItem
    children: list[ActionNode] = field(default_factory=list)
    progress: int = 0


def _leaf_progress(action: ActionItem) -> int:
    return 100 if action.status == ActionStatus.DONE else min(action.progress, 100)


def _fill(node: ActionNode) -> int:
    if node.children:
        node.progress = sum(_fill(c) for c in node.children) // len(node.children)
    else:
        node.progress = _leaf_progress(node.action)
    return node.progress


def action_tree(actions: list[ActionItem]) -> list[ActionNode]:
    """Roots (actions without a parent among `actions`) with their children, progress filled in."""
    nodes = {a.pk: ActionNode(a) for a in actions}
    roots: list[ActionNode] = []
    for a in actions:
        parent = nodes.get(a.parent_id) if a.parent_id else None
        (parent.children if parent else roots).append(nodes[a.pk])
    for root in roots:
        _fill(root)
    return roots


def progress_of(action: ActionItem) -> int:
    """One action's progress (computed from its descendants when it has children)."""
    actions = list(ActionItem.objects.filter(forum_id=action.forum_id))
    tree = action_tree(actions)
    stack = list(tree)
    while stack:
        node = stack.pop()
        if node.action.pk == action.pk:
            return node.progress
        stack.extend(node.children)
    return _leaf_progress(action)
