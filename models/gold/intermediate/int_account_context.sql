{#- One row per loaded account: its customer, the customer's country and the customer's UTC
    offset (time_zones by country and state, else country_reference by country, else 0). What a
    transaction takes from master data (int_transactions_enriched), and the state the
    incremental gold models compare with to find the accounts whose history must be recomputed
    (int_gold_watermark). -#}

with

accounts as (
    select
        account_id,
        customer_id,
        account_type
    from {{ ref('stg_accounts') }}
),

customers as (
    select
        customer_id,
        country,
        state
    from {{ ref('stg_customers') }}
),

final as (
    select
        accounts.account_id,
        accounts.customer_id,
        accounts.account_type,
        customers.country as customer_country,
        coalesce(zones.utc_offset_hours, countries.utc_offset_hours, 0) as utc_offset_hours
    from accounts
    inner join customers
        on accounts.customer_id = customers.customer_id
    left join {{ ref('time_zones') }} as zones
        on customers.country = zones.country_code
        and customers.state = zones.state
    left join {{ ref('country_reference') }} as countries
        on customers.country = countries.country_code
)

select * from final
