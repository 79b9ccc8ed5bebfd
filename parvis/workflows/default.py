"""The workflow shipped with Parvis, used by every procedure revision that has none of its own.

Reçue → En cours d'instruction → (Pièces demandées ↔) → Acceptée / Refusée / Classée sans suite, plus the
implicit decisions (Acceptée implicitement under SVA, Refusée implicitement under SVR) that the periodic
command enters when the legal period ends. Case officers and heads of department handle the cases; the
system returns a case to handling when the resident sends the missing pieces.

An explicit decision (accepted, refused, closed without action) produces a letter (PDF on the commune's
letterhead, kept with the case and shown to the resident in "Mes demandes") and an email that points to it.

The texts are in French on purpose: they are data, copied into a revision and edited in the builder.
Use `default_workflow()` to get a copy that may be changed.
"""

import copy

_SIGNATURE = """
{{ department.name }}
{{ department.postal_address }}
Téléphone : {{ department.phone }} — Courriel : {{ department.email }}
{{ commune.name }}"""

_FOLLOW_UP = "Vous pouvez suivre votre demande à tout moment : {{ case.url }}"

_LETTER_ON_LINE = "Le courrier de décision est disponible dans le suivi de votre demande : {{ case.url }}"

_DEAR = "{% if resident.civility %}{{ resident.civility }}{% else %}Madame, Monsieur{% endif %}"

_LETTER_CONTACT = """Le service {{ department.name }} reste à votre disposition pour toute question \
(téléphone : {{ department.phone }}, courriel : {{ department.email }})."""

_LETTER_CLOSING = """Je vous prie d'agréer, """ + _DEAR + """, l'expression de mes salutations distinguées.

Pour le maire et par délégation,
Le service {{ department.name }}"""

_APPEAL_ROUTES = """par un recours gracieux adressé au maire ({{ commune.postal_address }}), ou par un recours \
contentieux devant le tribunal administratif compétent, y compris par l'application Télérecours citoyens \
(https://citoyens.telerecours.fr)."""

_APPEALS = """Voies et délais de recours : vous pouvez contester cette décision dans un délai de deux mois à compter \
de sa réception, """ + _APPEAL_ROUTES

_IMPLICIT_APPEALS = """Voies et délais de recours : vous pouvez contester cette décision dans un délai de deux mois \
à compter du jour où elle est née, """ + _APPEAL_ROUTES + """ Si vous demandez ses motifs dans ce délai, \
il est prolongé jusqu'à deux mois après le jour où ils vous sont communiqués."""

_PIECES_BODY = """Bonjour{% if resident.full_name %} {{ resident.full_name }}{% endif %},

Pour traiter votre demande « {{ case.procedure }} » (référence {{ case.reference }}), \
le service {{ department.name }} a besoin des pièces suivantes :

{{ pieces.list }}

Merci de les transmettre avant le {{ pieces.deadline|date:"j F Y" }} depuis le suivi de votre demande : \
{{ case.url }}
Vous pouvez aussi les déposer au guichet du service ou les envoyer par courrier.
{% if case.silence_means %}
Tant que ces pièces ne sont pas reçues, le délai au terme duquel le silence de la commune vaut \
{{ case.silence_means }} ne court pas (article L114-5 du code des relations entre le public et \
l'administration).
{% endif %}
Bien cordialement,
""" + _SIGNATURE

_REMINDER_BODY = """Bonjour{% if resident.full_name %} {{ resident.full_name }}{% endif %},

Nous attendons toujours des pièces pour traiter votre demande « {{ case.procedure }} » \
(référence {{ case.reference }}) :

{{ pieces.list }}

Merci de les transmettre avant le {{ pieces.deadline|date:"j F Y" }} depuis le suivi de votre demande : \
{{ case.url }}
Si vous les avez déjà envoyées, vous pouvez ignorer ce message.

Bien cordialement,
""" + _SIGNATURE

_ACCEPTED_BODY = """Bonjour{% if resident.full_name %} {{ resident.full_name }}{% endif %},

Votre demande « {{ case.procedure }} » (référence {{ case.reference }}) a été acceptée \
le {{ decision.date|date:"j F Y" }}.

""" + _LETTER_ON_LINE + """

Bien cordialement,
""" + _SIGNATURE

_REFUSED_BODY = """Bonjour{% if resident.full_name %} {{ resident.full_name }}{% endif %},

Votre demande « {{ case.procedure }} » (référence {{ case.reference }}) a été refusée \
le {{ decision.date|date:"j F Y" }}, pour les motifs suivants :

{{ decision.motivation }}

""" + _APPEALS + """

""" + _LETTER_ON_LINE + """

Bien cordialement,
""" + _SIGNATURE

_CLOSED_BODY = """Bonjour{% if resident.full_name %} {{ resident.full_name }}{% endif %},

Votre demande « {{ case.procedure }} » (référence {{ case.reference }}) a été classée sans suite \
le {{ decision.date|date:"j F Y" }}, pour le motif suivant :

{{ decision.motivation }}

""" + _LETTER_ON_LINE + """
Pour toute question, vous pouvez contacter le service {{ department.name }}.

Bien cordialement,
""" + _SIGNATURE

_ACCEPTED_LETTER = _DEAR + """,

Par votre demande « {{ case.procedure }} » reçue le {{ case.received_on|date:"j F Y" }} \
(référence {{ case.reference }}), vous avez sollicité la commune.

J'ai le plaisir de vous informer que votre demande est acceptée.

""" + _LETTER_CONTACT + """

""" + _LETTER_CLOSING

_REFUSED_LETTER = _DEAR + """,

Par votre demande « {{ case.procedure }} » reçue le {{ case.received_on|date:"j F Y" }} \
(référence {{ case.reference }}), vous avez sollicité la commune.

J'ai le regret de vous informer que votre demande est refusée, pour les motifs suivants :

{{ decision.motivation }}

""" + _APPEALS + """

""" + _LETTER_CONTACT + """

""" + _LETTER_CLOSING

_CLOSED_LETTER = _DEAR + """,

Votre demande « {{ case.procedure }} » reçue le {{ case.received_on|date:"j F Y" }} \
(référence {{ case.reference }}) est classée sans suite, pour le motif suivant :

{{ decision.motivation }}

""" + _LETTER_CONTACT + """

""" + _LETTER_CLOSING

_IMPLICITLY_ACCEPTED_BODY = """Bonjour{% if resident.full_name %} {{ resident.full_name }}{% endif %},

La commune n'ayant pas répondu dans le délai prévu à votre demande « {{ case.procedure }} » \
(référence {{ case.reference }}), une décision implicite d'acceptation est née le \
{{ case.implicit_decision_on|date:"j F Y" }}.

Vous pouvez obtenir une attestation de cette décision (article L232-3 du code des relations entre le public \
et l'administration) : elle se télécharge depuis le suivi de votre demande, ou sur simple demande au service.

""" + _FOLLOW_UP + """

Bien cordialement,
""" + _SIGNATURE

_IMPLICITLY_REFUSED_BODY = """Bonjour{% if resident.full_name %} {{ resident.full_name }}{% endif %},

La commune n'ayant pas répondu dans le délai prévu à votre demande « {{ case.procedure }} » \
(référence {{ case.reference }}), une décision implicite de rejet est née le \
{{ case.implicit_decision_on|date:"j F Y" }}.

Vous pouvez demander les motifs de cette décision tant que le délai de recours n'est pas écoulé, depuis le \
suivi de votre demande ou auprès du service : ils vous seront communiqués dans le mois qui suit votre demande \
(article L232-4 du code des relations entre le public et l'administration).

""" + _IMPLICIT_APPEALS + """

""" + _FOLLOW_UP + """

Bien cordialement,
""" + _SIGNATURE

_HANDLERS = ["case_officer", "head"]
_OPEN = ["received", "in_progress", "pieces_requested"]

DEFAULT_WORKFLOW = {
    "version": 1,
    "initial": "received",
    "statuses": [
        {
            "key": "received", "label": "Reçue", "resident_label": "Reçue",
            "next_step": "Le service {{ department.name }} va examiner votre demande.",
            "final": False, "outcome": None, "system": False, "on_enter": [],
        },
        {
            "key": "in_progress", "label": "En cours d'instruction", "resident_label": "En cours de traitement",
            "next_step": "Le service {{ department.name }} examine votre demande.",
            "final": False, "outcome": None, "system": False,
            "on_enter": [{"type": "assign", "to": "actor"}],
        },
        {
            "key": "pieces_requested", "label": "Pièces demandées", "resident_label": "Des pièces sont à fournir",
            "next_step": "Envoyez les pièces demandées depuis la page de votre demande, avant la date indiquée.",
            "final": False, "outcome": None, "system": False,
            "on_enter": [
                {"type": "request_pieces"},
                {"type": "email_resident",
                 "subject": "Votre demande {{ case.reference }} : des pièces sont à fournir",
                 "body": _PIECES_BODY},
                {"type": "start_timer", "days": 7, "then": "remind",
                 "subject": "Rappel : des pièces sont attendues pour votre demande {{ case.reference }}",
                 "body": _REMINDER_BODY},
            ],
        },
        {
            "key": "accepted", "label": "Acceptée", "resident_label": "Acceptée",
            "next_step": "Votre demande a été acceptée.",
            "final": True, "outcome": "accepted", "system": False,
            "on_enter": [
                {"type": "record_decision", "outcome": "accepted"},
                {"type": "produce_document", "title": "Décision : demande acceptée", "template": _ACCEPTED_LETTER,
                 "visible_to_resident": True},
                {"type": "email_resident", "subject": "Votre demande {{ case.reference }} a été acceptée",
                 "body": _ACCEPTED_BODY},
            ],
        },
        {
            "key": "refused", "label": "Refusée", "resident_label": "Refusée",
            "next_step": "Votre demande a été refusée : la décision précise ses motifs et les voies de recours.",
            "final": True, "outcome": "refused", "system": False,
            "on_enter": [
                {"type": "record_decision", "outcome": "refused"},
                {"type": "produce_document", "title": "Décision : demande refusée", "template": _REFUSED_LETTER,
                 "visible_to_resident": True},
                {"type": "email_resident", "subject": "Votre demande {{ case.reference }} a été refusée",
                 "body": _REFUSED_BODY},
            ],
        },
        {
            "key": "closed_without_action", "label": "Classée sans suite", "resident_label": "Classée sans suite",
            "next_step": "Votre demande a été classée sans suite : le message envoyé en précise le motif.",
            "final": True, "outcome": "closed", "system": False,
            "on_enter": [
                {"type": "record_decision", "outcome": "closed"},
                {"type": "produce_document", "title": "Décision : demande classée sans suite",
                 "template": _CLOSED_LETTER, "visible_to_resident": True},
                {"type": "email_resident", "subject": "Votre demande {{ case.reference }} a été classée sans suite",
                 "body": _CLOSED_BODY},
            ],
        },
        {
            "key": "implicitly_accepted", "label": "Acceptée implicitement",
            "resident_label": "Acceptée (décision implicite)",
            "next_step": (
                "Votre demande est réputée acceptée. Le service {{ department.name }} peut vous en délivrer "
                "une attestation."
            ),
            "final": True, "outcome": "accepted", "system": True,
            "on_enter": [
                {"type": "record_decision", "outcome": "accepted"},
                {"type": "email_resident", "subject": "Votre demande {{ case.reference }} est acceptée",
                 "body": _IMPLICITLY_ACCEPTED_BODY},
            ],
        },
        {
            "key": "implicitly_refused", "label": "Refusée implicitement",
            "resident_label": "Refusée (décision implicite)",
            "next_step": (
                "Votre demande est réputée rejetée. Vous pouvez demander les motifs de cette décision au service "
                "{{ department.name }}."
            ),
            "final": True, "outcome": "refused", "system": True,
            "on_enter": [
                {"type": "record_decision", "outcome": "refused"},
                {"type": "email_resident", "subject": "Votre demande {{ case.reference }} est rejetée",
                 "body": _IMPLICITLY_REFUSED_BODY},
            ],
        },
    ],
    "transitions": [
        {"key": "start", "label": "Commencer l'instruction", "from": ["received"], "to": "in_progress",
         "roles": list(_HANDLERS), "system": False, "requires": []},
        {"key": "request_pieces", "label": "Demander des pièces", "from": ["received", "in_progress"],
         "to": "pieces_requested", "roles": list(_HANDLERS), "system": False, "requires": ["pieces"]},
        # The system takes it when the resident sends the pieces online; an agent when they come another way.
        {"key": "pieces_received", "label": "Pièces reçues", "from": ["pieces_requested"], "to": "in_progress",
         "roles": list(_HANDLERS), "system": True, "requires": []},
        {"key": "accept", "label": "Accepter", "from": list(_OPEN), "to": "accepted",
         "roles": list(_HANDLERS), "system": False, "requires": []},
        {"key": "refuse", "label": "Refuser", "from": list(_OPEN), "to": "refused",
         "roles": list(_HANDLERS), "system": False, "requires": ["motivation"]},
        {"key": "close", "label": "Classer sans suite", "from": list(_OPEN), "to": "closed_without_action",
         "roles": list(_HANDLERS), "system": False, "requires": ["motivation"]},
    ],
}


def default_workflow() -> dict:
    """A copy of `DEFAULT_WORKFLOW`, to store in a revision or edit."""
    return copy.deepcopy(DEFAULT_WORKFLOW)
