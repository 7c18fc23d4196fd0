{#- The day the data of an event source reaches (int_features__data_reach): the reporting date
    (the caller's `calendar` CTE), unless the source's last event (`<source>.last_event_date`)
    is more than var('data_reach_staleness_days') days before it; a stale source reaches only
    its last event date. -#}
{% macro reach_date(source) -%}
    case
            when {{ source }}.last_event_date
                >= {{ finlake.add_days('calendar.reporting_date', -var('data_reach_staleness_days')) }}
                then calendar.reporting_date
            else {{ source }}.last_event_date
        end
{%- endmacro %}
