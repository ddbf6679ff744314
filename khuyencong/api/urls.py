from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from khuyencong.products import api as products_api

from . import views

app_name = "api"

router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("geography/units", views.UnitViewSet, basename="unit")
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("programmes", views.ProgramViewSet, basename="programme")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("consulting", views.ConsultingViewSet, basename="consulting")
router.register("reporting/submissions", views.SubmissionViewSet, basename="submission")
router.register("products", products_api.ProductViewSet, basename="product")
router.register("selection-rounds", products_api.RoundViewSet, basename="selection-round")
router.register("product-certificates", products_api.CertificateViewSet, basename="product-certificate")

urlpatterns = [
    path("v1/geography/resolve/", views.ResolveView.as_view(), name="resolve"),
    path("v1/reporting/calendar/", views.ReportingCalendarView.as_view(), name="reporting-calendar"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", SpectacularSwaggerView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"), name="docs"
    ),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"), name="redoc"),
]
