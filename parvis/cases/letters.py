"""Letters about a case as PDFs on the commune's letterhead (WeasyPrint, `parvis.documents.pdf.render_pdf`).

* `produce_letter`: a workflow's `produce_document` (decision letters): the body is a text written in the
  builder, rendered with `render_text_as_html` (everything escaped, the administrator's text included);
* `issue_attestation`: the attestation of implicit acceptance (CRPA L232-3), once per case;
* `produce_reasons_letter`: the reasons of an implicit rejection, given on request (L232-4).

Letters are stored as `CaseDocument` rows (kind `letter` or `attestation`), served by the access-checked
document views; the resident reads them in "Mes demandes".
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from parvis.cases.acknowledgements import _recipient
from parvis.cases.legal import paris_date, period_in_words
from parvis.cases.models import Case, CaseDocument, DocumentKind
from parvis.documents.pdf import render_pdf
from parvis.files.services import store_bytes
from parvis.organisation.models import Commune
from parvis.workflows.placeholders import render_template_text, render_text_as_html


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower().encode("ascii", "ignore").decode()).strip("-")[:60] or "courrier"


def _store(case, pdf, *, title, kind, visible_to_resident, actor):
    filename = f"{_slug(title)}-{case.reference}.pdf"
    stored = store_bytes(pdf, filename, "application/pdf", uploaded_by=actor)
    return CaseDocument.objects.create(case=case, stored_file=stored, kind=kind, label=title[:255], added_by=actor,
                                       visible_to_resident=visible_to_resident)


def render_letter(case, *, title, body_html, issued_on=None, commune=None):
    """PDF bytes of a letter: letterhead, recipient, date, reference, `title` and `body_html` (safe HTML)."""
    return render_pdf("cases/pdf/letter.html", {
        "case": case,
        "commune": commune or Commune.current(),
        "recipient": _recipient(case),
        "issued_on": issued_on or timezone.localdate(),
        "title": title,
        "body_html": mark_safe(body_html),  # escaped by render_text_as_html / linebreaks
        "theme_color": settings.THEME_PRIMARY_COLOR,
    })


def produce_letter(case, *, title_template, body_template, values, visible_to_resident=True, actor=None,
                   issued_on=None):
    """A workflow letter: title and body rendered from the builder's texts, stored on the case."""
    title = " ".join(render_template_text(title_template, values).split()) or "Courrier"
    body_html = render_text_as_html(body_template, values)
    pdf = render_letter(case, title=title, body_html=body_html, issued_on=issued_on)
    return _store(case, pdf, title=title, kind=DocumentKind.LETTER, visible_to_resident=visible_to_resident,
                  actor=actor)


def attestation_document(case):
    return case.documents.filter(kind=DocumentKind.ATTESTATION).select_related("stored_file").first()


def issue_attestation(case, decision, *, actor=None, channel=""):
    """The attestation of implicit acceptance (L232-3) of `case`, produced once; later calls return it.

    `decision` is the case's implicit acceptance. The check is made again under the case's row lock, so two
    downloads at once produce one attestation.
    """
    from parvis.cases.services import record_event

    if document := attestation_document(case):
        return document
    pdf = render_pdf("cases/pdf/attestation.html", {
        "case": case,
        "commune": Commune.current(),
        "recipient": _recipient(case),
        "issued_on": timezone.localdate(),
        "received_on": paris_date(case.received_at),
        "decision_on": decision.decided_on,
        "period_words": period_in_words(case.period_value, case.period_unit),
        "theme_color": settings.THEME_PRIMARY_COLOR,
    })
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if document := attestation_document(case):
            return document
        document = _store(case, pdf, title="Attestation d'acceptation implicite", kind=DocumentKind.ATTESTATION,
                          visible_to_resident=True, actor=actor)
        if decision.letter_id is None:
            decision.letter = document
            decision.save(update_fields=["letter"])
        record_event(case, "attestation_issued", "Attestation d'acceptation implicite délivrée (article L232-3)",
                     actor=actor, channel=channel, data={"document": document.pk})
    return document


def produce_reasons_letter(case, *, reasons, decision, actor=None):
    """The letter giving the reasons of an implicit rejection (L232-4); `reasons` is the agent's text."""
    body = (
        f"Madame, Monsieur,\n\nVous avez demandé les motifs de la décision implicite de rejet née le "
        f"{decision.decided_on:%d/%m/%Y} sur votre demande « {case.procedure.title} » (référence "
        f"{case.reference}). En application de l'article L232-4 du code des relations entre le public et "
        f"l'administration, ils sont les suivants :\n\n{reasons}\n\n"
        "Le délai de recours contentieux contre cette décision est prolongé jusqu'à l'expiration de deux mois "
        "suivant le jour où les présents motifs vous ont été communiqués.\n\n"
        f"Pour le maire et par délégation,\n{case.department.name}"
    )
    title = "Communication des motifs d'une décision implicite de rejet"
    pdf = render_letter(case, title=title, body_html=linebreaks(body, autoescape=True))
    return _store(case, pdf, title=title, kind=DocumentKind.LETTER, visible_to_resident=True, actor=actor)
