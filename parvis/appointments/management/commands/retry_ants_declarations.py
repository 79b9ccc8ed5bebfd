"""`manage.py retry_ants_declarations`: sends the ANTS declarations and deletions that are due (run every 5 minutes)."""

from django.core.management.base import BaseCommand

from parvis.appointments.ants import retry_due_operations


class Command(BaseCommand):
    help = "Renvoie à l'ANTS les déclarations et suppressions de rendez-vous en attente ou en échec."

    def add_arguments(self, parser):
        parser.add_argument("--abandonnees", action="store_true",
                            help="Reprend aussi les opérations abandonnées après trop d'échecs.")

    def handle(self, *args, **options):
        totals = retry_due_operations(include_abandoned=options["abandonnees"])
        self.stdout.write(f"{totals['appointments']} rendez-vous, {totals['done']} opération(s) envoyée(s), "
                          f"{totals['failed']} en échec.")
