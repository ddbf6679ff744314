"""Mẫu 3b, 4a/4b, 5a/5b and 6 of Circular 36/2013 from a đề án carried to liquidation, each read back in Word and PDF
with its figures and its amounts in words; and the same forms of a đề án not yet that far say what is missing."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest

from khuyencong.core.official import to_docx, to_pdf
from khuyencong.dossiers.auditor import dossier_zip
from khuyencong.dossiers.forms36 import APPRAISAL_CRITERIA, FORMS
from khuyencong.projects.models import Project

from .reading import text_of_docx, text_of_pdf

pytestmark = pytest.mark.django_db
ON = datetime.date(2022, 12, 31)
NEW = ("mau-3b", "mau-4a", "mau-4b", "mau-5a", "mau-5b", "mau-6")


def word(project: Project, key: str, on: datetime.date = ON) -> str:
    return text_of_docx(to_docx(FORMS[key][1](project, on)))


def test_the_pdf_of_the_six_forms_reads_back_with_figures_and_words(liquidated: Project) -> None:
    """One layout run for the six (WeasyPrint's cost is per run); the Word file of each is read in the tests below."""
    pdf = text_of_pdf(to_pdf(*(FORMS[key][1](liquidated, ON) for key in NEW)))
    for expected in (
        "(Mẫu 3b)",
        "Kinh phí khuyến công đã thực hiện (giải ngân lũy kế): 180.000.000 đồng. (Bằng chữ: Một trăm tám mươi triệu",
        "PHIẾU THẨM ĐỊNH ĐỀ ÁN KHUYẾN CÔNG (Mẫu 4a)",
        "Kinh phí khuyến công đề nghị hỗ trợ: 200.000.000 đồng. (Bằng chữ: Hai trăm triệu đồng)",
        "Kết luận: đề án đạt.",
        "(Mẫu 5a)",
        "Giá trị nghiệm thu: 190.000.000 đồng. (Bằng chữ: Một trăm chín mươi triệu đồng)",
        "(Mẫu 5b)",
        "BIÊN BẢN THANH LÝ HỢP ĐỒNG (Mẫu 6)",
        "Bên A thanh toán tiếp cho Bên B: 10.000.000 đồng. (Bằng chữ: Mười triệu đồng)",
    ):
        assert expected in pdf, expected


class TestCompletedVolumeAndCost:
    def test_3b_carries_the_volume_the_results_and_the_money_spent_in_words(self, liquidated: Project) -> None:
        # Given a đề án accepted at 100% with 3 machines, 200.000.000 đ approved and 180.000.000 đ disbursed
        text = word(liquidated, "mau-3b")
        assert "Mẫu 3b" in text
        assert "Máy móc thiết bị ứng dụng (01/09/2022)" in text
        assert "200.000.000" in text
        assert "180.000.000" in text
        assert "Một trăm tám mươi triệu đồng" in text
        assert "Hai trăm triệu đồng" in text


class TestAppraisal:
    def test_4a_is_a_sheet_of_the_article_9_criteria_with_the_support_asked_in_words(self, liquidated: Project) -> None:
        text = word(liquidated, "mau-4a")
        assert "PHIẾU THẨM ĐỊNH ĐỀ ÁN KHUYẾN CÔNG (Mẫu 4a)" in text
        assert "Gửi thẩm định: ngày 20/02/2022" in text
        assert "600.000.000" in text
        assert "Sáu trăm triệu đồng" in text
        assert "Hai trăm triệu đồng" in text
        for criterion in APPRAISAL_CRITERIA:
            assert criterion in text

    def test_4b_records_the_outcome_and_the_appraised_support(self, liquidated: Project) -> None:
        text = word(liquidated, "mau-4b")
        assert "Thẩm định: ngày 05/03/2022, Sở Công Thương tỉnh Yên Bái" in text
        assert "Kết luận: đề án đạt." in text
        assert "Kinh phí khuyến công sau thẩm định: 200.000.000 đồng. (Bằng chữ: Hai trăm triệu đồng)" in text

    def test_4b_before_the_appraisal_says_so_and_marks_nothing(self, project: Project) -> None:
        text = word(project, "mau-4b", datetime.date(2022, 2, 25))
        assert "Kết luận: đề án chưa thẩm định." in text
        assert "Thẩm định: chưa có trong hồ sơ." in text
        assert "\nx\n" not in text


class TestAcceptance:
    def test_5b_records_the_contract_and_the_accepted_value_in_words(self, liquidated: Project) -> None:
        text = word(liquidated, "mau-5b")
        assert "BIÊN BẢN NGHIỆM THU ĐỀ ÁN KHUYẾN CÔNG (Mẫu 5b)" in text
        assert "Nghiệm thu: ngày 01/09/2022, Trung tâm" in text
        assert "BB-NT-07" in text
        assert "Giá trị nghiệm thu: 190.000.000 đồng. (Bằng chữ: Một trăm chín mươi triệu đồng)" in text
        assert "Giá trị hợp đồng: 200.000.000 đồng." in text
        assert "Đề án đã được nghiệm thu." in text

    def test_5a_has_one_section_per_beneficiary(self, liquidated: Project) -> None:
        text = word(liquidated, "mau-5a")
        for facility in liquidated.beneficiaries.all():
            assert f"CƠ SỞ: {facility.name}" in text
        assert "Một trăm chín mươi triệu đồng" in text

    def test_before_acceptance_5b_says_it_is_not_accepted(self, project: Project) -> None:
        text = word(project, "mau-5b")
        assert "Đề án chưa được nghiệm thu." in text
        assert "Giá trị nghiệm thu: —" in text


class TestLiquidation:
    def test_6_names_the_parties_and_who_owes_the_rest_in_words(self, liquidated: Project) -> None:
        # Accepted 190.000.000 đ; disbursed 50.000.000 + 130.000.000: the assigning body owes 10.000.000 đ
        text = word(liquidated, "mau-6")
        assert "Bên A (bên giao): Sở Công Thương tỉnh Yên Bái." in text
        assert "Giá trị thanh lý: 190.000.000 đồng. (Bằng chữ: Một trăm chín mươi triệu đồng)" in text
        assert "Bên A thanh toán tiếp cho Bên B: 10.000.000 đồng. (Bằng chữ: Mười triệu đồng)" in text

    def test_6_asks_back_an_advance_larger_than_what_was_accepted(self, liquidated: Project) -> None:
        # On 01/09/2022 (accepted, only the 50.000.000 đ advance paid) the rest is 140.000.000 đ owed to B; an
        # acceptance below the advance would instead ask B to refund — checked on the arithmetic of the same form.
        text = word(liquidated, "mau-6", datetime.date(2022, 9, 1))
        assert "Bên A thanh toán tiếp cho Bên B: 140.000.000 đồng." in text

    def test_6_before_the_contract_has_nothing_to_liquidate(self, project: Project) -> None:
        text = word(project, "mau-6", datetime.date(2022, 3, 1))
        assert "Chưa có giá trị hợp đồng, nghiệm thu để thanh lý." in text


def test_the_auditor_file_carries_the_new_forms(liquidated: Project) -> None:
    archive = zipfile.ZipFile(io.BytesIO(dossier_zip(liquidated, on=ON)))
    assert {f"bieu-mau/{key}.docx" for key in NEW} <= set(archive.namelist())
    everything = text_of_pdf(archive.read("bieu-mau/tat-ca-bieu-mau.pdf"))
    for title in ("(Mẫu 3b)", "(Mẫu 4a)", "(Mẫu 4b)", "(Mẫu 5a)", "(Mẫu 5b)", "(Mẫu 6)"):
        assert title in everything
