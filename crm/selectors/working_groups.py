from crm.models import WorkingGroup, WorkingGroupMembership

from .counts import working_group_member_counts


def working_groups_with_members() -> list[WorkingGroup]:
    """Every working group by title, with its origin forum and ``members_now`` (two
    queries)."""
    groups = list(WorkingGroup.objects.select_related("origin_forum").order_by("title"))
    counts = working_group_member_counts([g.pk for g in groups])
    for group in groups:
        group.members_now = counts.get(group.pk, 0)
    return groups


def working_group_members(group: WorkingGroup) -> list[WorkingGroupMembership]:
    """Memberships past and present, current members first, with the person."""
    rows = group.memberships.select_related("contact").order_by("left_on", "joined_on")
    return list(rows)
