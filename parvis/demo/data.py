"""The demo commune of Admiville, as plain data: `manage.py load_demo` turns it into rows.

Everything is keyed by a stable identifier (slug or email) so that loading twice changes nothing and
so that other engineers can extend a definition in place: a procedure's form, for instance, is added
with a `"form_schema"` key in its entry of `PROCEDURES` (without one, revision 1 gets
`DEFAULT_FORM_SCHEMA`). The forms live in `parvis.demo.forms` and are attached at the end of this
module. Changing the schema later publishes a new revision on the next load.

Legal regimes follow CRPA L231-1 (silence = acceptance after 2 months) and its exceptions (L231-4,
decree n° 2014-1273 of 30 October 2014 for local authorities); each choice is justified beside the
procedure. Every account shares the password `DEMO_PASSWORD` (demo only; never in production).
"""

from parvis.demo.forms import FORMS

DEMO_PASSWORD = "Admiville-demo-2026"

DEFAULT_FORM_SCHEMA = {"version": 1, "pages": []}

COMMUNE = {
    "name": "Admiville",
    "street": "1 place de la République",
    "postcode": "99100",
    "city": "Admiville",
    "phone": "01 23 45 67 89",
    "email": "mairie@admiville.fr",
    "website": "https://www.admiville.fr",
    "mayor_name": "Claire Martin",
    "dpo_name": "Julien Moreau, délégué à la protection des données",
    "dpo_email": "dpo@admiville.fr",
    "dpo_postal_address": "Mairie d'Admiville, délégué à la protection des données, "
                          "1 place de la République, 99100 Admiville",
    "accessibility_status": "partial",
    "accessibility_audit_date": None,
    "publication_director": "Claire Martin, maire d'Admiville",
    "host_details": "Données de démonstration : en production, indiquer ici le nom, l'adresse et le téléphone "
                    "de l'hébergeur (loi n° 2004-575 du 21 juin 2004, art. 6).",
}

_TOWN_HALL = {"street": "1 place de la République", "postcode": "99100", "city": "Admiville"}
_TECHNICAL_CENTRE = {"street": "40 avenue des Tilleuls", "postcode": "99100", "city": "Admiville"}
_POPULATION = "Pôle services à la population"
_FRAMEWORK = "Pôle aménagement et cadre de vie"

# Departments, keyed by slug. `short` names the agents' emails (instructeur.<short>@admiville.fr).
DEPARTMENTS = {
    "etat-civil": {
        "short": "etatcivil",
        "name": "Démarches administratives et état civil",
        "pole": _POPULATION,
        **_TOWN_HALL,
        "email": "etat-civil@admiville.fr",
        "phone": "01 23 45 67 10",
        "opening_hours": "Lundi au vendredi : 8 h 30 – 12 h et 13 h 30 – 17 h\n"
                         "Samedi : 9 h – 12 h (titres d'identité sur rendez-vous)",
    },
    "citoyennete": {
        "short": "citoyennete",
        "name": "Citoyenneté et conseils de quartier",
        "pole": _POPULATION,
        **_TOWN_HALL,
        "email": "citoyennete@admiville.fr",
        "phone": "01 23 45 67 20",
        "opening_hours": "Lundi au vendredi : 9 h – 12 h et 14 h – 17 h",
    },
    "accueil-salles": {
        "short": "salles",
        "name": "Accueil, courrier et location de salles",
        "pole": _POPULATION,
        **_TOWN_HALL,
        "email": "accueil@admiville.fr",
        "phone": "01 23 45 67 89",
        "opening_hours": "Lundi au vendredi : 8 h 30 – 17 h 30 (sans interruption)\nSamedi : 9 h – 12 h",
    },
    "guichet-unique": {
        "short": "famille",
        "name": "Guichet unique d'inscription",
        "pole": _POPULATION,
        "street": "12 rue des Écoles", "postcode": "99100", "city": "Admiville",
        "email": "guichet-unique@admiville.fr",
        "phone": "01 23 45 67 30",
        "opening_hours": "Lundi, mardi, jeudi, vendredi : 8 h 30 – 12 h et 13 h 30 – 17 h\n"
                         "Mercredi : 8 h 30 – 18 h 30 (sans interruption)",
    },
    "voirie": {
        "short": "voirie",
        "name": "Voirie",
        "pole": _FRAMEWORK,
        **_TECHNICAL_CENTRE,
        "email": "voirie@admiville.fr",
        "phone": "01 23 45 67 40",
        "opening_hours": "Lundi au vendredi : 8 h – 12 h et 13 h 30 – 16 h 30",
    },
    "espaces-verts": {
        "short": "espacesverts",
        "name": "Espaces verts",
        "pole": _FRAMEWORK,
        **_TECHNICAL_CENTRE,
        "email": "espaces-verts@admiville.fr",
        "phone": "01 23 45 67 50",
        "opening_hours": "Lundi au vendredi : 8 h – 12 h et 13 h 30 – 16 h 30",
    },
    "police-municipale": {
        "short": "police",
        "name": "Police municipale",
        "pole": "Pôle tranquillité publique",
        "street": "5 rue de la Paix", "postcode": "99100", "city": "Admiville",
        "email": "police-municipale@admiville.fr",
        "phone": "01 23 45 67 17",
        "opening_hours": "Accueil du public : lundi au samedi, 8 h – 19 h\n"
                         "Patrouilles : 7 jours sur 7, de 7 h à 2 h",
    },
}

# Agents. `roles`: (department slug or "*" for every department, role). Names are fictitious.
_OFFICERS = {  # department slug: (case officer, head of department)
    "etat-civil": (("Lucie", "Garnier"), ("Philippe", "Roux")),
    "citoyennete": (("Mehdi", "Benkacem"), ("Anne", "Fontaine")),
    "accueil-salles": (("Élodie", "Marchand"), ("Patrick", "Chevalier")),
    "guichet-unique": (("Inès", "Carpentier"), ("Olivier", "Renaud")),
    "voirie": (("Bruno", "Lemaire"), ("Stéphanie", "Gauthier")),
    "espaces-verts": (("Hugo", "Perrin"), ("Martine", "Collet")),
    "police-municipale": (("Yannick", "Marie"), ("Sandrine", "Noël")),
}

AGENTS = [
    {"email": "agent.accueil@admiville.fr", "first_name": "Sophie", "last_name": "Lambert",
     "description": "Agent d'accueil (tous les services)", "roles": [("*", "front_desk")]},
    *[
        {"email": f"instructeur.{DEPARTMENTS[slug]['short']}@admiville.fr", "first_name": officer[0],
         "last_name": officer[1], "description": f"Instructeur — {DEPARTMENTS[slug]['name']}",
         "roles": [(slug, "case_officer")]}
        for slug, (officer, _head) in _OFFICERS.items()
    ],
    *[
        {"email": f"chef.{DEPARTMENTS[slug]['short']}@admiville.fr", "first_name": head[0], "last_name": head[1],
         "description": f"Chef de service — {DEPARTMENTS[slug]['name']}", "roles": [(slug, "head")]}
        for slug, (_officer, head) in _OFFICERS.items()
    ],
    {"email": "admin.demarches@admiville.fr", "first_name": "Nadia", "last_name": "Benali",
     "description": "Administratrice fonctionnelle (toutes les démarches)", "roles": [("*", "procedure_admin")]},
    {"email": "dpo@admiville.fr", "first_name": "Laurent", "last_name": "Fabre",
     "description": "Délégué à la protection des données (journal des accès)", "roles": [("accueil-salles", "dpo")]},
]

PLATFORM_ADMIN = {"email": "admin@admiville.fr", "first_name": "Thomas", "last_name": "Petit",
                  "description": "Administrateur de la plateforme (is_staff, is_superuser)"}

RESIDENTS = [
    {"email": "camille.durand@example.org", "civility": "mme", "first_name": "Camille", "last_name": "Durand",
     "birth_date": "1986-04-12", "street": "8 rue des Lilas", "postcode": "99100", "city": "Admiville",
     "phone": "06 12 34 56 78", "description": "Usagère (mère de deux enfants)"},
    {"email": "karim.haddad@example.org", "civility": "m", "first_name": "Karim", "last_name": "Haddad",
     "birth_date": "1979-11-03", "street": "23 avenue Jean-Jaurès", "postcode": "99100", "city": "Admiville",
     "phone": "06 98 76 54 32", "description": "Usager (vient d'emménager)"},
    {"email": "jeanne.lefebvre@example.org", "civility": "mme", "first_name": "Jeanne", "last_name": "Lefebvre",
     "birth_date": "1948-02-27", "street": "4 impasse du Moulin", "postcode": "99100", "city": "Admiville",
     "phone": "01 34 56 78 90", "description": "Usagère (retraitée)"},
]

CATEGORIES = {
    "etat-civil": {"name": "État civil", "sort_order": 10,
                   "description": "Actes de naissance, de mariage et de décès."},
    "citoyennete": {"name": "Citoyenneté", "sort_order": 20,
                    "description": "Conseils de quartier, rencontres avec les élus, changement d'adresse."},
    "famille-enfance": {"name": "Famille et enfance", "sort_order": 30,
                        "description": "École, crèche, tarifs selon le quotient familial."},
    "salles-evenements": {"name": "Salles et événements", "sort_order": 40,
                          "description": "Louer une salle municipale, organiser un événement."},
    "espace-public": {"name": "Espace public", "sort_order": 50,
                      "description": "Occuper la voie publique : déménagement, travaux, benne."},
    "signalements": {"name": "Signalements", "sort_order": 60,
                     "description": "Voirie, éclairage, propreté, espaces verts : prévenez les services."},
    "tranquillite": {"name": "Tranquillité publique", "sort_order": 70,
                     "description": "Prévention et sécurité avec la police municipale."},
    "cimetiere": {"name": "Cimetière", "sort_order": 80,
                  "description": "Concessions funéraires et cimetières communaux."},
}

LIFE_EVENTS = {
    "je-demenage": {"name": "Je déménage", "sort_order": 10,
                    "description": "Stationnement du camion, changement d'adresse, école des enfants."},
    "j-attends-un-enfant": {"name": "J'attends un enfant", "sort_order": 20,
                            "description": "Crèche, inscription à l'école, tarifs."},
    "je-me-marie": {"name": "Je me marie", "sort_order": 30,
                    "description": "Actes d'état civil, salle pour la réception."},
    "un-proche-est-decede": {"name": "Un proche est décédé", "sort_order": 40,
                             "description": "Acte de décès, concession au cimetière."},
    "j-organise-un-evenement": {"name": "J'organise un événement", "sort_order": 50,
                                "description": "Salle municipale, occupation de la voie publique."},
    "je-pars-en-vacances": {"name": "Je pars en vacances", "sort_order": 60,
                            "description": "Surveillance de votre logement pendant votre absence."},
}

_COUNTER_TOWN_HALL = ("Au guichet de la mairie, 1 place de la République, du lundi au vendredi de 8 h 30 à 17 h 30 "
                      "et le samedi de 9 h à 12 h : un agent fait la démarche avec vous.")
_RIGHTS_NOTE = "Les agents n'accèdent qu'aux dossiers de leur service."

# Procedures, keyed by slug. Every field of `parvis.procedures.models.Procedure` may appear, plus
# `category`, `department` (slugs), `life_events` (slugs) and, later, `form_schema`.
PROCEDURES = {
    # Document family: delivery after a check, no decision (regime none). No acknowledgement is due
    # for the mere delivery of a document (CRPA R112-4).
    "copie-acte-naissance": {
        "title": "Copie ou extrait d'acte de naissance",
        "summary": "Recevoir une copie intégrale ou un extrait d'acte de naissance d'une personne née à Admiville.",
        "description": (
            "La mairie délivre les actes des personnes nées dans la commune. Trois documents sont possibles :\n"
            "la copie intégrale, qui reproduit tout l'acte et ses mentions (mariage, divorce, décès...) ;\n"
            "l'extrait avec filiation, qui indique aussi les parents ;\n"
            "l'extrait sans filiation, souvent suffisant pour les démarches courantes.\n\n"
            "L'acte vous est envoyé gratuitement par courrier. Si vous êtes né à l'étranger, adressez-vous au "
            "Service central d'état civil du ministère des affaires étrangères, à Nantes. Beaucoup "
            "d'administrations vérifient désormais l'acte directement auprès de la mairie : elles ne doivent "
            "alors plus vous le demander."
        ),
        "eligibility": (
            "Copie intégrale et extrait avec filiation : la personne concernée si elle est majeure, ses parents, "
            "grands-parents, enfants, son conjoint ou partenaire de Pacs, son représentant légal, ou un "
            "professionnel autorisé (notaire, avocat).\n"
            "Extrait sans filiation : toute personne."
        ),
        "documents_to_prepare": (
            "Nom, prénoms et date de naissance de la personne concernée\n"
            "Noms et prénoms de ses parents (pour une copie intégrale ou un extrait avec filiation)\n"
            "Votre lien avec la personne si l'acte ne vous concerne pas"
        ),
        "cost": "Gratuit",
        "usual_delay": "Envoi par courrier sous 5 jours ouvrés",
        "keywords": "état civil, acte, naissance, extrait, copie intégrale, filiation, livret de famille",
        "category": "etat-civil",
        "life_events": ["je-me-marie"],
        "family": "document",
        "department": "etat-civil",
        "account_required": False,
        "allow_anonymous": True,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": (
            "Au guichet de l'état civil, 1 place de la République, du lundi au vendredi de 8 h 30 à 12 h et de "
            "13 h 30 à 17 h et le samedi de 9 h à 12 h : l'acte vous est remis tout de suite, sur présentation "
            "d'une pièce d'identité.\n\n"
            "Par courrier : écrivez à Mairie d'Admiville, service de l'état civil, 1 place de la République, "
            "99100 Admiville, avec les informations ci-dessous et l'adresse où envoyer l'acte."
        ),
        "regime": "none",
        "period_value": None,
        "legal_basis": "Décret n° 2017-890 du 6 mai 2017 relatif à l'état civil, art. 30 et 31",
        "acknowledgement_due": False,
        "privacy_purpose": "Délivrer la copie ou l'extrait d'acte demandé, après avoir vérifié que vous y avez droit.",
        "privacy_legal_basis": "legal_obligation",
        "privacy_legal_basis_detail": "Code civil, art. 34 et suivants ; décret n° 2017-890 du 6 mai 2017",
        "privacy_data_categories": "Identité et coordonnées du demandeur ; identité et filiation de la personne "
                                   "concernée par l'acte ; lien entre le demandeur et cette personne.",
        "privacy_recipients": "Agents habilités du service de l'état civil. " + _RIGHTS_NOTE,
        "retention_months": 12,
        "retention_detail": "pour la demande ; les registres d'état civil sont conservés définitivement",
        "is_featured": True,
    },
    "copie-acte-deces": {
        "title": "Copie d'acte de décès",
        "summary": "Recevoir une copie d'acte de décès d'une personne décédée à Admiville.",
        "description": (
            "La mairie délivre les actes de décès survenus dans la commune, ainsi que ceux transcrits parce que "
            "la personne y avait son dernier domicile. L'acte est souvent demandé par les banques, les caisses de "
            "retraite ou le notaire. Il vous est envoyé gratuitement par courrier."
        ),
        "eligibility": "Toute personne peut obtenir une copie d'acte de décès.",
        "documents_to_prepare": (
            "Nom, prénoms de la personne décédée\n"
            "Date et lieu du décès"
        ),
        "cost": "Gratuit",
        "usual_delay": "Envoi par courrier sous 5 jours ouvrés",
        "keywords": "état civil, acte, décès, décédé, obsèques, succession, notaire",
        "category": "etat-civil",
        "life_events": ["un-proche-est-decede"],
        "family": "document",
        "department": "etat-civil",
        "account_required": False,
        "allow_anonymous": True,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": (
            "Au guichet de l'état civil, 1 place de la République, aux heures d'ouverture : l'acte vous est remis "
            "tout de suite.\n\n"
            "Par courrier : écrivez au service de l'état civil de la mairie en précisant le nom de la personne, "
            "la date du décès et l'adresse où envoyer l'acte."
        ),
        "regime": "none",
        "period_value": None,
        "legal_basis": "Décret n° 2017-890 du 6 mai 2017 relatif à l'état civil, art. 30",
        "acknowledgement_due": False,
        "privacy_purpose": "Délivrer la copie d'acte de décès demandée.",
        "privacy_legal_basis": "legal_obligation",
        "privacy_legal_basis_detail": "Code civil, art. 78 et suivants ; décret n° 2017-890 du 6 mai 2017",
        "privacy_data_categories": "Identité et coordonnées du demandeur ; identité de la personne décédée.",
        "privacy_recipients": "Agents habilités du service de l'état civil.",
        "retention_months": 12,
        "retention_detail": "pour la demande ; les registres d'état civil sont conservés définitivement",
        "is_featured": False,
    },
    # Decision family, SVR: the temporary occupation of the public domain is listed among the
    # exceptions to "silence = acceptance" by decree n° 2014-1273 (L231-4 and L231-5 CRPA).
    "occupation-domaine-public-demenagement": {
        "title": "Stationnement pour un déménagement (occupation du domaine public)",
        "summary": "Réserver des places de stationnement devant votre logement pour le camion de déménagement "
                   "ou un monte-meubles.",
        "description": (
            "Pour garer un camion de déménagement, installer un monte-meubles ou poser une benne sur la voie "
            "publique, il faut une autorisation d'occupation temporaire du domaine public. Le maire la délivre "
            "par un arrêté qui précise l'emplacement, les dates et les horaires.\n\n"
            "Le service de la voirie vous remet les panneaux de stationnement interdit, à installer au moins "
            "48 heures avant le déménagement avec une copie de l'arrêté. Sans autorisation, le véhicule peut être "
            "verbalisé."
        ),
        "eligibility": "La personne qui déménage ou emménage, ou l'entreprise de déménagement qu'elle a choisie.",
        "documents_to_prepare": (
            "L'adresse exacte et la date (ou les dates) de l'occupation\n"
            "Le type de véhicule et sa longueur, ou les dimensions du monte-meubles ou de la benne\n"
            "Le nombre de places de stationnement nécessaires\n"
            "Si une entreprise intervient : son nom et son numéro SIRET"
        ),
        "cost": "Redevance selon la durée et la surface occupée (tarifs votés par le conseil municipal)",
        "usual_delay": "Faites la demande au moins 15 jours avant la date prévue ; réponse sous 10 jours en moyenne",
        "keywords": "déménagement, emménagement, camion, stationnement, monte-meubles, benne, voie publique, arrêté",
        "category": "espace-public",
        "life_events": ["je-demenage"],
        "family": "decision",
        "department": "voirie",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": (
            "Au centre technique municipal, 40 avenue des Tilleuls, du lundi au vendredi de 8 h à 12 h et de "
            "13 h 30 à 16 h 30, ou à l'accueil de la mairie qui transmet votre demande.\n\n"
            "Par courrier : Mairie d'Admiville, service Voirie, 1 place de la République, 99100 Admiville."
        ),
        "regime": "SVR",
        "period_value": 2,
        "period_unit": "months",
        "legal_basis": "CRPA L231-4 ; décret n° 2014-1273 du 30 octobre 2014 (occupation temporaire du domaine "
                       "public, CGPPP L2122-1)",
        "acknowledgement_due": True,
        "privacy_purpose": "Instruire la demande d'occupation du domaine public, prendre l'arrêté et calculer "
                           "la redevance.",
        "privacy_legal_basis": "public_task",
        "privacy_legal_basis_detail": "Code général de la propriété des personnes publiques, art. L2122-1 et "
                                      "suivants ; CGCT, art. L2213-1 (police de la circulation)",
        "privacy_data_categories": "Identité et coordonnées du demandeur ; adresse et dates de l'occupation ; "
                                   "entreprise intervenante ; véhicule.",
        "privacy_recipients": "Agents habilités du service Voirie ; police municipale (contrôle de l'arrêté) ; "
                              "service des finances et comptable public pour la redevance.",
        "retention_months": 24,
        "retention_detail": "après la date de l'occupation",
        "is_featured": True,
    },
    # Decision family, SVR: hiring a room is a paid contract, a request of a financial nature
    # (CRPA L231-4, 3°).
    "location-salle-particulier": {
        "title": "Location de salle municipale pour un particulier",
        "summary": "Réserver une salle municipale pour un anniversaire, une réception de mariage ou une fête "
                   "de famille.",
        "description": (
            "La commune loue aux habitants la salle des fêtes Jean-Moulin (200 personnes), la salle polyvalente "
            "du Parc (100 personnes) et la salle de quartier des Tilleuls (60 personnes).\n\n"
            "Le service étudie votre demande selon les disponibilités et vous propose un contrat de location. La "
            "réservation est définitive après la signature du contrat et le versement des arrhes. Une caution "
            "vous est demandée à la remise des clés et rendue après l'état des lieux."
        ),
        "eligibility": "Les habitants majeurs d'Admiville. Les associations ont une démarche dédiée.",
        "documents_to_prepare": (
            "La salle, la date et les horaires souhaités\n"
            "Le nombre de personnes attendues et la nature de l'événement\n"
            "Un justificatif de domicile de moins de 3 mois\n"
            "Une attestation d'assurance responsabilité civile couvrant l'événement"
        ),
        "cost": "Selon la salle et la durée (tarifs votés par le conseil municipal), plus une caution",
        "usual_delay": "Réponse sous 3 semaines ; faites la demande au moins 2 mois avant l'événement",
        "keywords": "salle, location, salle des fêtes, réservation, fête, anniversaire, mariage, réception",
        "category": "salles-evenements",
        "life_events": ["je-me-marie", "j-organise-un-evenement"],
        "family": "decision",
        "department": "accueil-salles",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": _COUNTER_TOWN_HALL + "\n\nPar courrier : Mairie d'Admiville, service Location de "
                                                    "salles, 1 place de la République, 99100 Admiville.",
        "regime": "SVR",
        "period_value": 2,
        "period_unit": "months",
        "legal_basis": "CRPA L231-4, 3° (demande à caractère financier : contrat de location payant)",
        "acknowledgement_due": True,
        "privacy_purpose": "Gérer la réservation, le contrat de location, l'encaissement et la caution.",
        "privacy_legal_basis": "contract",
        "privacy_legal_basis_detail": "Contrat de location et règlement d'utilisation des salles municipales",
        "privacy_data_categories": "Identité et coordonnées ; justificatif de domicile ; attestation d'assurance ; "
                                   "informations sur l'événement ; paiements.",
        "privacy_recipients": "Agents habilités du service Location de salles ; régie de recettes et comptable "
                              "public.",
        "retention_months": 60,
        "retention_detail": "après la fin du contrat",
        "is_featured": True,
    },
    # Decision family, SVR: a request for a reduced fee is a request of a financial nature
    # (CRPA L231-4, 3°).
    "reduction-tarifaire": {
        "title": "Réduction tarifaire selon le quotient familial",
        "summary": "Faire calculer le tarif de la cantine, du périscolaire et du centre de loisirs selon les "
                   "ressources de votre foyer.",
        "description": (
            "Les tarifs de la restauration scolaire, de l'accueil périscolaire et du centre de loisirs dépendent "
            "du quotient familial (QF) calculé par la CAF ou la MSA. Sans calcul, le tarif le plus élevé "
            "s'applique.\n\n"
            "Avec votre accord, le guichet unique consulte directement votre quotient familial : vous n'avez "
            "alors aucun justificatif à fournir. Le tarif réduit s'applique à partir du mois qui suit la "
            "décision, pour l'année scolaire."
        ),
        "eligibility": "Les familles domiciliées à Admiville dont un enfant fréquente la cantine, le périscolaire "
                       "ou le centre de loisirs.",
        "documents_to_prepare": (
            "Votre numéro d'allocataire CAF ou MSA\n"
            "À défaut : votre dernier avis d'imposition et une attestation de prestations familiales"
        ),
        "cost": "Gratuit",
        "usual_delay": "Calcul sous 15 jours ; tarif appliqué à partir du mois suivant",
        "keywords": "quotient familial, QF, tarif, réduction, cantine, périscolaire, centre de loisirs, CAF, facture",
        "category": "famille-enfance",
        "life_events": [],
        "family": "decision",
        "department": "guichet-unique",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": (
            "Au guichet unique, 12 rue des Écoles, aux heures d'ouverture (le mercredi sans interruption jusqu'à "
            "18 h 30) : un agent calcule votre tarif avec vous.\n\n"
            "Par courrier : Guichet unique d'inscription, 12 rue des Écoles, 99100 Admiville."
        ),
        "regime": "SVR",
        "period_value": 2,
        "period_unit": "months",
        "legal_basis": "CRPA L231-4, 3° (demande présentant un caractère financier)",
        "acknowledgement_due": True,
        "privacy_purpose": "Calculer le tarif applicable aux services périscolaires et de loisirs de vos enfants.",
        "privacy_legal_basis": "public_task",
        "privacy_legal_basis_detail": "Délibération du conseil municipal fixant les tarifs des services "
                                      "périscolaires et de loisirs",
        "privacy_data_categories": "Identité et coordonnées des responsables légaux ; composition du foyer ; "
                                   "quotient familial ou ressources ; numéro d'allocataire.",
        "privacy_recipients": "Agents habilités du guichet unique ; régie de recettes et comptable public.",
        "retention_months": 60,
        "retention_detail": "après la fin de l'année scolaire concernée (contrôle des comptes)",
        "is_featured": False,
    },
    # Declaration family: no decision (regime none); the registration is confirmed at once, so no
    # acknowledgement is due (answer within 15 days, CRPA R112-4).
    "operation-tranquillite-vacances": {
        "title": "Opération Tranquillité Vacances",
        "summary": "Pendant votre absence, la police municipale surveille votre logement lors de ses patrouilles.",
        "description": (
            "Toute l'année, pour toute absence de plusieurs jours, la police municipale peut surveiller votre "
            "maison ou votre appartement. Les agents passent régulièrement, de jour comme de nuit, et vous "
            "préviennent (ou la personne que vous avez désignée) en cas d'anomalie.\n\n"
            "Inscrivez-vous au moins 7 jours avant votre départ et signalez tout retour anticipé."
        ),
        "eligibility": "Toute personne qui habite Admiville, propriétaire ou locataire, et les commerçants pour "
                       "leur local.",
        "documents_to_prepare": (
            "Vos dates de départ et de retour\n"
            "L'adresse du logement et la façon d'y accéder (portail, digicode)\n"
            "Les coordonnées d'une personne à prévenir pendant votre absence\n"
            "La présence d'une alarme ou d'un véhicule laissé sur place"
        ),
        "cost": "Gratuit",
        "usual_delay": "Inscription au moins 7 jours avant le départ",
        "keywords": "OTV, vacances, absence, surveillance, cambriolage, police municipale, tranquillité",
        "category": "tranquillite",
        "life_events": ["je-pars-en-vacances"],
        "family": "declaration",
        "department": "police-municipale",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": (
            "Au poste de police municipale, 5 rue de la Paix, du lundi au samedi de 8 h à 19 h, ou à l'accueil "
            "de la mairie qui transmet votre inscription.\n\n"
            "Par courrier : Police municipale d'Admiville, 5 rue de la Paix, 99100 Admiville (au moins 7 jours "
            "avant votre départ)."
        ),
        "regime": "none",
        "period_value": None,
        "legal_basis": "CGCT, art. L2212-2 (pouvoirs de police du maire) ; pas de décision à prendre",
        "acknowledgement_due": False,
        "privacy_purpose": "Organiser la surveillance de votre logement pendant votre absence et vous prévenir en "
                           "cas d'anomalie.",
        "privacy_legal_basis": "public_task",
        "privacy_legal_basis_detail": "CGCT, art. L2212-2 ; code de la sécurité intérieure, art. L511-1",
        "privacy_data_categories": "Identité et coordonnées ; adresse du logement ; dates d'absence ; personne à "
                                   "prévenir ; informations d'accès et de sécurité du logement.",
        "privacy_recipients": "Agents de la police municipale ; si nécessaire, la police ou la gendarmerie "
                              "nationale.",
        "retention_months": 6,
        "retention_detail": "après la date de retour",
        "is_featured": True,
    },
    # Decision family, SVA: an individual decision in a procedure set by the council under CGCT
    # L2143-1, not financial and not listed by decree as an exception: the rule of L231-1 applies.
    "inscription-conseil-quartier": {
        "title": "Inscription sur la liste d'un conseil de quartier",
        "summary": "Participer à la vie de votre quartier en rejoignant les habitants membres de son conseil.",
        "description": (
            "Admiville compte six conseils de quartier. Ils donnent leur avis sur les projets du quartier et "
            "proposent des actions à la municipalité. Les habitants volontaires sont inscrits sur la liste du "
            "conseil de leur quartier ; les membres du collège des habitants y sont tirés au sort chaque année."
        ),
        "eligibility": "Toute personne de 16 ans ou plus qui habite le quartier ou y exerce une activité.",
        "documents_to_prepare": (
            "Votre quartier de résidence ou d'activité\n"
            "Un justificatif de domicile ou d'activité de moins de 3 mois"
        ),
        "cost": "Gratuit",
        "usual_delay": "Inscription confirmée sous 1 mois",
        "keywords": "conseil de quartier, participation, démocratie locale, citoyenneté, quartier, bénévolat",
        "category": "citoyennete",
        "life_events": ["je-demenage"],
        "family": "decision",
        "department": "citoyennete",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": _COUNTER_TOWN_HALL + "\n\nPar courrier : Mairie d'Admiville, service Citoyenneté, "
                                                    "1 place de la République, 99100 Admiville.",
        "regime": "SVA",
        "period_value": 2,
        "period_unit": "months",
        "legal_basis": "CRPA L231-1 ; CGCT, art. L2143-1 et délibération du conseil municipal créant les conseils "
                       "de quartier",
        "acknowledgement_due": True,
        "privacy_purpose": "Tenir la liste des membres des conseils de quartier et les convoquer.",
        "privacy_legal_basis": "public_task",
        "privacy_legal_basis_detail": "CGCT, art. L2143-1 (conseils de quartier)",
        "privacy_data_categories": "Identité, date de naissance, coordonnées, quartier.",
        "privacy_recipients": "Agents du service Citoyenneté ; élu délégué à la démocratie locale ; animateurs du "
                              "conseil de quartier.",
        "retention_months": 72,
        "retention_detail": "soit la durée du mandat municipal, ou jusqu'à votre départ de la liste",
        "is_featured": False,
    },
    # Decision family, SVR: the grant of a cemetery plot is made against payment, a request of a
    # financial nature (CRPA L231-4, 3°).
    "concession-funeraire": {
        "title": "Concession funéraire au cimetière",
        "summary": "Acquérir un emplacement au cimetière communal, ou renouveler une concession arrivée à échéance.",
        "description": (
            "La commune accorde des concessions de 15, 30 ou 50 ans dans ses deux cimetières, ainsi que des cases "
            "au columbarium. Une concession peut être renouvelée à son échéance, et jusqu'à deux ans après.\n\n"
            "En cas de décès, appelez directement le service : la mairie vous accompagne dans les démarches avec "
            "l'opérateur funéraire de votre choix."
        ),
        "eligibility": "Toute personne, pour elle-même et sa famille. Pour un renouvellement : le titulaire ou "
                       "un de ses ayants droit.",
        "documents_to_prepare": (
            "Une pièce d'identité\n"
            "Pour un renouvellement : le titre de concession ou son numéro\n"
            "Pour une inhumation prochaine : l'acte de décès"
        ),
        "cost": "Selon la durée de la concession (tarifs votés par le conseil municipal)",
        "usual_delay": "Réponse sous 15 jours",
        "keywords": "cimetière, concession, tombe, sépulture, caveau, columbarium, renouvellement, obsèques",
        "category": "cimetiere",
        "life_events": ["un-proche-est-decede"],
        "family": "decision",
        "department": "etat-civil",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": (
            "Au guichet de l'état civil, 1 place de la République, aux heures d'ouverture. En cas de décès, "
            "appelez le 01 23 45 67 10 : un agent vous reçoit rapidement.\n\n"
            "Par courrier : Mairie d'Admiville, service des cimetières, 1 place de la République, 99100 Admiville."
        ),
        "regime": "SVR",
        "period_value": 2,
        "period_unit": "months",
        "legal_basis": "CRPA L231-4, 3° (demande à caractère financier) ; CGCT, art. L2223-13 à L2223-15",
        "acknowledgement_due": True,
        "privacy_purpose": "Attribuer et gérer les concessions funéraires et tenir le registre du cimetière.",
        "privacy_legal_basis": "public_task",
        "privacy_legal_basis_detail": "CGCT, art. L2223-13 et suivants (concessions funéraires)",
        "privacy_data_categories": "Identité et coordonnées du demandeur ; lien avec les défunts ; identité des "
                                   "personnes inhumées ; paiements.",
        "privacy_recipients": "Agents habilités du service de l'état civil et des cimetières ; régie de recettes ; "
                              "opérateur funéraire choisi par la famille.",
        "retention_months": 120,
        "retention_detail": "pour la demande ; le titre de concession et le registre sont conservés définitivement",
        "is_featured": False,
    },
    # Registration family, SVA (a choice, documented): the mayor must enrol every child of school age
    # living in the commune (code de l'éducation L131-5, L131-6). The request follows a procedure set
    # by law, leads to an individual decision, is not financial and is listed by no decree among the
    # exceptions: the general rule of CRPA L231-1 applies (2 months). A request to attend a school
    # outside the catchment area (dérogation) would be a separate procedure.
    "inscription-scolaire": {
        "title": "Inscription scolaire (maternelle et élémentaire)",
        "summary": "Inscrire votre enfant dans une école publique d'Admiville pour sa première rentrée ou après "
                   "un déménagement.",
        "description": (
            "L'inscription se fait en deux temps. La mairie inscrit d'abord votre enfant et vous remet un "
            "certificat d'inscription qui indique son école, selon votre adresse. Vous prenez ensuite rendez-vous "
            "avec la direction de l'école pour l'admission : elle vous demandera le carnet de santé de l'enfant.\n\n"
            "Pour la rentrée de septembre, inscrivez votre enfant de janvier à mars. L'instruction est obligatoire "
            "dès 3 ans."
        ),
        "eligibility": "Les responsables légaux d'un enfant qui habite Admiville et a au moins 3 ans au 31 décembre "
                       "de l'année de la rentrée (dès 2 ans dans la limite des places).",
        "documents_to_prepare": (
            "Le livret de famille ou l'acte de naissance de l'enfant\n"
            "Un justificatif de domicile de moins de 3 mois\n"
            "En cas de séparation : la décision fixant la résidence de l'enfant, ou l'accord écrit de l'autre parent\n"
            "Si l'enfant change d'école : le certificat de radiation de l'ancienne école"
        ),
        "cost": "Gratuit",
        "usual_delay": "Certificat d'inscription sous 3 semaines",
        "keywords": "école, inscription, scolaire, maternelle, élémentaire, rentrée, enfant, certificat",
        "category": "famille-enfance",
        "life_events": ["je-demenage", "j-attends-un-enfant"],
        "family": "registration",
        "department": "guichet-unique",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": (
            "Au guichet unique, 12 rue des Écoles, aux heures d'ouverture (le mercredi sans interruption jusqu'à "
            "18 h 30), avec les pièces ci-dessous.\n\n"
            "Par courrier : Guichet unique d'inscription, 12 rue des Écoles, 99100 Admiville."
        ),
        "regime": "SVA",
        "period_value": 2,
        "period_unit": "months",
        "legal_basis": "CRPA L231-1 ; code de l'éducation, art. L131-5 et L131-6",
        "acknowledgement_due": True,
        "privacy_purpose": "Inscrire l'enfant dans une école de la commune et tenir la liste des enfants soumis à "
                           "l'obligation d'instruction.",
        "privacy_legal_basis": "legal_obligation",
        "privacy_legal_basis_detail": "Code de l'éducation, art. L131-5, L131-6 et R131-3",
        "privacy_data_categories": "Identité et date de naissance de l'enfant ; identité, coordonnées et autorité "
                                   "parentale des responsables légaux ; adresse ; école.",
        "privacy_recipients": "Agents habilités du guichet unique ; direction de l'école ; services de l'Éducation "
                              "nationale (effectifs).",
        "retention_months": 12,
        "retention_detail": "après le départ de l'enfant des écoles de la commune",
        "is_featured": True,
    },
    # Registration family, SVR after 4 months: a capacity-limited service created by the council
    # (decree n° 2014-1273, with a 4-month period, L231-6 CRPA).
    "inscription-creche": {
        "title": "Demande de place en crèche municipale",
        "summary": "Demander une place pour votre enfant, ou l'enfant à naître, dans une crèche municipale.",
        "description": (
            "La commune gère trois établissements d'accueil du jeune enfant. Les places sont attribuées par une "
            "commission, trois fois par an (mars, juin et novembre), selon des critères publiés. Vous pouvez "
            "faire la demande dès le sixième mois de grossesse.\n\n"
            "Le tarif horaire dépend de vos ressources et de la composition de votre foyer (barème national de "
            "la CNAF)."
        ),
        "eligibility": "Les familles domiciliées à Admiville, pour un enfant de 10 semaines à 3 ans.",
        "documents_to_prepare": (
            "La date de naissance, prévue ou réelle, de l'enfant\n"
            "Un justificatif de domicile de moins de 3 mois\n"
            "Votre numéro d'allocataire CAF\n"
            "Les jours et horaires d'accueil souhaités, et la date d'entrée souhaitée"
        ),
        "cost": "Selon vos ressources (barème national de la CNAF)",
        "usual_delay": "Réponse après la commission d'attribution (mars, juin ou novembre)",
        "keywords": "crèche, petite enfance, garde, bébé, multi-accueil, place, naissance",
        "category": "famille-enfance",
        "life_events": ["j-attends-un-enfant"],
        "family": "registration",
        "department": "guichet-unique",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": (
            "Au guichet unique, 12 rue des Écoles, aux heures d'ouverture : un agent remplit la demande avec vous.\n\n"
            "Par courrier : Guichet unique d'inscription, 12 rue des Écoles, 99100 Admiville."
        ),
        "regime": "SVR",
        "period_value": 4,
        "period_unit": "months",
        "legal_basis": "CRPA L231-4 et L231-6 ; décret n° 2014-1273 du 30 octobre 2014 (accès à un service à "
                       "capacité limitée créé par le conseil municipal)",
        "acknowledgement_due": True,
        "privacy_purpose": "Enregistrer la demande de place, la présenter à la commission d'attribution et "
                           "calculer le tarif.",
        "privacy_legal_basis": "public_task",
        "privacy_legal_basis_detail": "Règlement de fonctionnement des crèches municipales (délibération du conseil "
                                      "municipal)",
        "privacy_data_categories": "Identité des parents et de l'enfant ; coordonnées ; composition du foyer ; "
                                   "ressources ou quotient familial ; besoins d'accueil.",
        "privacy_recipients": "Agents habilités du guichet unique ; membres de la commission d'attribution ; "
                              "direction de la crèche.",
        "retention_months": 24,
        "retention_detail": "après la dernière commission si aucune place n'est attribuée",
        "is_featured": False,
    },
    # Report family: no decision (regime none), no acknowledgement; anyone may report, even without
    # an account (a tracking link is sent by email when one is given).
    "signalement-espace-public": {
        "title": "Signalement sur l'espace public",
        "summary": "Nid-de-poule, lampadaire en panne, dépôt sauvage, tag, arbre dangereux : prévenez les services "
                   "techniques.",
        "description": (
            "Décrivez le problème et indiquez le lieu le plus précisément possible ; une photo aide les équipes. "
            "Votre signalement est transmis au service concerné (voirie, éclairage, propreté, espaces verts), "
            "qui le traite selon l'urgence. Si vous laissez votre courriel, vous êtes prévenu de la suite.\n\n"
            "En cas de danger immédiat, appelez le 17 ou le 112."
        ),
        "eligibility": "Toute personne, même sans compte.",
        "documents_to_prepare": (
            "Le lieu précis (adresse ou repère)\n"
            "Une description du problème\n"
            "Si possible une photo, sans personne reconnaissable ni plaque d'immatriculation"
        ),
        "cost": "Gratuit",
        "usual_delay": "Pris en compte sous 2 jours ouvrés ; intervention selon l'urgence",
        "keywords": "signalement, voirie, trottoir, nid-de-poule, éclairage, lampadaire, dépôt sauvage, déchets, "
                    "tag, graffiti, propreté, arbre",
        "category": "signalements",
        "life_events": [],
        "family": "report",
        "department": "voirie",
        "account_required": False,
        "allow_anonymous": True,
        "channel_web": True, "channel_counter": True, "channel_phone": True, "channel_mail": False,
        "offline_alternative": (
            "Par téléphone : 01 23 45 67 40 (service Voirie), du lundi au vendredi de 8 h à 12 h et de 13 h 30 à "
            "16 h 30, ou 01 23 45 67 89 (accueil de la mairie).\n\n"
            "Au guichet de la mairie, 1 place de la République : un agent enregistre votre signalement."
        ),
        "regime": "none",
        "period_value": None,
        "legal_basis": "CGCT, art. L2212-2 (sûreté et commodité du passage sur la voie publique)",
        "acknowledgement_due": False,
        "privacy_purpose": "Traiter le signalement et, si vous le souhaitez, vous informer de sa suite.",
        "privacy_legal_basis": "public_task",
        "privacy_legal_basis_detail": "CGCT, art. L2212-2",
        "privacy_data_categories": "Lieu et description du problème, photos ; si vous les donnez : nom, courriel et "
                                   "téléphone.",
        "privacy_recipients": "Services techniques concernés ; entreprises intervenant pour la commune (sans vos "
                              "coordonnées).",
        "retention_months": 12,
        "retention_detail": "après la clôture du signalement",
        "is_featured": True,
    },
    # Appointment family: no decision, answer within 15 days (no acknowledgement due, R112-4).
    "rendez-vous-elu": {
        "title": "Rendez-vous avec un élu",
        "summary": "Rencontrer le maire, un adjoint ou un conseiller municipal pour présenter une situation ou "
                   "un projet.",
        "description": (
            "Indiquez l'objet de votre demande et, si vous le savez, l'élu que vous souhaitez rencontrer. Le "
            "secrétariat des élus vous propose un rendez-vous, ou vous oriente vers le service compétent si votre "
            "question relève d'une démarche administrative. Les adjoints tiennent aussi des permanences dans les "
            "quartiers."
        ),
        "eligibility": "Toute personne, association ou entreprise d'Admiville.",
        "documents_to_prepare": (
            "L'objet de votre demande, en quelques lignes\n"
            "L'élu que vous souhaitez rencontrer, si vous le savez\n"
            "Vos disponibilités"
        ),
        "cost": "Gratuit",
        "usual_delay": "Réponse sous 15 jours",
        "keywords": "élu, maire, adjoint, rendez-vous, rencontre, permanence, conseiller municipal",
        "category": "citoyennete",
        "life_events": [],
        "family": "appointment",
        "department": "citoyennete",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": True, "channel_mail": True,
        "offline_alternative": (
            "Par téléphone au 01 23 45 67 20 (secrétariat des élus), du lundi au vendredi de 9 h à 12 h et de "
            "14 h à 17 h, ou à l'accueil de la mairie, 1 place de la République.\n\n"
            "Par courrier : Monsieur ou Madame le maire, Mairie d'Admiville, 1 place de la République, "
            "99100 Admiville."
        ),
        "regime": "none",
        "period_value": None,
        "legal_basis": "",
        "acknowledgement_due": False,
        "privacy_purpose": "Organiser votre rendez-vous avec un élu ou orienter votre demande.",
        "privacy_legal_basis": "public_task",
        "privacy_legal_basis_detail": "Relations entre la municipalité et les habitants",
        "privacy_data_categories": "Identité, coordonnées, objet de la demande.",
        "privacy_recipients": "Secrétariat des élus ; l'élu concerné ; le service compétent si la demande lui est "
                              "transmise.",
        "retention_months": 24,
        "retention_detail": "après le rendez-vous",
        "is_featured": False,
    },
    # Declaration family: no decision (regime none); confirmed at once, no acknowledgement due.
    "changement-adresse": {
        "title": "Changement d'adresse",
        "summary": "Vous déménagez dans Admiville ou vous y arrivez : prévenez en une fois les services "
                   "municipaux qui vous suivent.",
        "description": (
            "Cette déclaration met à jour votre adresse dans les dossiers des services municipaux (guichet unique, "
            "restauration scolaire, conseils de quartier...) : vous n'avez pas à la répéter à chacun.\n\n"
            "Elle ne remplace pas l'inscription sur les listes électorales, à faire sur service-public.fr ou en "
            "mairie, ni le changement d'adresse auprès des autres administrations (service en ligne « changement "
            "de coordonnées » de service-public.fr)."
        ),
        "eligibility": "Toute personne qui habite Admiville ou vient d'y emménager.",
        "documents_to_prepare": (
            "Votre nouvelle adresse et la date d'emménagement\n"
            "Un justificatif de domicile de moins de 3 mois\n"
            "Les personnes de votre foyer qui déménagent avec vous"
        ),
        "cost": "Gratuit",
        "usual_delay": "Prise en compte sous 5 jours ouvrés",
        "keywords": "adresse, déménagement, emménagement, coordonnées, domicile, nouvel arrivant",
        "category": "citoyennete",
        "life_events": ["je-demenage"],
        "family": "declaration",
        "department": "accueil-salles",
        "account_required": True,
        "allow_anonymous": False,
        "channel_web": True, "channel_counter": True, "channel_phone": False, "channel_mail": True,
        "offline_alternative": _COUNTER_TOWN_HALL + "\n\nPar courrier : Mairie d'Admiville, accueil, "
                                                    "1 place de la République, 99100 Admiville.",
        "regime": "none",
        "period_value": None,
        "legal_basis": "",
        "acknowledgement_due": False,
        "privacy_purpose": "Mettre à jour votre adresse dans les dossiers des services municipaux qui vous suivent.",
        "privacy_legal_basis": "public_task",
        "privacy_legal_basis_detail": "Tenue à jour des dossiers des usagers par les services municipaux",
        "privacy_data_categories": "Identité ; ancienne et nouvelle adresse ; date d'emménagement ; membres du foyer.",
        "privacy_recipients": "Services municipaux qui vous suivent déjà (guichet unique, citoyenneté, régie).",
        "retention_months": 12,
        "retention_detail": "pour la déclaration ; l'adresse est ensuite mise à jour dans chaque dossier",
        "is_featured": False,
    },
}

# Each procedure's form (parvis/demo/forms.py), as its "form_schema".
for _slug, _schema in FORMS.items():
    PROCEDURES[_slug]["form_schema"] = _schema
