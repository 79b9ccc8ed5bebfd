"""`manage.py purge_access_log`: deletes the access-log lines past the retention period. Run it daily."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from parvis.privacy.services import purge_access_log, retention_cutoff


class Command(BaseCommand):
    help = ("Supprime les lignes du journal des accès plus anciennes que ACCESS_LOG_RETENTION_MONTHS mois "
            "(idempotent : à lancer chaque jour).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compte les lignes à supprimer sans les supprimer.")

    def handle(self, *args, dry_run=False, **options):
        cutoff = timezone.localtime(retention_cutoff())
        count = purge_access_log(dry_run=dry_run)
        when = cutoff.strftime("%d/%m/%Y %H:%M")
        months = settings.ACCESS_LOG_RETENTION_MONTHS
        if dry_run:
            self.stdout.write(f"{count} ligne(s) antérieure(s) au {when} seraient supprimées (conservation : "
                              f"{months} mois).")
        else:
            self.stdout.write(f"{count} ligne(s) antérieure(s) au {when} supprimée(s) (conservation : {months} mois).")
