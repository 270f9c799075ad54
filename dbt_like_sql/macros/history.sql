{#- A configuration over time from daily snapshots: one row per key and run of snapshot days with the same
    configuration. `valid_from` is the run's first snapshot day; `valid_to` the day before the next run began (null
    for the current one); `last_seen` the run's last snapshot day; `latest` columns as on that day. -#}

{% macro configuration_runs(snapshots, key, configuration, latest=[]) -%}
{%- set keys = key | join(', ') -%}
{%- set values = configuration | join(', ') -%}
marked as (
    select
        *,
        coalesce(
            ({{ values }}) is distinct from lag(({{ values }}))
                over (partition by {{ keys }} order by partition_date),
            true
        ) as starts_run
    from {{ snapshots }}
),

numbered as (
    select
        *,
        sum(case when starts_run then 1 else 0 end) over (
            partition by {{ keys }} order by partition_date rows unbounded preceding
        ) as run_number
    from marked
),

runs as (
    select
        {{ keys }},
        run_number,
        {{ values }},
        {%- for column in latest %}
        arg_max({{ column }}, partition_date) as {{ column }},
        {%- endfor %}
        min(partition_date) as valid_from,
        max(partition_date) as last_seen,
        count(*) as snapshots
    from numbered
    group by {{ keys }}, run_number, {{ values }}
),

final as (
    select
        {{ keys }},
        {%- for column in latest %}
        {{ column }},
        {%- endfor %}
        {{ values }},
        valid_from,
        cast(lead(valid_from) over (partition by {{ keys }} order by valid_from) - 1 as date) as valid_to,
        last_seen,
        snapshots,
        lead(valid_from) over (partition by {{ keys }} order by valid_from) is null as is_current
    from runs
)

select * from final
{%- endmacro %}
