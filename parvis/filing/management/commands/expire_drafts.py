from django.core.management.base import BaseCommand

from parvis.filing.services import expire_drafts


class Command(BaseCommand):
    help = ("Avertit une fois par courriel les usagers dont la demande en cours expire bientôt et supprime "
            "les demandes en cours expirées (et leurs fichiers). Peut être lancée plusieurs fois.")

    def handle(self, *args, **options):
        warned, deleted = expire_drafts()
        self.stdout.write(f"{warned} avertissement(s) envoyé(s), {deleted} brouillon(s) supprimé(s).")
