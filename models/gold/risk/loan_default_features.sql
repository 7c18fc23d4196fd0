{{ config(post_hook=["{{ finlake.export_to_lake(this) }}"]) }}

{#- One row per borrower per monthly observation date: features from data known before the
    date, and the label (default within var('default_label_months') months) from the window
    after it. Window features the data does not cover are null, not 0. feature_data_max_date is
    the latest date any feature read; tests/dbt/assert_default_features_use_only_the_past
    recomputes the repayment features from the instalment records as known at the date, and
    tests/warehouse/test_point_in_time.py rebuilds the features on a lake cut at the date. -#}

{#- The feature models, each one row per (customer_id, observation_date) of the population. -#}
{%- set feature_models = ['profile', 'loans', 'repayment', 'cashflow'] %}

with

population as (select * from {{ ref('int_features__population') }}),

{% for features in feature_models -%}
{{ features }} as (select * from {{ ref('int_features__' ~ features) }}),

{% endfor -%}

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
        {{ finlake.safe_divide('12 * loans.monthly_instalment', 'profile.annual_income') }} as debt_to_income,
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
        {{ finlake.safe_divide('cashflow.salary_inflow_90d', 'cashflow.salary_inflow_prior_90d') }}
            as salary_change_ratio,
        cashflow.salary_inflow_3m,
        cashflow.salary_inflow_prior_3m,
        {{ finlake.safe_divide('cashflow.salary_inflow_3m', 'cashflow.salary_inflow_prior_3m') }}
            as salary_change_ratio_3m,
        cashflow.total_inflow_90d,
        cashflow.total_outflow_90d,
        cashflow.gambling_spend_90d,
        {{ finlake.safe_divide('cashflow.gambling_spend_90d', 'cashflow.total_outflow_90d') }} as gambling_share_90d,
        cashflow.cash_advance_90d,
        cashflow.fees_90d,
        cashflow.fees_3m,
        cashflow.card_spend_90d,
        {{ finlake.safe_divide('cashflow.card_repaid_90d', 'cashflow.card_spend_90d') }} as card_repayment_ratio_90d,
        greatest(
            coalesce(profile.profile_known_date, cast('1900-01-01' as date)),
            coalesce(loans.loans_known_date, cast('1900-01-01' as date)),
            coalesce(repayment.repayment_known_date, cast('1900-01-01' as date)),
            coalesce(cashflow.cashflow_known_date, cast('1900-01-01' as date))
        ) as feature_data_max_date
    from population
    {% for features in feature_models %}
    left join {{ features }}
        on population.customer_id = {{ features }}.customer_id
        and population.observation_date = {{ features }}.observation_date
    {% endfor %}
),

final as ({{ finlake.declared_select('joined') }})

select * from final
