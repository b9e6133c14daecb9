"""Pages for the programme, teams, people, and a person's own account.

Access to every view is checked first by PermissionMiddleware against the permission table;
views only look objects up through team-scoped helpers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from whatmatters.audit.log import Action, record
from whatmatters.qr import qr_svg_inline
from whatmatters.teams import actions, personal_data, sso, twofactor
from whatmatters.teams.access import roles_of
from whatmatters.teams.forms import (
    BuddyPairForm,
    CohortForm,
    InviteForm,
    MembershipForm,
    PasswordCheckForm,
    PersonForm,
    SignInForm,
    TeamForm,
    TwoFactorCodeForm,
)
from whatmatters.teams.models import (
    BuddyPair,
    Cohort,
    Membership,
    Organisation,
    RecoveryCodeDevice,
    Team,
    User,
)
from whatmatters.teams.permissions import allows
from whatmatters.teams.roles import ROLE_DESCRIPTIONS, Role


def _posted(request: HttpRequest) -> Any:
    """The submitted data on POST (even if empty, so an empty form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


# --- Signing in and out -------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    template_name = "teams/sign_in.jinja"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return sso.allow_provider_in_form_action(super().dispatch(request, *args, **kwargs))

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        context["provider_name"] = sso.provider_name() if sso.is_configured() else ""
        return context

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        user = form.get_user()
        if twofactor.is_on_for(user):
            # The password was right; the session is only fully signed in after the code.
            return redirect(f"{reverse('sign_in_code')}?{urlencode({'next': self.get_success_url()})}")
        if twofactor.is_required_for(user):
            return redirect("two_factor_setup")
        return response

    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        # A half-signed-in session (password given, code not yet) goes on to the code page.
        if (
            request.user.is_authenticated
            and twofactor.is_on_for(request.user)
            and not twofactor.session_is_verified(request)
        ):
            return redirect("sign_in_code")
        return super().get(request, *args, **kwargs)


WRONG_CODE = (
    "That code is not right. Use the newest code your app shows for What Matters, "
    "or one of your recovery codes."
)
WAIT_FOR_CODE = "Too many codes in a row. Wait a few seconds, then enter the newest code your app shows."


def _safe_next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second sign-in step for people with two-factor on: a code from their app, or a recovery code."""
    user = request.user
    next_url = _safe_next(request)
    if not twofactor.is_on_for(user) or twofactor.session_is_verified(request):
        return redirect(next_url)
    credentials = {"username": user.email}
    if AxesProxyHandler.is_locked(request, credentials):
        # Locked from somewhere else meanwhile: this half-signed-in session ends too.
        logout(request)
        return locked_out(request, credentials=credentials)
    form = TwoFactorCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        device, why = twofactor.check_code(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, RecoveryCodeDevice):
                left = twofactor.recovery_codes_left(user)
                summary = f"with a recovery code; {left} left"
                if left <= 3:
                    messages.warning(
                        request,
                        f"You have {left} recovery code{'s' if left != 1 else ''} left. "
                        "Make new ones from your account page.",
                    )
            else:
                summary = "with a code from the authenticator app"
            record(Action.TWO_FACTOR_PASSED, obj=user, summary=summary)
            AxesProxyHandler.reset_attempts(username=user.email)
            return redirect(next_url)
        record(Action.TWO_FACTOR_FAILED, obj=user, summary="wrong code when signing in")
        # A wrong code counts toward the same lock-out as a wrong password.
        AxesProxyHandler.user_login_failed(sender=SignInView, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)  # AxesMiddleware then shows the locked-out page.
        form.add_error("code", WAIT_FOR_CODE if why == "wait" else WRONG_CODE)
    return render(request, "teams/sign_in_code.jinja", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        through_provider = sso.signed_in_through_provider(request)
        id_token = request.session.get("oidc_id_token")
        logout(request)
        if through_provider:
            # The provider's session ends too, when it offers a way (its discovery's end_session_endpoint).
            provider_sign_out = sso.end_session_url(request, id_token)
            if provider_sign_out:
                return redirect(provider_sign_out)
        return redirect("signed_out")
    if not request.user.is_authenticated:
        return redirect("signed_out")
    return sso.allow_provider_in_form_action(render(request, "teams/sign_out.jinja"))


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "teams/signed_out.jinja")


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
    *args: object,
    **kwargs: object,
) -> HttpResponse:
    """Shown by django-axes after too many failed sign-ins (axes 8 passes the original response too)."""
    record(
        Action.LOCKED_OUT,
        object_repr=str((credentials or {}).get("username", ""))[:150],
        summary="too many failed sign-ins",
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "teams/locked_out.jinja", {"minutes": minutes}, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "teams/password_change.jinja"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        record(Action.PASSWORD_CHANGE, obj=self.request.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "teams/password_reset.jinja"
    email_template_name = "teams/email/password_reset.txt"
    subject_template_name = "teams/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_sent")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        # Logged only for real accounts, and without what was typed, so the log cannot be used to
        # learn which addresses have accounts.
        for user in form.get_users(form.cleaned_data["email"]):
            record(Action.PASSWORD_RESET, obj=user, summary="a password-reset link was emailed")
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "teams/password_reset_confirm.jinja"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        record(Action.PASSWORD_CHANGE, obj=form.user, summary="new password set from an emailed link")
        return response


class InviteAcceptView(PasswordResetConfirmView):
    """The link in an invitation: the person chooses a password and is signed in."""

    template_name = "teams/invite_accept.jinja"
    success_url = reverse_lazy("start")
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"


def password_page(template: str):  # type: ignore[no-untyped-def]
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template)

    return view


# --- A person's own account ---------------------------------------------------------------------


def account(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("team")
    return render(
        request,
        "teams/account.jinja",
        {
            "memberships": memberships,
            "role_descriptions": ROLE_DESCRIPTIONS,
            "two_factor_on": twofactor.is_on_for(request.user),
            "active": "account",
        },
    )


# --- Two-factor sign-in -------------------------------------------------------------------------


@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "teams/two_factor.jinja",
        {
            "is_on": twofactor.is_on_for(user),
            "is_required": twofactor.is_required_for(user),
            "codes_left": twofactor.recovery_codes_left(user),
            "active": "account",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then prove it with a code."""
    user = request.user
    if twofactor.is_on_for(user):
        return redirect("two_factor")
    device = twofactor.pending_device(user)
    form = TwoFactorCodeForm(_posted(request), recovery=False)
    if request.method == "POST" and form.is_valid():
        token = twofactor.normalise(form.cleaned_data["code"])
        if token.isdigit() and len(token) == 6 and device.verify_token(token):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = twofactor.new_recovery_codes(user)
            record(
                Action.TWO_FACTOR_ON,
                obj=user,
                summary=f"authenticator app set up; {len(codes)} recovery codes made",
            )
            return render(
                request,
                "teams/two_factor_codes.jinja",
                {"codes": codes, "first_time": True, "active": "account"},
            )
        record(Action.TWO_FACTOR_FAILED, obj=user, summary="wrong code when setting up")
        form.add_error("code", "That code is not right. Enter the newest 6-digit code your app shows.")
    return render(
        request,
        "teams/two_factor_setup.jinja",
        {
            "form": form,
            "qr": qr_svg_inline(device.config_url, "QR code to scan with your authenticator app"),
            "secret": twofactor.secret_for_typing(device),
            "is_required": twofactor.is_required_for(user),
            "active": "account",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_new_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not twofactor.is_on_for(user):
        return redirect("two_factor")
    form = PasswordCheckForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.new_recovery_codes(user)
        record(
            Action.TWO_FACTOR_NEW_CODES,
            obj=user,
            summary=f"{len(codes)} new recovery codes; old ones stop working",
        )
        return render(
            request,
            "teams/two_factor_codes.jinja",
            {"codes": codes, "first_time": False, "active": "account"},
        )
    return render(
        request,
        "teams/two_factor_password.jinja",
        {
            "form": form,
            "title": "Make new recovery codes",
            "lead": "You will get 10 new recovery codes. Your old ones will stop working.",
            "button": "Make new recovery codes",
            "active": "account",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_off(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not twofactor.is_on_for(user):
        return redirect("two_factor")
    form = PasswordCheckForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        twofactor.turn_off(user)
        record(Action.TWO_FACTOR_OFF, obj=user, summary="authenticator app and recovery codes removed")
        messages.success(request, "Two-factor sign-in is off. Your recovery codes no longer work.")
        return redirect("two_factor")
    lead = "You will sign in with your password only. Your recovery codes will stop working."
    if twofactor.is_required_for(user):
        lead = (
            "Your role needs two-factor sign-in, so you will be asked to set it up again straight away, "
            "for example with a new phone."
        )
    return render(
        request,
        "teams/two_factor_password.jinja",
        {
            "form": form,
            "title": "Turn off two-factor sign-in",
            "lead": lead,
            "button": "Turn off two-factor sign-in",
            "active": "account",
        },
    )


# --- The programme ------------------------------------------------------------------------------


def team_detail(request: HttpRequest, team: str) -> HttpResponse:
    the_team: Team = request.team
    memberships = list(the_team.memberships.select_related("user").order_by("role", "user__full_name"))
    return render(
        request,
        "teams/team_detail.jinja",
        {
            "team": the_team,
            "memberships": memberships,
            "buddies": the_team.buddies(),
            "can_manage": allows(request.user, "membership_add", the_team),
            "active": "programme",
        },
    )


@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = Organisation.objects.current()
        new_team = form.save()
        messages.success(request, f"{new_team.name} has been added")
        return redirect(new_team)
    return render(
        request, "teams/form_page.jinja", {"form": form, "title": "Add a team", "button": "Add team"}
    )


@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, team: str) -> HttpResponse:
    form = TeamForm(_posted(request), instance=request.team)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, "Your changes have been saved")
        return redirect(saved) if saved.is_active else redirect("programme")
    return render(
        request,
        "teams/form_page.jinja",
        {"form": form, "title": f"Change {request.team.name}", "button": "Save"},
    )


@require_http_methods(["GET", "POST"])
def membership_add(request: HttpRequest, team: str) -> HttpResponse:
    form = MembershipForm(_posted(request), team=request.team)
    if request.method == "POST" and form.is_valid():
        Membership.objects.create(
            user=form.cleaned_data["user"], team=request.team, role=form.cleaned_data["role"]
        )
        messages.success(request, f"{form.cleaned_data['user']} has been added to {request.team.name}")
        return redirect(request.team)
    return render(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": f"Give someone a role in {request.team.name}",
            "button": "Add to team",
            "back": request.team.get_absolute_url(),
        },
    )


@require_POST
def membership_remove(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    membership = get_object_or_404(request.team.memberships, pk=pk)
    membership.delete()
    messages.success(request, f"{membership.user} no longer has a role in {request.team.name}")
    return redirect(request.team)


@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest) -> HttpResponse:
    organisation = Organisation.objects.current()
    form = CohortForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = organisation
        cohort = form.save()
        messages.success(request, f"{cohort.name} has been added")
        return redirect("programme")
    return render(
        request, "teams/form_page.jinja", {"form": form, "title": "Add a phase", "button": "Add phase"}
    )


@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort, pk=pk)
    form = CohortForm(_posted(request), instance=cohort)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your changes have been saved")
        return redirect("programme")
    return render(
        request, "teams/form_page.jinja", {"form": form, "title": f"Change {cohort.name}", "button": "Save"}
    )


@require_http_methods(["GET", "POST"])
def buddy_pair_create(request: HttpRequest) -> HttpResponse:
    form = BuddyPairForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        pair = form.save()
        messages.success(request, f"{pair} are now buddies")
        return redirect("programme")
    return render(
        request,
        "teams/form_page.jinja",
        {"form": form, "title": "Pair two teams as buddies", "button": "Pair teams"},
    )


@require_POST
def buddy_pair_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(BuddyPair, pk=pk)
    pair.delete()
    messages.success(request, f"{pair} are no longer buddies")
    return redirect("programme")


# --- People -------------------------------------------------------------------------------------


def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    users = User.objects.prefetch_related("memberships__team").order_by("full_name")
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return render(request, "teams/people.jinja", {"people": users, "query": query, "active": "people"})


def _is_organisation_admin(user: User) -> bool:
    return Role.ADMIN in roles_of(user).organisation_roles


@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(_posted(request), can_grant_admin=_is_organisation_admin(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = actions.invite_person(
            full_name=data["full_name"],
            email=data["email"],
            team=data["team"],
            role=data["role"],
            base_url=request.build_absolute_uri("/"),
            invited_by=request.user,
        )
        messages.success(request, f"We have emailed an invitation to {user.email}")
        return redirect("people")
    return render(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": "Invite someone",
            "button": "Send invitation",
            "active": "people",
            "intro": "They will get an email with a link to choose a password. The link works for 7 days.",
        },
    )


@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "resend":
        actions.send_invitation(person, base_url=request.build_absolute_uri("/"), invited_by=request.user)
        messages.success(request, f"We have emailed a new invitation to {person.email}")
        return redirect("person_detail", pk=person.pk)
    # Read before validation: a valid ModelForm copies the new answers (e.g. is_active) onto `person`.
    person_is_admin = Role.ADMIN in roles_of(person).organisation_roles
    form = PersonForm(_posted(request), instance=person, can_grant_admin=_is_organisation_admin(request.user))
    if request.method == "POST" and form.is_valid():
        if person == request.user and not form.cleaned_data["is_active"]:
            form.add_error("is_active", "You cannot close your own account")
        elif (
            person_is_admin
            and not _is_organisation_admin(request.user)
            and (not form.cleaned_data["is_active"])
        ):
            form.add_error("is_active", "Only an admin can close an admin's account")
        elif (
            person == request.user
            and person_is_admin
            and Role.ADMIN not in form.cleaned_data["organisation_roles"]
        ):
            form.add_error("organisation_roles", "You cannot remove your own admin role")
        else:
            with transaction.atomic():
                actions.update_person(form)
            messages.success(request, "Your changes have been saved")
            return redirect("people")
    memberships = person.memberships.select_related("team").filter(team__isnull=False)
    return render(
        request,
        "teams/person_detail.jinja",
        {
            "person": person,
            "form": form,
            "memberships": memberships,
            "active": "people",
            "invited": not person.has_usable_password() and not personal_data.is_erased(person),
            "erased": personal_data.is_erased(person),
        },
    )


# --- Personal data: what we hold about a person, and erasing them (see docs/privacy.md) -----------------


def _data_file(person: User, filename: str) -> JsonResponse:
    response = JsonResponse(personal_data.export(person), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def account_data(request: HttpRequest) -> HttpResponse:
    person = request.user
    return render(
        request,
        "teams/account_data.jinja",
        {
            "data": personal_data.summary(personal_data.export(person)),
            "joined": person.date_joined,
            "last_login": person.last_login,
            "active": "account",
        },
    )


def account_data_json(request: HttpRequest) -> HttpResponse:
    return _data_file(request.user, "what-matters-your-data.json")


def person_data_json(request: HttpRequest, pk: int) -> HttpResponse:
    return _data_file(get_object_or_404(User, pk=pk), f"what-matters-person-{pk}.json")


@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    problem = ""
    try:
        personal_data.check_can_erase(person, request.user)
    except personal_data.CannotErase as error:
        problem = str(error)
    if request.method == "POST" and not problem:
        personal_data.erase(person, by=request.user)
        messages.success(request, f"Erased. This person is now shown as {personal_data.erased_label(pk)}")
        return redirect("person_detail", pk=pk)
    return render(
        request,
        "teams/person_erase.jinja",
        {
            "person": person,
            "problem": problem,
            "label": personal_data.erased_label(pk),
            "email": personal_data.erased_email(pk),
            "active": "people",
        },
        status=409 if problem and request.method == "POST" else 200,
    )
