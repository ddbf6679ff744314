"""The scanners of what a reader meets: a page's visible text, a generated file's text and its name. They decide what
the matrix's tests flag, so they are specified here on small inputs whose answer is known."""

from __future__ import annotations

import io

import docx
import openpyxl
from weasyprint import HTML

from khuyencong.core.wording import file_name, file_text, leaks, page_leaks, untranslated


def test_a_page_leaks_codes_and_english_words_but_not_hidden_text() -> None:
    html = '<p>Đề án rule_violated: 3 facilities</p><script>var status = "draft";</script><code>machinery_x</code>'

    assert page_leaks(html) == ["rule_violated", "facilities"]


def test_a_date_pattern_in_english_letters_is_a_leak_the_vietnamese_one_is_not() -> None:
    html = '<input placeholder="dd/mm/yyyy"><p>Ngày phải có dạng ngày/tháng/năm, ví dụ 30/06/2022 (YYYY-MM-DD)</p>'

    assert page_leaks(html) == ["dd/mm/yyyy", "YYYY-MM-DD"]


def test_a_file_name_is_read_from_either_form_of_the_header() -> None:
    assert file_name('attachment; filename="bao-cao-tinh.pdf"') == "bao-cao-tinh.pdf"
    assert file_name("attachment; filename=\"x.pdf\"; filename*=UTF-8''b%C3%A1o-c%C3%A1o.pdf") == "báo-cáo.pdf"
    assert file_name("") == ""


def test_the_text_of_word_excel_and_pdf_files_is_read() -> None:
    document = docx.Document()
    document.add_paragraph("Biên bản nghiệm thu")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "pending"
    word = io.BytesIO()
    document.save(word)
    workbook = openpyxl.Workbook()
    workbook.active.title = "Danh sách"
    workbook.active.append(["Tên cơ sở", 12, "approved"])
    excel = io.BytesIO()
    workbook.save(excel)
    pdf = HTML(string="<p>Báo cáo tình hình total</p>").write_pdf()

    assert leaks(file_text(word.getvalue()) or "") == ["pending"]
    assert leaks(file_text(excel.getvalue()) or "") == ["approved"]
    assert "Danh sách" in (file_text(excel.getvalue()) or "")
    assert leaks(file_text(pdf) or "") == ["total"]
    assert file_text(b"{}") is None


def test_an_english_page_flags_a_whole_catalogue_text_not_a_records_words() -> None:
    # "Đã ký hợp đồng" is a status label of the catalogue; a đề án title merely containing words of it is a record's.
    html = "<td>Đã ký hợp đồng</td><td>Hỗ trợ máy móc, đã ký hợp đồng với cơ sở</td>"

    assert untranslated(html) == ["Đã ký hợp đồng"]
