{#- The reporting date (the latest extract delivered) and the monthly observation dates of the
    default features: every month start with data, from var('default_observation_start') (or
    var('default_feature_lookback_months') after the first month of history) up to the month
    start after the reporting date, which scores with all the data there is. -#}

with

extracts as (
    select
        max(_extract_date) as reporting_date,
        min(transaction_date) as history_start
    from {{ ref('stg_transactions') }}
),

months as (
    select distinct {{ finlake.month_start('transaction_date') }} as observation_date
    from {{ ref('stg_transactions') }}
),

bounds as (
    select
        reporting_date,
        {% if var('default_observation_start', none) -%}
        cast('{{ var("default_observation_start") }}' as date)
        {%- else -%}
        {{ finlake.add_months(finlake.month_start('history_start'), var('default_feature_lookback_months')) }}
        {%- endif %} as first_observation,
        {{ finlake.add_months(finlake.month_start('reporting_date'), 1) }} as scoring_observation
    from extracts
),

observations as (
    select months.observation_date
    from months
    union
    select scoring_observation from bounds
),

final as (
    select
        observations.observation_date,
        bounds.reporting_date,
        {{ finlake.add_months('observations.observation_date', var('default_label_months')) }} as label_window_end,
        {{ finlake.add_months('observations.observation_date', var('default_label_months')) }}
        <= {{ finlake.add_days('bounds.reporting_date', 1) }} as is_label_complete,
        observations.observation_date = bounds.scoring_observation as is_scoring_date
    from observations
    cross join bounds
    where observations.observation_date >= bounds.first_observation
        and observations.observation_date <= bounds.scoring_observation
)

select * from final
