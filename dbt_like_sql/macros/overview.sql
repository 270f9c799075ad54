{#- The weekly and monthly site overviews: the rows of one grain of int_site_period_overview, which holds the one
    rollup rule. -#}

{% macro period_overview(grain) -%}
with periods as (
    select * from {{ ref('int_site_period_overview') }}
),

final as (
    select
        site_id,
        period_start as {{ grain }}_start,
        day_timezone,
        days_covered,
        is_complete,
        guest_days,
        new_guest_days,
        regular_guest_days,
        sessions,
        authenticated_clients,
        median_dwell_s,
        p90_dwell_s,
        top_vendor,
        top_vendor_client_days,
        rx_mb,
        tx_mb,
        days_with_guests,
        days_with_sessions,
        days_with_traffic
    from periods
    where grain = '{{ grain }}'
)

select * from final
{%- endmacro %}
