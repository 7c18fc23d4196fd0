{#- One boolean column per look-back window (window_start): is_last_<window>, true when
    `event_date` falls in the window before `observation_date`. The caller reads only events
    before the observation date, so each window is [start, observation date). -#}
{% macro window_flags(event_date, windows, observation_date='population.observation_date') -%}
    {%- for window in windows %}
        {{ event_date }} >= {{ finlake.window_start(window, observation_date) }} as is_last_{{ window }}
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
