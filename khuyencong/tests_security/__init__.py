"""Security probes (branch `attacker`) beyond the authorisation matrix's status codes.

FAILING on purpose (holes, until the product is fixed):
  test_cross_records::test_api_round_fund_does_not_tell_a_foreign_project_from_a_missing_one
  test_cross_records::test_page_entry_add_does_not_tell_a_foreign_certificate_from_a_missing_one
  test_cross_records::test_api_scores_does_not_tell_* (2)
  test_refusal_leaks::* (2)
  test_round_leaks::test_national_round_page_does_not_name_* (4)
  test_round_leaks::test_round_{page,api}_does_not_show_a_funding_project_the_reader_may_not_see (4)
  test_imports::test_an_import_does_not_take_codes_of_another_provinces_numbering (questionable: integrity)
  test_foreign_bodies::test_national_plan_allocations_to_another_province (2; questionable: by design?)
Every other test here passes: a boundary that holds, which the matrix does not check.
"""
