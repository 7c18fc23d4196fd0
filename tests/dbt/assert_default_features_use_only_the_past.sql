-- Invariant 4, point-in-time correctness. Returns the offending rows of loan_default_features:
-- (1) a repayment count that differs from a recount, straight from the instalment records, of
--     what the bank knew at the observation date: every instalment due before the date, with a
--     payment counted only when it was made before the date (an instalment paid later was
--     unpaid at the date). A feature that hides late payments, or reads one before it happened,
--     fails here - unlike feature_data_max_date < observation_date, which the features' own
--     filters make true whatever they read (tests/warehouse/test_point_in_time.py rebuilds
--     every feature on a lake cut at the date);
-- (2) a label given before its window is complete, or missing after, or a default date outside
--     the window.
with

features as (select * from {{ ref('loan_default_features') }}),

loans as (
    select
        loan_id,
        customer_id
    from {{ ref('stg_loans') }}
),

payments as (
    select
        loans.customer_id,
        payments.due_date,
        payments.payment_date,
        payments.amount_due,
        coalesce(payments.amount_paid, 0) as amount_paid
    from {{ ref('stg_loan_payments') }} as payments
    inner join loans
        on payments.loan_id = loans.loan_id
),

known as (
    select
        features.customer_id,
        features.observation_date,
        payments.due_date,
        payments.amount_due >= {{ var('arrears_materiality_amount') }}
        and not coalesce(payments.payment_date < features.observation_date and payments.amount_paid > 0, false)
            as is_missed,
        payments.payment_date < features.observation_date
        and payments.payment_date > payments.due_date as is_late
    from features
    inner join payments
        on features.customer_id = payments.customer_id
        and payments.due_date < features.observation_date
),

recount as (
    select
        {%- for months in [6, 12] %}
        {%- set in_window = "due_date >= " ~ finlake.add_months('observation_date', -months) %}
        sum(case when {{ in_window }} then 1 else 0 end) as instalments_due_{{ months }}m,
        sum(case when {{ in_window }} and is_missed then 1 else 0 end) as missed_instalments_{{ months }}m,
        sum(case when {{ in_window }} and is_late then 1 else 0 end) as late_payments_{{ months }}m,
        {%- endfor %}
        customer_id,
        observation_date
    from known
    group by customer_id, observation_date
),

repayment_leaks as (
    {%- for months in [6, 12] %}
    select
        features.customer_id,
        features.observation_date,
        'repayment counts differ from the records known at the date' as problem
    from features
    left join recount
        on features.customer_id = recount.customer_id
        and features.observation_date = recount.observation_date
    where features.instalments_due_{{ months }}m is not null
        and (
            features.instalments_due_{{ months }}m <> coalesce(recount.instalments_due_{{ months }}m, 0)
            or features.missed_instalments_{{ months }}m <> coalesce(recount.missed_instalments_{{ months }}m, 0)
            or features.late_payments_{{ months }}m <> coalesce(recount.late_payments_{{ months }}m, 0)
        )
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
),

label_leaks as (
    select
        customer_id,
        observation_date,
        'label outside its window' as problem
    from features
    where (not is_label_complete and defaults_within_window is not null)
        or (is_label_complete and defaults_within_window is null)
        or default_date < observation_date
        or default_date >= label_window_end
),

final as (
    select * from repayment_leaks
    union all
    select * from label_leaks
)

select * from final
