{#-
    A phone number in E.164 form (+<country code><number>, digits only): numbers written with
    a leading + keep their country code; ten-digit numbers of US and Canadian customers get +1
    (the North American Numbering Plan); eleven digits starting with 1 are NANP with the
    trunk prefix. Anything else keeps its digits behind a +.
-#}
{% macro normalise_phone(expr, country_expr) -%}
    {%- set digits = finlake.regex_replace_all(finlake.clean_text(expr), '[^0-9]', '') -%}
    case
        when nullif({{ digits }}, '') is null then null
        when {{ finlake.clean_text(expr) }} like '+%' then '+' || {{ digits }}
        when length({{ digits }}) = 10 and upper({{ country_expr }}) in ('US', 'CA') then '+1' || {{ digits }}
        when length({{ digits }}) = 11 and {{ digits }} like '1%' then '+' || {{ digits }}
        else '+' || {{ digits }}
    end
{%- endmacro %}
