{#- Marts live in real schemas named by area (crm, segments, hygiene, ...), not in
    "<target schema>_<custom>" as dbt does by default: analysts query crm.contacts. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
