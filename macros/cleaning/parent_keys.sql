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
-#}
{% macro reference_problem(child_column, parent_alias, parent_key) -%}
    case
        when {{ child_column }} is not null and {{ parent_alias }}.{{ parent_key }} is null
            then 'orphan_key:{{ child_column.split(".")[-1] }}'
        when {{ child_column }} is not null and not {{ parent_alias }}.is_loaded
            then 'parent_quarantined:{{ child_column.split(".")[-1] }}'
    end
{%- endmacro %}
