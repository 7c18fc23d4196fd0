{#- The coverage of a windowed feature model's look-back windows: one row per (customer_id,
    observation_date) of the caller's `population` CTE, and whether the delivered history of an
    event source covers each window before the observation date, read from
    int_features__data_reach (the caller's `reach` CTE, one row). `source` names the reach
    columns: <source>_history_start and <source>_reach_date. Columns: is_reached (the data
    reaches the day before the date: data_reached) and one is_<window>_covered per window (the
    window starts on or after the first event delivered, and the data reaches its end). A
    feature summed over a window that is not covered is null, not a truncated sum
    (covered_features). -#}
{% macro window_coverage(source, windows) -%}
    select
        population.customer_id,
        population.observation_date,
        {{ finlake.data_reached(source) }} as is_reached,
        {%- for window in windows %}
        {{ finlake.window_start(window, 'population.observation_date') }} >= reach.{{ source }}_history_start
        and {{ finlake.data_reached(source) }} as is_{{ window }}_covered
        {{- ',' if not loop.last }}
        {%- endfor %}
    from population
    cross join reach
{% endmacro %}
