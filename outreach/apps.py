from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Outreach"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from crm.selectors.history import CONTACT_HISTORY_SOURCES
        from outreach import checks, signals  # noqa: F401  (registers them)

        CONTACT_HISTORY_SOURCES.append(("invitation", "outreach.Invitation"))
