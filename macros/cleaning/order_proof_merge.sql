{#-
    The rows an incremental event model (stg_transactions, stg_loan_payments) merges on `key`:
    every winner of its checked model `checked_model` (`_disposition = 'loaded'`)
    that is not already in the table as it is (same key, batch and line). New ids, orphans
    whose parent has arrived, and ids whose winner changed (a correction, or a late snapshot
    with an earlier extract date) all land; a winner already present is not written again. So
    the table equals a full refresh whatever the delivery order
    (tests/warehouse/test_order_proof.py). On a full refresh: every winner.
-#}
{% macro order_proof_merge_rows(checked_model, key) -%}
    select winners.*
    from {{ ref(checked_model) }} as winners
    {%- if is_incremental() %}
    left join (
        select
            {{ key }},
            _batch_id,
            _line_number
        from {{ this }}
    ) as present
        on winners.{{ key }} = present.{{ key }}
        and winners._batch_id = present._batch_id
        and winners._line_number = present._line_number
    where winners._disposition = 'loaded' and present.{{ key }} is null
    {%- else %}
    where winners._disposition = 'loaded'
    {%- endif %}
{%- endmacro %}
