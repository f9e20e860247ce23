from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from engagement import signals  # noqa: F401  (registers the receivers)
