{#- Customer profile as known at each observation date: the customer version current then
    (a later bureau refresh or income update cannot leak backwards). -#}

with

population as (
    select
        customer_id,
        observation_date
    from {{ ref('int_features__population') }}
),

versions as (
    select * from {{ ref('int_customers__versions') }}
),

final as (
    select
        population.customer_id,
        population.observation_date,
        versions.credit_score,
        versions.annual_income,
        versions.employment_status,
        cast(extract(year from population.observation_date) as integer) - versions.birth_year as age_years,
        {{ dbt.datediff('versions.customer_since', 'population.observation_date', 'month') }}
            as tenure_months,
        cast(versions.valid_from as date) as profile_known_date
    from population
    inner join versions
        on population.customer_id = versions.customer_id
        and cast(versions.valid_from as date) < population.observation_date
        and (versions.valid_to is null or cast(versions.valid_to as date) >= population.observation_date)
)

select * from final
