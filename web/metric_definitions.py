"""What each figure on the pages means, written once: the one-line explanation shown on hover
(and on a tap, see templates/web/metric.html), the reasoning and the source shown on the
definitions page (/help/metrics/). Templates reach them through the ``metric`` tags
(web/templatetags/metrics.py), so no page carries its own copy.

The texts follow docs/network.md ("Sources and reasoning") and docs/engagement.md ("Why
these numbers"). Sources are citations and stay as published.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from engagement.choices import EngagementLevel
from network.metrics import BrokerageRole


@dataclass(frozen=True)
class MetricDefinition:
    key: str  # the anchor on the definitions page, and the API's field name where there is one
    label: Promise
    line: Promise  # one sentence, shown on hover or tap
    why: Promise | str = ""
    source: str = ""


def _roles() -> list[MetricDefinition]:
    lines = {
        BrokerageRole.COORDINATOR: _(
            "Stands between two people of their own sector who have not met."
        ),
        BrokerageRole.GATEKEEPER: _(
            "Lets someone from another sector in to a person of their own sector."
        ),
        BrokerageRole.REPRESENTATIVE: _(
            "Carries a person of their own sector out to someone of another sector."
        ),
        BrokerageRole.CONSULTANT: _(
            "Stands between two people of one other sector who have not met."
        ),
        BrokerageRole.LIAISON: _(
            "Stands between people of two different sectors, neither of them their own."
        ),
    }
    return [MetricDefinition(key=role.value, label=role.label, line=lines[role]) for role in lines]


def _levels() -> list[MetricDefinition]:
    lines = {
        EngagementLevel.CORE: _(
            "Came to 4 or more forums and to at least half of those held since their first."
        ),
        EngagementLevel.REGULAR: _(
            "Came to 2 or more forums and to at least a quarter of those held since their first."
        ),
        EngagementLevel.OCCASIONAL: _("Came, but less often than a regular."),
        EngagementLevel.NEW: _("First came to one of the last 3 forums of their programmes."),
        EngagementLevel.LAPSED: _(
            "Came to 2 or more forums, then missed the last 3 of every programme they attend."
        ),
    }
    return [
        MetricDefinition(key=f"level-{level.value}", label=level.label, line=lines[level])
        for level in lines
    ]


NETWORK = [
    MetricDefinition(
        key="degree",
        label=_("Ties"),
        line=_("How many different people they have attended at least one forum with."),
        why=_("How many people someone has met, and so could reach with one phone call."),
        source="Freeman, “Centrality in social networks”, 1979",
    ),
    MetricDefinition(
        key="weighted_degree",
        label=_("Forums shared with others"),
        line=_("Their ties counted with weight: each forum attended together counts once."),
        why=_("How often they have met people, not only how many."),
        source="Freeman 1979",
    ),
    MetricDefinition(
        key="betweenness",
        label=_("Betweenness"),
        line=_(
            "How often they lie on the shortest path between two other people: "
            "news and introductions pass through them."
        ),
        why=_(
            "Counted on the unweighted network, because meeting at more forums makes a tie "
            "closer, not a path shorter. Exact up to 5,000 people, estimated from 256 sampled "
            "starting points above that."
        ),
        source=(
            "Freeman 1977; Brandes, “A faster algorithm for betweenness centrality”, 2001; "
            "Brandes & Pich 2007"
        ),
    ),
    MetricDefinition(
        key="closeness",
        label=_("Closeness"),
        line=_("How few steps they are from everyone else (0 to 1, higher is closer)."),
        why=_(
            "The harmonic form stays defined when the network falls apart into groups that "
            "never met."
        ),
        source="Marchiori & Latora 2000; Boldi & Vigna, “Axioms for centrality”, 2014",
    ),
    MetricDefinition(
        key="pagerank",
        label=_("PageRank"),
        line=_("Well connected to the well connected: the people whose invitation others accept."),
        why=_(
            "Weighted by forums attended together, with the usual damping of 0.85; the "
            "figures of everyone add up to 1."
        ),
        source="Brin & Page 1998",
    ),
    MetricDefinition(
        key="community",
        label=_("Community"),
        line=_("The group of people who keep meeting each other; 0 is the largest."),
        why=_("Found by modularity, with a fixed seed so that a recompute gives the same groups."),
        source="Blondel et al., Louvain method, 2008",
    ),
    MetricDefinition(
        key="constraint",
        label=_("Constraint (Burt)"),
        line=_(
            "How much their contacts know each other: low constraint marks a bridge between groups."
        ),
        why=_(
            "Someone whose contacts all know each other hears nothing new; someone whose "
            "contacts do not know each other can bring them together."
        ),
        source="Burt, Structural Holes, 1992",
    ),
    MetricDefinition(
        key="effective_size",
        label=_("Effective size"),
        line=_(
            "Their number of contacts, less the ties among those contacts: non-redundant reach."
        ),
        why=_("High effective size, like low constraint, marks people whose contacts are apart."),
        source="Burt, Structural Holes, 1992",
    ),
    MetricDefinition(
        key="ei_index",
        label=_("E-I index"),
        line=_(
            "Ties outside their sector minus ties inside, over all ties: from −1 (only their "
            "own sector) to +1 (only other sectors)."
        ),
        why=_("Whether someone's ties leave their own sector: the purpose of the dialogue."),
        source="Krackhardt & Stern, “Informal networks and organizational crises”, 1988",
    ),
    MetricDefinition(
        key="cross_sector_ties",
        label=_("Cross-sector ties"),
        line=_("How many of the people they have met belong to another sector."),
        source="Krackhardt & Stern 1988",
    ),
    MetricDefinition(
        key="sectors_reached",
        label=_("Sectors reached"),
        line=_("How many sectors the people they have met belong to, their own included."),
        source="Krackhardt & Stern 1988",
    ),
    MetricDefinition(
        key="brokerage",
        label=_("Brokerage roles"),
        line=_(
            "Pairs of people who have not met each other but have both met this person, "
            "counted by the sectors of the three."
        ),
        why=_(
            "Which sectors someone connects, and whether from inside or outside them. The "
            "names are the authors': a broker's “coordinator” role is not the coordinators "
            "who use this app. Cross-sector brokerage adds up every role but coordinator."
        ),
        source="Gould & Fernandez, “Structures of mediation”, Sociological Methodology 19, 1989",
    ),
    *_roles(),
]

ENGAGEMENT = [
    MetricDefinition(
        key="engagement_score",
        label=_("Engagement score"),
        line=_(
            "Forums attended and working groups joined, each counting half as much for every "
            "year that has passed since."
        ),
        why=_(
            "A forum attended a year ago counts half as much as one today: no cliff, and a "
            "year spans three to six forums at the usual rhythm. Speakers and moderators "
            "count 2, organisers and partners 1.5, participants 1; a current working-group "
            "chair 3 and member 2."
        ),
    ),
    MetricDefinition(
        key="engagement_level",
        label=_("Engagement level"),
        line=_(
            "Core, regular, occasional, new or lapsed: counted from forums attended, so it "
            "can be checked by hand."
        ),
        why=_(
            "Three missed forums is the window: at the usual rhythm that is six months to a "
            "year away. One missed forum is chance, three is a pattern worth a phone call."
        ),
    ),
    *_levels(),
]

DEFINITIONS: dict[str, MetricDefinition] = {d.key: d for d in (*NETWORK, *ENGAGEMENT)}
