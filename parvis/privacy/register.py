"""The commune's register of processing activities (GDPR art. 30), generated from the published procedures.

Each published procedure is a processing: its purpose, legal basis, categories of data, recipients and
retention period come from the procedure's privacy metadata (set in the builder, required to publish); the
controller and the DPO from the commune. `register_entries()` gives the entries, `rows()` the table of the
exports (ODS, XLSX through `parvis.backoffice.exports`), `render_register_pdf()` the PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from parvis.documents.pdf import render_pdf
from parvis.organisation.models import Commune
from parvis.procedures.models import Procedure, ProcedureStatus
from parvis.procedures.services import format_months

DATA_SUBJECTS = {
    "decision": "Les personnes qui font la demande (particuliers, représentants d'associations ou d'entreprises).",
    "document": "Les personnes qui demandent le document et les personnes que l'acte concerne.",
    "appointment": "Les personnes qui demandent le rendez-vous.",
    "registration": "Les responsables légaux et les enfants inscrits.",
    "payment": "Les redevables et les payeurs.",
    "report": "Les personnes qui font le signalement (coordonnées facultatives).",
    "declaration": "Les personnes qui font la déclaration et les membres de leur foyer concernés.",
}
TRANSFERS = "Aucun transfert hors de l'Union européenne."
SECURITY = ("Accès réservé aux agents habilités du service instructeur (rôles par service) ; journal des accès aux "
            "données consulté par le délégué à la protection des données ; pièces jointes conservées hors de tout "
            "accès public ; connexions chiffrées ; sauvegardes.")

HEADERS = ["N°", "Traitement (démarche)", "Service responsable", "Finalité", "Base légale",
           "Texte fondant le traitement", "Personnes concernées", "Catégories de données", "Destinataires",
           "Transferts hors UE", "Durée de conservation", "Mesures de sécurité", "Publiée depuis le"]


@dataclass(frozen=True)
class RegisterEntry:
    number: str
    procedure: Procedure
    name: str
    department: str
    purpose: str
    legal_basis: str
    legal_basis_detail: str
    data_subjects: str
    data_categories: str
    recipients: str
    transfers: str
    retention: str
    security: str
    published_on: dt.date | None

    def as_row(self):
        return [self.number, self.name, self.department, self.purpose, self.legal_basis, self.legal_basis_detail,
                self.data_subjects, self.data_categories, self.recipients, self.transfers, self.retention,
                self.security, self.published_on]


def retention_text(procedure):
    if procedure.retention_months:
        text = format_months(procedure.retention_months)
        return f"{text} ({procedure.retention_detail})" if procedure.retention_detail else text
    return procedure.retention_detail or "Non précisée"


def register_entries() -> list[RegisterEntry]:
    """One entry per published procedure, by department then title."""
    procedures = (Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
                  .select_related("department", "published_revision").order_by("department__name", "title"))
    entries = []
    for number, procedure in enumerate(procedures, start=1):
        published_at = procedure.published_revision.published_at if procedure.published_revision_id else None
        entries.append(RegisterEntry(
            number=f"T-{number:03d}", procedure=procedure, name=procedure.title,
            department=procedure.department.name, purpose=procedure.privacy_purpose or "Non renseignée",
            legal_basis=str(procedure.get_privacy_legal_basis_display()),
            legal_basis_detail=procedure.privacy_legal_basis_detail,
            data_subjects=DATA_SUBJECTS.get(procedure.family, DATA_SUBJECTS["decision"]),
            data_categories=procedure.privacy_data_categories or "Celles demandées dans le formulaire de la démarche.",
            recipients=procedure.privacy_recipients or "Les agents habilités du service responsable.",
            transfers=TRANSFERS, retention=retention_text(procedure), security=SECURITY,
            published_on=timezone.localdate(published_at) if published_at else None,
        ))
    return entries


def controller():
    """The controller (the mayor, for the commune) and the DPO, as the register's header states them."""
    commune = Commune.current()
    if commune is None:
        return {}
    return {
        "commune": commune,
        "controller": f"Le maire de {commune.name}" + (f", {commune.mayor_name}" if commune.mayor_name else ""),
        "address": commune.postal_address, "phone": commune.phone, "email": commune.email,
        "dpo_name": commune.dpo_name, "dpo_email": commune.dpo_email, "dpo_address": commune.dpo_postal_address,
    }


def rows(entries):
    return [entry.as_row() for entry in entries]


def write_spreadsheet(fmt, entries) -> bytes:
    from parvis.backoffice.exports import write_ods, write_xlsx

    writer = {"xlsx": write_xlsx, "ods": write_ods}[fmt]
    return writer(rows(entries), headers=HEADERS, title="Registre des traitements")


def render_register_pdf(entries) -> bytes:
    return render_pdf("privacy/register/pdf.html", {
        "entries": entries, **controller(), "generated_at": timezone.localtime(timezone.now())})
