import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parvis.billing.invoicing import issue_monthly_invoices
from parvis.billing.models import CashOffice
from parvis.families.invoicing import first_of_month, month_label
from parvis.families.rules import euros


class Command(BaseCommand):
    help = ("Émet les factures d'un mois pour une régie (présences, forfaits). Idempotent : une famille déjà "
            "facturée pour ce mois ne l'est pas deux fois. --dry-run montre ce qui serait émis sans rien écrire.")

    def add_arguments(self, parser):
        parser.add_argument("--regie", required=True, help="Code de la régie (ex. : ENF).")
        parser.add_argument("--mois", help="Mois facturé, AAAA-MM (par défaut : le mois précédent).")
        parser.add_argument("--dry-run", action="store_true", help="Afficher sans émettre.")

    def handle(self, *args, **options):
        office = CashOffice.objects.filter(code=options["regie"]).first()
        if office is None:
            raise CommandError(f"Régie inconnue : {options['regie']}")
        if options["mois"]:
            try:
                month = first_of_month(options["mois"])
            except ValueError:
                raise CommandError("Mois attendu au format AAAA-MM.")
        else:
            month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        try:
            report = issue_monthly_invoices(office, month, dry_run=options["dry_run"])
        except ValueError as error:
            raise CommandError(str(error))
        label = month_label(month)
        if report.dry_run:
            self.stdout.write(f"Simulation — {office.name}, {label} :")
            for household, total, count in report.planned:
                self.stdout.write(f"  foyer n° {household.pk} ({household}) : {count} ligne(s), {euros(total)}")
            self.stdout.write(f"{len(report.planned)} facture(s) seraient émises pour {euros(report.total)} ; "
                              f"{report.existing} déjà émise(s). Rien n'a été écrit.")
            return
        for invoice in report.created:
            self.stdout.write(f"  {invoice.number} — {invoice.payer_name} : {euros(invoice.total)}")
        self.stdout.write(f"{office.name}, {label} : {len(report.created)} facture(s) émise(s) pour "
                          f"{euros(report.total)} ; {report.existing} déjà émise(s).")
