"""The admin site's own titles, translated like the rest of the interface."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Solidarity administration")
admin.site.site_title = _("Solidarity administration")
admin.site.index_title = _("Cases, publications and organisers")
