"""Pages of the resident's account. Thin: forms validate, services.py does the work."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from parvis.accounts import forms, services
from parvis.accounts.services import LinkStatus, LoginOutcome

# Session keys.
CHECK_EMAIL_ADDRESS = "accounts_check_email"  # The address typed, shown on the "check your email" page.
UNVERIFIED_USER = "accounts_unverified_user"  # Account that gave the right password but is not verified.

GET_POST = require_http_methods(["GET", "POST"])


def _posted(request):
    """The form data of a POST (even empty, so that the form is bound and says what is missing)."""
    return request.POST if request.method == "POST" else None


def _safe_next(request) -> str | None:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _check_your_email(request, email):
    request.session[CHECK_EMAIL_ADDRESS] = services.normalize_email(email)
    return redirect("accounts:check_email")


# --- Sign-up and verification -------------------------------------------------------------------
@sensitive_post_parameters("password")
@never_cache
@GET_POST
def signup(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = forms.SignupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.register_resident(**form.cleaned_data)
        return _check_your_email(request, form.cleaned_data["email"])
    return render(request, "accounts/signup.html", {"form": form})


@never_cache
def check_email(request):
    """The same page whether the address was new, already used or unknown: it tells nothing more."""
    return render(request, "accounts/check_email.html", {
        "email": request.session.get(CHECK_EMAIL_ADDRESS), "link_hours": settings.EMAIL_LINK_MAX_AGE_HOURS,
    })


@never_cache
def verify_email(request, token):
    result = services.verify_email(token)
    if result.status == LinkStatus.DONE:
        messages.success(request, _("Votre adresse électronique est confirmée. Vous pouvez maintenant vous connecter."))
        return redirect("accounts:dashboard" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/verify_email.html", {"status": result.status, "token": token})


@never_cache
@GET_POST
def resend_verification(request):
    """A new verification link: for an expired link (token posted), after a login refused because the
    address is not verified (account in the session), or for an address typed (same answer always)."""
    form = forms.EmailForm(_posted(request))
    if request.method == "POST":
        if token := request.POST.get("token"):
            services.resend_verification_for_token(token)
            return _check_your_email(request, None)
        if "email" not in request.POST and (user_id := request.session.pop(UNVERIFIED_USER, None)):
            user = services.account_waiting_for_verification(user_id)
            services.resend_verification(user)
            return _check_your_email(request, user.email if user else None)
        if form.is_valid():
            services.resend_verification_to(form.cleaned_data["email"])
            return _check_your_email(request, form.cleaned_data["email"])
    return render(request, "accounts/resend_verification.html", {"form": form})


# --- Login and logout ---------------------------------------------------------------------------
@sensitive_post_parameters("password")
@never_cache
@GET_POST
def login(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = forms.LoginForm(_posted(request))
    unverified = False
    if request.method == "POST" and form.is_valid():
        attempt = services.attempt_login(request, form.cleaned_data["email"], form.cleaned_data["password"])
        if attempt.outcome == LoginOutcome.OK:
            request.session.pop(UNVERIFIED_USER, None)
            auth_login(request, attempt.user)  # Rotates the session key.
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        if attempt.outcome == LoginOutcome.UNVERIFIED:
            request.session[UNVERIFIED_USER] = attempt.user.pk
            unverified = True
        else:
            form.add_error(None, attempt.message)
    return render(request, "accounts/login.html", {"form": form, "next": next_url, "unverified": unverified})


@GET_POST
def logout(request):
    """Logs out on POST only; a GET shows a button (a link or a prefetch never logs anyone out)."""
    if request.method == "POST":
        auth_logout(request)
        messages.success(request, _("Vous êtes déconnecté."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/logout.html")


# --- Forgotten password -------------------------------------------------------------------------
@never_cache
@GET_POST
def password_reset(request):
    form = forms.EmailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(form.cleaned_data["email"])
        request.session[CHECK_EMAIL_ADDRESS] = services.normalize_email(form.cleaned_data["email"])
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


@never_cache
def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html", {"email": request.session.get(CHECK_EMAIL_ADDRESS)})


@sensitive_post_parameters("password")
@never_cache
@GET_POST
def password_reset_confirm(request, uidb64, token):
    user = services.user_for_password_reset(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset_confirm.html", {"invalid_link": True})
    form = forms.SetPasswordForm(user, _posted(request))
    if request.method == "POST" and form.is_valid():
        services.reset_password(user, form.cleaned_data["password"])
        if request.user.is_authenticated:
            auth_logout(request)
        messages.success(request, _("Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter."))
        return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


# --- Dashboard and profile ----------------------------------------------------------------------
@login_required
def dashboard(request):
    """The resident's space opens on "Mes demandes" (drafts, cases, appointments), in the cases app."""
    return redirect("cases:list")


@login_required
@GET_POST
def profile(request):
    form = forms.ProfileForm(_posted(request), instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos informations sont enregistrées."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@sensitive_post_parameters("current_password", "password")
@login_required
@GET_POST
def password_change(request):
    form = forms.PasswordChangeForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        services.change_password(request.user, form.cleaned_data["password"])
        update_session_auth_hash(request, request.user)  # Stay logged in here; other sessions end.
        messages.success(request, _("Votre mot de passe est modifié."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@sensitive_post_parameters("current_password")
@login_required
@GET_POST
def email_change(request):
    form = forms.EmailChangeForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        services.request_email_change(request.user, new_email)
        messages.success(request, _(
            "Nous avons envoyé un lien de confirmation à %(email)s. Ouvrez-le pour terminer le changement : "
            "d'ici là, votre adresse reste %(current)s."
        ) % {"email": new_email, "current": request.user.email})
        return redirect("accounts:profile")
    return render(request, "accounts/email_change.html", {"form": form})


@never_cache
@login_required
def email_change_confirm(request, token):
    result = services.confirm_email_change(request.user, token)
    if result.status == LinkStatus.DONE:
        messages.success(
            request, _("Votre adresse électronique est maintenant %(email)s.") % {"email": result.user.email}
        )
        return redirect("accounts:profile")
    return render(request, "accounts/email_change_confirm.html", {"status": result.status})


@sensitive_post_parameters("current_password")
@login_required
@GET_POST
def close_account(request):
    if not services.can_close_account(request.user):
        return render(request, "accounts/close_account.html", {"not_allowed": True})
    form = forms.CloseAccountForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        services.close_account(request.user)
        auth_logout(request)
        return redirect("accounts:account_closed")
    return render(request, "accounts/close_account.html", {"form": form})


def account_closed(request):
    return render(request, "accounts/account_closed.html")
