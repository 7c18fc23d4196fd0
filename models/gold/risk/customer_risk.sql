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

probabilities as (
    select
        summary.customer_id,
        defaulted.default_date,
        case
            when defaulted.customer_id is not null then 1.0
            else scores.probability_of_default
        end as probability_of_default,
        case
            when defaulted.customer_id is not null then 'defaulted'
            when scores.probability_of_default is not null then 'model'
        end as probability_source,
        case
            when defaulted.customer_id is not null then 'defaulted'
            else coalesce(scores.risk_band, 'unscored')
        end as risk_band
    from summary
    left join defaulted
        on summary.customer_id = defaulted.customer_id
    left join scores
        on summary.customer_id = scores.customer_id
),

assessed as (
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
        probabilities.probability_of_default,
        probabilities.risk_band,
        probabilities.probability_of_default * coalesce(exposures.loss_if_default, 0) as expected_loss_12m,
        scores.model_version,
        scores.observation_date as scored_as_of,
        probabilities.probability_source,
        probabilities.default_date,
        coalesce(exposures.exposure_at_default, 0) as exposure_at_default,
        coalesce(exposures.loss_if_default, 0) as loss_given_default_amount,
        case when probabilities.probability_source = 'model' then scores.reason_1 end as reason_1,
        case when probabilities.probability_source = 'model' then scores.reason_2 end as reason_2,
        case when probabilities.probability_source = 'model' then scores.reason_3 end as reason_3
    from summary
    inner join customers
        on summary.customer_id = customers.customer_id
    inner join probabilities
        on summary.customer_id = probabilities.customer_id
    left join scores
        on summary.customer_id = scores.customer_id
    left join exposures
        on summary.customer_id = exposures.customer_id
),

final as ({{ finlake.declared_select('assessed') }})

select * from final
