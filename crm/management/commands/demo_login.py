from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from crm.roles import COORDINATOR, VIEWER, roles_sync

DEMO_USERS = [
    # (username, password, group, staff)
    ("coordinator", "wealmaty-demo", COORDINATOR, True),
    ("viewer", "wealmaty-viewer", VIEWER, True),
]


class Command(BaseCommand):
    help = (
        "Create the demo logins (a coordinator and a viewer) with known passwords and print "
        "them with an API token. For local demos only: refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="run even with DEBUG off (never in production)"
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("demo_login creates known passwords; it only runs with DEBUG on.")
        roles_sync()
        User = get_user_model()
        self.stdout.write("Demo logins (local use only):")
        for username, password, group_name, staff in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = staff
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=group_name))
            token, _ = Token.objects.get_or_create(user=user)
            self.stdout.write(
                f"  {group_name:<12} user {username!r} password {password!r}  API token {token.key}"
            )
