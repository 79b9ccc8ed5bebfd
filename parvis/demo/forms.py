"""The forms of the Admiville demo procedures, one schema per procedure slug (`FORMS`).

Each schema follows docs/dev/form-schema.md and is attached to its procedure in `parvis.demo.data`
(`"form_schema"`), so that `manage.py load_demo` publishes it as a revision of the procedure.

What the forms show, on purpose:
- "say it once": identity and contact fields are pre-filled from the resident's profile (`prefill`);
- only what the department strictly needs (no health, no religion; a birth date only where the rule
  depends on age); optional fields are really optional;
- between them, every field type, both choice widgets, single and multiple uploads, page, section and
  field conditions with every operator, and a procedure open without an account (the street report).
"""

from __future__ import annotations


def _choices(*pairs):
    return [{"value": value, "label": label} for value, label in pairs]


def _first_name(key="prenom", label="Votre prénom"):
    return {"key": key, "type": "text", "label": label, "required": True, "max_length": 100,
            "prefill": "profile.first_name"}


def _last_name(key="nom", label="Votre nom"):
    return {"key": key, "type": "text", "label": label, "required": True, "max_length": 100,
            "prefill": "profile.last_name"}


def _civility(key="civilite"):
    return {"key": key, "type": "choice", "label": "Civilité", "required": True, "prefill": "profile.civility",
            "choices": _choices(("mme", "Madame"), ("m", "Monsieur"))}


def _phone(key="telephone", required=False, help_text="Pour vous joindre si une question se pose sur votre demande."):
    return {"key": key, "type": "phone", "label": "Votre téléphone", "help": help_text, "required": required,
            "prefill": "profile.phone"}


def _email(key="courriel", required=False):
    return {"key": key, "type": "email", "label": "Votre adresse électronique", "required": required,
            "prefill": "profile.email"}


def _address(key="adresse", label="Votre adresse", required=True, help_text=""):
    field = {"key": key, "type": "address", "label": label, "required": required, "prefill": "profile.address"}
    if help_text:
        field["help"] = help_text
    return field


def _proof_of_address(key="justificatif_domicile", required=True):
    return {"key": key, "type": "file", "label": "Justificatif de domicile de moins de 3 mois",
            "help": "Facture d'électricité, de gaz, d'eau ou de téléphone, quittance de loyer, avis d'imposition.",
            "required": required, "accept": ["pdf", "jpeg", "png"], "max_size_mb": 10}


def _sworn_statement(key="attestation", label="Je certifie sur l'honneur que les renseignements donnés sont exacts."):
    return {"key": key, "type": "consent", "label": label, "required": True,
            "help": "Une fausse déclaration est punie par la loi (code pénal, art. 441-7)."}


def _delivery_section():
    """How a civil-status document is handed over: by post (to an address pre-filled from the profile)
    or at the counter."""
    return {"key": "remise", "title": "Recevoir le document", "fields": [
        {"key": "mode_remise", "type": "choice", "label": "Comment souhaitez-vous recevoir le document ?",
         "required": True, "choices": _choices(
             ("courrier", "Par courrier, gratuitement"),
             ("guichet", "Je viens le chercher au guichet de l'état civil"))},
        _address("adresse_envoi", "Adresse d'envoi", help_text="L'adresse où la mairie envoie le document.")
        | {"condition": {"field": "mode_remise", "op": "equals", "value": "courrier"}},
        {"key": "info_guichet", "type": "info", "label": "Au guichet",
         "help": "Le document vous attend au guichet de l'état civil, 1 place de la République, 2 jours ouvrés "
                 "après votre demande. Présentez une pièce d'identité.",
         "condition": {"field": "mode_remise", "op": "equals", "value": "guichet"}},
    ]}


# --- État civil ---------------------------------------------------------------------------------------

_COPY_TYPES = _choices(
    ("copie_integrale", "Copie intégrale"),
    ("extrait_filiation", "Extrait avec filiation"),
    ("extrait_sans_filiation", "Extrait sans filiation"),
    ("plurilingue", "Extrait plurilingue (pour une administration étrangère)"),
)

BIRTH_CERTIFICATE = {"version": 1, "pages": [
    {"key": "acte", "title": "L'acte demandé", "sections": [
        {"key": "document", "title": "Le document", "fields": [
            {"key": "type_copie", "type": "choice", "label": "Quel document vous faut-il ?", "required": True,
             "help": "L'extrait sans filiation suffit pour la plupart des démarches. La copie intégrale reproduit "
                     "tout l'acte et ses mentions (mariage, divorce...).", "choices": _COPY_TYPES},
            {"key": "nombre_exemplaires", "type": "integer", "label": "Nombre d'exemplaires", "required": True,
             "min": 1, "max": 3},
        ]},
        {"key": "personne", "title": "La personne concernée par l'acte", "fields": [
            {"key": "lien", "type": "choice", "widget": "select", "label": "Cet acte est", "required": True,
             "choices": _choices(
                 ("moi", "Le mien"),
                 ("enfant", "Celui de mon enfant"),
                 ("parent", "Celui de mon père ou de ma mère"),
                 ("grand_parent", "Celui d'un de mes grands-parents"),
                 ("petit_enfant", "Celui d'un de mes petits-enfants"),
                 ("conjoint", "Celui de mon conjoint ou partenaire de Pacs"),
                 ("represente", "Celui d'une personne que je représente légalement"),
                 ("professionnel", "Je suis notaire ou avocat"),
                 ("autre", "Celui d'une autre personne"))},
            {"key": "info_sans_lien", "type": "info", "label": "Sans lien de famille avec la personne",
             "help": "Vous ne pouvez obtenir qu'un extrait sans filiation. Choisissez ce document, sinon la "
                     "demande sera refusée.",
             "condition": {"all": [
                 {"field": "lien", "op": "equals", "value": "autre"},
                 {"field": "type_copie", "op": "one_of", "value": ["copie_integrale", "extrait_filiation"]},
             ]}},
            {"key": "personne_nom", "type": "text", "label": "Son nom de naissance", "required": True,
             "max_length": 100},
            {"key": "personne_prenoms", "type": "text", "label": "Ses prénoms", "required": True,
             "max_length": 150, "help": "Tous les prénoms, dans l'ordre de l'acte."},
            {"key": "date_naissance", "type": "date", "label": "Sa date de naissance", "required": True,
             "max": "today"},
        ]},
        {"key": "filiation", "title": "Ses parents",
         "help": "Ils figurent sur l'acte : leurs noms permettent de le retrouver sans erreur.",
         "condition": {"field": "type_copie", "op": "one_of", "value": ["copie_integrale", "extrait_filiation"]},
         "fields": [
             {"key": "parent_1", "type": "text", "label": "Nom et prénoms du premier parent", "required": True,
              "max_length": 200},
             {"key": "parent_2", "type": "text", "label": "Nom et prénoms du second parent", "max_length": 200,
              "help": "Laissez vide si un seul parent figure sur l'acte."},
         ]},
    ]},
    {"key": "demandeur", "title": "Vous et l'envoi", "sections": [
        {"key": "identite", "title": "Vous", "fields": [_first_name(), _last_name(), _phone()]},
        _delivery_section(),
        {"key": "engagement", "title": "Votre engagement", "fields": [
            _sworn_statement(label="Je certifie sur l'honneur avoir le droit d'obtenir ce document et que les "
                                   "renseignements donnés sont exacts."),
        ]},
    ]},
]}

DEATH_CERTIFICATE = {"version": 1, "pages": [
    {"key": "acte", "title": "L'acte de décès demandé", "sections": [
        {"key": "defunt", "title": "La personne décédée", "fields": [
            {"key": "defunt_nom", "type": "text", "label": "Son nom", "required": True, "max_length": 100,
             "help": "Le nom de naissance et, s'il y a lieu, le nom d'usage."},
            {"key": "defunt_prenoms", "type": "text", "label": "Ses prénoms", "required": True, "max_length": 150},
            {"key": "date_deces", "type": "date", "label": "Date du décès", "required": True, "max": "today"},
            {"key": "nombre_exemplaires", "type": "integer", "label": "Nombre d'exemplaires", "required": True,
             "min": 1, "max": 5, "help": "Banque, caisse de retraite, notaire : comptez un exemplaire pour chacun."},
        ]},
        {"key": "identite", "title": "Vous", "fields": [_first_name(), _last_name(), _phone()]},
        _delivery_section(),
    ]},
]}

# --- Espace public ------------------------------------------------------------------------------------

REMOVAL_VAN = {"version": 1, "pages": [
    {"key": "demandeur", "title": "Vous et votre déménagement", "sections": [
        {"key": "identite", "title": "Vous", "fields": [
            _civility(), _first_name(), _last_name(),
            _phone(required=True, help_text="Le service Voirie vous appelle si l'emplacement pose problème."),
        ]},
        {"key": "entreprise", "title": "L'entreprise de déménagement", "fields": [
            {"key": "par_entreprise", "type": "yesno", "label": "Une entreprise de déménagement intervient-elle ?",
             "required": True},
            {"key": "entreprise_nom", "type": "text", "label": "Nom de l'entreprise", "required": True,
             "max_length": 150, "condition": {"field": "par_entreprise", "op": "equals", "value": True}},
            {"key": "entreprise_siret", "type": "text", "label": "Numéro SIRET de l'entreprise", "max_length": 17,
             "help": "14 chiffres, sur le devis ou la facture.",
             "condition": {"field": "par_entreprise", "op": "equals", "value": True}},
        ]},
    ]},
    {"key": "occupation", "title": "L'emplacement et les dates", "sections": [
        {"key": "lieu", "title": "Le lieu", "fields": [
            _address("adresse_occupation", "Adresse du déménagement",
                     help_text="L'adresse devant laquelle le véhicule stationne (ancien ou nouveau logement)."),
            {"key": "nombre_places", "type": "integer", "label": "Nombre de places de stationnement nécessaires",
             "required": True, "min": 1, "max": 6, "help": "Une place fait environ 5 mètres."},
        ]},
        {"key": "dates", "title": "Les dates", "fields": [
            {"key": "date_debut", "type": "date", "label": "Premier jour", "required": True, "min": "today",
             "help": "Faites la demande au moins 15 jours avant."},
            {"key": "date_fin", "type": "date", "label": "Dernier jour", "min": "today",
             "help": "Seulement si l'occupation dure plusieurs jours."},
            {"key": "creneau", "type": "choice", "label": "Horaires", "required": True, "choices": _choices(
                ("matin", "Le matin (7 h – 13 h)"), ("apres_midi", "L'après-midi (13 h – 20 h)"),
                ("journee", "Toute la journée (7 h – 20 h)"))},
        ]},
        {"key": "vehicule", "title": "Le véhicule", "fields": [
            {"key": "longueur_vehicule", "type": "decimal", "label": "Longueur du véhicule (en mètres)",
             "required": True, "min": 2, "max": 20, "decimal_places": 1, "help": "Par exemple 7,5."},
            {"key": "immatriculation", "type": "text", "label": "Numéro d'immatriculation", "max_length": 12,
             "help": "Par exemple AB-123-CD. Si vous ne le connaissez pas encore, envoyez-le plus tard par message."},
            {"key": "monte_meubles", "type": "yesno", "label": "Installerez-vous un monte-meubles ?",
             "required": True},
            {"key": "plan", "type": "file", "label": "Plan ou photo de l'emplacement",
             "help": "Facultatif : il aide le service à situer l'emplacement.",
             "accept": ["pdf", "jpeg", "png"], "max_size_mb": 10},
        ]},
    ]},
    {"key": "engagement", "title": "Votre engagement", "sections": [
        {"key": "regles", "title": "Les règles de l'occupation", "fields": [
            {"key": "info_panneaux", "type": "info", "label": "Les panneaux de stationnement interdit",
             "help": "Le service Voirie vous remet les panneaux avec l'arrêté. Installez-les au moins 48 heures "
                     "avant le déménagement, avec une copie de l'arrêté bien visible."},
            {"key": "engagement_regles", "type": "consent", "required": True,
             "label": "Je m'engage à respecter l'arrêté, à laisser un passage pour les piétons et à rendre "
                      "l'emplacement propre."},
        ]},
    ]},
]}

REPORT = {"version": 1, "pages": [
    {"key": "signalement", "title": "Votre signalement", "sections": [
        {"key": "probleme", "title": "Le problème", "fields": [
            {"key": "categorie", "type": "choice", "label": "De quoi s'agit-il ?", "required": True,
             "choices": _choices(
                 ("voirie", "Chaussée ou trottoir abîmé (nid-de-poule...)"),
                 ("eclairage", "Éclairage public en panne"),
                 ("proprete", "Dépôt sauvage ou déchets"),
                 ("tag", "Tag ou graffiti"),
                 ("espaces_verts", "Arbre ou espace vert"),
                 ("mobilier", "Mobilier urbain (banc, potelet, panneau)"),
                 ("autre", "Autre problème"))},
            {"key": "description", "type": "textarea", "label": "Décrivez le problème", "required": True,
             "max_length": 2000},
            {"key": "danger", "type": "yesno", "label": "Le problème présente-t-il un danger ?", "required": True},
            {"key": "info_danger", "type": "info", "label": "En cas de danger immédiat",
             "help": "Appelez le 17 (police) ou le 112 (urgences). Ce formulaire n'est pas suivi en continu.",
             "condition": {"field": "danger", "op": "equals", "value": True}},
        ]},
        {"key": "lieu", "title": "Le lieu", "fields": [
            {"key": "lieu_adresse", "type": "address", "label": "Adresse la plus proche", "required": True},
            {"key": "lieu_repere", "type": "text", "label": "Repère", "max_length": 200,
             "help": "Par exemple : devant le n° 12, à l'angle de la rue des Écoles."},
        ]},
        {"key": "photos_section", "title": "Photos", "fields": [
            {"key": "photos", "type": "file", "label": "Photos du problème", "multiple": True, "max_files": 3,
             "accept": ["jpeg", "png"], "max_size_mb": 10, "help": "Facultatif, mais une photo aide les équipes."},
            {"key": "photos_anonymes", "type": "consent", "required": True,
             "label": "Mes photos ne montrent ni personne reconnaissable ni plaque d'immatriculation lisible.",
             "condition": {"field": "photos", "op": "filled"}},
        ]},
    ]},
    {"key": "contact", "title": "Vous joindre (facultatif)",
     "help": "Seulement si les équipes ont besoin d'une précision. Vous pouvez laisser ces champs vides.",
     "sections": [
         {"key": "coordonnees", "title": "Vos coordonnées", "fields": [
             {"key": "contact_nom", "type": "text", "label": "Votre nom", "max_length": 100,
              "prefill": "profile.last_name"},
             _phone("contact_telephone", help_text="Les équipes peuvent vous appeler pour trouver le lieu."),
         ]},
     ]},
]}

# --- Salles --------------------------------------------------------------------------------------------

ROOM_HIRE = {"version": 1, "pages": [
    {"key": "reservation", "title": "Votre réservation", "sections": [
        {"key": "salle_date", "title": "La salle et la date", "fields": [
            {"key": "salle", "type": "choice", "label": "Salle souhaitée", "required": True, "choices": _choices(
                ("jean_moulin", "Salle des fêtes Jean-Moulin (200 personnes)"),
                ("parc", "Salle polyvalente du Parc (100 personnes)"),
                ("tilleuls", "Salle de quartier des Tilleuls (60 personnes)"))},
            {"key": "date_evenement", "type": "date", "label": "Date de l'événement", "required": True,
             "min": "today", "help": "Faites la demande au moins 2 mois avant."},
            {"key": "creneau", "type": "choice", "widget": "select", "label": "Durée de la location",
             "required": True, "choices": _choices(
                 ("journee", "La journée (9 h – 19 h)"), ("soiree", "La soirée (19 h – 2 h)"),
                 ("week_end", "Le week-end (du samedi 9 h au dimanche 19 h)"))},
            {"key": "nombre_invites", "type": "integer", "label": "Nombre de personnes attendues", "required": True,
             "min": 1, "max": 200, "help": "La capacité de la salle choisie s'applique."},
        ]},
        {"key": "evenement", "title": "L'événement", "fields": [
            {"key": "type_evenement", "type": "choice", "label": "Type d'événement", "required": True,
             "choices": _choices(("anniversaire", "Anniversaire"), ("mariage", "Mariage ou Pacs"),
                                 ("famille", "Fête de famille"), ("autre", "Autre"))},
            {"key": "type_evenement_precision", "type": "text", "label": "Précisez l'événement", "required": True,
             "max_length": 200, "condition": {"field": "type_evenement", "op": "equals", "value": "autre"}},
            {"key": "vente_alcool", "type": "yesno", "label": "Prévoyez-vous une vente de boissons alcoolisées ?",
             "required": True},
            {"key": "vente_alcool_detail", "type": "textarea", "label": "Boissons vendues et horaires de la buvette",
             "required": True, "max_length": 1000,
             "help": "Une autorisation de débit de boissons temporaire est nécessaire : le service vous envoie "
                     "le formulaire.",
             "condition": {"field": "vente_alcool", "op": "equals", "value": True}},
            {"key": "equipements", "type": "multichoice", "label": "Équipements souhaités",
             "help": "Facultatif ; certains sont payants (voir les tarifs).", "choices": _choices(
                 ("sono", "Sonorisation"), ("videoprojecteur", "Vidéoprojecteur"),
                 ("tables", "Tables et chaises supplémentaires"), ("cuisine", "Accès à la cuisine"))},
        ]},
    ]},
    {"key": "locataire", "title": "Vos coordonnées", "sections": [
        {"key": "identite", "title": "Vous", "fields": [
            _civility(), _first_name(), _last_name(),
            {"key": "date_naissance", "type": "date", "label": "Votre date de naissance", "required": True,
             "max": "today", "prefill": "profile.birth_date",
             "help": "La location est réservée aux personnes majeures."},
        ]},
        {"key": "contact", "title": "Vous joindre", "fields": [
            _email(required=True), _phone(required=True), _address(),
        ]},
    ]},
    {"key": "pieces", "title": "Pièces justificatives", "sections": [
        {"key": "documents", "title": "Vos documents", "fields": [
            _proof_of_address(),
            {"key": "attestation_assurance", "type": "file",
             "label": "Attestation d'assurance responsabilité civile pour l'événement",
             "help": "Facultatif maintenant : vous pourrez la remettre à la signature du contrat.",
             "accept": ["pdf", "jpeg", "png"], "max_size_mb": 10},
            {"key": "reglement", "type": "consent", "required": True,
             "label": "J'ai lu le règlement d'utilisation des salles municipales et je m'engage à le respecter."},
        ]},
    ]},
]}

# --- Famille et enfance --------------------------------------------------------------------------------

FEE_REDUCTION = {"version": 1, "pages": [
    {"key": "foyer", "title": "Votre foyer", "sections": [
        {"key": "responsable", "title": "Vous", "fields": [_first_name(), _last_name(), _phone()]},
        {"key": "enfants", "title": "Vos enfants", "fields": [
            {"key": "nombre_enfants", "type": "integer", "label": "Nombre d'enfants à votre charge",
             "required": True, "min": 1, "max": 12},
            {"key": "enfants_prenoms", "type": "text", "label": "Prénoms des enfants qui fréquentent ces services",
             "required": True, "max_length": 300},
            {"key": "services", "type": "multichoice", "label": "Services concernés", "required": True, "min": 1,
             "choices": _choices(("cantine", "Restauration scolaire"), ("periscolaire", "Accueil périscolaire"),
                                 ("centre_loisirs", "Centre de loisirs"))},
        ]},
        {"key": "quotient", "title": "Votre quotient familial", "fields": [
            {"key": "organisme", "type": "choice", "label": "Vous recevez des prestations familiales de",
             "required": True, "choices": _choices(("caf", "La CAF"), ("msa", "La MSA"),
                                                   ("aucun", "Aucun organisme"))},
            {"key": "numero_allocataire", "type": "text", "label": "Votre numéro d'allocataire", "required": True,
             "max_length": 20, "condition": {"field": "organisme", "op": "one_of", "value": ["caf", "msa"]}},
            {"key": "consultation_qf", "type": "yesno", "required": True,
             "label": "Acceptez-vous que le guichet unique consulte directement votre quotient familial ?",
             "help": "Vous n'avez alors aucun justificatif à fournir.",
             "condition": {"field": "organisme", "op": "one_of", "value": ["caf", "msa"]}},
        ]},
    ]},
    {"key": "justificatifs", "title": "Vos justificatifs de ressources",
     "help": "Sans consultation directe de votre quotient familial, joignez vos justificatifs.",
     "condition": {"any": [{"field": "organisme", "op": "equals", "value": "aucun"},
                           {"field": "consultation_qf", "op": "equals", "value": False}]},
     "sections": [
         {"key": "ressources", "title": "Vos ressources", "fields": [
             {"key": "justificatifs_ressources", "type": "file", "multiple": True, "max_files": 4,
              "label": "Dernier avis d'imposition et, si vous en recevez, attestation de prestations familiales",
              "required": True, "accept": ["pdf", "jpeg", "png"], "max_size_mb": 10},
         ]},
     ]},
    {"key": "declaration", "title": "Votre engagement", "sections": [
        {"key": "engagement", "title": "Exactitude des informations", "fields": [_sworn_statement()]},
    ]},
]}

SCHOOL_ENROLMENT = {"version": 1, "pages": [
    {"key": "enfant", "title": "Votre enfant", "sections": [
        {"key": "identite_enfant", "title": "Son identité", "fields": [
            {"key": "enfant_prenom", "type": "text", "label": "Son prénom", "required": True, "max_length": 100},
            {"key": "enfant_nom", "type": "text", "label": "Son nom", "required": True, "max_length": 100},
            {"key": "enfant_naissance", "type": "date", "label": "Sa date de naissance", "required": True,
             "max": "today"},
        ]},
        {"key": "scolarite", "title": "Sa scolarité", "fields": [
            {"key": "niveau", "type": "choice", "widget": "select", "label": "Classe à la rentrée",
             "required": True, "choices": _choices(
                 ("ps", "Petite section"), ("ms", "Moyenne section"), ("gs", "Grande section"), ("cp", "CP"),
                 ("ce1", "CE1"), ("ce2", "CE2"), ("cm1", "CM1"), ("cm2", "CM2"))},
            {"key": "date_entree", "type": "date", "label": "Date d'entrée souhaitée", "min": "today",
             "help": "Laissez vide pour la rentrée de septembre."},
            {"key": "premiere_ecole", "type": "yesno", "label": "Est-ce sa première école ?", "required": True},
            {"key": "ecole_precedente", "type": "text", "label": "Nom et commune de l'école actuelle",
             "required": True, "max_length": 200,
             "condition": {"field": "premiere_ecole", "op": "equals", "value": False}},
        ]},
    ]},
    {"key": "responsables", "title": "Les responsables légaux", "sections": [
        {"key": "responsable_1", "title": "Vous", "fields": [
            _first_name(), _last_name(), _phone(required=True), _email(),
            _address(help_text="L'école est attribuée selon l'adresse de l'enfant."),
        ]},
        {"key": "second_responsable_section", "title": "L'autre responsable légal", "fields": [
            {"key": "second_responsable", "type": "yesno", "required": True,
             "label": "L'enfant a-t-il un autre responsable légal ?"},
        ]},
        {"key": "responsable_2", "title": "Ses coordonnées",
         "condition": {"field": "second_responsable", "op": "equals", "value": True}, "fields": [
             {"key": "r2_prenom", "type": "text", "label": "Son prénom", "required": True, "max_length": 100},
             {"key": "r2_nom", "type": "text", "label": "Son nom", "required": True, "max_length": 100},
             {"key": "r2_telephone", "type": "phone", "label": "Son téléphone"},
             {"key": "separes", "type": "yesno", "label": "Êtes-vous séparés ?", "required": True},
             {"key": "decision_residence", "type": "file", "required": True,
              "label": "Décision fixant la résidence de l'enfant, ou accord écrit de l'autre parent",
              "accept": ["pdf", "jpeg", "png"], "max_size_mb": 10,
              "condition": {"field": "separes", "op": "equals", "value": True}},
         ]},
    ]},
    {"key": "pieces", "title": "Pièces justificatives", "sections": [
        {"key": "documents", "title": "Vos documents", "fields": [
            {"key": "livret_famille", "type": "file", "multiple": True, "max_files": 4, "required": True,
             "label": "Livret de famille (pages des parents et de l'enfant) ou acte de naissance de l'enfant",
             "accept": ["pdf", "jpeg", "png"], "max_size_mb": 10},
            _proof_of_address(),
            {"key": "certificat_radiation", "type": "file", "label": "Certificat de radiation de l'ancienne école",
             "help": "Facultatif maintenant : l'école actuelle vous le remet au départ de l'enfant.",
             "accept": ["pdf", "jpeg", "png"], "max_size_mb": 10,
             "condition": {"field": "premiere_ecole", "op": "equals", "value": False}},
            _sworn_statement(),
        ]},
    ]},
]}

_WEEKDAYS = _choices(("lundi", "Lundi"), ("mardi", "Mardi"), ("mercredi", "Mercredi"), ("jeudi", "Jeudi"),
                     ("vendredi", "Vendredi"))

NURSERY = {"version": 1, "pages": [
    {"key": "enfant", "title": "Votre enfant", "sections": [
        {"key": "naissance", "title": "Sa naissance", "fields": [
            {"key": "enfant_ne", "type": "yesno", "label": "Votre enfant est-il né ?", "required": True},
            {"key": "enfant_prenom", "type": "text", "label": "Son prénom", "required": True, "max_length": 100,
             "condition": {"field": "enfant_ne", "op": "equals", "value": True}},
            {"key": "enfant_naissance", "type": "date", "label": "Sa date de naissance", "required": True,
             "max": "today", "condition": {"field": "enfant_ne", "op": "equals", "value": True}},
            {"key": "naissance_prevue", "type": "date", "label": "Date de naissance prévue", "required": True,
             "min": "today", "condition": {"field": "enfant_ne", "op": "equals", "value": False}},
        ]},
    ]},
    {"key": "accueil", "title": "L'accueil souhaité", "sections": [
        {"key": "besoins", "title": "Vos besoins", "fields": [
            {"key": "date_entree", "type": "date", "label": "Date d'entrée souhaitée", "required": True,
             "min": "today"},
            {"key": "jours", "type": "multichoice", "label": "Jours d'accueil", "required": True, "min": 1,
             "choices": _WEEKDAYS},
            {"key": "horaires", "type": "text", "label": "Horaires souhaités", "required": True, "max_length": 100,
             "help": "Par exemple : 8 h 30 – 17 h 30."},
            {"key": "etablissements", "type": "multichoice", "label": "Crèches souhaitées",
             "help": "Cochez-en trois au plus ; sans préférence, laissez vide.", "max": 3, "choices": _choices(
                 ("petits_pas", "Les Petits Pas (centre-ville)"), ("arc_en_ciel", "Arc-en-ciel (quartier du Parc)"),
                 ("moulin", "Le Moulin (quartier des Tilleuls)"))},
        ]},
    ]},
    {"key": "famille", "title": "Votre famille", "sections": [
        {"key": "parent", "title": "Vous", "fields": [
            _first_name(), _last_name(), _phone(required=True), _address(),
        ]},
        {"key": "foyer", "title": "Votre foyer", "fields": [
            {"key": "enfants_foyer", "type": "integer", "label": "Nombre d'enfants dans votre foyer",
             "required": True, "min": 1, "max": 15, "help": "En comptant l'enfant à naître."},
            {"key": "numero_allocataire", "type": "text", "label": "Numéro d'allocataire CAF", "max_length": 20,
             "help": "Il permet de calculer le tarif sans vous demander vos ressources."},
            _proof_of_address(),
        ]},
        {"key": "engagement", "title": "Votre engagement", "fields": [_sworn_statement()]},
    ]},
]}

# --- Tranquillité publique ------------------------------------------------------------------------------

HOLIDAY_WATCH = {"version": 1, "pages": [
    {"key": "absence", "title": "Votre absence", "sections": [
        {"key": "dates", "title": "Les dates", "fields": [
            {"key": "date_depart", "type": "date", "label": "Date de départ", "required": True, "min": "today"},
            {"key": "date_retour", "type": "date", "label": "Date de retour", "required": True, "min": "today"},
        ]},
        {"key": "logement", "title": "Le logement à surveiller", "fields": [
            _address("adresse_logement", "Adresse du logement"),
            {"key": "type_logement", "type": "choice", "label": "Type de logement", "required": True,
             "choices": _choices(("maison", "Maison"), ("appartement", "Appartement"),
                                 ("commerce", "Local commercial"))},
            {"key": "acces", "type": "text", "label": "Bâtiment, étage, porte", "max_length": 200,
             "help": "Pour que les agents trouvent votre porte. N'indiquez aucun code d'accès.",
             "condition": {"field": "type_logement", "op": "not_equals", "value": "maison"}},
            {"key": "alarme", "type": "yesno", "label": "Le logement a-t-il une alarme ?", "required": True},
            {"key": "vehicule_sur_place", "type": "yesno", "label": "Laissez-vous un véhicule sur place ?",
             "required": True},
        ]},
    ]},
    {"key": "contacts", "title": "Vous joindre pendant votre absence", "sections": [
        {"key": "vous", "title": "Vous", "fields": [
            _first_name(), _last_name(),
            _phone(required=True, help_text="Un numéro où la police municipale peut vous joindre pendant "
                                            "l'absence."),
            _email(),
        ]},
        {"key": "personne_prevenir", "title": "Une personne à prévenir (facultatif)",
         "help": "Un voisin ou un proche qui peut se rendre au logement en cas d'anomalie.", "fields": [
             {"key": "contact_nom", "type": "text", "label": "Nom et prénom de cette personne", "max_length": 150},
             {"key": "contact_telephone", "type": "phone", "label": "Son téléphone", "required": True,
              "condition": {"field": "contact_nom", "op": "filled"}},
             {"key": "contact_cles", "type": "yesno", "label": "A-t-elle les clés du logement ?",
              "condition": {"field": "contact_nom", "op": "filled"}},
         ]},
        {"key": "engagement", "title": "Votre engagement", "fields": [
            {"key": "retour_anticipe", "type": "consent", "required": True,
             "label": "Je préviendrai la police municipale si je rentre plus tôt que prévu."},
        ]},
    ]},
]}

# --- Citoyenneté -----------------------------------------------------------------------------------------

_DISTRICTS = _choices(("centre", "Centre-ville"), ("gare", "Gare"), ("parc", "Le Parc"), ("tilleuls", "Les Tilleuls"),
                      ("moulin", "Le Moulin"), ("plateau", "Le Plateau"))

NEIGHBOURHOOD_COUNCIL = {"version": 1, "pages": [
    {"key": "inscription", "title": "Votre inscription", "sections": [
        {"key": "identite", "title": "Vous", "fields": [
            _first_name(), _last_name(),
            {"key": "date_naissance", "type": "date", "label": "Votre date de naissance", "required": True,
             "max": "today", "prefill": "profile.birth_date",
             "help": "Les conseils de quartier sont ouverts dès 16 ans."},
            _email(required=True),
        ]},
        {"key": "quartier_section", "title": "Votre quartier", "fields": [
            {"key": "quartier", "type": "choice", "widget": "select", "label": "Quartier", "required": True,
             "choices": _DISTRICTS},
            {"key": "lien_quartier", "type": "choice", "label": "Dans ce quartier, vous", "required": True,
             "choices": _choices(("habite", "habitez"), ("activite", "exercez une activité (travail, commerce, "
                                                                    "association)"))},
            {"key": "activite", "type": "text", "label": "Nom de l'entreprise ou de l'association", "required": True,
             "max_length": 200, "condition": {"field": "lien_quartier", "op": "equals", "value": "activite"}},
            {"key": "justificatif", "type": "file", "label": "Justificatif de domicile ou d'activité de moins de "
                                                             "3 mois", "required": True,
             "accept": ["pdf", "jpeg", "png"], "max_size_mb": 10},
            {"key": "themes", "type": "multichoice", "label": "Sujets qui vous intéressent", "max": 3,
             "help": "Facultatif, trois au plus.", "choices": _choices(
                 ("urbanisme", "Urbanisme et travaux"), ("mobilite", "Déplacements et stationnement"),
                 ("environnement", "Environnement et propreté"), ("jeunesse", "Jeunesse et sports"),
                 ("culture", "Culture et fêtes de quartier"), ("tranquillite", "Tranquillité publique"))},
        ]},
        {"key": "engagement", "title": "Votre engagement", "fields": [
            {"key": "info_tirage", "type": "info", "label": "Tirage au sort",
             "help": "Les membres du collège des habitants sont tirés au sort chaque année parmi les inscrits."},
            {"key": "partage_coordonnees", "type": "consent",
             "label": "J'accepte que mon nom et mon adresse électronique soient communiqués aux autres membres du "
                      "conseil (facultatif).",
             "help": "Vous pouvez retirer votre accord à tout moment."},
            _sworn_statement(),
        ]},
    ]},
]}

MEETING_ELECTED = {"version": 1, "pages": [
    {"key": "demande", "title": "Votre demande de rendez-vous", "sections": [
        {"key": "objet_section", "title": "L'objet du rendez-vous", "fields": [
            {"key": "elu", "type": "choice", "widget": "select", "label": "Élu que vous souhaitez rencontrer",
             "required": True, "choices": _choices(
                 ("indifferent", "Je ne sais pas : l'élu compétent"), ("maire", "Le maire"),
                 ("urbanisme", "L'adjoint à l'urbanisme et aux travaux"),
                 ("education", "L'adjointe à l'éducation et à la jeunesse"),
                 ("solidarites", "L'adjointe aux solidarités"),
                 ("quartiers", "L'adjoint à la démocratie locale et aux quartiers"))},
            {"key": "objet", "type": "textarea", "label": "Objet de votre demande", "required": True,
             "max_length": 2000, "help": "En quelques lignes : votre situation ou votre projet."},
        ]},
        {"key": "disponibilites_section", "title": "Vos disponibilités", "fields": [
            {"key": "disponibilites", "type": "multichoice", "label": "Quand êtes-vous disponible ?",
             "required": True, "min": 1, "choices": _choices(
                 ("matin", "En semaine, le matin"), ("apres_midi", "En semaine, l'après-midi"),
                 ("soir", "En semaine, après 18 h"), ("samedi", "Le samedi matin"))},
            {"key": "forme", "type": "choice", "label": "Vous préférez un rendez-vous", "required": True,
             "choices": _choices(("mairie", "À la mairie"), ("telephone", "Par téléphone"))},
        ]},
        {"key": "coordonnees", "title": "Vous joindre", "fields": [
            _first_name(), _last_name(), _email(required=True),
            _phone(help_text="Le secrétariat des élus vous appelle au moment du rendez-vous.")
            | {"condition": {"field": "forme", "op": "not_equals", "value": "mairie"}, "required": True},
        ]},
    ]},
]}

CHANGE_OF_ADDRESS = {"version": 1, "pages": [
    {"key": "adresse", "title": "Votre nouvelle adresse", "sections": [
        {"key": "nouvelle", "title": "Votre nouveau logement", "fields": [
            {"key": "nouvelle_adresse", "type": "address", "label": "Nouvelle adresse", "required": True},
            {"key": "date_emmenagement", "type": "date", "label": "Date d'emménagement", "required": True},
            _proof_of_address(),
        ]},
        {"key": "ancienne", "title": "Votre ancien logement", "fields": [
            {"key": "nouvel_arrivant", "type": "yesno", "label": "Arrivez-vous d'une autre commune ?",
             "required": True},
            _address("ancienne_adresse", "Votre ancienne adresse à Admiville",
                     help_text="Pré-remplie avec l'adresse de votre profil : vérifiez-la.")
            | {"condition": {"field": "nouvel_arrivant", "op": "equals", "value": False}},
        ]},
    ]},
    {"key": "foyer", "title": "Votre foyer", "sections": [
        {"key": "vous", "title": "Vous", "fields": [_first_name(), _last_name(), _phone()]},
        {"key": "membres", "title": "Les personnes qui déménagent avec vous", "fields": [
            {"key": "foyer_demenage", "type": "yesno", "required": True,
             "label": "D'autres personnes de votre foyer déménagent-elles avec vous ?"},
            {"key": "foyer_membres", "type": "textarea", "label": "Leurs noms et prénoms", "required": True,
             "max_length": 1000, "help": "Une personne par ligne.",
             "condition": {"field": "foyer_demenage", "op": "equals", "value": True}},
        ]},
        {"key": "engagement", "title": "Votre engagement", "fields": [_sworn_statement()]},
    ]},
]}

# --- Cimetière --------------------------------------------------------------------------------------------

CEMETERY_PLOT = {"version": 1, "pages": [
    {"key": "demande", "title": "Votre demande", "sections": [
        {"key": "nature_section", "title": "Ce que vous demandez", "fields": [
            {"key": "nature", "type": "choice", "label": "Vous souhaitez", "required": True, "choices": _choices(
                ("acquisition", "Acquérir une nouvelle concession"),
                ("renouvellement", "Renouveler une concession existante"))},
            {"key": "duree", "type": "choice", "label": "Durée de la concession", "required": True,
             "choices": _choices(("15", "15 ans"), ("30", "30 ans"), ("50", "50 ans"))},
        ]},
    ]},
    {"key": "nouvelle_concession", "title": "La concession souhaitée",
     "condition": {"field": "nature", "op": "equals", "value": "acquisition"}, "sections": [
        {"key": "emplacement", "title": "L'emplacement", "fields": [
            {"key": "cimetiere", "type": "choice", "label": "Cimetière", "required": True, "choices": _choices(
                ("ancien", "Cimetière ancien, rue du Calvaire"), ("paysager", "Cimetière paysager des Hauts"))},
            {"key": "type_emplacement", "type": "choice", "label": "Type d'emplacement", "required": True,
             "choices": _choices(("pleine_terre", "Pleine terre"), ("caveau", "Caveau"),
                                 ("columbarium", "Case de columbarium"), ("cavurne", "Cavurne"))},
            {"key": "nombre_places", "type": "integer", "label": "Nombre de places", "required": True,
             "min": 1, "max": 6,
             "condition": {"field": "type_emplacement", "op": "not_equals", "value": "columbarium"}},
            {"key": "inhumation_prochaine", "type": "yesno", "label": "Une inhumation est-elle prévue prochainement ?",
             "required": True},
            {"key": "acte_deces", "type": "file", "label": "Acte de décès",
             "help": "Facultatif : il accélère la préparation de l'emplacement.",
             "accept": ["pdf", "jpeg", "png"], "max_size_mb": 10,
             "condition": {"field": "inhumation_prochaine", "op": "equals", "value": True}},
        ]},
    ]},
    {"key": "renouvellement", "title": "La concession à renouveler",
     "condition": {"field": "nature", "op": "equals", "value": "renouvellement"}, "sections": [
        {"key": "concession_existante", "title": "La concession", "fields": [
            {"key": "numero_concession", "type": "text", "label": "Numéro de la concession", "required": True,
             "max_length": 30, "help": "Il figure sur le titre de concession."},
            {"key": "titulaire", "type": "text", "label": "Nom du titulaire de la concession", "required": True,
             "max_length": 150},
            {"key": "lien_titulaire", "type": "choice", "label": "Vous êtes", "required": True,
             "choices": _choices(("titulaire", "Le titulaire"), ("ayant_droit", "Un de ses ayants droit"))},
            {"key": "titre_concession", "type": "file", "label": "Titre de concession",
             "help": "Facultatif si vous avez indiqué le numéro.", "accept": ["pdf", "jpeg", "png"],
             "max_size_mb": 10},
        ]},
    ]},
    {"key": "demandeur", "title": "Vos coordonnées", "sections": [
        {"key": "identite", "title": "Vous", "fields": [
            _civility(), _first_name(), _last_name(), _phone(required=True), _email(), _address(),
        ]},
        {"key": "engagement", "title": "Votre engagement", "fields": [_sworn_statement()]},
    ]},
]}

# The form of each demo procedure, by slug (every procedure of `parvis.demo.data.PROCEDURES`).
FORMS = {
    "copie-acte-naissance": BIRTH_CERTIFICATE,
    "copie-acte-deces": DEATH_CERTIFICATE,
    "occupation-domaine-public-demenagement": REMOVAL_VAN,
    "location-salle-particulier": ROOM_HIRE,
    "reduction-tarifaire": FEE_REDUCTION,
    "operation-tranquillite-vacances": HOLIDAY_WATCH,
    "inscription-conseil-quartier": NEIGHBOURHOOD_COUNCIL,
    "concession-funeraire": CEMETERY_PLOT,
    "inscription-scolaire": SCHOOL_ENROLMENT,
    "inscription-creche": NURSERY,
    "signalement-espace-public": REPORT,
    "rendez-vous-elu": MEETING_ELECTED,
    "changement-adresse": CHANGE_OF_ADDRESS,
}
