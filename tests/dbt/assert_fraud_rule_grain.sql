{#- The grain of the fraud rules, one row per alert (the rule and its triggering transactions),
    proven on fraud_alerts, the table that unions them: a rule that repeated a set of
    transactions, or left it null, shows here with its rule_id. The rules are views, and a test
    on each (a unique and a not_null) ran its rule over every transaction again, eight times a
    build. grain_of_views names them as this test's grain and dependencies, without reading
    them. -#}
{{ finlake.grain_of_views(
    ['int_fraud__card_testing', 'int_fraud__new_country', 'int_fraud__large_amount', 'int_fraud__night_burst']
) }}

select
    rule_id,
    transaction_ids,
    count(*) as alerts
from {{ ref('fraud_alerts') }}
group by rule_id, transaction_ids
having count(*) > 1
    or transaction_ids is null
