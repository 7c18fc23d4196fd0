{#- Customer profile as known at each observation date: the customer version current then
    (a later bureau refresh or income update cannot leak backwards). Attributes that do not
    change - birth year and the date the customer joined - are known from the start, from the
    customer's first version, even before its valid_from (which for a first full snapshot is the
    extract date, not the day the fact became true). -#}

with

population as (select * from {{ ref('int_features__population') }}),

versions as (select * from {{ ref('int_customers__versions') }}),

ranked as (
    select
        customer_id,
        birth_year,
        customer_since,
        row_number() over (
            partition by customer_id
            order by valid_from, _extract_date, _source_file, _line_number
        ) as version_rank
    from versions
),

immutable as (
    select
        customer_id,
        birth_year,
        customer_since
    from ranked
    where version_rank = 1
),

current_version as (
    select
        population.customer_id,
        population.observation_date,
        versions.credit_score,
        versions.annual_income,
        versions.employment_status,
        cast(versions.valid_from as date) as profile_known_date
    from population
    inner join versions
        on population.customer_id = versions.customer_id
        and cast(versions.valid_from as date) < population.observation_date
        and (versions.valid_to is null or cast(versions.valid_to as date) >= population.observation_date)
),

final as (
    select
        population.customer_id,
        population.observation_date,
        current_version.credit_score,
        current_version.annual_income,
        current_version.employment_status,
        cast(extract(year from population.observation_date) as integer) - immutable.birth_year as age_years,
        {{ dbt.datediff('immutable.customer_since', 'population.observation_date', 'month') }}
            as tenure_months,
        current_version.profile_known_date
    from population
    left join immutable
        on population.customer_id = immutable.customer_id
    left join current_version
        on population.customer_id = current_version.customer_id
        and population.observation_date = current_version.observation_date
)

select * from final
