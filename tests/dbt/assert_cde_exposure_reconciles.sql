-- Critical data element exposure_at_default (models/gold/risk/customer_risk.yml, meta.cde): each
-- customer's exposure in customer_risk equals the sum of their exposures, loan by loan and card
-- by card, in int_risk_exposures, and no exposure is left out of customer_risk. Returns the
-- customers whose figures differ by a cent or more.
with

customer_risk as (select * from {{ ref('customer_risk') }}),

exposures as (
    select
        customer_id,
        sum(exposure_at_default) as exposure_at_default
    from {{ ref('int_risk_exposures') }}
    group by customer_id
),

final as (
    {{- finlake.amount_differences('customer_risk', 'exposures', ['customer_id'], 'exposure_at_default') }}
)

select * from final
