"""Side effects that must follow a row wherever it is deleted from (API, admin, cascade)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from crm.models import ForumDocument


@receiver(post_delete, sender=ForumDocument)
def forum_document_file_delete(sender, instance: ForumDocument, **kwargs):
    """Remove the uploaded file once the deletion is committed (a rollback keeps both)."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
