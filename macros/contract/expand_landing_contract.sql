{#- The landing contract as landing_contract() returns it, from the data of its generated file:
    entity -> {key, version_column, event_time, columns}, each column a spec naming only what
    finlake/contract/landing.yml says of it (name, type, and what differs from a default). Fills
    in the rest as finlake.contract does: the defaults (not required, not personal data, no
    values, range or reference) and what the type implies (decimal(18,2): base_type decimal,
    precision 18, scale 2). One place, so the generated file is data and no repeated block. -#}
{% macro expand_landing_contract(entities) %}
    {%- set contract = {} -%}
    {%- for entity_name, entity in entities.items() -%}
        {%- set columns = [] -%}
        {%- for spec in entity.columns -%}
            {%- set base_type = spec.type.split('(')[0] -%}
            {%- set digits = spec.type[spec.type.find('(') + 1:-1].split(',')
                if base_type == 'decimal' else [none, none] -%}
            {%- do columns.append({
                "name": spec.name,
                "type": spec.type,
                "base_type": base_type,
                "required": spec.get("required", false),
                "pii": spec.get("pii", false),
                "values": spec.get("values", []),
                "range": spec.get("range"),
                "references": spec.get("references"),
                "precision": none if digits[0] is none else digits[0] | int,
                "scale": none if digits[1] is none else digits[1] | int,
            }) -%}
        {%- endfor -%}
        {%- do contract.update({entity_name: {
            "key": entity.key,
            "version_column": entity.get("version_column"),
            "event_time": entity.get("event_time"),
            "columns": columns,
        }}) -%}
    {%- endfor -%}
    {{ return(contract) }}
{% endmacro %}
