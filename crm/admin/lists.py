from django.contrib import admin
from django.db.models import Count

from crm.models import ContactList, ContactListKind, ContactListMember


class MembersInline(admin.TabularInline):
    model = ContactListMember
    extra = 0
    autocomplete_fields = ["contact"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contact")


@admin.register(ContactList)
class ContactListAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "size", "created", "created_by"]
    list_filter = ["kind"]
    search_fields = ["name"]
    readonly_fields = ["kind", "parameters", "created", "created_by"]
    inlines = [MembersInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_size=Count("members"))

    @admin.display(description="members", ordering="_size")
    def size(self, contact_list):
        return contact_list._size

    def save_model(self, request, obj, form, change):
        if not change:
            obj.kind = ContactListKind.MANUAL
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
