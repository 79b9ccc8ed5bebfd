"""`manage.py generate_appointment_slots`: extends every agenda to its booking horizon (run daily)."""

from django.core.management.base import BaseCommand

from parvis.appointments.models import Place
from parvis.appointments.slots import generate_slots


class Command(BaseCommand):
    help = "Crée les créneaux de chaque lieu jusqu'au délai maximal de réservation (idempotent, à lancer chaque jour)."

    def add_arguments(self, parser):
        parser.add_argument("--lieu", help="Identifiant (slug) d'un seul lieu.")

    def handle(self, *args, **options):
        places = Place.objects.filter(is_active=True)
        if options.get("lieu"):
            places = places.filter(slug=options["lieu"])
        for place in places:
            self.stdout.write(f"{place.name} : {generate_slots(place)}")
