{#- The vendor's day, week and month reports: one staging model and one mart each, written once here. A week adds
    its visit counts and dwell range; weeks and months say how many of their days were asked (covered_days). -#}

{% macro report_staging(endpoint_id, period) -%}
with source as (
    select * from {{ source(endpoint_id) }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast("_id" as varchar) as report_id,
        cast(scenarioid as varchar) as scenario_id,
        api_time("statTime") as stat_time,
        cast("clientCount" as bigint) as clients,
        cast("newCount" as bigint) as new_guests,
        cast("oldCount" as bigint) as regular_guests,
        cast("avgTime" as double) as avg_dwell_s,
        cast("totalRxBytes" as double) as total_rx_mb,
        cast("totalTxBytes" as double) as total_tx_mb,
        cast("avgRxBytes" as double) as avg_rx_mb,
        cast("avgTxBytes" as double) as avg_tx_mb,
        {%- if period == 'week' %}
        cast("oneTime" as bigint) as one_visit,
        cast("twoTimes" as bigint) as two_visits,
        cast("threeTimes" as bigint) as three_visits,
        cast("fourTimes" as bigint) as four_plus_visits,
        cast("minavgTime" as double) as min_avg_dwell_s,
        cast("maxavgTime" as double) as max_avg_dwell_s,
        {%- endif %}
        {%- if period != 'day' %}
        cast(covered_days as bigint) as covered_days,
        {%- endif %}
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, stat_time') }}
{%- endmacro %}

{% macro report_mart(staging_model, period) -%}
{%- set days = {'week': '7', 'month': 'day(last_day(stat_time))'}.get(period) -%}
with report as (
    select * from {{ ref(staging_model) }}
),

final as (
    select
        site_id,
        cast(date_trunc('{{ period }}', timezone('UTC', stat_time)) as date) as period_start,
        clients,
        new_guests,
        regular_guests,
        avg_dwell_s,
        total_rx_mb as rx_mb,
        total_tx_mb as tx_mb,
        avg_rx_mb,
        avg_tx_mb
        {%- if period == 'week' %},
        one_visit,
        two_visits,
        three_visits,
        four_plus_visits,
        min_avg_dwell_s,
        max_avg_dwell_s
        {%- endif %}
        {%- if days %},
        coalesce(covered_days, {{ days }}) as days_covered,
        coalesce(covered_days, {{ days }}) = {{ days }} as is_complete
        {%- endif %}
    from report
)

select * from final
{%- endmacro %}
