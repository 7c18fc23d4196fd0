{#- One row per customer: the current profile, with no readable personal data: age band
    instead of date of birth, region instead of address, tokens instead of identifiers. -#}

with

customers as (select * from {{ ref('stg_customers') }}),

countries as (select * from {{ ref('country_reference') }}),

calendar as (
    select max(reporting_date) as reporting_date from {{ ref('int_data_reach') }}
),

shaped as (
    select
        customers.customer_id,
        customers.email_token,
        customers.phone_token,
        customers.national_id_token,
        cast(extract(year from calendar.reporting_date) as integer) - customers.birth_year as age_years,
        customers.state,
        customers.country,
        coalesce(countries.region, 'Unknown') as region,
        countries.country_code is not null as is_country_known,
        customers.employment_status,
        customers.annual_income,
        customers.credit_score,
        customers.customer_since,
        {{ dbt.datediff('customers.customer_since', 'calendar.reporting_date', 'month') }}
            as tenure_months,
        calendar.reporting_date
    from customers
    cross join calendar
    left join countries
        on customers.country = countries.country_code
),

banded as (
    select
        customer_id,
        email_token,
        phone_token,
        national_id_token,
        case
            when age_years < 25 then '18-24'
            when age_years < 35 then '25-34'
            when age_years < 45 then '35-44'
            when age_years < 55 then '45-54'
            when age_years < 65 then '55-64'
            when age_years >= 65 then '65+'
            else 'unknown'
        end as age_band,
        case when country = 'US' then 'US-' || coalesce(state, 'NA') else region end as region,
        is_country_known,
        country,
        employment_status,
        case
            when annual_income is null then 'unknown'
            when annual_income < 25000 then 'under 25k'
            when annual_income < 50000 then '25k-50k'
            when annual_income < 100000 then '50k-100k'
            when annual_income < 200000 then '100k-200k'
            else '200k+'
        end as income_band,
        annual_income,
        credit_score,
        case
            when credit_score is null then 'unknown'
            when credit_score < 580 then 'poor'
            when credit_score < 670 then 'fair'
            when credit_score < 740 then 'good'
            when credit_score < 800 then 'very good'
            else 'exceptional'
        end as credit_score_band,
        customer_since,
        tenure_months,
        reporting_date
    from shaped
),

final as ({{ finlake.declared_select('banded') }})

select * from final
