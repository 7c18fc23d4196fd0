{#-
    What happens to each bronze row, the basis of the reconciliation:
      exact_duplicate  the same raw values were delivered earlier (kept: the first copy)
      quarantined      the first copy breaks the contract (see _reason_codes)
      superseded       valid, but another valid row of the same key wins
      loaded           the row silver keeps
    `winner_order` ranks the valid rows of one key: for master data the latest version
    (updated_at) wins, for events the latest delivery (latest_delivery_first: the source's
    latest statement of an event is its correction; models/README.md argues the rule).
-#}
{% macro disposition(key, winner_order) -%}
    case
        when _copy_number > 1 then 'exact_duplicate'
        when _reason_codes is not null then 'quarantined'
        when row_number() over (
            partition by ({{ key }} is not null and _copy_number = 1 and _reason_codes is null), {{ key }}
            order by {{ winner_order }}
        ) = 1 then 'loaded'
        else 'superseded'
    end
{%- endmacro %}

{#- Orders of the winning row among the valid rows of a key. -#}
{% macro latest_version_first(version_column) -%}
    {{ version_column }} desc, extract_date desc, _source_file desc, _line_number desc
{%- endmacro %}

{#- Which copy of an exactly repeated record is kept (copy_number, in typed_bronze.sql): the first
    delivered; its values are the same as every later copy's. -#}
{% macro first_delivery_first() -%}
    extract_date, _source_file, _line_number
{%- endmacro %}

{#- Events (transactions, loan payments): of the valid deliveries of one id, the one from the
    latest extract wins, then the later file of that extract date (`_2` after the day's first
    file), then the later line: the extract's own date, never the order files were loaded, so
    a re-send with changed values (a correction) replaces the earlier version whether it is
    loaded before or after it, and an incremental run equals a full refresh. -#}
{% macro latest_delivery_first() -%}
    extract_date desc, _source_file desc, _line_number desc
{%- endmacro %}
