"""`manage.py load_demo`: the Admiville demo data. Safe to run again: it only fills what is missing."""

from django.core.management.base import BaseCommand

from parvis.demo.loader import load_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration de la commune d'Admiville (idempotent)."

    def handle(self, *args, **options):
        report = load_demo()
        if not report.changed:
            self.stdout.write("Données de démonstration déjà à jour : rien à changer.")
            return
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration d'Admiville chargées."))
        self.stdout.write("Comptes de démonstration : manage.py demo_accounts")
