{#- Every landing entity of the contract (landing_contract(), generated from
    finlake/contract/landing.yml), with its business key and its silver model stg_<entity>:
    the list quarantine, pass_rates and reconciliation loop over, so an entity added to the
    contract is counted there without another edit. A composite key is joined with '|'. -#}
{% macro silver_entities() %}
    {%- set entities = [] -%}
    {%- for name, entity in finlake.landing_contract().items() -%}
        {%- do entities.append({
            'name': name,
            'key': finlake.entity_key(name),
            'model': 'stg_' ~ name,
        }) -%}
    {%- endfor -%}
    {{ return(entities) }}
{% endmacro %}
