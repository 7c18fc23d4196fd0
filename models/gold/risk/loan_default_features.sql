{{ config(post_hook=["{{ finlake.export_to_lake(this) }}"]) }}

{#- One row per borrower per monthly observation date: features from data known before the
    date, and the label (default within var('default_label_months') months) from the window
    after it. Window features the data does not cover are null, not 0. feature_data_max_date is
    the latest date any feature read; tests/dbt/assert_default_features_use_only_the_past
    recomputes the repayment features from the instalment records as known at the date, and
    tests/warehouse/test_point_in_time.py rebuilds the features on a lake cut at the date. -#}

with

population as (select * from {{ ref('int_features__population') }}),

profile as (select * from {{ ref('int_features__profile') }}),

loans as (select * from {{ ref('int_features__loans') }}),

repayment as (select * from {{ ref('int_features__repayment') }}),

cashflow as (select * from {{ ref('int_features__cashflow') }}),

joined as (
    select
        population.customer_id,
        population.observation_date,
        population.label_window_end,
        population.is_label_complete,
        population.is_scoring_date,
        population.defaults_within_window,
        population.default_date,
        population.default_date_basis,
        profile.age_years,
        profile.tenure_months,
        profile.employment_status,
        profile.annual_income,
        profile.credit_score,
        loans.active_loan_count,
        loans.total_principal,
        loans.monthly_instalment,
        loans.max_interest_rate,
        loans.primary_loan_type,
        loans.has_mortgage,
        loans.months_since_last_origination,
        repayment.instalments_due_6m,
        repayment.missed_instalments_6m,
        repayment.partial_payments_6m,
        repayment.late_payments_6m,
        repayment.instalments_due_12m,
        repayment.missed_instalments_3m,
        repayment.missed_instalments_12m,
        repayment.partial_payments_12m,
        repayment.late_payments_12m,
        repayment.days_past_due,
        repayment.arrears_amount,
        cashflow.salary_inflow_90d,
        cashflow.salary_inflow_prior_90d,
        cashflow.salary_inflow_3m,
        cashflow.salary_inflow_prior_3m,
        cashflow.total_inflow_90d,
        cashflow.total_outflow_90d,
        cashflow.gambling_spend_90d,
        cashflow.cash_advance_90d,
        cashflow.fees_90d,
        cashflow.fees_3m,
        cashflow.card_spend_90d,
        cashflow.card_repaid_90d,
        greatest(
            coalesce(profile.profile_known_date, cast('1900-01-01' as date)),
            coalesce(loans.loans_known_date, cast('1900-01-01' as date)),
            coalesce(repayment.repayment_known_date, cast('1900-01-01' as date)),
            coalesce(cashflow.cashflow_known_date, cast('1900-01-01' as date))
        ) as feature_data_max_date
    from population
    left join profile
        on population.customer_id = profile.customer_id
        and population.observation_date = profile.observation_date
    left join loans
        on population.customer_id = loans.customer_id
        and population.observation_date = loans.observation_date
    left join repayment
        on population.customer_id = repayment.customer_id
        and population.observation_date = repayment.observation_date
    left join cashflow
        on population.customer_id = cashflow.customer_id
        and population.observation_date = cashflow.observation_date
),

final as (
    select
        cast(customer_id as varchar) as customer_id,
        cast(observation_date as date) as observation_date,
        cast(label_window_end as date) as label_window_end,
        cast(is_label_complete as boolean) as is_label_complete,
        cast(is_scoring_date as boolean) as is_scoring_date,
        cast(defaults_within_window as boolean) as defaults_within_window,
        cast(default_date as date) as default_date,
        cast(default_date_basis as varchar) as default_date_basis,
        cast(age_years as integer) as age_years,
        cast(tenure_months as bigint) as tenure_months,
        cast(employment_status as varchar) as employment_status,
        cast(annual_income as decimal(18, 2)) as annual_income,
        cast(credit_score as integer) as credit_score,
        cast(active_loan_count as bigint) as active_loan_count,
        cast(total_principal as decimal(18, 2)) as total_principal,
        cast(monthly_instalment as decimal(18, 2)) as monthly_instalment,
        {{ finlake.safe_divide('12 * monthly_instalment', 'annual_income') }} as debt_to_income,
        cast(max_interest_rate as decimal(7, 4)) as max_interest_rate,
        cast(primary_loan_type as varchar) as primary_loan_type,
        cast(has_mortgage as boolean) as has_mortgage,
        cast(months_since_last_origination as bigint) as months_since_last_origination,
        cast(instalments_due_6m as bigint) as instalments_due_6m,
        cast(missed_instalments_6m as bigint) as missed_instalments_6m,
        cast(partial_payments_6m as bigint) as partial_payments_6m,
        cast(late_payments_6m as bigint) as late_payments_6m,
        cast(instalments_due_12m as bigint) as instalments_due_12m,
        cast(missed_instalments_3m as bigint) as missed_instalments_3m,
        cast(missed_instalments_12m as bigint) as missed_instalments_12m,
        cast(partial_payments_12m as bigint) as partial_payments_12m,
        cast(late_payments_12m as bigint) as late_payments_12m,
        cast(days_past_due as bigint) as days_past_due,
        cast(arrears_amount as decimal(18, 2)) as arrears_amount,
        cast(salary_inflow_90d as decimal(18, 2)) as salary_inflow_90d,
        cast(salary_inflow_prior_90d as decimal(18, 2)) as salary_inflow_prior_90d,
        {{ finlake.safe_divide('salary_inflow_90d', 'salary_inflow_prior_90d') }} as salary_change_ratio,
        cast(salary_inflow_3m as decimal(18, 2)) as salary_inflow_3m,
        cast(salary_inflow_prior_3m as decimal(18, 2)) as salary_inflow_prior_3m,
        {{ finlake.safe_divide('salary_inflow_3m', 'salary_inflow_prior_3m') }} as salary_change_ratio_3m,
        cast(total_inflow_90d as decimal(18, 2)) as total_inflow_90d,
        cast(total_outflow_90d as decimal(18, 2)) as total_outflow_90d,
        cast(gambling_spend_90d as decimal(18, 2)) as gambling_spend_90d,
        {{ finlake.safe_divide('gambling_spend_90d', 'total_outflow_90d') }} as gambling_share_90d,
        cast(cash_advance_90d as decimal(18, 2)) as cash_advance_90d,
        cast(fees_90d as decimal(18, 2)) as fees_90d,
        cast(fees_3m as decimal(18, 2)) as fees_3m,
        cast(card_spend_90d as decimal(18, 2)) as card_spend_90d,
        {{ finlake.safe_divide('card_repaid_90d', 'card_spend_90d') }} as card_repayment_ratio_90d,
        cast(feature_data_max_date as date) as feature_data_max_date
    from joined
)

select * from final
