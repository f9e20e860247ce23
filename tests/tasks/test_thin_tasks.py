"""Tasks are entry points: ids in, one service call. What they read or write goes through
the services and selectors of the app that owns the data, never a query of their own."""

import ast
from pathlib import Path

import pytest

TASKS = Path(__file__).resolve().parents[2] / "tasks"


def _orm_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "django.db.models" or node.module.endswith(".models"):
                found.append(f"imports {node.module}")
            if node.module == "django.db" and {a.name for a in node.names} & {"connection"}:
                found.append("imports django.db.connection (raw SQL)")
        elif isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"line {node.lineno}: .objects")
    return found


@pytest.mark.parametrize("path", sorted(TASKS.glob("*.py")), ids=lambda p: p.name)
def test_a_task_module_runs_no_query_of_its_own(path):
    assert _orm_uses(path) == []
