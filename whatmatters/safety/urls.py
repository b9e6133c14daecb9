from django.urls import path

from whatmatters.safety import views

urlpatterns = [
    path("teams/<slug:team>/alerts/", views.alert_list, name="alerts"),
    path("teams/<slug:team>/alerts/<int:pk>/", views.alert_update, name="alert_update"),
]
