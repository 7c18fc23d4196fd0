{#- The final select of a model, written from the columns its YAML declares, in the YAML's order,
    from the CTE `relation` that computes them under the same names:

        final as ({{ finlake.declared_select('shaped') }})

    A model with an enforced contract (the gold marts) gets `cast(<column> as <data_type>) as
    <column>` for each column: the YAML's `data_type` is the one place a gold column's type is
    written, dbt enforces it on the built table, and the SQL computes values only. Any other
    model (a 1:1 model over a source table) gets each column by name: the YAML lists what the
    model passes on, and the SQL does not list it again (docs/conventions.md, "SQL").

    In a dbt unit test the model is a unit-test node without the model's columns (dbt-core's
    parser/unit_tests.py builds it from the tested model's SQL alone, in a manifest of its own),
    so the macro selects the values as computed: dbt casts the expected rows to the types of
    that query, and the contract's types are checked where they apply, on the build. At parse
    time (execute is false) the columns are not read either. -#}
{% macro declared_select(relation) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        select * from {{ relation }}
    {%- else -%}
        {%- set columns = model.columns.values() | list -%}
        {%- set enforced = model.config.contract.enforced -%}
        {%- set untyped = columns | rejectattr('data_type') | map(attribute='name') | list -%}
        {%- if not columns or (enforced and untyped) -%}
            {{ exceptions.raise_compiler_error(
                model.original_file_path ~ ': finlake.declared_select writes the final select from '
                ~ 'the YAML columns of ' ~ model.name ~ ', and '
                ~ ('it has none' if not columns else (untyped | join(', ')) ~ ' has no data_type')
                ~ '; declare each column' ~ (' with its data_type' if enforced else '')
                ~ ' in the YAML beside the model.'
            ) }}
        {%- endif %}
    select
        {%- for column in columns %}
        {% if enforced -%}
        cast({{ column.name }} as {{ column.data_type }}) as {{ column.name }}
        {%- else -%}
        {{ column.name }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
{% endif -%}
{%- endmacro %}
