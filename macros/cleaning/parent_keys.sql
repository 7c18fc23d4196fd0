{#- Each key of a parent entity with whether silver holds it (is_loaded); see reference_problem. -#}
{% macro parent_keys(parent_entity, key) -%}
    select
        {{ key }},
        max(case when _disposition = 'loaded' then 1 else 0 end) = 1 as is_loaded
    from {{ ref('int_' ~ parent_entity ~ '__checked') }}
    where {{ key }} is not null
    group by {{ key }}
{%- endmacro %}

{#-
    The reference problem of a child's foreign key: orphan_key when no parent with that key was
    ever delivered (or only as a duplicate), parent_quarantined when the parent was delivered but
    is itself in quarantine. Either way the row waits in quarantine and returns to silver on the
    run after its parent is loaded.
    Only a required link cascades a parent's quarantine (required=false: an optional link, a
    `references` on a column the contract does not require): the child is valid on its own, so
    it is kept and the link is flagged instead (link_quarantined).
-#}
{% macro reference_problem(child_column, parent_alias, parent_key, required=true) -%}
    case
        when {{ child_column }} is not null and {{ parent_alias }}.{{ parent_key }} is null
            then 'orphan_key:{{ child_column.split(".")[-1] }}'
        {%- if required %}
        when {{ child_column }} is not null and not {{ parent_alias }}.is_loaded
            then 'parent_quarantined:{{ child_column.split(".")[-1] }}'
        {%- endif %}
    end
{%- endmacro %}

{#- True when an optional link points at a parent that is delivered but in quarantine. -#}
{% macro link_quarantined(child_column, parent_alias, parent_key) -%}
    coalesce({{ child_column }} is not null and {{ parent_alias }}.{{ parent_key }} is not null and not {{ parent_alias }}.is_loaded, false)
{%- endmacro %}
