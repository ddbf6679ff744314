from django.contrib import admin

from khuyencong.audit.admin_mixins import AuditedAdmin

from .models import AdminUnit, FormerName, Succession


class FormerNameInline(admin.TabularInline):
    model = FormerName
    extra = 0
    exclude = ["search_key"]


@admin.register(AdminUnit)
class AdminUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "level", "era", "parent", "current_province"]
    list_filter = ["era", "level", "kind"]
    search_fields = ["code", "name", "search_key"]
    raw_id_fields = ["parent", "current_province"]
    inlines = [FormerNameInline]


@admin.register(Succession)
class SuccessionAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "is_default"]
    raw_id_fields = ["predecessor", "successor"]
    search_fields = ["predecessor__name", "successor__name", "predecessor__code", "successor__code"]
