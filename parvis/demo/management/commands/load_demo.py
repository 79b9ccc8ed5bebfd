"""`manage.py load_demo`: the Admiville demo data. Safe to run again: it only fills what is missing.

The core (commune, departments, people, catalogue with forms) comes first; then each feature adds its
own demo on top of it: the library of procedure models, cases in every status, the identity-documents
appointments pilot, reports on the map, and the family desk with invoices.
"""

from collections import Counter

from django.core.management.base import BaseCommand

from parvis.demo.loader import load_demo


def _feature_demos():
    from parvis.appointments.demo import load_appointments_demo
    from parvis.cases.demo import load_cases_demo
    from parvis.families.demo import load_families_demo
    from parvis.library.loader import install_library_into_demo
    from parvis.reports.demo import load_reports_demo

    def library():
        from parvis.accounts.models import User

        administrator = User.objects.filter(email="admin.demarches@admiville.fr").first()
        installed = install_library_into_demo(administrator)
        return Counter({"modèles de la bibliothèque publiés": len(installed)})

    def reports():
        return Counter({"signalements": load_reports_demo()})

    return [
        ("Bibliothèque de démarches", library),
        ("Demandes dans chaque état", lambda: Counter({"demandes créées": load_cases_demo()["created"]})),
        ("Rendez-vous (titres d'identité)", load_appointments_demo),
        ("Signalements", reports),
        ("Guichet unique et factures", load_families_demo),
    ]


class Command(BaseCommand):
    help = "Charge les données de démonstration de la commune d'Admiville (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--core", action="store_true",
                            help="Seulement le socle (commune, services, personnes, démarches et formulaires).")

    def handle(self, *args, core=False, **options):
        report = load_demo()
        if not report.changed:
            self.stdout.write("Socle de la démonstration déjà à jour : rien à changer.")
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if not core:
            for title, load in _feature_demos():
                created = load() or Counter()
                added = {label: count for label, count in created.items() if count}
                summary = ", ".join(f"{label} : {count}" for label, count in sorted(added.items()))
                self.stdout.write(f"  {title} : {summary or 'déjà à jour'}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration d'Admiville chargées."))
        self.stdout.write("Comptes de démonstration : manage.py demo_accounts")
