from django.contrib import admin

from .models import ConsultingRecord


@admin.register(ConsultingRecord)
class ConsultingRecordAdmin(admin.ModelAdmin):
    list_display = ["code", "organization", "year", "period_end", "projects", "revenue", "planned_revenue"]
    list_filter = ["year"]
    raw_id_fields = ["organization"]

    # Figures are entered through the audited page, never around it.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
