from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Network analysis"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from network import signals  # noqa: F401  (registers the receivers)
