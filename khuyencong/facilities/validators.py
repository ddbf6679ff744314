from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst


def normalize_tax_code(value: str) -> str:
    """The canonical form: 10 digits, or 10 digits, a hyphen and the 3-digit branch number."""
    digits = mst.compact(value)
    return mst.format(digits) if len(digits) == 13 else digits


def validate_tax_code(value: str) -> None:
    """Vietnamese tax code (mã số thuế, Circular 105/2020/TT-BTC Art. 5): 10 digits whose 10th is a check digit,
    or 13 for a dependent unit (branch)."""
    try:
        mst.validate(value)
    except InvalidLength as exc:
        raise ValidationError(
            _(
                "Mã số thuế phải có 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số của chi nhánh "
                "(ví dụ 0100233488 hoặc 0100233488-013)."
            ),
            code="tax_code_length",
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("Mã số thuế %(value)s sai chữ số kiểm tra (chữ số thứ 10); hãy kiểm tra lại từng chữ số."),
            code="tax_code_checksum",
            params={"value": value},
        ) from exc
    except InvalidComponent as exc:
        raise ValidationError(
            _(
                "Mã số thuế %(value)s không hợp lệ: chữ số thứ 3 đến 9 không thể đều là 0, mã chi nhánh không thể "
                "là 000."
            ),
            code="tax_code_component",
            params={"value": value},
        ) from exc
    except (InvalidFormat, StdnumError) as exc:
        raise ValidationError(
            _("Mã số thuế chỉ gồm chữ số (và một dấu gạch ngang trước 3 chữ số chi nhánh)."), code="tax_code_format"
        ) from exc
