{#- The first day of a look-back window before `date_expr`, as a date. A window is named for its
    length: 'N_days' or 'N_months' ('90_days', '6_months'); the feature models name their
    columns after it (is_last_90_days, is_6_months_covered). -#}
{% macro window_start(window, date_expr) -%}
    {%- set parts = window.split('_') -%}
    {%- if parts | length != 2 or parts[1] not in ('days', 'months') or not parts[0].isdigit() -%}
        {{ exceptions.raise_compiler_error(
            "window_start: '" ~ window ~ "' is not a window; name one N_days or N_months, e.g. 90_days."
        ) }}
    {%- elif parts[1] == 'days' -%}
        {{ finlake.add_days(date_expr, -(parts[0] | int)) }}
    {%- else -%}
        {{ finlake.add_months(date_expr, -(parts[0] | int)) }}
    {%- endif -%}
{%- endmacro %}
