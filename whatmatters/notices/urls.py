from django.urls import path

from whatmatters.notices import views

urlpatterns = [
    path("start/", views.start, name="start"),
    path("account/emails/", views.email_choices, name="email_choices"),
]
