# An English reader keeps the Vietnamese order of a date: every form says dd/mm/yyyy and fills in 29/11/2026, and
# the links the pages build carry it so. Django's English reads 29/11/2026 as month 29 and refuses it (the map's
# "Show" and the dashboard's links to reports answered 400 in English), and writes a form's date as 2026-11-29. Only
# the dates are set here; numbers keep Django's English (1,700,000,000).
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
FIRST_DAY_OF_WEEK = 1
