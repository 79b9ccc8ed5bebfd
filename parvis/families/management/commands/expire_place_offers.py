from django.core.management.base import BaseCommand

from parvis.families.registrations import expire_offers


class Command(BaseCommand):
    help = ("Passe à la famille suivante les places proposées et non acceptées à temps (idempotent : à lancer "
            "toutes les heures).")

    def handle(self, *args, **options):
        count = expire_offers()
        self.stdout.write(f"{count} proposition(s) expirée(s).")
