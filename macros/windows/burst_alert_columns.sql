{#- The columns a fraud rule over bursts of transactions (numbered_bursts) opens its alert with,
    in fraud_alerts' order: the rule, the customer and account, the burst's first timestamp, its
    size and total, and its transaction ids in time order. For a select grouped by customer_id,
    account_id, burst_number; the rule adds its own score and reason. -#}
{% macro burst_alert_columns(rule_id, rule_name) -%}
    '{{ rule_id }}' as rule_id,
        '{{ rule_name }}' as rule_name,
        customer_id,
        account_id,
        min(transaction_ts) as first_transaction_ts,
        count(*) as transaction_count,
        sum(amount) as total_amount,
        {{ finlake.list_agg('transaction_id', ',', 'epoch_seconds, transaction_id') }} as transaction_ids
{%- endmacro %}
