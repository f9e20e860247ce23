from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from phonenumber_field.serializerfields import PhoneNumberField as _PhoneNumberField
from rest_framework import serializers


class EmailAddressField(serializers.EmailField):
    """Trimmed and lower-cased (addresses are unique case-insensitively); blank means none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data).strip().lower()
        return value or None

    def validate_empty_values(self, data):
        if data == "":
            return True, None
        return super().validate_empty_values(data)


class PhoneField(_PhoneNumberField):
    """Any common way of writing a number in; E.164 (+77011234567) out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.as_e164 if value else ""

    def to_internal_value(self, data):
        if data in ("", None):
            return ""
        return super().to_internal_value(data)


class TopicsField(serializers.ListField):
    """Topics as a list of names in, a sorted list out (read from the prefetch cache)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=100))
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_attribute(self, contact):
        links = getattr(contact, "topic_links", None)  # prefetched by contact_queryset()
        if links is not None:
            return [link.tag.name for link in links]
        return [tag.name for tag in contact.tags.all()]

    def to_representation(self, names):
        return sorted(names)


class ConsentSourceField(serializers.ChoiceField):
    """A consent's source: any of them when read, only those a person states when written
    ("link" and "complaint" are recorded by the outreach itself, for withdrawals)."""

    def __init__(self, **kwargs):
        from crm.models import ConsentSource

        super().__init__(choices=ConsentSource.choices, **kwargs)
        self.recordable = [value for value, _label in ConsentSource.recordable()]

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in self.recordable:
            self.fail("invalid_choice", input=data)
        return value


class ConsentSourceFieldSchema(OpenApiSerializerFieldExtension):
    """The schema says the same: every source in answers, the recordable ones in requests."""

    target_class = ConsentSourceField

    def map_serializer_field(self, auto_schema, direction):
        from crm.models import ConsentSource

        values = (
            [value for value, _label in ConsentSource.recordable()]
            if direction == "request"
            else list(ConsentSource.values)
        )
        return {"type": "string", "enum": values}
