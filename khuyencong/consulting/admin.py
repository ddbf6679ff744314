from django.contrib import admin

from .models import ConsultingRecord


@admin.register(ConsultingRecord)
class ConsultingRecordAdmin(admin.ModelAdmin):
    list_display = ["code", "organization", "year", "period_end", "projects", "revenue", "planned_revenue"]
    list_filter = ["year"]
    raw_id_fields = ["organization"]
