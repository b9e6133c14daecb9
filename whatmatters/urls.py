from django.contrib import admin
from django.urls import include, path

from whatmatters import views
from whatmatters.api.api import api

admin.site.site_header = "What Matters administration"
admin.site.site_title = "What Matters administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("", include("whatmatters.teams.urls")),
    path("", include("whatmatters.api.urls")),
    path("", include("whatmatters.framework.urls")),
    path("", include("whatmatters.engagement.urls")),
    path("", include("whatmatters.reports.urls")),
    path("", include("whatmatters.surveys.urls")),
    path("", include("whatmatters.safety.urls")),
    path("", include("whatmatters.waitinglists.urls")),
    path("", include("whatmatters.dashboards.urls")),
    path("", include("whatmatters.learning.urls")),
    path("", include("whatmatters.notices.urls")),
    path("audit/", include("whatmatters.audit.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "whatmatters.views.forbidden"
handler404 = "whatmatters.views.not_found"
handler500 = "whatmatters.views.server_error"
