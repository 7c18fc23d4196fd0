{#- Whether the delivered history of an event source covers look-back windows before each
    observation date, read from int_features__data_reach (the caller's `reach` CTE, one row) and
    the caller's `population` CTE (observation_date). `source` names the reach columns:
    <source>_history_start and <source>_reach_date. One column is_<window>_covered per window:
    the window starts on or after the first event delivered, and the data reaches its end
    (data_reached). A feature summed over a window that is not covered is null, not a
    truncated sum. -#}
{% macro window_coverage(source, windows) -%}
    {%- for window in windows %}
        {{ finlake.window_start(window, 'population.observation_date') }} >= reach.{{ source }}_history_start
        and {{ finlake.data_reached(source) }} as is_{{ window }}_covered
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
