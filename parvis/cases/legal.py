"""Plain-French wording of the legal facts of a case, shared by pages, emails and PDFs.

The dates come from the deadlines engine (`parvis.cases.deadlines`) through the case's
`implicit_decision_on`; this module only says them in words a resident understands.
"""

import datetime as dt

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from parvis.cases.deadlines import PARIS, attestation_available_from, working_days_after

_WORDS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze"]

CHANNEL_PHRASES = {
    "web": "en ligne",
    "counter": "au guichet",
    "phone": "par téléphone",
    "mail": "par courrier",
    "email": "par courriel",
}


def channel_phrase(channel):
    return CHANNEL_PHRASES.get(channel, channel)


def period_in_words(value, unit):
    """(2, "months") -> "deux mois"; (15, "days") -> "15 jours"."""
    if not value:
        return ""
    number = _WORDS[value] if value < len(_WORDS) else str(value)
    if unit == "days":
        return f"{number} jour" if value == 1 else f"{number} jours"
    return f"{number} mois"


def short_date(day):
    return formats.date_format(day, "d/m/Y") if day else ""


def paris_date(value):
    """The Paris calendar date of an aware datetime (or a date as is)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, PARIS).date()
    return value


def acknowledgement_due_by(case):
    """The last day to send the acknowledgement of an online request (R112-11-2)."""
    return working_days_after(paris_date(case.received_at), settings.ACKNOWLEDGEMENT_MAX_WORKING_DAYS)


def implicit_decision_summary(case, pending_pieces=None, today=None):
    """One sentence for the resident about what silence will mean, or "" when it means nothing.

    `pending_pieces` is whether pieces are awaited; it is read from the case when not given.
    """
    if not case.is_open or case.regime not in ("SVA", "SVR"):
        return ""
    if pending_pieces is None:
        pending_pieces = any(request.is_pending for request in case.pieces_requests.all())
    today = today or timezone.localdate()
    decision_on = case.implicit_decision_on
    if decision_on is None:
        if pending_pieces:
            return _("Le délai de réponse de la mairie commencera quand votre dossier sera complet.")
        return ""
    date = short_date(decision_on)
    if decision_on < today:
        if case.regime == "SVA":
            return _("Sans réponse de la mairie au %(date)s, votre demande est réputée acceptée. "
                     "Vous pouvez demander une attestation d'acceptation.") % {"date": date}
        return _("Sans réponse de la mairie au %(date)s, votre demande est considérée comme refusée.") % {"date": date}
    if case.regime == "SVA":
        sentence = _("Sans réponse de la mairie d'ici le %(date)s, votre demande sera acceptée") % {"date": date}
    else:
        sentence = _("Sans réponse de la mairie d'ici le %(date)s, votre demande sera considérée comme refusée") % {
            "date": date}
    if pending_pieces:
        sentence += " " + _("(sous réserve que votre dossier soit complet)")
    return sentence + "."


def attestation_date(case):
    if case.regime == "SVA" and case.implicit_decision_on:
        return attestation_available_from(case.implicit_decision_on)
    return None
