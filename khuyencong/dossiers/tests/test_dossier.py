"""A đề án's dossier under Circular 36/2013: each form generated from its records, read back as Word and PDF with its
figures and amounts in words; the auditor's ZIP whose manifest matches its files; who may download."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from conftest import client_for, make_user
from khuyencong.accounts.models import Role, User
from khuyencong.core.official import to_docx, to_pdf
from khuyencong.dossiers.auditor import dossier_zip
from khuyencong.dossiers.forms36 import FORMS, standing_on
from khuyencong.dossiers.tests.reading import text_of_docx, text_of_pdf
from khuyencong.projects.models import Project

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 27, 3, 0, tzinfo=datetime.UTC)
ON = datetime.date(2022, 12, 31)


class TestForms:
    def test_every_form_reads_back_in_word_and_pdf_with_the_header(self, project: Project) -> None:
        forms = [(key, build(project, ON)) for key, (_label, build) in FORMS.items()]
        pdf = PdfReader(io.BytesIO(to_pdf(*(official for _, official in forms))))
        # One form per page at least: each starts on a new one
        assert len(pdf.pages) >= len(forms)
        pages = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
        assert pages.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == len(forms)
        for key, official in forms:
            word = text_of_docx(to_docx(official))
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in word, key
            assert project.implementer.name.upper() in word, key
            assert "Nơi nhận" in word, key
            assert official.title in pages, key

    def test_the_vouchers_list_the_standing_ones_with_the_total_in_words(self, project: Project) -> None:
        text = text_of_docx(to_docx(FORMS["mau-8a"][1](project, ON)))
        assert "PC-01" in text
        assert "50.000.000" in text
        assert "Năm mươi triệu đồng" in text
        assert "1.000" not in text.replace("50.000.000", "")

    def test_the_counterpart_list_names_the_facilitys_vouchers_beside_the_estimate(self, project: Project) -> None:
        from khuyencong.accounts.services import system_user
        from khuyencong.projects.services import counterpart_record, counterpart_void

        # Given two vouchers of the facility's share, one voided, and one dated after the form's day
        with time_machine.travel(NOW, tick=False):
            kept = counterpart_record(project=project, actor=system_user(), on=datetime.date(2022, 5, 2),
                                      amount=Decimal(120_000_000), document="PC-DU-01",
                                      description="Mua máy sấy")  # fmt: skip
            wrong = counterpart_record(project=project, actor=system_user(), on=datetime.date(2022, 5, 3),
                                       amount=Decimal(9_000), document="PC-DU-02")  # fmt: skip
            counterpart_void(project=project, voucher=wrong, actor=system_user(), reason="Nhập nhầm.")
            counterpart_record(project=project, actor=system_user(), on=datetime.date(2023, 1, 5),
                               amount=Decimal(7_000_000), document="PC-DU-03")  # fmt: skip
        # When Mẫu 8b is made on 31/12/2022
        text = text_of_docx(to_docx(FORMS["mau-8b"][1](project, ON)))
        # Then it lists the standing voucher of the period, its total in words, and the estimate beside it
        assert kept.document in text
        assert "Mua máy sấy" in text
        assert "PC-DU-02" not in text
        assert "PC-DU-03" not in text
        assert "Vốn đối ứng có chứng từ: 120.000.000 đồng. (Bằng chữ: Một trăm hai mươi triệu đồng)" in text
        planned = project.counterpart or Decimal(0)
        assert f"Vốn đối ứng theo dự toán: {planned:,.0f} đồng".replace(",", ".") in text
        # And Mẫu 8a has no counterpart part
        assert "PC-DU-01" not in text_of_docx(to_docx(FORMS["mau-8a"][1](project, ON)))

    def test_the_payment_request_asks_what_remains_of_the_support(self, project: Project) -> None:
        now = standing_on(project, ON)
        assert now.support is not None
        remaining = now.support - Decimal(50_000_000)
        text = text_of_docx(to_docx(FORMS["mau-9"][1](project, ON)))
        assert f"Đề nghị thanh toán: {remaining:,.0f} đồng".replace(",", ".") in text
        assert now.disbursed == Decimal(50_000_000)

    def test_the_project_form_carries_the_cost_estimate_and_the_beneficiaries(self, project: Project) -> None:
        text = text_of_docx(to_docx(FORMS["de-an"][1](project, ON)))
        assert "VI. DỰ TOÁN KINH PHÍ" in text
        assert "II. SỰ CẦN THIẾT VÀ CĂN CỨ XÂY DỰNG ĐỀ ÁN" in text
        for facility in project.beneficiaries.all():
            assert facility.name in text


class TestAuditorFile:
    def test_the_manifest_matches_every_file(self, project: Project) -> None:
        archive = zipfile.ZipFile(io.BytesIO(dossier_zip(project, on=ON)))
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["project"] == project.code
        listed = {f["file"]: f for f in manifest["files"]}
        assert set(listed) == set(archive.namelist()) - {"manifest.json"}
        for name, entry in listed.items():
            content = archive.read(name)
            assert (len(content), hashlib.sha256(content).hexdigest()) == (entry["size"], entry["sha256"]), name
        assert {f"bieu-mau/{key}.docx" for key in FORMS} | {"bieu-mau/tat-ca-bieu-mau.pdf"} <= set(listed)
        everything = text_of_pdf(archive.read("bieu-mau/tat-ca-bieu-mau.pdf"))
        assert "GIẤY ĐỀ NGHỊ THANH TOÁN" in everything
        assert "DỰ TOÁN KINH PHÍ" in everything
        vouchers = archive.read("chung-tu.csv").decode("utf-8-sig")
        assert "Nhập nhầm số tiền." in vouchers

    def test_kc_dossier_writes_the_file_and_names_an_unknown_code(self, project: Project, tmp_path: Path) -> None:
        target = tmp_path / "ho-so.zip"
        call_command("kc_dossier", project.code, "--output", str(target), "--as-of", "2022-12-31", stderr=io.StringIO())
        assert zipfile.is_zipfile(target)
        with pytest.raises(CommandError, match="KHONG-CO"):
            call_command("kc_dossier", "KHONG-CO", "--output", str(target))
        with pytest.raises(CommandError, match="không hợp lệ"):
            call_command("kc_dossier", project.code, "--output", str(target), "--as-of", "31/12/2022")


class TestDownloads:
    def test_a_province_downloads_its_own_and_not_another(self, project: Project, laocai_officer: User) -> None:
        client = client_for(laocai_officer)
        page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
        assert "Biểu mẫu hồ sơ (Thông tư 36/2013/TT-BCT)" in page
        response = client.get(reverse("dossiers:form", args=[project.pk, "mau-9", "docx"]))
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('-mau-9.docx"')
        other = client_for(make_user("tn", "SCT-19", Role.OFFICER))
        assert other.get(reverse("dossiers:form", args=[project.pk, "mau-9", "docx"])).status_code == 404
        assert other.get(reverse("dossiers:auditor", args=[project.pk])).status_code == 404

    def test_bad_form_or_format_is_not_found(self, project: Project, laocai_officer: User) -> None:
        client = client_for(laocai_officer)
        assert client.get(reverse("dossiers:form", args=[project.pk, "mau-99", "docx"])).status_code == 404
        assert client.get(reverse("dossiers:form", args=[project.pk, "mau-9", "exe"])).status_code == 404

    def test_a_facility_representative_may_look_but_not_download(self, project: Project) -> None:
        facility = project.beneficiaries.first()
        rep = make_user("rep", None, Role.FACILITY_REPRESENTATIVE, facility=facility)
        client = client_for(rep)
        assert client.get(reverse("dossiers:auditor", args=[project.pk])).status_code == 403
        assert "Biểu mẫu hồ sơ" not in client.get(reverse("projects:detail", args=[project.pk])).content.decode()


def test_a_project_not_yet_approved_asks_for_nothing(yen_bai: None) -> None:
    """Mẫu 9 of a đề án only registered: no approved support, so nothing to pay, said so."""
    project = Project.objects.filter(state__in=["registered", "submitted", "drafted", "surveyed"]).first()
    assert project is not None
    text = text_of_docx(to_docx(FORMS["mau-9"][1](project, ON)))
    assert "(chưa phê duyệt)" in text
    assert "Đề nghị thanh toán: 0 đồng" in text
