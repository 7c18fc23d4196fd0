{#-
    The typed value of a raw bronze text column, per its landing-contract column spec
    (see landing_contract()). A value that does not parse becomes null here; value_problem()
    says why, so the row goes to quarantine instead of silently losing the value.

      string     trimmed, blank -> null (case kept: names, merchants)
      enum       trimmed and lower-cased, then a bank's own spelling mapped to the contract's
                 value (var enum_spellings; see enum_spelling_map)
      date       strict YYYY-MM-DD and a real calendar date
      timestamp  strict ISO-8601 (T separator, optional fraction and Z), read as UTC
      decimal    plain digits with '.', or an unambiguous form with '$'/'USD' and ','
                 thousands separators followed by two decimals (recovered; see
                 amount_corrected); anything else (e.g. 1.234,50) does not parse
      integer    plain digits
-#}
{% macro parse_value(col, expr=none) -%}
    {%- set raw = expr if expr is not none else adapter.quote(col.name) -%}
    {%- set text = finlake.clean_text(raw) -%}
    {%- set p = finlake.patterns() -%}
    {%- if col.base_type == 'enum' -%}
        {%- set spellings = finlake.enum_spelling_map(col) -%}
        {%- if spellings %}
        case lower({{ text }})
            {%- for spelling, value in spellings.items() %}
            when '{{ spelling }}' then '{{ value }}'
            {%- endfor %}
            else lower({{ text }})
        end
        {%- else -%}
        lower({{ text }})
        {%- endif -%}
    {%- elif col.base_type == 'date' -%}
        case when {{ finlake.regex_matches(text, p.date) }} then try_cast({{ text }} as date) end
    {%- elif col.base_type == 'timestamp' -%}
        case when {{ finlake.regex_matches(text, p.timestamp) }}
            then try_cast(replace(replace({{ text }}, 'T', ' '), 'Z', '') as {{ finlake.type_timestamp_us() }})
        end
    {%- elif col.base_type == 'decimal' -%}
        {%- set dtype = 'decimal(' ~ col.precision ~ ', ' ~ col.scale ~ ')' -%}
        case
            when {{ finlake.regex_matches(text, finlake.decimal_pattern(col.precision, col.scale)) }}
                then try_cast({{ text }} as {{ dtype }})
            when {{ finlake.regex_matches(text, p.amount_with_symbol) }}
                then try_cast({{ finlake.strip_amount(text) }} as {{ dtype }})
        end
    {%- elif col.base_type == 'integer' -%}
        case when {{ finlake.regex_matches(text, p.integer) }} then try_cast({{ text }} as integer) end
    {%- else -%}
        {{ text }}
    {%- endif -%}
{%- endmacro %}

{% macro strip_amount(text) -%}
    replace(replace(replace(replace({{ text }}, 'USD', ''), '$', ''), ',', ''), ' ', '')
{%- endmacro %}

{#-
    The spellings of a bank that mean one of an enum column's contract values, from the var
    enum_spellings ({column: {spelling: contract value}}, lower case). A spelling applies to a
    column only where it is not itself one of the column's values and the value it maps to is:
    `closed: paid_off` re-spells a loan status but leaves the account status `closed` alone.
-#}
{% macro enum_spelling_map(col) -%}
    {%- set out = {} -%}
    {%- for spelling, value in (var('enum_spellings', {}) or {}).get(col.name, {}).items() -%}
        {%- if spelling | lower not in col['values'] and value in col['values'] -%}
            {%- do out.update({spelling | lower: value}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}
