"""Security probes (branch `attacker`) beyond the authorisation matrix's status codes.

The holes these probes found (API round funding and scores, the entry page's lower certificate, the round page's
funding line and document form) were mended in the same stop; two findings are kept as strict xfail with the decision:
  test_imports::test_an_import_does_not_take_codes_of_another_provinces_numbering (integrity; not enforced yet)
  test_foreign_bodies::test_national_plan_allocations_to_another_province (by design: public allocations)
Every other test here passes: a boundary that holds, which the matrix does not check.
"""
