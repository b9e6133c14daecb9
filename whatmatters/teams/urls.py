from django.urls import path

from whatmatters.teams import views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        views.password_page("teams/password_reset_sent.jinja"),
        name="password_reset_sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.password_page("teams/password_reset_complete.jinja"),
        name="password_reset_complete",
    ),
    path("invite/<uidb64>/<token>/", views.InviteAcceptView.as_view(), name="invite_accept"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/changed/",
        views.password_page("teams/password_change_done.jinja"),
        name="password_change_done",
    ),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/new-codes/", views.two_factor_new_codes, name="two_factor_new_codes"),
    path("account/two-factor/turn-off/", views.two_factor_off, name="two_factor_off"),
    path("account/data/", views.account_data, name="account_data"),
    path("account/data.json", views.account_data_json, name="account_data_json"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<slug:team>/", views.team_detail, name="team_detail"),
    path("teams/<slug:team>/edit/", views.team_edit, name="team_edit"),
    path("teams/<slug:team>/members/add/", views.membership_add, name="membership_add"),
    path("teams/<slug:team>/members/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("phases/new/", views.cohort_create, name="cohort_create"),
    path("phases/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("buddy-pairs/new/", views.buddy_pair_create, name="buddy_pair_create"),
    path("buddy-pairs/<int:pk>/delete/", views.buddy_pair_delete, name="buddy_pair_delete"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/data.json", views.person_data_json, name="person_data_json"),
    path("people/<int:pk>/erase/", views.person_erase, name="person_erase"),
]
