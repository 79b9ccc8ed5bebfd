"""Pages of the agents' space and of the commune's administration. Thin: forms check, services act."""

import mimetypes

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.organisation import services
from parvis.organisation.access import (
    departments_of,
    is_platform_admin,
    require_agent_or_platform_admin,
    require_platform_admin,
    roles_of,
)
from parvis.organisation.agent_space import ROLE_DESCRIPTIONS, links_for
from parvis.organisation.branding import commune_logo_url
from parvis.organisation.forms import (
    AgentCreateForm,
    AgentFilterForm,
    AgentIdentityForm,
    AgentPasswordForm,
    CommuneForm,
    DepartmentForm,
    RolesForm,
)
from parvis.organisation.models import AgentRole, Commune, Department, Role
from parvis.organisation.tokens import activation_token

User = get_user_model()
AGENTS_PER_PAGE = 50


def _posted(request):
    """The POST data, or None for a GET (an empty POST is still a submitted form)."""
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def _crumbs(*items):
    """The breadcrumb trail (ui/components/breadcrumb.html): the agents' space, then `(label, url)` items."""
    return [(_("Espace agents"), reverse("organisation:home")), *items]


def _department_crumbs(department, last=None):
    items = [(_("Les services"), reverse("organisation:department_list"))]
    if last is None:
        items.append((department.name if department else _("Créer un service"), None))
    else:
        items += [(department.name, reverse("organisation:department_edit", args=[department.pk])), (last, None)]
    return _crumbs(*items)


def _agent_crumbs(agent, last=None):
    items = [(_("Les agents"), reverse("organisation:agent_list"))]
    if last is None:
        items.append((str(agent), None))
    else:
        items += [(str(agent), reverse("organisation:agent_detail", args=[agent.pk])), (last, None)]
    return _crumbs(*items)


# --- Agents' space ------------------------------------------------------------------------------------

@require_agent_or_platform_admin
def home(request):
    user = request.user
    held = roles_of(user)
    departments = []
    for department in departments_of(user).order_by("name"):
        roles = [{"label": label, "description": ROLE_DESCRIPTIONS[value]}
                 for value, label in Role.choices if (department.pk, value) in held]
        departments.append({"department": department, "roles": roles})
    return render(request, "organisation/home.html", {
        "departments": departments,
        "agent_links": links_for(user),
        "is_platform_admin": is_platform_admin(user),
        "admin_links": links_for(user, platform_admin=True),
    })


# --- Commune ------------------------------------------------------------------------------------------

@require_platform_admin
def commune_edit(request):
    commune = Commune.current()
    creating = commune is None
    previous_logo = commune.logo.name if commune and commune.logo else ""
    logo_url = commune_logo_url(commune)  # read before the form puts an unsaved upload on the instance
    form = CommuneForm(_posted(request), _files(request), instance=commune)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_commune(request.user, form.save(commit=False), form.changed_data, previous_logo)
        except services.OrganisationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("La fiche de la commune est enregistrée."))
            return redirect("organisation:commune")
    return render(request, "organisation/commune_form.html", {
        "form": form, "creating": creating, "commune_obj": commune, "logo_url": logo_url,
        "breadcrumbs": _crumbs((_("La commune"), None)),
    })


def commune_logo(request):
    """The commune's logo, public: uploaded files are never served from MEDIA_URL."""
    commune = Commune.current()
    if commune is None or not commune.logo:
        raise Http404
    try:
        handle = commune.logo.open("rb")
    except FileNotFoundError:
        raise Http404
    content_type = mimetypes.guess_type(commune.logo.name)[0]
    if content_type not in ("image/png", "image/jpeg"):
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- Departments --------------------------------------------------------------------------------------

@require_platform_admin
def department_list(request):
    departments = Department.objects.annotate(
        agent_count=Count("agent_roles__user", filter=Q(agent_roles__user__is_active=True), distinct=True),
        procedure_count=Count("procedures", distinct=True),
    ).order_by("-is_active", "pole", "name")
    return render(request, "organisation/department_list.html", {
        "departments": departments, "has_commune": Commune.objects.exists(),
        "breadcrumbs": _crumbs((_("Les services"), None)),
    })


def _department_form_page(request, department):
    creating = department is None
    if creating and not Commune.objects.exists():
        messages.warning(request, _("Renseignez d'abord la fiche de la commune, puis créez ses services."))
        return redirect("organisation:commune")
    form = DepartmentForm(_posted(request), instance=department)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_department(request.user, form.save(commit=False), form.changed_data)
        except services.OrganisationError as error:
            form.add_error("slug" if error.code == "duplicate_slug" else None, error.message)
        else:
            message = _("Le service « %(name)s » est créé.") if creating else _("Le service « %(name)s » est modifié.")
            messages.success(request, message % {"name": saved.name})
            return redirect("organisation:department_list")
    return render(request, "organisation/department_form.html", {
        "form": form, "department": department, "creating": creating,
        "breadcrumbs": _department_crumbs(department),
    })


@require_platform_admin
def department_create(request):
    return _department_form_page(request, None)


@require_platform_admin
def department_edit(request, pk):
    return _department_form_page(request, get_object_or_404(Department, pk=pk))


@require_platform_admin
def department_deactivate(request, pk):
    department = get_object_or_404(Department, pk=pk)
    published = services.published_procedures_of(department)
    if request.method == "POST":
        try:
            services.deactivate_department(request.user, department)
        except services.OrganisationError as error:
            messages.error(request, error.message)
            return redirect("organisation:department_deactivate", pk=department.pk)
        messages.success(request, _("Le service « %(name)s » est désactivé.") % {"name": department.name})
        return redirect("organisation:department_list")
    return render(request, "organisation/department_deactivate.html", {
        "department": department, "published": list(published.order_by("title")),
        "breadcrumbs": _department_crumbs(department, _("Désactiver")),
    })


@require_platform_admin
@require_POST
def department_reactivate(request, pk):
    department = get_object_or_404(Department, pk=pk)
    services.reactivate_department(request.user, department)
    messages.success(request, _("Le service « %(name)s » est réactivé.") % {"name": department.name})
    return redirect("organisation:department_list")


@require_platform_admin
def department_delete(request, pk):
    department = get_object_or_404(Department, pk=pk)
    if request.method == "POST":
        try:
            services.delete_department(request.user, department)
        except services.OrganisationError as error:
            messages.error(request, error.message)
            return redirect("organisation:department_delete", pk=pk)
        messages.success(request, _("Le service « %(name)s » est supprimé.") % {"name": department.name})
        return redirect("organisation:department_list")
    return render(request, "organisation/department_delete.html", {
        "department": department,
        "procedure_count": department.procedures.count(),
        "role_count": department.agent_roles.count(),
        "breadcrumbs": _department_crumbs(department, _("Supprimer")),
    })


# --- Agents -------------------------------------------------------------------------------------------

def _agents():
    """Everyone the agents pages deal with: holders of a role, and platform administrators."""
    return User.objects.filter(
        Exists(AgentRole.objects.filter(user=OuterRef("pk"))) | Q(is_staff=True) | Q(is_superuser=True)
    )


def get_agent_or_404(pk):
    return get_object_or_404(_agents(), pk=pk)


def _with_roles(queryset):
    rows = AgentRole.objects.select_related("department").order_by("department__name", "role")
    return queryset.prefetch_related(Prefetch("agent_roles", queryset=rows))


@require_platform_admin
def agent_list(request):
    form = AgentFilterForm(request.GET or None)
    agents = _agents()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        for word in data["q"].split():
            agents = agents.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                                   | Q(email__icontains=word))
        if data["department"] or data["role"]:
            rows = AgentRole.objects.filter(user=OuterRef("pk"))
            if data["department"]:
                rows = rows.filter(department=data["department"])
            if data["role"]:
                rows = rows.filter(role=data["role"])
            agents = agents.filter(Exists(rows))
        if data["status"] == "active":
            agents = agents.filter(is_active=True).exclude(password__startswith="!")
        elif data["status"] == "pending":
            agents = agents.filter(is_active=True, password__startswith="!")
        elif data["status"] == "inactive":
            agents = agents.filter(is_active=False)
    agents = _with_roles(agents.order_by("-is_active", "last_name", "first_name", "pk"))
    page = Paginator(agents, AGENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "organisation/agent_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
        "breadcrumbs": _crumbs((_("Les agents"), None)),
    })


def _role_help():
    return [{"label": label, "description": ROLE_DESCRIPTIONS[value]} for value, label in Role.choices]


@require_platform_admin
def agent_create(request):
    form = AgentCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agent = services.create_agent(request.user, email=data["email"], first_name=data["first_name"],
                                          last_name=data["last_name"], roles=form.role_pairs())
        except services.EmailAlreadyUsed as error:
            form.add_error("email", error.message)
        except services.OrganisationError as error:
            form.add_error("roles", error.message)
        else:
            messages.success(request, _("Le compte de %(name)s est créé. Un courriel lui a été envoyé à %(email)s "
                                        "pour choisir son mot de passe.") % {"name": agent.full_name,
                                                                             "email": agent.email})
            return redirect("organisation:agent_detail", pk=agent.pk)
    return render(request, "organisation/agent_create.html", {
        "form": form, "roles_form": form, "role_help": _role_help(),
        "breadcrumbs": _crumbs((_("Les agents"), reverse("organisation:agent_list")), (_("Créer un agent"), None)),
    })


@require_platform_admin
def agent_detail(request, pk):
    agent = get_agent_or_404(pk)
    held = list(agent.agent_roles.select_related("department").order_by("department__name", "role"))
    return render(request, "organisation/agent_detail.html", {
        "agent": agent, "roles": held, "is_self": agent.pk == request.user.pk,
        "breadcrumbs": _agent_crumbs(agent),
    })


@require_platform_admin
def agent_edit(request, pk):
    agent = get_agent_or_404(pk)
    form = AgentIdentityForm(_posted(request), initial={
        "first_name": agent.first_name, "last_name": agent.last_name, "email": agent.email,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.update_agent(request.user, agent, **form.cleaned_data)
        except services.EmailAlreadyUsed as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("Les informations de l'agent sont enregistrées."))
            return redirect("organisation:agent_detail", pk=agent.pk)
    return render(request, "organisation/agent_edit.html", {
        "agent": agent, "form": form, "breadcrumbs": _agent_crumbs(agent, _("Modifier")),
    })


@require_platform_admin
def agent_roles(request, pk):
    agent = get_agent_or_404(pk)
    initial = [f"{department_id}:{role}" for department_id, role in
               agent.agent_roles.values_list("department_id", "role")]
    form = RolesForm(_posted(request), agent=agent, initial={"roles": initial})
    if request.method == "POST" and form.is_valid():
        try:
            added, removed = services.set_agent_roles(request.user, agent, form.role_pairs())
        except services.OrganisationError as error:
            form.add_error("roles", error.message)
        else:
            if added or removed:
                messages.success(request, _("Les rôles de %(name)s sont enregistrés.") % {"name": agent})
            else:
                messages.info(request, _("Aucun changement : les rôles sont les mêmes."))
            return redirect("organisation:agent_detail", pk=agent.pk)
    return render(request, "organisation/agent_roles.html", {
        "agent": agent, "roles_form": form, "role_help": _role_help(),
        "breadcrumbs": _agent_crumbs(agent, _("Rôles")),
    })


@require_platform_admin
@require_POST
def agent_send_activation(request, pk):
    agent = get_agent_or_404(pk)
    try:
        services.send_activation_email(request.user, agent)
    except services.OrganisationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Un nouveau lien d'activation a été envoyé à %(email)s.") % {"email": agent.email})
    return redirect("organisation:agent_detail", pk=agent.pk)


@require_platform_admin
def agent_deactivate(request, pk):
    agent = get_agent_or_404(pk)
    if request.method == "POST":
        try:
            services.deactivate_agent(request.user, agent)
        except services.OrganisationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Le compte de %(name)s est désactivé.") % {"name": agent})
        return redirect("organisation:agent_detail", pk=agent.pk)
    return render(request, "organisation/agent_deactivate.html", {
        "agent": agent, "is_self": agent.pk == request.user.pk,
        "breadcrumbs": _agent_crumbs(agent, _("Désactiver")),
    })


@require_platform_admin
@require_POST
def agent_reactivate(request, pk):
    agent = get_agent_or_404(pk)
    services.reactivate_agent(request.user, agent)
    messages.success(request, _("Le compte de %(name)s est réactivé.") % {"name": agent})
    return redirect("organisation:agent_detail", pk=agent.pk)


# --- Activation of an agent's account (public: the agent is not logged in yet) ------------------------

class ActivateAccountView(PasswordResetConfirmView):
    form_class = AgentPasswordForm
    token_generator = activation_token
    reset_url_token = "choisir-mot-de-passe"
    template_name = "organisation/activate.html"
    success_url = reverse_lazy("organisation:activate_done")
    title = ""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_active or user.closed_at is not None:
            return None
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        services.complete_activation(form.user)
        return response


def activate_done(request):
    return render(request, "organisation/activate_done.html", {"login_url": reverse("accounts:login")})
