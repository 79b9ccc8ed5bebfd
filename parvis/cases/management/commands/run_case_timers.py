from django.core.management.base import BaseCommand

from parvis.cases.timers import fire_due_timers


class Command(BaseCommand):
    help = ("Déclenche les minuteurs échus des circuits de traitement : relances des usagers (pièces attendues...) "
            "et transitions automatiques. Chaque minuteur ne sert qu'une fois : peut être lancé aussi souvent que "
            "voulu, par exemple toutes les 15 minutes.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="Nombre maximal de minuteurs traités (500).")

    def handle(self, *args, limit=500, **options):
        counts = fire_due_timers(limit=limit)
        self.stdout.write(f"{counts['done']} minuteur(s) déclenché(s), {counts['skipped']} sans objet.")
