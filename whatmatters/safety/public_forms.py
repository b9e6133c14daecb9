"""One flow for every public form (statements, surveys and check-ins, excellence reports).

Each app describes its form with a `PublicForm` and calls `handle()`. The flow, in order:

1. closed link: the closed page (with crisis contacts);
2. the words typed and the answers chosen are screened **before** the form is validated, so a form that comes
   back with an error still shows the crisis contacts at once and still raises the alert;
3. rate limit (the slow-down page, which also puts crisis contacts first when the words signal risk);
4. the honeypot: a robot is thanked and nothing is kept;
5. the app's `save` runs in one transaction with the alert it raises; if saving fails, the alert is saved on
   its own (or the leads are emailed directly), the person is told, and what they typed stays in the form.

When the database cannot be reached at all (a restart, a failover), a post to a public form answers the
"not sent" page (`database_down`, 503), made without the database: nothing was saved, their words are shown
back to copy, "Try again" sends the same answers again, and the crisis contacts are on it.

The crisis rule lives here and nowhere else: an alert is raised when the words signal risk or ask to be
contacted, or when a check-in left a way to contact the person.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core import signing
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.client import client_address
from whatmatters.safety import alerts, ratelimit
from whatmatters.safety.alerts import Contact
from whatmatters.safety.models import Alert
from whatmatters.safety.screening import Screening, screen

logger = logging.getLogger(__name__)

PUBLIC_ACTOR = Actor(user=None, label="anonymous person (public link)")  # no address: it is never stored
HONEYPOT = "website"


class HoneypotMixin(forms.Form):
    """A hidden box people never see; spam robots fill it in."""

    website = forms.CharField(required=False, label="Leave this empty")

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT))


@dataclass
class Saved:
    """What the app's `save` made: the links for the alert (e.g. {"statement": s}) and anything else."""

    links: dict[str, Any] = field(default_factory=dict)
    result: Any = None


@dataclass
class PublicForm:
    kind: str  # rate-limit bucket and session key: "statement", "survey", "checkin", "excellence"
    code: str  # the public link's code
    team: Any  # None for programme-wide links (no alert can be raised without a team)
    is_open: bool
    form: Any  # a bound or unbound Django form with HoneypotMixin
    template: str
    context: dict[str, Any]
    closed: tuple[str, str]  # title and sentence for the closed page
    texts: list[str]  # the free text as typed (read from request.POST, before validation)
    save: Callable[[Screening], Saved]  # saves the answer (called inside a transaction)
    thanks_url: str
    source: str = Alert.Source.STATEMENT
    concerns: list[str] = field(default_factory=list)  # answers that say things are worse (check-ins)
    contact: Contact | None = None  # a way to contact the person, as typed
    checkin: bool = False
    easy_read: bool = False
    after: Callable[[Saved], None] | None = None  # work after the answer is saved (e.g. queue a refresh)


ALERT_REF = "alert_ref"  # a hidden field: the alert raised when the form came back, signed
FORM_TOKEN = "form_token"  # noqa: S105 - a field name, not a secret. A hidden field: this page was served by us for this link, signed and dated
FORM_TOKEN_DAYS = 7
EXPIRED = (
    "This page has been open for more than a week, so we could not take your answer yet. "
    "Check what you wrote below and send it again."
)


WORDS_FIELDS = "words_fields"  # a hidden field: the names of the form's boxes for words, for `database_down`
NOT_POSTED_AGAIN = frozenset({FORM_TOKEN, WORDS_FIELDS, "csrfmiddlewaretoken"})


def cookieless(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For public form views: they work on phones that block cookies, and keep what was typed when the
    database is down.

    Django's CSRF check needs a cookie, and refused such a phone with "This form has expired". A public form
    is anonymous (nothing is done as the person signed in, if anyone is), so the cookie check is replaced by a
    signed, dated token in the page (`form_token`), checked in `handle()` (or `token_ok()`) together with the
    rate limit and the honeypot.

    A post that meets a database that cannot be reached (anywhere in the view) answers `database_down`
    instead of the error page that lost what the person typed."""

    @functools.wraps(view)
    def public_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            if request.method != "POST":
                raise
            return database_down(request, error, easy_read=bool(kwargs.get("easy_read")))

    return csrf_exempt(public_view)


def _words_fields(request: HttpRequest) -> list[str]:
    """The posted fields that hold words the person typed: those the form named in its hidden field, or (a
    page served before it had one) any answer with a space in it."""
    not_words = NOT_POSTED_AGAIN | {HONEYPOT, ALERT_REF}
    if WORDS_FIELDS in request.POST:
        named = request.POST[WORDS_FIELDS].split(",")
        return [name for name in named if name in request.POST and name not in not_words]
    return [name for name, value in request.POST.items() if name not in not_words and " " in value.strip()]


def _typed_in(widget: forms.Widget) -> bool:
    """A box the person types into (not a choice, not hidden)."""
    return isinstance(widget, forms.Textarea) or getattr(widget, "input_type", "") in ("text", "email", "tel")


def database_down(request: HttpRequest, error: BaseException, *, easy_read: bool = False) -> HttpResponse:
    """The database could not be reached, so nothing was saved. Made without the database (no session, no
    user, no link looked up): the words typed are shown back, escaped, in boxes to copy; "Try again" posts
    the same answers again (with a fresh form token when theirs was good; else the form comes back and asks
    them to check and send it) once the database is back. The crisis contacts are on it; first when the
    words say the person may need help, since no alert could be raised. The log names the error, never the
    words."""
    logger.error(
        "A public answer could not be saved: the database could not be reached (%s)", type(error).__name__
    )
    typed = _words_fields(request)
    words = [(name, request.POST.get(name, "")) for name in typed]
    kept = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_POSTED_AGAIN and name not in typed
        for value in values
    ]
    screening = screen(*(value for _, value in words))
    page = render_to_string(
        "safety/public_database_down.jinja",
        {
            "minimal": True,
            "public": True,
            "request": None,
            "easy_read": easy_read,
            "action": request.path,
            "words": words,
            "kept": kept,
            "words_fields": ",".join(typed),
            "form_token": form_token() if token_ok(request) else "",
            "needs_help": screening.at_risk,
            "wants_contact": screening.wants_contact,
        },
    )
    response = HttpResponse(page, status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"  # it holds what the person typed
    return response


def form_token() -> str:
    return signing.dumps("public form", salt="wm-public-form")


def token_ok(request: HttpRequest) -> bool:
    """True when the post carries a token from a page we served within FORM_TOKEN_DAYS."""
    try:
        value = signing.loads(
            request.POST.get(FORM_TOKEN, ""), salt="wm-public-form", max_age=FORM_TOKEN_DAYS * 86400
        )
    except signing.BadSignature:
        return False
    return value == "public form"


def _alert_ref(pf: PublicForm, alert: Alert | None) -> str:
    return signing.dumps(alert.pk, salt=f"wm-alert-{pf.kind}-{pf.code}") if alert is not None else ""


def _alert_needed(pf: PublicForm, screening: Screening) -> bool:
    return pf.team is not None and (
        screening.at_risk or screening.wants_contact or (pf.checkin and pf.contact is not None)
    )


def alert_for_words(team: Any, screening: Screening, source: str, **links: Any) -> Alert | None:
    """Words that arrived another way (typed in from a paper card, imported): the same rule for words."""
    if team is None or not (screening.at_risk or screening.wants_contact):
        return None
    return alerts.raise_alert(team, source=source, reasons=screening.reasons, risk=screening.at_risk, **links)


def _reasons(pf: PublicForm, screening: Screening) -> list[str]:
    reasons = [*pf.concerns, *screening.reasons]
    if pf.contact is not None and not reasons:
        reasons.append("Asked us to contact them")
    return reasons


def _pending_alert(request: HttpRequest, pf: PublicForm) -> Alert | None:
    """The alert raised when this form came back with an error or was not saved (same link, within a day)."""
    try:
        pk = signing.loads(
            request.POST.get(ALERT_REF, ""), salt=f"wm-alert-{pf.kind}-{pf.code}", max_age=86400
        )
    except signing.BadSignature:
        return None
    return Alert.objects.filter(
        pk=pk, team=pf.team, response__isnull=True, statement__isnull=True, excellence_report__isnull=True
    ).first()


def _words(pf: PublicForm) -> str:
    return "\n\n".join(t.strip() for t in pf.texts if t and t.strip())


def _alert_from_typed(
    request: HttpRequest, pf: PublicForm, reasons: list[str], needs_help: bool
) -> Alert | None:
    """Nothing was saved (an error in the form, or saving failed): the alert this form already raised, or
    a new one saved on its own with the words as typed."""
    with acting_as(PUBLIC_ACTOR):
        return _pending_alert(request, pf) or alerts.raise_alert_apart(
            pf.team, source=pf.source, reasons=reasons, risk=needs_help, contact=pf.contact, words=_words(pf)
        )


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int) -> HttpResponse:
    return render(request, template, context, status=status)


def handle(request: HttpRequest, pf: PublicForm) -> HttpResponse:
    base = {
        **pf.context,
        "public": True,
        "easy_read": pf.easy_read,
        "form": pf.form,
        "form_token": form_token(),
        # The boxes for words, named in the page so that `database_down` can show them back.
        "words_fields": ",".join(
            name for name, box in pf.form.fields.items() if name != HONEYPOT and _typed_in(box.widget)
        ),
    }
    if not pf.is_open:
        title, sentence = pf.closed
        return _page(
            request, "safety/public_closed.jinja", {**base, "title": title, "sentence": sentence}, 200
        )
    if request.method != "POST":
        return _page(request, pf.template, base, 200)

    screening = screen(*pf.texts)
    needs_help = screening.at_risk or bool(pf.concerns)
    help_context = {
        **base,
        "needs_help": needs_help,
        "wants_contact": screening.wants_contact,
        "has_contact": pf.contact is not None,
    }
    address = client_address(request.META)
    if ratelimit.over_limit(address, pf.kind):
        return _page(request, "safety/public_slow_down.jinja", {**help_context, "checkin": pf.checkin}, 429)
    if pf.form.is_spam:  # a robot filled the hidden box: thank it, keep nothing
        with acting_as(PUBLIC_ACTOR):
            ratelimit.note_submission(address, pf.kind)
        return redirect(pf.thanks_url)

    alert_needed = _alert_needed(pf, screening)
    reasons = _reasons(pf, screening)
    fresh = token_ok(request)
    if not pf.form.is_valid() or not fresh:
        if not fresh and not pf.form.errors:
            pf.form.add_error(None, EXPIRED)
        alert = None
        if alert_needed:
            # The form came back with an error, but the person may need help now: raise the alert from what
            # they typed. If they then send the form properly, the same alert is linked to their answer.
            alert = _alert_from_typed(request, pf, reasons, needs_help)
        context = {**help_context, "alert_raised": alert is not None, "alert_ref": _alert_ref(pf, alert)}
        return _page(request, pf.template, context, 400)

    alert: Alert | None = None
    try:
        with acting_as(PUBLIC_ACTOR), transaction.atomic():
            ratelimit.note_submission(address, pf.kind)
            saved = pf.save(screening)
            if alert_needed:
                pending = _pending_alert(request, pf)
                if pending is not None:
                    alert = alerts.attach(
                        pending, reasons=reasons, risk=needs_help, contact=pf.contact, **saved.links
                    )
                else:
                    alert = alerts.raise_alert(
                        pf.team,
                        source=pf.source,
                        reasons=reasons,
                        risk=needs_help,
                        contact=pf.contact,
                        **saved.links,
                    )
    except Exception as error:  # noqa: BLE001 - never lose a cry for help: raise the alert apart, keep the form
        logger.error(
            "A public %s answer could not be saved (%s; needs help: %s; alert needed: %s)",
            pf.kind,
            type(error).__name__,
            "yes" if needs_help else "no",
            "yes" if alert_needed else "no",
        )
        alert = None
        if alert_needed:
            alert = _alert_from_typed(request, pf, reasons, needs_help)
        return _page(
            request,
            pf.template,
            {
                **help_context,
                "not_saved": True,
                "alert_raised": alert is not None,
                "alert_ref": _alert_ref(pf, alert),
            },
            503,
        )

    if pf.after is not None:
        pf.after(saved)
    query = []
    if needs_help:
        query.append("help=yes")
    if alert is not None:
        query.append("alerted=yes")
        if alert.has_contact:
            query.append("contact=yes")
    if screening.wants_contact:
        query.append("asked=yes")
    return redirect(pf.thanks_url + ("?" + "&".join(query) if query else ""))


def thanks_context(request: HttpRequest) -> dict[str, bool]:
    """What the thanks page says about help: from the query the flow added."""
    return {
        "help": request.GET.get("help") == "yes",
        "alerted": request.GET.get("alerted") == "yes",
        "contact": request.GET.get("contact") == "yes",
        "asked": request.GET.get("asked") == "yes",
    }
