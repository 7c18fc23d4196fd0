{#- Where each delivered transaction goes (macros/cleaning/checked_rows.sql); the rules below
    are the transaction's own, beyond its contract's. Of two valid deliveries of one id the
    latest extract's wins (a correction; models/README.md, Re-sent events). -#}

with

{{ finlake.checked_rows('transactions', finlake.latest_delivery_first(), rules=[
    finlake.future_date('transactions', 'transaction_ts'),
    finlake.future_date('transactions', 'posted_date'),
    "case when typed.amount <= 0 then 'out_of_range:amount' end",
    "case when typed.currency is not null and not " ~ finlake.regex_matches('upper(typed.currency)', finlake.patterns().currency) ~ " then 'invalid_code:currency' end",
    "case when typed.merchant_country is not null and not " ~ finlake.regex_matches('upper(typed.merchant_country)', finlake.patterns().country) ~ " then 'invalid_code:merchant_country' end",
], parents=[{'entity': 'accounts', 'column': 'account_id'}]) }}

select * from final
