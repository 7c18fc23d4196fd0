{#- Where each delivered account record goes (macros/cleaning/checked_rows.sql); the rules
    below are the account's own, beyond its contract's. -#}

with

{{ finlake.checked_rows('accounts', finlake.latest_version_first('updated_at'), rules=[
    finlake.future_date('accounts', 'opened_date'),
    finlake.future_date('accounts', 'closed_date'),
    "case when typed.closed_date < typed.opened_date then 'out_of_range:closed_date' end",
    finlake.future_date('accounts', 'updated_at'),
    "case when typed.credit_limit < 0 then 'out_of_range:credit_limit' end",
    "case when typed.currency is not null and not " ~ finlake.regex_matches('upper(typed.currency)', finlake.patterns().currency) ~ " then 'invalid_code:currency' end",
], parents=[{'entity': 'customers', 'column': 'customer_id'}]) }}

select * from final
