"""Why a booking, a move or a confirmation was refused. The message is shown to the person booking; `nearest`
holds the free times closest to the one refused, `existing` the appointment that stands in the way."""


class BookingError(Exception):
    default_message = ""

    def __init__(self, message=None, *, nearest=None, existing=None):
        super().__init__(str(message or self.default_message))
        self.message = str(message or self.default_message)
        self.nearest = nearest or []
        self.existing = existing


class NotOffered(BookingError):
    default_message = "Ce créneau n'est pas proposé. Choisissez un horaire dans la liste."


class OutsideBookingWindow(BookingError):
    default_message = "Ce créneau n'est pas ouvert à la réservation (trop proche ou trop lointain)."


class SlotUnavailable(BookingError):
    default_message = "Ce créneau vient d'être réservé par quelqu'un d'autre."


class HoldExpired(BookingError):
    default_message = "Le délai pour confirmer est dépassé et le créneau a été réservé par quelqu'un d'autre."


class AlreadyBooked(BookingError):
    default_message = "Vous avez déjà un rendez-vous à venir pour ce motif."


class ApplicationIdAlreadyBooked(BookingError):
    default_message = "Ce numéro de pré-demande a déjà un rendez-vous à venir dans notre commune."


class InvalidState(BookingError):
    default_message = "Ce rendez-vous ne peut plus être modifié."
