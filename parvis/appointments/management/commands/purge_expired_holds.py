"""`manage.py purge_expired_holds`: deletes holds that expired more than a day ago (housekeeping only:
expired holds never block anything, availability ignores them)."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from parvis.appointments.models import Appointment, Status


class Command(BaseCommand):
    help = "Supprime les réservations provisoires expirées depuis plus d'un jour."

    def handle(self, *args, **options):
        limit = timezone.now() - dt.timedelta(days=1)
        stale = Appointment.objects.filter(Q(status=Status.EXPIRED) | Q(status=Status.HELD, held_until__lt=limit),
                                           created_at__lt=limit)
        deleted = stale.delete()[1].get("appointments.Appointment", 0)
        self.stdout.write(f"{deleted} réservation(s) provisoire(s) supprimée(s).")
