{#- Rule F3, amount far above the customer's own baseline: a card-not-present purchase of goods
    that resell easily (spend categories var('fraud_large_amount_categories')) of at least
    var('fraud_large_amount_min') USD (amount_usd), and var('fraud_large_amount_multiple') times or more the
    customer's average purchase over the previous var('fraud_baseline_days') days (at least
    var('fraud_baseline_min_purchases') purchases to compare with). Large genuine purchases are
    common, so this rule trades recall for a queue a reviewer can work; see fraud_alerts.yml. -#}

with

purchases as (
    select
        enriched.*,
        coalesce(mcc.spend_category, 'other') as spend_category
    from {{ ref('int_transactions_enriched') }} as enriched
    left join {{ ref('mcc_codes') }} as mcc
        on enriched.merchant_category_code = mcc.merchant_category_code
    where enriched.is_money_moved
        and enriched.transaction_type = 'purchase'
),

windowed as (
    select
        *,
        -- summed exactly (decimal): a sum of doubles depends on the order the rows reach it in,
        -- which differs between an incremental and a full build
        sum(amount) over (
            partition by customer_id order by epoch_seconds
            range between {{ var('fraud_baseline_days') }} * 86400 preceding and 1 preceding  -- noqa: PRS
        ) as baseline_total,
        count(*) over (
            partition by customer_id order by epoch_seconds
            range between {{ var('fraud_baseline_days') }} * 86400 preceding and 1 preceding  -- noqa: PRS
        ) as baseline_purchases
    from purchases
),

baseline as (
    select
        *,
        -- in double: Trino and Athena average a decimal to its own scale, DuckDB does not
        {{ finlake.safe_divide('baseline_total', 'baseline_purchases') }} as baseline_amount
    from windowed
),

final as (
    select
        'F3' as rule_id,
        'large_amount' as rule_name,
        customer_id,
        account_id,
        transaction_ts as first_transaction_ts,
        cast(1 as bigint) as transaction_count,
        amount as total_amount,
        transaction_id as transaction_ids,
        least(
            1.0, {{ finlake.safe_divide('amount', 'baseline_amount * 3 * ' ~ var('fraud_large_amount_multiple')) }}
        ) as score,
        'purchase of ' || cast(amount as varchar)
        || ' is ' || cast(cast({{ finlake.safe_divide('amount', 'baseline_amount') }} as decimal(10, 1)) as varchar)
        || ' times the customer''s average of ' || cast(cast(baseline_amount as decimal(18, 2)) as varchar) as reason
    from baseline
    where baseline_purchases >= {{ var('fraud_baseline_min_purchases') }}
        and channel in ('online', 'mobile')
        and spend_category in (
            {%- for c in var('fraud_large_amount_categories') %}
            '{{ c }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        )
        and amount_usd >= {{ var('fraud_large_amount_min') }}
        and amount >= {{ var('fraud_large_amount_multiple') }} * baseline_amount
)

select * from final
