import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from crm import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-password-1")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = "civil_society"
    city = "Almaty"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contact

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    city = "Almaty"
    language = "ru"


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Affiliation

    contact = factory.SubFactory(ContactFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_primary = True
    start_date = dt.date(2015, 1, 1)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_year = 2017
    end_year = 2020


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Forum

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Forum {n}")
    date = factory.Sequence(lambda n: dt.date(2018, 1, 1) + dt.timedelta(days=30 * n))
    city = "Almaty"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participation

    contact = factory.SubFactory(ContactFactory)
    forum = factory.SubFactory(ForumFactory)
    status = "attended"


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorkingGroup

    title = factory.Sequence(lambda n: f"Working group {n}")
    status = "active"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorkingGroupMembership

    working_group = factory.SubFactory(WorkingGroupFactory)
    contact = factory.SubFactory(ContactFactory)
    joined_on = dt.date(2019, 2, 1)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Consent

    contact = factory.SubFactory(ContactFactory)
    purpose = "forum_updates"
    granted = True
    source = "form"
