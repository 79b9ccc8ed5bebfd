from django.core.management.base import BaseCommand

from parvis.cases.implicit import apply_implicit_decisions, cases_due_for_implicit_decision


class Command(BaseCommand):
    help = ("Enregistre les décisions implicites nées (CRPA L231-1, L231-4) : chaque dossier ouvert dont la date de "
            "décision implicite est passée devient « Acceptée implicitement » (SVA) ou « Refusée implicitement » "
            "(SVR) ; l'usager et le service sont prévenus. Sans effet sur un dossier déjà traité : peut être lancé "
            "aussi souvent que voulu, au moins une fois par jour (par exemple chaque nuit à 0 h 30).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Lister les dossiers concernés sans rien changer.")
        parser.add_argument("--limit", type=int, default=None, help="Nombre maximal de dossiers traités.")

    def handle(self, *args, dry_run=False, limit=None, **options):
        if dry_run:
            references = list(cases_due_for_implicit_decision().order_by("implicit_decision_on")
                              .values_list("reference", "implicit_decision_on")[:limit])
            for reference, day in references:
                self.stdout.write(f"{reference} : décision implicite née le {day:%d/%m/%Y}")
            self.stdout.write(f"{len(references)} dossier(s) à traiter.")
            return
        counts = apply_implicit_decisions(limit=limit)
        self.stdout.write(f"{counts['decided']} décision(s) implicite(s) enregistrée(s).")
        if counts["no-implicit-status"]:
            self.stderr.write(f"{counts['no-implicit-status']} dossier(s) dont le circuit n'a pas de statut de "
                              "décision implicite : à traiter par le service (voir les journaux).")
