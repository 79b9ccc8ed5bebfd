"""`manage.py purge_report_drafts`: deletes the photos of reports never filed (older than a day) and the
rate-limit counters past their window. Run it daily; safe to run again."""

import datetime as dt

from django.core.management.base import BaseCommand

from parvis.reports import ratelimit
from parvis.reports.services import purge_draft_photos


class Command(BaseCommand):
    help = "Supprime les photos de signalements jamais envoyés et les compteurs anti-abus expirés."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="Âge minimal des photos abandonnées (heures).")

    def handle(self, *args, hours, **options):
        photos = purge_draft_photos(older_than=dt.timedelta(hours=max(hours, 1)))
        hits = ratelimit.purge()
        self.stdout.write(f"{photos} photo(s) abandonnée(s) supprimée(s), {hits} compteur(s) expiré(s) supprimé(s).")
