{#-
    Lower-case hex HMAC-SHA256 of a text expression under a key given as hex (RFC 2104).
    Trino and Athena have hmac_sha256; DuckDB builds it from sha256 and the two padded keys,
    computed here at compile time, so every engine returns the same token for the same value.
-#}
{% macro hmac_sha256_hex(expr, key_hex) -%}
    {{ return(adapter.dispatch('hmac_sha256_hex', 'finlake')(expr, key_hex)) }}
{%- endmacro %}

{% macro default__hmac_sha256_hex(expr, key_hex) -%}
    lower(to_hex(hmac_sha256(to_utf8({{ expr }}), from_hex('{{ key_hex }}'))))
{%- endmacro %}

{% macro duckdb__hmac_sha256_hex(expr, key_hex) -%}
    {%- set pads = finlake.hmac_pads(key_hex) -%}
    case when {{ expr }} is not null then
        lower(sha256(unhex('{{ pads.outer }}') || unhex(sha256(unhex('{{ pads.inner }}') || encode({{ expr }})))))
    end
{%- endmacro %}

{#- The key XOR ipad (0x36..) and XOR opad (0x5c..), padded to the 64-byte SHA-256 block, as hex. -#}
{% macro hmac_pads(key_hex) %}
    {%- set digits = '0123456789abcdef' -%}
    {%- set key = (key_hex | lower) ~ ('0' * (128 - (key_hex | length))) -%}
    {%- set ns = namespace(inner='', outer='') -%}
    {%- for i in range(128) -%}
        {%- set nibble = digits.index(key[i]) -%}
        {%- set ipad = 3 if i % 2 == 0 else 6 -%}
        {%- set opad = 5 if i % 2 == 0 else 12 -%}
        {%- set ns.inner = ns.inner ~ digits[finlake.xor4(nibble, ipad)] -%}
        {%- set ns.outer = ns.outer ~ digits[finlake.xor4(nibble, opad)] -%}
    {%- endfor -%}
    {{ return({'inner': ns.inner, 'outer': ns.outer}) }}
{% endmacro %}

{#- XOR of two 4-bit numbers, bit by bit (Jinja has no bitwise operators). -#}
{% macro xor4(a, b) %}
    {%- set ns = namespace(out=0) -%}
    {%- for bit in [8, 4, 2, 1] -%}
        {%- if ((a // bit) % 2) != ((b // bit) % 2) -%}
            {%- set ns.out = ns.out + bit -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ns.out) }}
{% endmacro %}
