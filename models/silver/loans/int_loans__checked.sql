{#- Where each delivered loan record goes (macros/cleaning/checked_rows.sql); the rules below
    are the loan's own, beyond its contract's. The repayment account is an optional link: a
    quarantined account only flags the loan (is_account_link_quarantined). -#}

with

{{ finlake.checked_rows('loans', finlake.latest_version_first('updated_at'), rules=[
    finlake.future_date('loans', 'origination_date'),
    "case when typed.maturity_date < typed.origination_date then 'out_of_range:maturity_date' end",
    finlake.future_date('loans', 'updated_at'),
    "case when typed.principal_amount <= 0 then 'out_of_range:principal_amount' end",
    "case when typed.interest_rate < 0 or typed.interest_rate > 100 then 'out_of_range:interest_rate' end",
    "case when typed.term_months not between 1 and 600 then 'out_of_range:term_months' end",
], parents=[
    {'entity': 'customers', 'column': 'customer_id'},
    {'entity': 'accounts', 'column': 'account_id', 'required': false},
]) }}

select * from final
