{#- One row per customer: the probability of default and risk band next to the facts a risk
    analyst checks them against, and the expected 12-month loss: probability of default x the
    sum over the customer's exposures of exposure at default x loss given default
    (int_risk_exposures: per product LGD, arrears, undrawn card limits). A customer already in
    default (int_customer_defaults, up to the reporting date) has probability 1 and risk band
    'defaulted', scored or not; other customers the model has not scored (no loan at the
    scoring date, or before the first `finlake train`) have nulls. reason_1..3 are the model's
    adverse-action reasons in plain words (ml/reason_codes.csv), only where the probability is
    the model's. -#}

with

summary as (select * from {{ ref('customer_summary') }}),

customers as (select * from {{ ref('dim_customers') }}),

scores as (select * from {{ ref('stg_customer_default_scores') }}),

calendar as (
    select max(reporting_date) as reporting_date from {{ ref('int_reporting_calendar') }}
),

defaulted as (
    select
        customer_defaults.customer_id,
        customer_defaults.default_date
    from {{ ref('int_customer_defaults') }} as customer_defaults
    cross join calendar
    where customer_defaults.default_date <= calendar.reporting_date
),

exposures as (
    select
        customer_id,
        sum(exposure_at_default) as exposure_at_default,
        sum(loss_if_default) as loss_if_default
    from {{ ref('int_risk_exposures') }}
    group by customer_id
),

joined as (
    select
        summary.customer_id,
        customers.credit_score_band,
        customers.age_band,
        customers.region,
        summary.loan_count,
        summary.outstanding_loan_principal,
        summary.credit_utilisation,
        summary.worst_days_past_due,
        summary.is_in_arrears,
        defaulted.customer_id is not null as is_defaulted,
        defaulted.default_date,
        scores.probability_of_default as model_probability,
        scores.risk_band as model_risk_band,
        scores.model_version,
        scores.observation_date as scored_as_of,
        scores.reason_1 as model_reason_1,
        scores.reason_2 as model_reason_2,
        scores.reason_3 as model_reason_3,
        coalesce(exposures.exposure_at_default, 0) as exposure_at_default,
        coalesce(exposures.loss_if_default, 0) as loss_given_default_amount
    from summary
    {% for part in ['customers', 'defaulted', 'scores', 'exposures'] %}
    left join {{ part }}
        on summary.customer_id = {{ part }}.customer_id
    {% endfor %}
),

probabilities as (
    select
        *,
        case when is_defaulted then 1.0 else model_probability end as probability_of_default,
        case
            when is_defaulted then 'defaulted'
            when model_probability is not null then 'model'
        end as probability_source,
        case when is_defaulted then 'defaulted' else coalesce(model_risk_band, 'unscored') end as risk_band
    from joined
),

assessed as (
    select
        *,
        -- The model's reasons stand only beside the model's probability.
        {%- for n in [1, 2, 3] %}
        case when probability_source = 'model' then model_reason_{{ n }} end as reason_{{ n }},
        {%- endfor %}
        probability_of_default * loss_given_default_amount as expected_loss_12m
    from probabilities
),

final as ({{ finlake.declared_select('assessed') }})

select * from final
