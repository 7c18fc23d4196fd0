{#- The feature columns of a windowed feature model: each feature of `features` (a list of
    (column, window, condition), the model's own table) from the `values` CTE, null where the
    caller's `coverage` CTE says its window is not covered (window_coverage), 0 where covered
    but nothing was summed or counted. -#}
{% macro covered_features(features, values) -%}
    {%- for column, window, _ in features %}
        case when coverage.is_{{ window }}_covered then coalesce({{ values }}.{{ column }}, 0) end as {{ column }}
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
