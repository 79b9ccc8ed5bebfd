"""`manage.py generate_demo_data --residents 60000 --cases 1000000`: years of realistic Admiville data.

See `parvis.backoffice.demo_data`. Adds fictitious people and cases: never on a production database.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parvis.backoffice import demo_data
from parvis.cases.deadlines import PARIS


class Command(BaseCommand):
    help = ("Génère des données réalistes en volume (usagers, agents, années de demandes) pour la démonstration "
            "et les bancs d'essai. Jamais sur une base de production.")

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=60000, help="Usagers à créer (défaut : 60 000).")
        parser.add_argument("--cases", type=int, default=100000, help="Demandes à créer (défaut : 100 000).")
        parser.add_argument("--years", type=float, default=10.0,
                            help="Période couverte, en années, jusqu'à --until (défaut : 10).")
        parser.add_argument("--until", default="", help="Date de réception la plus récente (AAAA-MM-JJ ; "
                                                         "défaut : maintenant).")
        parser.add_argument("--agents-per-department", type=int, default=4,
                            help="Instructeurs supplémentaires par service (défaut : 4).")
        parser.add_argument("--seed", type=int, default=None, help="Graine du hasard (données reproductibles).")
        parser.add_argument("--batch-size", type=int, default=10000)
        parser.add_argument("--no-history", action="store_true",
                            help="Sans historique ni décisions (plus rapide).")

    def handle(self, *args, residents, cases, years, until, agents_per_department, seed, batch_size, no_history,
               **options):
        if residents < 0 or cases < 0 or years <= 0 or batch_size < 1:
            raise CommandError("Valeurs positives attendues.")
        until_moment = None
        if until:
            try:
                day = dt.date.fromisoformat(until)
            except ValueError:
                raise CommandError("--until : date au format AAAA-MM-JJ attendue.")
            until_moment = dt.datetime.combine(day, dt.time(18), tzinfo=PARIS)
            if until_moment > timezone.now():
                until_moment = timezone.now()
        started = time.monotonic()

        def progress(report):
            elapsed = time.monotonic() - started
            self.stdout.write(f"  {report.cases:,} demandes ({elapsed:.0f} s, "
                              f"{report.cases / max(elapsed, 0.001):,.0f}/s)".replace(",", " "))

        report = demo_data.generate(
            residents=residents, cases=cases, years=years, until=until_moment,
            agents_per_department=agents_per_department, seed=seed, batch_size=batch_size,
            history=not no_history, progress=progress, log=self.stdout.write,
        )
        statuses = ", ".join(f"{status} {n}" for status, n in report.statuses.most_common())
        self.stdout.write(self.style.SUCCESS(
            f"{report.residents} usagers, {report.agents} agents, {report.cases} demandes, {report.events} lignes "
            f"d'historique, {report.decisions} décisions en {report.seconds:.0f} s."))
        if statuses:
            self.stdout.write(f"Statuts : {statuses}")
