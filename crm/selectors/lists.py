from django.db.models import QuerySet

from crm.models import ContactList


def contact_lists_recent() -> QuerySet[ContactList]:
    """Saved contact lists, newest first (the order every picker offers them in)."""
    return ContactList.objects.order_by("-created", "-id")
