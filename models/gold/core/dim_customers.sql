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

final as (
    select
        cast(customer_id as varchar) as customer_id,
        cast(email_token as varchar) as email_token,
        cast(phone_token as varchar) as phone_token,
        cast(national_id_token as varchar) as national_id_token,
        cast(case
            when age_years < 25 then '18-24'
            when age_years < 35 then '25-34'
            when age_years < 45 then '35-44'
            when age_years < 55 then '45-54'
            when age_years < 65 then '55-64'
            when age_years >= 65 then '65+'
            else 'unknown'
        end as varchar) as age_band,
        cast(case when country = 'US' then 'US-' || coalesce(state, 'NA') else region end as varchar) as region,
        cast(is_country_known as boolean) as is_country_known,
        cast(country as varchar) as country,
        cast(employment_status as varchar) as employment_status,
        cast(case
            when annual_income is null then 'unknown'
            when annual_income < 25000 then 'under 25k'
            when annual_income < 50000 then '25k-50k'
            when annual_income < 100000 then '50k-100k'
            when annual_income < 200000 then '100k-200k'
            else '200k+'
        end as varchar) as income_band,
        cast(annual_income as decimal(18, 2)) as annual_income,
        cast(credit_score as integer) as credit_score,
        cast(case
            when credit_score is null then 'unknown'
            when credit_score < 580 then 'poor'
            when credit_score < 670 then 'fair'
            when credit_score < 740 then 'good'
            when credit_score < 800 then 'very good'
            else 'exceptional'
        end as varchar) as credit_score_band,
        cast(customer_since as date) as customer_since,
        cast(tenure_months as bigint) as tenure_months,
        cast(reporting_date as date) as reporting_date
    from shaped
)

select * from final
