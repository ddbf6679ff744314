from django.contrib import admin

from khuyencong.audit.admin_mixins import AuditedAdmin

from .models import Organization, Region, RegionMembership


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "territory", "region", "valid_until"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name"]
    raw_id_fields = ["territory", "parent"]


class RegionMembershipInline(admin.TabularInline):
    model = RegionMembership
    extra = 0
    raw_id_fields = ["province"]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "centre"]
    inlines = [RegionMembershipInline]
