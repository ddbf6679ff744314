from django.contrib import admin

from khuyencong.audit.admin_mixins import AuditedAdmin

from .models import Facility, Trade


@admin.register(Trade)
class TradeAdmin(AuditedAdmin):
    list_display = ["code", "name", "legal_basis", "valid_from", "valid_until"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    """Read-only here: facility changes go through the audited services (the web pages), never around them."""

    list_display = ["code", "name", "legal_form", "tax_code", "current_province"]
    list_filter = ["legal_form", "current_province"]
    search_fields = ["code", "tax_code", "search_text"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
