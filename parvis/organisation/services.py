"""Business rules of the organisation: the commune, its departments, its agents and their roles.

Views and forms call these functions and nothing else changes organisation data. Every change is
written to the `parvis.organisation.audit` logger (who did what); a real audit trail comes later.
Errors a person can fix are raised as `OrganisationError` with a message in plain French.
"""

import logging
from functools import partial

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.accounts.models import UserManager
from parvis.organisation.access import forget_roles
from parvis.organisation.models import AgentRole, Commune, Department, Role

audit = logging.getLogger("parvis.organisation.audit")


class OrganisationError(Exception):
    """A change refused for a reason the administrator can understand and fix."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        self.code = code


class EmailAlreadyUsed(OrganisationError):
    def __init__(self, message, existing_user):
        super().__init__(message, code="email_used")
        self.existing_user = existing_user


def _who(user):
    if user is None:
        return "system"
    return f"user #{user.pk} <{user.email or '-'}>"


def _log(actor, action, target, **details):
    extra = " ".join(f"{key}={value!r}" for key, value in details.items())
    audit.info("%s %s %s%s", _who(actor), action, target, f" {extra}" if extra else "")


# --- Commune ----------------------------------------------------------------------------------------

def save_commune(actor, commune, changed_fields=(), previous_logo=""):
    """Saves the commune (creating the row when there is none); removes the replaced logo file."""
    creating = commune.pk is None
    if creating and Commune.objects.exists():
        raise OrganisationError(_("La commune est déjà enregistrée : modifiez-la plutôt que d'en créer une autre."))
    commune.save()
    if previous_logo and previous_logo != commune.logo.name:
        storage = commune.logo.storage
        transaction.on_commit(partial(storage.delete, previous_logo))
    _log(actor, "created" if creating else "updated", f"commune #{commune.pk}", fields=sorted(changed_fields))
    return commune


# --- Departments ------------------------------------------------------------------------------------

def _unique_slug(base, exclude_pk=None):
    base = (base or "service")[:72].strip("-") or "service"
    candidate, n = base, 2
    others = Department.objects.exclude(pk=exclude_pk) if exclude_pk else Department.objects.all()
    while others.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def save_department(actor, department, changed_fields=()):
    """Creates or updates a department. An empty slug is made from the name (made unique with a suffix)."""
    creating = department.pk is None
    if department.commune_id is None:
        commune = Commune.current()
        if commune is None:
            raise OrganisationError(_("Renseignez d'abord la fiche de la commune, puis créez ses services."),
                                    code="no_commune")
        department.commune = commune
    if not department.slug:
        department.slug = _unique_slug(slugify(department.name), exclude_pk=department.pk)
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError:
        raise OrganisationError(_("Cet identifiant est déjà utilisé par un autre service : choisissez-en un autre."),
                                code="duplicate_slug")
    _log(actor, "created" if creating else "updated", f"department #{department.pk} {department.slug!r}",
         fields=sorted(changed_fields))
    return department


def published_procedures_of(department):
    from parvis.procedures.models import ProcedureStatus

    return department.procedures.filter(status=ProcedureStatus.PUBLISHED)


def deactivate_department(actor, department):
    """Deactivates a department: it is kept (with its procedures, cases and roles) but offered for nothing new.

    Refused while the department has procedures online: residents would file requests to a department
    that no longer exists.
    """
    published = published_procedures_of(department).count()
    if published:
        raise OrganisationError(
            ngettext("Ce service a encore %(count)s démarche en ligne. Fermez-la ou rattachez-la à un autre "
                     "service avant de le désactiver.",
                     "Ce service a encore %(count)s démarches en ligne. Fermez-les ou rattachez-les à un autre "
                     "service avant de le désactiver.", published) % {"count": published},
            code="has_published_procedures",
        )
    if department.is_active:
        department.is_active = False
        department.save(update_fields=["is_active"])
        _log(actor, "deactivated", f"department #{department.pk} {department.slug!r}")
    return department


def reactivate_department(actor, department):
    if not department.is_active:
        department.is_active = True
        department.save(update_fields=["is_active"])
        _log(actor, "reactivated", f"department #{department.pk} {department.slug!r}")
    return department


def _dependants_of(department):
    """What deleting the department would delete or is kept from deleting, as "N <kind>" strings."""
    from django.contrib.admin.utils import NestedObjects

    collector = NestedObjects(using=department._state.db or "default")
    collector.collect([department])
    found = {}
    for model, objects in collector.model_objs.items():
        if model is not Department and objects:
            found[model] = len(objects)
    for obj in collector.protected:
        found[type(obj)] = found.get(type(obj), 0) + 1
    return [f"{count} {model._meta.verbose_name_plural}" for model, count in found.items()]


def delete_department(actor, department):
    """Deletes a department created by mistake. Refused as soon as it owns procedures, roles or anything else."""
    count = department.procedures.count()
    if count:
        raise OrganisationError(
            ngettext("Ce service ne peut pas être supprimé : %(count)s démarche lui est rattachée et son historique "
                     "doit être conservé. Vous pouvez le désactiver.",
                     "Ce service ne peut pas être supprimé : %(count)s démarches lui sont rattachées et leur "
                     "historique doit être conservé. Vous pouvez le désactiver.", count) % {"count": count},
            code="has_procedures",
        )
    roles = department.agent_roles.count()
    if roles:
        raise OrganisationError(
            ngettext("Ce service ne peut pas être supprimé : %(count)s rôle d'agent y est attribué. Retirez-le "
                     "d'abord depuis la fiche de l'agent, ou désactivez le service.",
                     "Ce service ne peut pas être supprimé : %(count)s rôles d'agents y sont attribués. Retirez-les "
                     "d'abord depuis la fiche des agents, ou désactivez le service.", roles) % {"count": roles},
            code="has_roles",
        )
    dependants = _dependants_of(department)
    if dependants:
        raise OrganisationError(
            _("Ce service ne peut pas être supprimé : des données lui sont rattachées (%(what)s). Vous pouvez le "
              "désactiver.") % {"what": ", ".join(dependants)},
            code="has_dependants",
        )
    pk, slug = department.pk, department.slug
    try:
        with transaction.atomic():
            department.delete()
    except (ProtectedError, RestrictedError):
        raise OrganisationError(
            _("Ce service ne peut pas être supprimé : des données lui sont rattachées. Vous pouvez le désactiver."),
            code="protected",
        )
    _log(actor, "deleted", f"department #{pk} {slug!r}")


# --- Agents -----------------------------------------------------------------------------------------

def find_user_by_email(email):
    email = UserManager.normalize_email_address(email)
    if not email:
        return None
    return get_user_model().objects.filter(email=email).first()


def _email_used_error(existing):
    if existing.agent_roles.exists() or existing.is_staff:
        message = _("Un agent utilise déjà cette adresse électronique. Modifiez ses rôles depuis la liste des agents.")
    else:
        message = _("Cette adresse électronique est déjà celle d'un compte usager. Utilisez l'adresse "
                    "professionnelle de l'agent.")
    return EmailAlreadyUsed(message, existing)


def _enqueue_activation_email(user):
    from parvis.organisation.tasks import send_agent_activation_email

    transaction.on_commit(partial(send_agent_activation_email.enqueue, user.pk))


@transaction.atomic
def create_agent(actor, *, email, first_name, last_name, roles):
    """Creates an agent account without a password, gives it `roles` and emails an activation link.

    `roles` is an iterable of `(department, role)`. Raises `EmailAlreadyUsed` when the email is taken.
    """
    email = UserManager.normalize_email_address(email)
    existing = find_user_by_email(email)
    if existing is not None:
        raise _email_used_error(existing)
    try:
        with transaction.atomic():
            agent = get_user_model().objects.create_user(email, None, first_name=first_name.strip(),
                                                         last_name=last_name.strip())
    except IntegrityError:  # the same address typed in two browsers at once
        raise _email_used_error(find_user_by_email(email))
    _log(actor, "created agent", f"user #{agent.pk} <{agent.email}>")
    set_agent_roles(actor, agent, roles)
    _enqueue_activation_email(agent)
    return agent


def send_activation_email(actor, agent):
    """Sends a new activation link (the previous one stays valid until it expires or a password is set)."""
    if not agent.is_active:
        raise OrganisationError(_("Ce compte est désactivé : réactivez-le avant d'envoyer un lien d'activation."))
    if agent.has_usable_password():
        raise OrganisationError(_("Cet agent a déjà choisi son mot de passe ; il peut utiliser « Mot de passe "
                                  "oublié » sur la page de connexion."))
    _enqueue_activation_email(agent)
    _log(actor, "sent activation email to", f"user #{agent.pk} <{agent.email}>")


def complete_activation(agent):
    """Called once the agent has chosen a password through the activation link: the email is proven."""
    if agent.email_verified_at is None:
        agent.email_verified_at = timezone.now()
        agent.save(update_fields=["email_verified_at"])
    _log(agent, "activated own account", f"user #{agent.pk}")


@transaction.atomic
def update_agent(actor, agent, *, email, first_name, last_name):
    """Changes an agent's name or professional email (refused if the email belongs to someone else)."""
    email = UserManager.normalize_email_address(email)
    existing = find_user_by_email(email)
    if existing is not None and existing.pk != agent.pk:
        raise _email_used_error(existing)
    changes = {}
    for field, value in (("email", email), ("first_name", first_name.strip()), ("last_name", last_name.strip())):
        if getattr(agent, field) != value:
            changes[field] = value
            setattr(agent, field, value)
    if changes:
        agent.save(update_fields=list(changes))
        _log(actor, "updated agent", f"user #{agent.pk}", fields=sorted(changes))
    return agent


@transaction.atomic
def set_agent_roles(actor, agent, roles):
    """Makes the agent's roles exactly `roles` (an iterable of `(department or id, role)`).

    Returns `(added, removed)` as sets of `(department_id, role)`. New roles are only given in active
    departments; roles already held in a deactivated one may be kept or removed. An agent keeps at least
    one role (to take every access away, deactivate the agent) unless they are a platform administrator.
    """
    wanted = set()
    for department, role in roles:
        if role not in Role.values:
            raise OrganisationError(_("Rôle inconnu."), code="unknown_role")
        wanted.add((getattr(department, "pk", department), role))
    current = dict(((row.department_id, row.role), row) for row in
                   AgentRole.objects.select_for_update().filter(user=agent))
    added = wanted - set(current)
    removed = set(current) - wanted
    if not wanted and not (agent.is_staff or agent.is_superuser):
        raise OrganisationError(_("Un agent doit garder au moins un rôle. Pour lui retirer tous ses accès, "
                                  "désactivez son compte."), code="no_role")
    if added:
        department_ids = {department_id for department_id, _role in added}
        active = set(Department.objects.filter(pk__in=department_ids, is_active=True).values_list("pk", flat=True))
        if department_ids - active:
            raise OrganisationError(_("Un des services choisis n'existe pas ou est désactivé."),
                                    code="unknown_department")
        # ignore_conflicts: two administrators giving the same role at the same moment is not an error.
        AgentRole.objects.bulk_create([AgentRole(user=agent, department_id=d, role=r) for d, r in sorted(added)],
                                      ignore_conflicts=True)
    if removed:
        AgentRole.objects.filter(pk__in=[current[key].pk for key in removed]).delete()
    forget_roles(agent)
    if added or removed:
        _log(actor, "set roles of", f"user #{agent.pk}", added=sorted(added), removed=sorted(removed))
    return added, removed


def deactivate_agent(actor, agent):
    """Closes an agent's access (`is_active=False`): they can no longer log in; roles and history are kept."""
    if agent.pk == actor.pk:
        raise OrganisationError(_("Vous ne pouvez pas désactiver votre propre compte."), code="self")
    if agent.is_superuser and not actor.is_superuser:
        raise OrganisationError(_("Seule l'équipe technique peut désactiver ce compte."), code="superuser")
    if agent.is_active:
        agent.is_active = False
        agent.save(update_fields=["is_active"])
        forget_roles(agent)
        _log(actor, "deactivated agent", f"user #{agent.pk} <{agent.email}>")
    return agent


def reactivate_agent(actor, agent):
    """Gives access back, with the roles the agent held. Without a password yet, a new link is emailed."""
    if not agent.is_active:
        agent.is_active = True
        agent.save(update_fields=["is_active"])
        forget_roles(agent)
        _log(actor, "reactivated agent", f"user #{agent.pk} <{agent.email}>")
        if not agent.has_usable_password() and agent.email:
            _enqueue_activation_email(agent)
    return agent
