{#- Rule F2, spend from a new country: purchases in a country the customer had not bought in
    before, outside their home country, within var('fraud_new_country_window_hours') hours of the
    first, with var('fraud_new_country_min_count') or more made card-not-present (online or in
    an app) together reaching var('fraud_new_country_min_amount') USD (amount_usd), or in a
    country the AML policy lists as high risk. Card-present spend abroad is what travellers do;
    remote spend from a country the customer never used is what a stolen card looks like. One
    row per customer and country.
    Warm-up: in the first var('fraud_new_country_history_days') days of the purchase history a
    country's novelty is not known (the customer may have used it before the history starts),
    so a high-risk country alone does not alert then; the card-not-present burst does, as it
    is evidence by itself. (The rule once ignored every first use in the warm-up, and so missed
    every account takeover in the first 90 days of history.) -#}

with

purchases as (
    select * from {{ ref('int_transactions_enriched') }}
    where is_money_moved
        and transaction_type = 'purchase'
        and merchant_country is not null
),

history as (
    select min(epoch_seconds) as history_start from purchases
),

first_use as (
    select
        *,
        min(epoch_seconds) over (partition by customer_id, merchant_country) as first_seen
    from purchases
),

new_country as (
    select first_use.*
    from first_use
    where first_use.merchant_country <> first_use.customer_country
        and first_use.epoch_seconds <= first_use.first_seen + {{ var('fraud_new_country_window_hours') }} * 3600
),

warm_up as (
    select history.history_start + {{ var('fraud_new_country_history_days') }} * 86400 as warm_up_end
    from history
),

episodes as (
    select
        new_country.customer_id,
        min(new_country.account_id) as account_id,
        new_country.merchant_country,
        min(new_country.transaction_ts) as first_transaction_ts,
        count(*) as transaction_count,
        sum(new_country.amount) as total_amount,
        -- summed exactly (decimal), so the order rows reach the sum in cannot change the total
        sum(cast(new_country.amount_usd as decimal(38, 6))) as total_amount_usd,
        sum(case when new_country.channel in ('online', 'mobile') then 1 else 0 end) as remote_count,
        {{ finlake.list_agg(
            'new_country.transaction_id', ',', 'new_country.epoch_seconds, new_country.transaction_id'
        ) }} as transaction_ids,
        max(case when countries.is_high_risk then 1 else 0 end) = 1 as is_high_risk_country,
        min(new_country.first_seen) >= min(warm_up.warm_up_end) as is_after_warm_up
    from new_country
    cross join warm_up
    left join {{ ref('country_reference') }} as countries
        on new_country.merchant_country = countries.country_code
    group by new_country.customer_id, new_country.merchant_country
),

final as (
    select
        'F2' as rule_id,
        'new_country' as rule_name,
        customer_id,
        account_id,
        first_transaction_ts,
        transaction_count,
        total_amount,
        transaction_ids,
        least(
            1.0,
            0.3 + coalesce({{ finlake.safe_divide('total_amount_usd', 5000) }}, 0)
            + case when is_high_risk_country then 0.4 else 0 end
        ) as score,
        cast(transaction_count as varchar)
        || ' purchases ('
        || cast(remote_count as varchar)
        || ' card-not-present) totalling '
        || cast(cast(total_amount as decimal(18, 2)) as varchar)
        || ' in ' || merchant_country || ', a country the customer had not bought in before'
        || case when is_high_risk_country then ' (high-risk jurisdiction)' else '' end as reason
    from episodes
    where (is_high_risk_country and is_after_warm_up)
        or (
            remote_count >= {{ var('fraud_new_country_min_count') }}
            and total_amount_usd >= {{ var('fraud_new_country_min_amount') }}
        )
)

select * from final
