from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

admin.site.site_header = gettext_lazy("Khuyến công — Quản trị")
admin.site.site_title = gettext_lazy("Khuyến công")
admin.site.index_title = gettext_lazy("Quản trị hệ thống")

urlpatterns = [
    path("", include("khuyencong.web.urls")),
    path("account/", include("khuyencong.accounts.urls")),
    path("facilities/", include("khuyencong.facilities.urls")),
    path("geography/", include("khuyencong.geography.urls")),
    path("organizations/", include("khuyencong.organizations.urls")),
    path("projects/", include("khuyencong.projects.urls")),
    path("plans/", include("khuyencong.programs.urls")),
    path("consulting/", include("khuyencong.consulting.urls")),
    path("exchange/", include("khuyencong.exchange.urls")),
    path("reports/", include("khuyencong.reports.urls")),
    path("reporting/", include("khuyencong.reporting.urls")),
    path("products/", include("khuyencong.products.urls")),
    path("dossiers/", include("khuyencong.dossiers.urls")),
    # Public, without login: recognised typical products with valid certificates.
    path("san-pham-tieu-bieu/", include("khuyencong.products.public_urls")),
    path("api/", include("khuyencong.api.urls")),
    path("admin/", admin.site.urls),
]

# An error no view answered: a conflict with another transaction is still a refusal (`web.views.server_error`).
handler500 = "khuyencong.web.views.server_error"
