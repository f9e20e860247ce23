"""Templates and mailings: save, preview, freeze the audience, schedule, send, cancel."""

import datetime
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override

from core.queue import OUTBOX_WORK, enqueue
from core.services import model_create, model_update, validate
from crm.models import ConsentPurpose, Contact, Forum, Language
from crm.models.choices import ParticipationStatus

from ..audience import Audience, ForumAudience, InvitationsAudience, mailing_audience
from ..messages import about_fields, contact_fields, example_links, mailing_fields, message_build
from ..models import (
    FollowUp,
    Mailing,
    MailingStatus,
    MessageTemplate,
    OutboxMessage,
    OutboxStatus,
    SuppressionReason,
    TemplateTranslation,
)
from ..rendering import Rendered, compile_translation, render, template_check
from ..selectors import recipient_list

logger = logging.getLogger(__name__)

# --- templates ----------------------------------------------------------------------------


def _translations_check(translations: Iterable[dict]) -> list[dict]:
    translations = list(translations)
    if not translations:
        raise ValidationError({"translations": _("Give at least one language version.")})
    languages = [t["language"] for t in translations]
    if len(set(languages)) != len(languages):
        raise ValidationError({"translations": _("Each language once, please.")})
    for translation in translations:
        for field in ("subject", "body_text", "body_html"):
            if translation.get(field):
                template_check(translation[field], field)
    return translations


@transaction.atomic
def template_save(
    *,
    name: str,
    purpose: str,
    translations: Iterable[dict],
    template: MessageTemplate | None = None,
) -> MessageTemplate:
    """Create or replace a template with its language versions. Template errors and unknown
    fields are refused here, never discovered while sending."""
    translations = _translations_check(translations)
    if template is None:
        template = model_create(MessageTemplate, name=name, purpose=purpose)
    else:
        busy = Mailing.objects.filter(
            template=template, status__in=[MailingStatus.SCHEDULED, MailingStatus.SENDING]
        )
        if busy.exists():
            # Its messages are being written from these texts: changing them half-way would
            # send two versions (or none, for a language taken away).
            raise ValidationError(
                {
                    "template": _(
                        "A scheduled or sending mailing uses this template; "
                        "wait for it to finish or cancel it first."
                    )
                }
            )
        model_update(
            instance=template, data={"name": name, "purpose": purpose}, fields=("name", "purpose")
        )
        template.translations.all().delete()
    for translation in translations:
        model_create(
            TemplateTranslation,
            template=template,
            language=translation["language"],
            subject=translation["subject"],
            body_text=translation["body_text"],
            body_html=translation.get("body_html", ""),
        )
    return template


def language_among(preferred: str, available: set[str]) -> str:
    """The contact's language if the template has it, else the first fallback it has."""
    for language in (preferred, *settings.OUTREACH_FALLBACK_LANGUAGES, *Language.values):
        if language in available:
            return language
    raise ValidationError(_("The template has no language versions."))


def language_for(template: MessageTemplate, preferred: str) -> str:
    return language_among(preferred, {t.language for t in template.translations.all()})


def mailing_previews(mailing: Mailing, recipients) -> list[dict]:
    """One rendered example per template language, each for a real recipient who will get
    it (nobody who is left out: "as X would receive it" must be true)."""
    languages = {t.language for t in mailing.template.translations.all()}
    wanted = {}
    for recipient in recipients:
        if not recipient.reason:
            wanted.setdefault(language_among(recipient.language, languages), recipient)
    contacts = Contact.objects.in_bulk([r.contact_id for r in wanted.values()])
    previews = []
    for language in sorted(wanted):
        contact = contacts[wanted[language].contact_id]
        used, rendered = mailing_preview(mailing=mailing, contact=contact)
        previews.append(
            {"language": Language(used).label, "contact": contact, "rendered": rendered}
        )
    return previews


def mailing_preview(*, mailing: Mailing, contact: Contact) -> tuple[str, Rendered]:
    """What this contact would receive, rendered with real fields (links included)."""
    language = language_for(mailing.template, contact.language)
    translation = mailing.template.translations.get(language=language)
    row = OutboxMessage(
        mailing=mailing, contact=contact, email=contact.email or "", language=language
    )
    message = message_build(
        row,
        mailing,
        {language: compile_translation(translation)},
        mailing_fields(mailing),
    )
    html = next((body for body, kind in message.alternatives if kind == "text/html"), "")
    return language, Rendered(subject=message.subject, body_text=message.body, body_html=html)


def template_preview(
    *,
    purpose: str,
    version: dict,
    contact: Contact,
    forum: Forum | None = None,
    working_group=None,
) -> Rendered:
    """A language version, saved or not, as ``contact`` would receive it: their own fields,
    the forum or working group the message would be about, and example links (no token, so
    following one from a preview unsubscribes nobody). The same checks as saving first."""
    for field in ("subject", "body_text", "body_html"):
        if version.get(field):
            template_check(version[field], field)
    compiled = compile_translation(
        TemplateTranslation(
            subject=version.get("subject", ""),
            body_text=version.get("body_text", ""),
            body_html=version.get("body_html", ""),
        )
    )
    context = {
        **about_fields(forum=forum, working_group=working_group),
        "contact": contact_fields(contact, contact.email or ""),
        **example_links(invitation=purpose == ConsentPurpose.WORKING_GROUP),
    }
    with language_override(version["language"]):
        return render(compiled, context)


def template_render(*, translation: TemplateTranslation, context: dict) -> Rendered:
    return render(compile_translation(translation), context)


# --- mailings -----------------------------------------------------------------------------


@transaction.atomic
def mailing_create(
    *,
    name: str,
    purpose: str,
    template: MessageTemplate,
    audience: Audience,
    forum: Forum | None = None,
    working_group=None,
    created_by=None,
) -> Mailing:
    if template.purpose != purpose:
        raise ValidationError(
            {"template": _("This template is for %(purpose)s.") % {"purpose": template.purpose}}
        )
    audience.check()
    if forum is None and isinstance(audience, ForumAudience):
        forum = Forum.objects.get(pk=audience.forum)
    return model_create(
        Mailing,
        name=name,
        purpose=purpose,
        template=template,
        audience=audience.stored(),
        forum=forum,
        working_group=working_group,
        created_by=created_by,
    )


@transaction.atomic
def mailing_start(*, mailing: Mailing) -> Mailing:
    """Freeze the audience into the outbox and start sending (after the commit).

    Everyone selected gets a row: "queued", or "suppressed" with the reason they are left
    out. One row per mailing and contact, each with its own Message-ID.
    """
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status not in (MailingStatus.DRAFT, MailingStatus.SCHEDULED):
        raise ValidationError({"status": _("This mailing was already sent or cancelled.")})
    audience = mailing_audience(mailing)
    invitation_of = {}
    if isinstance(audience, InvitationsAudience):
        invitation_of = audience.invitation_of()
    available = {t.language for t in mailing.template.translations.all()}
    rows = []
    for recipient in recipient_list(audience=audience, purpose=mailing.purpose):
        language = language_among(recipient.language, available)
        rows.append(
            OutboxMessage(
                mailing=mailing,
                contact_id=recipient.contact_id,
                email=recipient.email,
                language=language,
                status=OutboxStatus.SUPPRESSED if recipient.reason else OutboxStatus.QUEUED,
                reason=recipient.reason,
                invitation_id=invitation_of.get(recipient.contact_id),
            )
        )
    OutboxMessage.objects.bulk_create(rows, batch_size=2_000)
    mailing.status = MailingStatus.SENDING
    mailing.started = timezone.now()
    mailing.save(update_fields=["status", "started"])
    # A broker that is away just now must not turn "Send now" into an error (enqueue is
    # robust): the rows are committed and the mailing is sending, so the sweep (every minute,
    # and when a worker reconnects) starts the work instead.
    for _worker in range(settings.OUTREACH_WORKERS_PER_MAILING):
        enqueue(OUTBOX_WORK, mailing.pk)
    return mailing


@transaction.atomic
def mailing_schedule(
    *,
    mailing: Mailing,
    send_at: datetime.datetime | None = None,
    days_after_forum: int | None = None,
) -> Mailing:
    """Send at a time, or N days after its forum (at OUTREACH_SEND_HOUR local time)."""
    # Locked and read again: a "send now" in another request may have started it.
    mailing = (
        Mailing.objects.select_for_update(of=("self",)).select_related("forum").get(pk=mailing.pk)
    )
    if mailing.status not in (MailingStatus.DRAFT, MailingStatus.SCHEDULED):
        raise ValidationError({"status": _("Only a draft can be scheduled.")})
    if days_after_forum is not None:
        if mailing.forum is None:
            raise ValidationError({"days_after_forum": _("This mailing has no forum.")})
        day = mailing.forum.date + datetime.timedelta(days=days_after_forum)
        send_at = datetime.datetime.combine(
            day, datetime.time(settings.OUTREACH_SEND_HOUR), tzinfo=ZoneInfo(settings.TIME_ZONE)
        )
    if send_at is None:
        raise ValidationError({"send_at": _("Give a time or a number of days after the forum.")})
    if send_at <= timezone.now():
        field = "days_after_forum" if days_after_forum is not None else "send_at"
        raise ValidationError({field: _("That time has passed: send it now instead.")})
    mailing.status = MailingStatus.SCHEDULED
    mailing.send_at = send_at
    mailing.save(update_fields=["status", "send_at"])
    return mailing


@transaction.atomic
def mailing_cancel(*, mailing: Mailing) -> Mailing:
    """Stop a mailing: nothing more is sent; messages already handed over stay sent."""
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status in (MailingStatus.DONE, MailingStatus.CANCELLED):
        raise ValidationError(
            {"status": _("This mailing is already %(status)s.") % {"status": mailing.status}}
        )
    mailing.status = MailingStatus.CANCELLED
    mailing.finished = timezone.now()
    mailing.save(update_fields=["status", "finished"])
    OutboxMessage.objects.filter(mailing=mailing, status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.SUPPRESSED, reason=SuppressionReason.CANCELLED
    )
    return mailing


def mailing_finish_if_done(mailing_id: int) -> dict:
    """Done when nothing is queued or in flight; else say when the next retry is due."""
    pending = OutboxMessage.objects.filter(
        mailing_id=mailing_id, status__in=[OutboxStatus.QUEUED, OutboxStatus.SENDING]
    )
    if not pending.exists():
        Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).update(
            status=MailingStatus.DONE, finished=timezone.now()
        )
        return {"done": True}
    waiting = pending.filter(status=OutboxStatus.QUEUED).order_by("not_before").first()
    if waiting is not None and waiting.not_before:
        return {"retry_in": max(1.0, (waiting.not_before - timezone.now()).total_seconds())}
    return {}


def mailings_due() -> list[int]:
    """Start the scheduled mailings whose time has come (called every minute by beat)."""
    started = []
    for pk in Mailing.objects.filter(
        status=MailingStatus.SCHEDULED, send_at__lte=timezone.now()
    ).values_list("pk", flat=True):
        try:
            mailing_start(mailing=Mailing(pk=pk))
        except ValidationError:
            continue  # started by another scheduler in the meantime
        except Exception:
            # One broken mailing must not stop the others, nor follow-ups and reminders.
            logger.exception("scheduled mailing %s could not start", pk)
            continue
        started.append(pk)
    return started


@transaction.atomic
def follow_up_set(
    *, forum: Forum, template: MessageTemplate, days_after: int, enabled=True
) -> FollowUp:
    follow_up = FollowUp.objects.filter(forum=forum).first() or FollowUp(forum=forum)
    follow_up.template, follow_up.days_after, follow_up.enabled = template, days_after, enabled
    validate(follow_up)  # every field's rules, whoever calls (days_after within a year)
    follow_up.save()
    return follow_up


def follow_ups_due() -> list[int]:
    """Create and start each due follow-up once: the FollowUp row is locked and gets its
    mailing in the same transaction, so a restarted scheduler finds it done."""
    today = timezone.localdate()
    started = []
    candidates = FollowUp.objects.filter(enabled=True, mailing__isnull=True).select_related(
        "forum", "template"
    )
    for follow_up in candidates:
        if follow_up.forum.date + datetime.timedelta(days=follow_up.days_after) > today:
            continue
        with transaction.atomic():
            locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
            if locked.mailing_id is not None:
                continue
            mailing = mailing_create(
                name=_("Follow-up: %(forum)s") % {"forum": follow_up.forum.title},
                purpose=follow_up.template.purpose,
                template=follow_up.template,
                audience=ForumAudience(
                    forum=follow_up.forum_id, statuses=(ParticipationStatus.ATTENDED,)
                ),
                forum=follow_up.forum,
            )
            locked.mailing = mailing
            locked.save(update_fields=["mailing"])
            mailing_start(mailing=mailing)
        started.append(mailing.pk)
    return started
