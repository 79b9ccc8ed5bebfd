from django.core.management.base import BaseCommand

from parvis.billing.payments import check_pending_transactions


class Command(BaseCommand):
    help = ("Règle les paiements en ligne restés en attente : interroge PayFiP quand c'est possible, sinon clôt "
            "ceux restés sans réponse plus de deux heures (idempotent : à lancer tous les quarts d'heure).")

    def handle(self, *args, **options):
        counts = check_pending_transactions()
        if not counts:
            self.stdout.write("Aucun paiement en attente à régler.")
        for status, count in sorted(counts.items()):
            self.stdout.write(f"{count} transaction(s) : {status}")
