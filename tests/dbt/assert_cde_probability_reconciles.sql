-- Critical data element probability_of_default (models/gold/risk/customer_risk.yml, meta.cde):
-- a customer in default at the reporting date is at 1; every other customer carries exactly the
-- model's score (stg_customer_default_scores) or none when unscored. Returns the customers whose
-- probability differs from that.
with

customer_risk as (select * from {{ ref('customer_risk') }}),

scores as (select * from {{ ref('stg_customer_default_scores') }}),

final as (
    select
        customer_risk.customer_id,
        customer_risk.probability_source,
        customer_risk.probability_of_default as reported,
        scores.probability_of_default as scored
    from customer_risk
    left join scores
        on customer_risk.customer_id = scores.customer_id
    where
        case
            when customer_risk.probability_source = 'defaulted'
                then customer_risk.probability_of_default <> 1
            when scores.customer_id is null
                then customer_risk.probability_of_default is not null
            else coalesce(abs(customer_risk.probability_of_default - scores.probability_of_default) > 1e-9, true)
        end
)

select * from final
