{#- One row per credit exposure at the reporting date - each loan and each open credit card -
    with its exposure at default (EAD) and loss given default (LGD). A loan's EAD is its
    scheduled outstanding principal plus its arrears (everything due and not credited by the
    reporting date); a loan recorded closed (repaid, charged or written off) has none. A card's
    EAD is the balance owed plus the credit conversion factor times the undrawn limit. LGD and
    CCF come per product from the loss_given_default_by_product seed (var('loss_given_default')
    for a product missing there). -#}

with

calendar as (
    select max(reporting_date) as reporting_date from {{ ref('int_reporting_calendar') }}
),

products as (select * from {{ ref('loss_given_default_by_product') }}),

lifetimes as (
    {{ finlake.loan_lifetimes() }}
),

instalments as (
    select
        instalments.loan_id,
        sum(instalments.amount_due) as amount_due,
        sum(case when instalments.credited_date <= calendar.reporting_date then instalments.credited_amount else 0 end)
            as amount_credited
    from {{ ref('int_loan_instalments') }} as instalments
    cross join calendar
    where instalments.due_date <= calendar.reporting_date
    group by instalments.loan_id
),

loans as (
    select
        lifetimes.loan_id,
        lifetimes.customer_id,
        lifetimes.loan_type,
        lifetimes.principal_amount,
        lifetimes.interest_rate,
        lifetimes.term_months,
        coalesce(lifetimes.closed_date <= calendar.reporting_date, false) as is_closed,
        least(
            greatest({{ dbt.datediff('lifetimes.origination_date', 'calendar.reporting_date', 'month') }}, 0),
            lifetimes.term_months
        ) as instalments_elapsed,
        {{ finlake.annuity_payment('lifetimes.principal_amount', 'lifetimes.interest_rate', 'lifetimes.term_months') }}
            as scheduled_instalment,
        {{ finlake.safe_divide('lifetimes.interest_rate', 1200) }} as monthly_rate,
        greatest(coalesce(instalments.amount_due, 0) - coalesce(instalments.amount_credited, 0), 0) as arrears_amount
    from lifetimes
    cross join calendar
    left join instalments
        on lifetimes.loan_id = instalments.loan_id
    where lifetimes.origination_date <= calendar.reporting_date
),

loan_exposures as (
    select
        loan_id as exposure_id,
        'loan' as exposure_type,
        customer_id,
        loan_type as product,
        case
            when is_closed then 0
            when interest_rate = 0
                then principal_amount * (1 - {{ finlake.safe_divide('instalments_elapsed', 'term_months') }})
            else greatest(
                    principal_amount * power(1 + monthly_rate, instalments_elapsed)
                    - scheduled_instalment * (power(1 + monthly_rate, instalments_elapsed) - 1) / monthly_rate,
                    0
                )
        end as drawn_amount,
        case when is_closed then 0 else arrears_amount end as arrears_amount,
        cast(0 as decimal(18, 2)) as undrawn_amount
    from loans
),

card_exposures as (
    select
        account_id as exposure_id,
        'credit_card' as exposure_type,
        customer_id,
        'credit_card' as product,
        greatest(coalesce(current_balance, 0), 0) as drawn_amount,
        cast(0 as decimal(18, 2)) as arrears_amount,
        greatest(coalesce(credit_limit, 0) - greatest(coalesce(current_balance, 0), 0), 0) as undrawn_amount
    from {{ ref('dim_accounts') }}
    where account_type = 'credit_card'
        and is_open
),

exposures as (
    select * from loan_exposures
    union all
    select * from card_exposures
),

amounts as (
    select
        exposures.exposure_id,
        exposures.exposure_type,
        exposures.customer_id,
        exposures.product,
        cast(exposures.drawn_amount as decimal(18, 2)) as drawn_amount,
        cast(exposures.arrears_amount as decimal(18, 2)) as arrears_amount,
        cast(exposures.undrawn_amount as decimal(18, 2)) as undrawn_amount,
        cast(coalesce(products.credit_conversion_factor, 0) as decimal(5, 4)) as credit_conversion_factor,
        cast(coalesce(products.loss_given_default, {{ var('loss_given_default') }}) as decimal(5, 4))
            as loss_given_default
    from exposures
    left join products
        on exposures.product = products.product
),

-- Decimal arithmetic on amounts rounded to cents, so that every engine rounds alike.
at_default as (
    select
        *,
        drawn_amount + arrears_amount
        + cast(credit_conversion_factor * undrawn_amount as decimal(18, 2)) as exposure_at_default
    from amounts
),

final as (
    select
        cast(exposure_id as varchar) as exposure_id,
        cast(exposure_type as varchar) as exposure_type,
        cast(customer_id as varchar) as customer_id,
        cast(product as varchar) as product,
        drawn_amount,
        arrears_amount,
        undrawn_amount,
        cast(credit_conversion_factor as double) as credit_conversion_factor,
        cast(exposure_at_default as decimal(18, 2)) as exposure_at_default,
        cast(loss_given_default as double) as loss_given_default,
        cast(exposure_at_default * loss_given_default as decimal(18, 2)) as loss_if_default
    from at_default
)

select * from final
