"""`manage.py send_appointment_reminders`: email and SMS reminders before appointments (run every 15 minutes)."""

from django.core.management.base import BaseCommand

from parvis.appointments.notifications import send_due_reminders


class Command(BaseCommand):
    help = "Envoie, une seule fois, le rappel (courriel et SMS) des rendez-vous des prochaines 48 heures."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_due_reminders()} rappel(s) envoyé(s).")
