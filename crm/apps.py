from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Civic network CRM"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        # Groups and their permissions are data, but permissions only exist after migrate has
        # created them (app by app, in INSTALLED_APPS order), so the sync runs after each
        # app's post-migrate step rather than in a migration.
        post_migrate.connect(_sync_roles_after_migrate)
        from crm import signals  # noqa: F401  (registers the receivers)


def _sync_roles_after_migrate(sender, using="default", **kwargs):
    from crm.roles import roles_sync

    roles_sync(using=using)
