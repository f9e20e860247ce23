"""The two roles of the product, as Django groups with model permissions.

- coordinator: reads and writes everything in the CRM (API and admin);
- viewer: reads only.
Staff and superusers keep Django's usual powers. Using model permissions (rather than a
hand-written role check) means the admin, the API and the pages (web.access) all agree.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

COORDINATOR = "coordinator"
VIEWER = "viewer"

# Apps whose models the roles cover: every app of ours that has models (a test holds it),
# and taggit's topics.
ROLE_APPS = ("crm", "taggit", "network", "engagement", "outreach")


def roles_sync(*, using: str = DEFAULT_DB_ALIAS, apps=global_apps) -> None:
    """Create the groups and give them the permissions of every model in ROLE_APPS."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    perms = Permission.objects.using(using).filter(content_type__app_label__in=ROLE_APPS)
    coordinator, _ = Group.objects.using(using).get_or_create(name=COORDINATOR)
    viewer, _ = Group.objects.using(using).get_or_create(name=VIEWER)
    coordinator.permissions.add(*perms)
    viewer.permissions.add(*perms.filter(codename__startswith="view_"))


def may_export_personal_data(user) -> bool:
    """Whether the user may take people's details out of the app as a file (the contacts
    CSV, engagement and lapsed lists by name, a contact's score history): whoever may change
    contacts (a coordinator), and whoever may read them where settings.VIEWERS_MAY_EXPORT
    allows it. A viewer reads on screen; a file of names and addresses travels further than
    a screen, so copying it is for the people who answer for the data. The pages
    (web.views) and the API (crm.api.permissions.PersonalDataExport) both ask here."""
    if not (user and user.is_authenticated and user.has_perm("crm.view_contact")):
        return False
    return settings.VIEWERS_MAY_EXPORT or user.has_perm("crm.change_contact")
