"""One vocabulary: every list of sectors, statuses, roles, levels and metric columns is
derived from crm.models.choices and the models, never copied. A copy, or a new value that
one of the derived lists cannot place, fails here."""

import ast
from pathlib import Path

import pytest

from core.jobs import SnapshotStatus
from crm.models import ContactListKind
from crm.models.choices import (
    ConsentPurpose,
    ConsentSource,
    Language,
    MembershipRole,
    ParticipationRole,
    ParticipationStatus,
    Sector,
)
from engagement.choices import EngagementLevel
from network.metrics import BrokerageRole
from network.models import METRIC_COLUMNS, MetricsColumns
from outreach.models import InvitationStatus, MailingStatus, OutboxStatus

ROOT = Path(__file__).resolve().parent.parent
CODE = ["core", "crm", "network", "engagement", "outreach", "web", "tasks", "config", "bench"]
VOCABULARIES = {
    "Sector": Sector.values,
    "ParticipationRole": ParticipationRole.values,
    "ParticipationStatus": ParticipationStatus.values,
    "MembershipRole": MembershipRole.values,
    "ConsentPurpose": ConsentPurpose.values,
    "EngagementLevel": EngagementLevel.values,
    "BrokerageRole": BrokerageRole.values,
    "metric columns": METRIC_COLUMNS,
    "Language": Language.values,
    "ConsentSource": ConsentSource.values,
    "ContactListKind": ContactListKind.values,
    "SnapshotStatus": SnapshotStatus.values,
    "MailingStatus": MailingStatus.values,
    "OutboxStatus": OutboxStatus.values,
    "InvitationStatus": InvitationStatus.values,
}
# Settings are read before the apps load, so they cannot import the vocabulary; a
# deployment's fallback order of languages is configuration, not a copy.
COPIES_ALLOWED = {("config/settings/base.py", "Language")}
# Names under which a single bare value is a vocabulary's: as a keyword argument, a default
# or one side of a comparison (status="attended", x.role == "speaker").
NAMED = {
    "sector": Sector.values,
    "role": {*ParticipationRole.values, *MembershipRole.values},
    "status": {
        *ParticipationStatus.values,
        *SnapshotStatus.values,
        *MailingStatus.values,
        *OutboxStatus.values,
        *InvitationStatus.values,
    },
    "purpose": ConsentPurpose.values,
    "source": ConsentSource.values,
    "kind": ContactListKind.values,
    "language": Language.values,
    "level": EngagementLevel.values,
}


def _string_collections(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        strings = isinstance(node, ast.List | ast.Tuple | ast.Set) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
        )
        if strings and len(node.elts) >= 2:
            yield node.lineno, {e.value for e in node.elts}


def test_no_code_holds_a_copy_of_a_vocabulary():
    """A literal list of two or more values of one vocabulary is a copy that drifts when the
    vocabulary changes: write the enum's members (or derive from it) instead."""
    copies = [
        f"{path.relative_to(ROOT)}:{line}: {name} {sorted(words)}"
        for folder in CODE
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        for line, words in _string_collections(path)
        for name, values in VOCABULARIES.items()
        if words <= set(values) and (str(path.relative_to(ROOT)), name) not in COPIES_ALLOWED
    ]
    assert copies == []


def _name_of(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _named_values(path: Path):
    """(line, name, value) for a bare string given to, or compared with, a vocabulary name."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant):
            base = (node.arg or "").split("__")[0]
            yield node.value.lineno, base, node.value.value
        elif isinstance(node, ast.Compare) and len(node.comparators) == 1:
            left, right = node.left, node.comparators[0]
            for name_side, value_side in ((left, right), (right, left)):
                if isinstance(value_side, ast.Constant):
                    yield node.lineno, _name_of(name_side), value_side.value
        elif isinstance(node, ast.arguments):
            plain = node.posonlyargs + node.args
            pairs = list(zip(plain[len(plain) - len(node.defaults) :], node.defaults, strict=True))
            pairs += [
                (a, d)
                for a, d in zip(node.kwonlyargs, node.kw_defaults, strict=True)
                if d is not None
            ]
            for arg, default in pairs:
                if isinstance(default, ast.Constant):
                    yield default.lineno, arg.arg, default.value


def test_no_code_names_a_vocabulary_value_by_hand():
    """status="attended" compiles whatever crm calls it; ParticipationStatus.ATTENDED fails
    at import when the vocabulary changes. (The benchmarks, clients of the product that
    measure it from outside, may speak its values.)"""
    bare = [
        f"{path.relative_to(ROOT)}:{line}: {name}={value!r}"
        for folder in CODE
        if folder != "bench"
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        for line, name, value in _named_values(path)
        if isinstance(value, str) and value in NAMED.get(name, ())
    ]
    assert bare == []


def test_the_network_codes_every_sector_of_crm_and_one_for_unknown():
    from network.graphs import SECTOR_ORDER, UNKNOWN_SECTOR, UNKNOWN_SECTOR_CODE, sector_codes

    assert (*Sector.values, UNKNOWN_SECTOR) == SECTOR_ORDER
    assert SECTOR_ORDER[UNKNOWN_SECTOR_CODE] == UNKNOWN_SECTOR
    codes = sector_codes([*Sector.values, "", "no such sector"]).tolist()
    assert codes == [*range(len(Sector.values)), UNKNOWN_SECTOR_CODE, UNKNOWN_SECTOR_CODE]


def test_engagement_arrays_number_crms_statuses_roles_and_its_levels():
    from engagement import scoring

    assert tuple(ParticipationStatus.values) == scoring.STATUSES
    assert scoring.STATUSES[scoring.ATTENDED] == ParticipationStatus.ATTENDED
    assert tuple(ParticipationRole.values) == scoring.PARTICIPATION_ROLES
    assert tuple(MembershipRole.values) == scoring.MEMBERSHIP_ROLES
    assert tuple(EngagementLevel.values) == scoring.LEVELS


def test_every_participation_and_membership_role_has_its_own_weight():
    from engagement.scoring import EngagementParameters

    parameters = EngagementParameters()
    assert set(parameters.role_weights) == set(ParticipationRole.values)
    assert set(parameters.membership_weights) == set(MembershipRole.values)
    # The weights array is in the order of the role codes, whatever the mapping's order.
    shuffled = dict(reversed(list(parameters.role_weights.items())))
    again = EngagementParameters(role_weights=shuffled)
    assert again.role_weight_array().tolist() == parameters.role_weight_array().tolist()
    assert parameters.role_weight_array().tolist() == [
        parameters.role_weights[role] for role in ParticipationRole.values
    ]


@pytest.mark.parametrize(
    "weights",
    [
        {"participant": 1.0, "speaker": 2.0},  # a role without a weight
        {**dict.fromkeys(ParticipationRole.values, 1.0), "keynote": 3.0},  # not a role
    ],
)
def test_weights_that_do_not_match_the_roles_are_refused(weights):
    from engagement.scoring import EngagementParameters

    with pytest.raises(ValueError, match="every role"):
        EngagementParameters(role_weights=weights)


def test_weights_stored_by_position_are_read_back_by_role():
    """Snapshots stored before the weights were keyed kept them in crm's role order."""
    from engagement.scoring import EngagementParameters

    stored = {"role_weights": [1.0, 2.0, 2.0, 1.5, 1.5], "chair_weight": 3.0,
              "member_weight": 2.0, "lapse_after": 3}  # fmt: skip
    parameters = EngagementParameters.from_stored(stored)
    assert parameters.role_weights == EngagementParameters().role_weights
    assert parameters.membership_weights == EngagementParameters().membership_weights


def test_stored_engagement_has_a_column_per_role_and_per_level():
    from engagement.api.serializers import ENGAGEMENT_FIELDS, SectorEngagementSerializer
    from engagement.models import ContactEngagement, OrganisationEngagement, SectorEngagement

    for model in (ContactEngagement, OrganisationEngagement):
        fields = {f.name for f in model._meta.get_fields()}
        assert set(ParticipationRole.values) <= fields
    assert set(ParticipationRole.values) <= set(ENGAGEMENT_FIELDS)
    levels = {f.name for f in SectorEngagement._meta.get_fields()} & set(EngagementLevel.values)
    assert levels == set(EngagementLevel.values)
    assert set(EngagementLevel.values) <= set(SectorEngagementSerializer.Meta.fields)


def test_metric_columns_are_the_models_and_hold_every_brokerage_role():
    fields = [f.name for f in MetricsColumns._meta.local_fields]
    assert [name for name in fields if name != "sector"] == METRIC_COLUMNS
    assert set(BrokerageRole.values) <= set(METRIC_COLUMNS)


def test_the_explorers_metric_names_are_metric_columns():
    from web.views.network import METRIC_LABELS

    assert set(METRIC_LABELS) <= set(METRIC_COLUMNS)
    assert set(BrokerageRole.values) <= set(METRIC_LABELS)
