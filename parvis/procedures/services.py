"""The catalogue as residents see it: only published procedures, grouped, ranked and explained.

Every page a resident sees goes through `published_procedures()` (or `get_published_procedure`), so
that a draft or closed procedure never leaks into a list, a search result or a detail page.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.procedures.models import Category, LifeEvent, PeriodUnit, Procedure, ProcedureStatus, Regime

PUBLISHED = Q(status=ProcedureStatus.PUBLISHED)


def _published_count():
    return Count("procedures", filter=Q(procedures__status=ProcedureStatus.PUBLISHED))


def published_procedures():
    """The one queryset of procedures residents may see."""
    return Procedure.objects.filter(PUBLISHED)


def get_closed_procedure(slug):
    """A procedure the commune closed (with a message for residents), or None."""
    return Procedure.objects.filter(slug=slug, status=ProcedureStatus.CLOSED).first()


def get_published_procedure(slug):
    """The published procedure with this slug, with what its page shows; Http404 otherwise."""
    procedure = (
        published_procedures()
        .select_related("category", "department")
        .prefetch_related("life_events")
        .filter(slug=slug)
        .first()
    )
    if procedure is None:
        raise Http404("Démarche introuvable ou non publiée")
    return procedure


def most_requested_procedures(limit=6):
    """The procedures shown first to residents on the home page.

    Today no case is recorded yet, so "most requested" means: the procedures the commune chose to
    feature (`is_featured`) first, then the others in alphabetical order. When cases exist (a later
    issue), this function ranks by the number of cases filed over the last twelve months, featured
    procedures still first; callers do not change.
    """
    return list(published_procedures().select_related("category").order_by("-is_featured", "title")[:limit])


def categories_with_procedures():
    """Categories holding at least one published procedure, with `procedure_count`."""
    return list(
        Category.objects.annotate(procedure_count=_published_count())
        .filter(procedure_count__gt=0)
        .order_by("sort_order", "name")
    )


def life_events_with_procedures():
    """Life events gathering at least one published procedure, with `procedure_count`."""
    return list(
        LifeEvent.objects.annotate(procedure_count=_published_count())
        .filter(procedure_count__gt=0)
        .order_by("sort_order", "name")
    )


def published_catalogue():
    """All published procedures grouped by category: a list of `(category, [procedures])`, one query."""
    procedures = published_procedures().select_related("category").order_by(
        "category__sort_order", "category__name", "category_id", "title"
    )
    return [(category, list(items)) for category, items in groupby(procedures, key=lambda p: p.category)]


def procedures_of_category(category):
    return list(published_procedures().filter(category=category).order_by("-is_featured", "title"))


def procedures_of_life_event(life_event):
    procedures = published_procedures().filter(life_events=life_event).select_related("category")
    return list(procedures.order_by("-is_featured", "title"))


# --- Plain-language explanations ------------------------------------------------------------------

def format_period(value, unit):
    """`2, "months"` → "2 mois"; `15, "days"` → "15 jours"."""
    if unit == PeriodUnit.DAYS:
        return ngettext("%(n)d jour", "%(n)d jours", value) % {"n": value}
    return ngettext("%(n)d mois", "%(n)d mois", value) % {"n": value}


def format_months(months):
    """A retention period for people: 6 → "6 mois", 12 → "1 an", 30 → "2 ans et 6 mois"."""
    if months is None:
        return ""
    years, rest = divmod(months, 12)
    if not years:
        return format_period(rest, PeriodUnit.MONTHS)
    years_text = ngettext("%(n)d an", "%(n)d ans", years) % {"n": years}
    if not rest:
        return years_text
    return _("%(years)s et %(months)s") % {"years": years_text, "months": format_period(rest, PeriodUnit.MONTHS)}


@dataclass(frozen=True)
class RegimeExplanation:
    """What silence means for a procedure, in words a resident understands (CRPA L231-1, L231-4)."""

    regime: str
    sentences: list[str]
    legal_basis: str

    @property
    def has_implicit_decision(self):
        return self.regime != Regime.NONE


def explain_regime(procedure):
    """The sentences shown on the procedure page (and, later, in acknowledgements)."""
    period = procedure.period
    if procedure.regime == Regime.SVA and period:
        sentences = [
            _("Sans réponse de la mairie dans un délai de %(period)s, votre demande est acceptée.")
            % {"period": format_period(*period)},
            _("Ce délai court à partir du jour où le service reçoit votre demande complète. "
              "Vous pourrez alors obtenir, sur simple demande, une attestation d'acceptation."),
        ]
    elif procedure.regime == Regime.SVR and period:
        sentences = [
            _("Sans réponse de la mairie dans un délai de %(period)s, votre demande est considérée comme refusée. "
              "Vous pourrez alors demander les motifs de ce refus et former un recours.")
            % {"period": format_period(*period)},
            _("Ce délai court à partir du jour où le service reçoit votre demande ; il est suspendu si des pièces "
              "vous sont demandées, jusqu'à leur réception."),
        ]
    else:
        sentences = [
            _("Cette démarche ne donne pas lieu à une décision implicite : la mairie vous répond directement."),
        ]
    if procedure.regime != Regime.NONE:
        sentences.append(_("Dans tous les cas, la mairie s'engage à vous répondre."))
    return RegimeExplanation(regime=procedure.regime, sentences=sentences, legal_basis=procedure.legal_basis)
