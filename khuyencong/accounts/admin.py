from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User, UserRole


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "organization", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "organization__kind"]
    raw_id_fields = ["organization", "facility"]
    inlines = [UserRoleInline]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Khuyến công", {"fields": ("organization", "facility")}))  # type: ignore[misc]
