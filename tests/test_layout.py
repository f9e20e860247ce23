"""The code's straight lines: services never import the task modules (tasks import
services, so the other direction is a cycle); they ask for work by name (core.queue)."""

import ast
from pathlib import Path

import pytest

from core import queue

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "crm", "network", "engagement", "outreach", "web"]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_the_task_modules(app):
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for name in _imports(path)
        if name == "tasks" or name.startswith("tasks.")
    ]
    assert offenders == []


def test_every_task_name_is_registered_and_beat_asks_only_for_those():
    from django.conf import settings

    from core import task_names

    names = {value for key, value in vars(task_names).items() if key.isupper()}
    assert names, "core.task_names names no task"
    assert [name for name in names if not queue.task_registered(name)] == []
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= names


def test_core_depends_on_no_app_of_ours():
    """core is what every app builds on; an import the other way would tie them in a knot."""
    ours = ("crm", "network", "engagement", "outreach", "web", "tasks")
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "core").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in ours
    ]
    assert offenders == []
