-- Responsible lending: a customer in arrears is never offered a product that lends money.
select
    offers.customer_id,
    offers.product_id
from {{ ref('offers') }} as offers
inner join {{ ref('customer_summary') }} as summary
    on offers.customer_id = summary.customer_id
where summary.is_in_arrears
    and offers.is_credit_product
