{#- One row per account: current state, owner, and for credit cards the utilisation. -#}

with

accounts as (select * from {{ ref('stg_accounts') }}),

calendar as (
    select max(reporting_date) as reporting_date from {{ ref('int_data_reach') }}
),

final as (
    select
        cast(accounts.account_id as varchar) as account_id,
        cast(accounts.customer_id as varchar) as customer_id,
        cast(accounts.account_type as varchar) as account_type,
        cast(accounts.currency as varchar) as currency,
        cast(accounts.status as varchar) as status,
        cast(accounts.is_open as boolean) as is_open,
        cast(accounts.opened_date as date) as opened_date,
        cast(accounts.closed_date as date) as closed_date,
        cast(
            {{ dbt.datediff('accounts.opened_date', 'calendar.reporting_date', 'month') }}
            as bigint
        ) as account_age_months,
        cast(accounts.credit_limit as decimal(18, 2)) as credit_limit,
        cast(accounts.current_balance as decimal(18, 2)) as current_balance,
        case
            when accounts.account_type = 'credit_card' and accounts.credit_limit > 0
                then {{ finlake.safe_divide('accounts.current_balance', 'accounts.credit_limit') }}
        end as credit_utilisation,
        cast(accounts.updated_at as date) as balance_date
    from accounts
    cross join calendar
)

select * from final
