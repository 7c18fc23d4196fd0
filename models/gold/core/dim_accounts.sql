{#- One row per account: current state, owner, and for credit cards the utilisation. -#}

with

accounts as (select * from {{ ref('stg_accounts') }}),

calendar as (
    select max(reporting_date) as reporting_date from {{ ref('int_data_reach') }}
),

shaped as (
    select
        accounts.account_id,
        accounts.customer_id,
        accounts.account_type,
        accounts.currency,
        accounts.status,
        accounts.is_open,
        accounts.opened_date,
        accounts.closed_date,
        {{ dbt.datediff('accounts.opened_date', 'calendar.reporting_date', 'month') }}
            as account_age_months,
        accounts.credit_limit,
        accounts.current_balance,
        case
            when accounts.account_type = 'credit_card' and accounts.credit_limit > 0
                then {{ finlake.safe_divide('accounts.current_balance', 'accounts.credit_limit') }}
        end as credit_utilisation,
        accounts.updated_at as balance_date
    from accounts
    cross join calendar
),

final as ({{ finlake.declared_select('shaped') }})

select * from final
