{#-
    A keyed-hash token of a PII value: HMAC-SHA256 under FINLAKE_PII_KEY, hex. The same value
    gives the same token on every engine, so tokens join and count; without the key they
    cannot be reversed or recomputed. Null stays null. Normalise the value before (lower-case
    emails, E.164 phones) so that spellings of one value share a token.
-#}
{% macro tokenize(expr) -%}
    {{ finlake.hmac_sha256_hex(expr, finlake.pii_key_hex()) }}
{%- endmacro %}
