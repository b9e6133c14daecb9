from django.contrib import admin

from whatmatters.framework.models import Domain

admin.site.register(Domain)
