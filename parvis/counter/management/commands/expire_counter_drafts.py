from django.core.management.base import BaseCommand

from parvis.counter.services import expire_counter_drafts


class Command(BaseCommand):
    help = ("Supprime les demandes en cours de saisie au guichet laissées sans modification depuis "
            "COUNTER_DRAFT_RETENTION_DAYS jours (30 par défaut), avec leurs fichiers. À lancer chaque nuit.")

    def handle(self, *args, **options):
        deleted = expire_counter_drafts()
        self.stdout.write(f"{deleted} saisie(s) au guichet supprimée(s).")
