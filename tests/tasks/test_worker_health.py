"""manage.py worker_health: what a supervisor or a container asks a worker's machine."""

import json
import os
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tasks.health import heartbeat_path


@pytest.fixture
def heartbeats(tmp_path, settings):
    settings.WORKER_HEARTBEAT_DIR = tmp_path
    settings.WORKER_HEARTBEAT_SECONDS = 10

    def beat(name: str, age: float = 0.0):
        path = heartbeat_path(name)
        path.write_text(json.dumps({"hostname": name, "pid": 1}))
        then = time.time() - age
        os.utime(path, (then, then))

    return beat


def test_a_fresh_heartbeat_is_healthy(heartbeats, capsys):
    heartbeats("worker@vm", age=2)
    call_command("worker_health")
    assert "worker@vm: last heartbeat 2 s ago (ok)" in capsys.readouterr().out


def test_a_heartbeat_older_than_three_beats_is_unhealthy(heartbeats):
    heartbeats("worker@vm", age=31)
    with pytest.raises(CommandError, match=r"more than 30 s: worker@vm"):
        call_command("worker_health")


def test_no_heartbeat_at_all_is_unhealthy(heartbeats):
    with pytest.raises(CommandError, match="no worker heartbeat"):
        call_command("worker_health")


def test_one_worker_can_be_checked_alone(heartbeats):
    heartbeats("sender@vm", age=1)
    heartbeats("stuck@vm", age=300)
    call_command("worker_health", worker="sender@vm")
    with pytest.raises(CommandError, match="stuck@vm"):
        call_command("worker_health")
    with pytest.raises(CommandError, match="no worker heartbeat"):
        call_command("worker_health", worker="gone@vm")
