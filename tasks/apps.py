from importlib import import_module

from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"

    def ready(self):
        # Register every task under its name in every process (web included), so services
        # can ask for one by name (core.queue) without importing the task modules.
        from tasks.celery import app

        for module in app.conf.include:
            import_module(module)
