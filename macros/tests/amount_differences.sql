{#- The rows of a critical data element's reconciliation (tests/dbt/assert_cde_*) that fail: a
    reported amount against its recomputation. `reported` and `recomputed` are the caller's
    CTEs, joined full outer on `keys` (a side with no row counts as 0), each with the amount
    in the column `amount`. A row fails when the two differ by a cent or more, or when a
    recomputed row has no reported row at all; `rows` (SQL over both CTEs) limits the rows
    compared. -#}
{% macro amount_differences(reported, recomputed, keys, amount, rows='true') -%}
    select
        {%- for key in keys %}
        coalesce({{ reported }}.{{ key }}, {{ recomputed }}.{{ key }}) as {{ key }},
        {%- endfor %}
        {{ reported }}.{{ amount }} as reported,
        {{ recomputed }}.{{ amount }} as recomputed
    from {{ reported }}
    full outer join {{ recomputed }}
        on {% for key in keys -%}
        {{ reported }}.{{ key }} = {{ recomputed }}.{{ key }}{{ '\n        and ' if not loop.last }}
        {%- endfor %}
    where ({{ rows }})
        and (
            abs(coalesce({{ reported }}.{{ amount }}, 0) - coalesce({{ recomputed }}.{{ amount }}, 0)) >= 0.01
            or {{ reported }}.{{ keys[0] }} is null
        )
{% endmacro %}
