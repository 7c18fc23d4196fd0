{#- One row per customer: the next-best product, chosen by segment rules over the product
    catalogue (seed). A customer is offered only products they do not hold, are eligible for
    (credit score, income, age) and whose target segments include theirs; customers in arrears
    are never offered credit (they get the financial health check instead). Highest priority
    wins, ties broken by product id. -#}

with

customers as (select * from {{ ref('dim_customers') }}),

summary as (select * from {{ ref('customer_summary') }}),

products as (select * from {{ ref('product_catalogue') }}),

holdings as (
    select
        customer_id,
        account_type as holding
    from {{ ref('dim_accounts') }}
    where is_open
    union
    select
        customer_id,
        loan_type as holding
    from {{ ref('stg_loans') }}
    where status not in ('paid_off', 'charged_off')
),

segmented as (
    select
        customers.customer_id,
        customers.credit_score,
        customers.annual_income,
        -- Only the age band is known in gold: eligibility uses its bounds, so a band that
        -- straddles a product's age limit is not offered that product.
        case customers.age_band
            when '18-24' then 18 when '25-34' then 25 when '35-44' then 35
            when '45-54' then 45 when '55-64' then 55 when '65+' then 65
        end as age_band_floor,
        case customers.age_band
            when '18-24' then 24 when '25-34' then 34 when '35-44' then 44
            when '45-54' then 54 when '55-64' then 64 when '65+' then 120
        end as age_band_ceiling,
        summary.is_in_arrears,
        case
            when summary.is_in_arrears then 'in_arrears'
            when customers.employment_status = 'student' then 'student'
            when customers.employment_status = 'retired' then 'retiree'
            when customers.employment_status = 'self_employed' then 'small_business_owner'
            when customers.annual_income >= 150000 then 'affluent'
            when customers.age_band in ('25-34', '35-44') and customers.annual_income >= 60000 then 'family_builder'
            when customers.age_band in ('18-24', '25-34') then 'young_professional'
            else 'mass_market'
        end as segment,
        coalesce(summary.international_share_365d, 0) as international_share_365d
    from customers
    inner join summary
        on customers.customer_id = summary.customer_id
),

eligible as (
    select
        segmented.customer_id,
        segmented.segment,
        products.product_id,
        products.product_name,
        products.product_family,
        products.is_credit,
        products.priority
        + case when products.product_id = 'P04' and segmented.international_share_365d > 0.05 then 10 else 0 end
            as effective_priority
    from segmented
    inner join products
        on strpos('|' || products.target_segments || '|', '|' || segmented.segment || '|') > 0
    left join holdings
        on segmented.customer_id = holdings.customer_id
        and holdings.holding in (products.holding_account_type, products.holding_loan_type)
    where holdings.customer_id is null
        and not (products.is_credit and segmented.is_in_arrears)
        and (products.min_credit_score is null or segmented.credit_score >= products.min_credit_score)
        and (products.min_annual_income is null or segmented.annual_income >= products.min_annual_income)
        and (products.min_age is null or segmented.age_band_floor >= products.min_age)
        and (products.max_age is null or segmented.age_band_ceiling <= products.max_age)
),

ranked as (
    select
        *,
        row_number() over (partition by customer_id order by effective_priority desc, product_id asc) as offer_rank
    from eligible
),

offered as (
    select
        customer_id,
        segment,
        product_id,
        product_name,
        product_family,
        is_credit as is_credit_product,
        case
            when segment = 'in_arrears' then 'In arrears: a repayment review before any new credit.'
            when product_id = 'P04' then 'Affluent with international spend: travel rewards without foreign fees.'
            else 'Best fit for the ' || replace(segment, '_', ' ') || ' segment among products not yet held.'
        end as offer_reason,
        effective_priority as priority
    from ranked
    where offer_rank = 1
),

final as ({{ finlake.declared_select('offered') }})

select * from final
