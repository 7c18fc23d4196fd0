{#- The grain of the feature views, one row per customer and observation date of the population
    (int_features__population), proven on loan_default_features, which left joins each of them
    to the population: a view that repeated a key would repeat the mart's row. The views are
    computed when read, and a test on each ran it over the history again (the cashflow one,
    180 days of transactions per observation date, 4.2 s of a medium full build). grain_of_views
    names them as this test's grain and dependencies, without reading them. -#}
{{ finlake.grain_of_views(
    ['int_features__profile', 'int_features__loans', 'int_features__repayment', 'int_features__cashflow']
) }}

select
    customer_id,
    observation_date,
    count(*) as feature_rows
from {{ ref('loan_default_features') }}
group by customer_id, observation_date
having count(*) > 1
