from django.core.management.base import BaseCommand

from parvis.cases.emails import send_due


class Command(BaseCommand):
    help = ("Renvoie les courriels dont l'envoi a échoué (accusés d'enregistrement et de réception...) "
            "lorsque leur prochain essai est dû. Sans effet sur les courriels déjà envoyés : "
            "peut être lancé aussi souvent que voulu, par exemple toutes les 5 minutes.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Réessayer maintenant tous les envois en échec, sans attendre le délai, "
                                 "y compris ceux abandonnés après le nombre maximal d'essais.")
        parser.add_argument("--limit", type=int, default=200, help="Nombre maximal d'envois traités (200).")

    def handle(self, *args, force=False, limit=200, **options):
        sent, failed = send_due(limit=limit, force=force)
        self.stdout.write(f"{sent} courriel(s) envoyé(s), {failed} en échec.")
