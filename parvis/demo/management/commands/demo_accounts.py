"""`manage.py demo_accounts`: who to log in as in the demo, with the shared password."""

from django.conf import settings
from django.core.management.base import BaseCommand

from parvis.accounts.models import User
from parvis.demo import data


def demo_accounts():
    """(profile, email) of every demo account, in the order a visitor discovers them."""
    rows = [(resident["description"], resident["email"]) for resident in data.RESIDENTS]
    rows += [(agent["description"], agent["email"]) for agent in data.AGENTS]
    rows.append((data.PLATFORM_ADMIN["description"], data.PLATFORM_ADMIN["email"]))
    return rows


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration (profil, courriel, mot de passe) et l'adresse du site."

    def handle(self, *args, **options):
        rows = demo_accounts()
        existing = set(User.objects.filter(email__in=[email for _, email in rows]).values_list("email", flat=True))
        headers = ("Profil", "Courriel", "Mot de passe")
        table = [(profile, email, data.DEMO_PASSWORD if email in existing else "(absent : lancez load_demo)")
                 for profile, email in rows]
        widths = [max(len(str(row[i])) for row in [headers, *table]) for i in range(3)]
        rule = "+".join("-" * (width + 2) for width in widths)
        out = self.stdout
        out.write("")
        out.write(f"Parvis — démonstration d'Admiville : {settings.SITE_URL}")
        out.write(f"Mot de passe commun à tous les comptes : {data.DEMO_PASSWORD}")
        out.write("")
        out.write(f"+{rule}+")
        out.write("| " + " | ".join(str(cell).ljust(width) for cell, width in zip(headers, widths, strict=True)) + " |")
        out.write(f"+{rule}+")
        for row in table:
            out.write("| " + " | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")
        out.write(f"+{rule}+")
        if len(existing) < len(rows):
            out.write(self.style.WARNING("Certains comptes n'existent pas encore : lancez « manage.py load_demo »."))
        out.write(f"Ouvrez {settings.SITE_URL} et connectez-vous avec l'un de ces comptes.")
        out.write("")
