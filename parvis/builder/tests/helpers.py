"""Helpers of the builder's tests: a complete, publishable draft made through the services."""

from parvis.builder import schema_ops, services

SCHEMA = {"version": 1, "pages": [
    {"key": "vous", "title": "Vous", "sections": [
        {"key": "identite", "title": "Identité", "fields": [
            {"key": "prenom", "type": "text", "label": "Prénom", "required": True, "prefill": "profile.first_name"},
            {"key": "nom", "type": "text", "label": "Nom", "required": True, "prefill": "profile.last_name"},
        ]},
    ]},
    {"key": "reservation", "title": "La réservation", "sections": [
        {"key": "salle_date", "title": "La salle", "fields": [
            {"key": "salle", "type": "choice", "label": "Salle", "required": True, "choices": [
                {"value": "fetes", "label": "Salle des fêtes"}, {"value": "parc", "label": "Salle du Parc"}]},
            {"key": "sono", "type": "yesno", "label": "Sonorisation ?",
             "condition": {"field": "salle", "op": "equals", "value": "fetes"}},
        ]},
    ]},
]}

PRIVACY = {"privacy_purpose": "Gérer la réservation.", "privacy_legal_basis": "public_task",
           "privacy_data_categories": "Identité, coordonnées.", "privacy_recipients": "Le service.",
           "retention_months": 24, "retention_detail": "après l'événement"}


def make_ready_procedure(admin, department, category, *, title="Location de salle", schema=None, **settings):
    """A new procedure whose draft passes every guard rail (not published)."""
    procedure = services.create_procedure(user=admin, title=title, department=department, category=category,
                                          family="decision")
    services.edit_form(procedure, admin, lambda current: current.update(schema or SCHEMA))
    services.edit_settings(procedure, admin, {
        "summary": "Réserver une salle municipale.",
        "offline_alternative": "Au guichet de la mairie, du lundi au vendredi.",
        "regime": "SVR", "period_value": 2, "period_unit": "months",
        "legal_basis": "CRPA L231-4, 3°", **PRIVACY, **settings})
    return procedure


def make_published_procedure(admin, department, category, **kwargs):
    procedure = make_ready_procedure(admin, department, category, **kwargs)
    services.publish(procedure, admin)
    procedure.refresh_from_db()
    return procedure


def field_keys(schema):
    return [field["key"] for _page, _section, field in schema_ops.iter_fields(schema)]
