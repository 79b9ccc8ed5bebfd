"""Lists for schools and centres (XLSX, ODS), through the back-office writers (formula-safe)."""

from parvis.backoffice.exports import file_response, write_ods, write_xlsx

REGISTRATION_HEADERS = ["Nom", "Prénom", "Date de naissance", "École", "Classe", "Menu", "Allergie alimentaire",
                        "PAI", "État", "Place / rang", "Responsables", "Téléphones", "Personnes autorisées",
                        "À prévenir en cas d'urgence"]
ATTENDANCE_HEADERS = ["Nom", "Prénom", "Classe", "Menu", "Allergie alimentaire", "PAI", "Présent"]
WRITERS = {"xlsx": write_xlsx, "ods": write_ods}


def _yes(value):
    return "oui" if value else "non"


def registration_rows(session, registrations_with_rank):
    for registration, rank in registrations_with_rank:
        child = registration.child
        members = registration.household.active_members
        contacts = list(child.contacts.all())
        yield [
            child.last_name.upper(), child.first_name, child.birth_date, child.school.name if child.school else "",
            child.get_school_level_display() if child.school_level else "", child.get_menu_display(),
            _yes(child.has_food_allergy), _yes(child.has_care_plan), registration.get_status_display(),
            registration.place_number if rank is None else f"rang {rank}",
            ", ".join(member.display_name for member in members),
            ", ".join(member.user.phone for member in members if member.user and member.user.phone),
            ", ".join(f"{c.name} ({c.phone})" for c in contacts if c.can_pick_up),
            ", ".join(f"{c.name} ({c.phone})" for c in contacts if c.is_emergency_contact),
        ]


def registrations_export(session, fmt, registrations_with_rank):
    content = WRITERS[fmt](registration_rows(session, registrations_with_rank), headers=REGISTRATION_HEADERS,
                           title="Inscriptions")
    return file_response(content, fmt, f"inscriptions-{session.activity.slug}-{session.pk}")


def attendance_export(session, day, rows, fmt):
    def values():
        for row in rows:
            child = row["registration"].child
            yield [child.last_name.upper(), child.first_name,
                   child.get_school_level_display() if child.school_level else "", child.get_menu_display(),
                   _yes(child.has_food_allergy), _yes(child.has_care_plan),
                   "" if row["present"] is None else _yes(row["present"])]

    content = WRITERS[fmt](values(), headers=ATTENDANCE_HEADERS, title=f"Présences {day:%d-%m-%Y}")
    return file_response(content, fmt, f"presences-{session.activity.slug}-{day:%Y%m%d}")
