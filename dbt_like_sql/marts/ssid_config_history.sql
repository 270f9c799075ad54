-- SSID configuration over time: one row per device SSID and run of snapshot days with the same service name,
-- status, visibility, client limit and rate limits. `valid_from` is the first snapshot day of the run;
-- `valid_to` the day before the next run began (null for the current one); `last_seen` the run's last day.
with ssids as (
    select * from {{ ref('stg_device_ssid_info') }}
),

marked as (
    select
        *,
        coalesce(
            (service_name, ssid_status, hidden, max_clients, max_send_rate, max_receive_rate)
            is distinct from lag((service_name, ssid_status, hidden, max_clients, max_send_rate, max_receive_rate))
                over (partition by dev_sn, ssid order by partition_date),
            true
        ) as starts_run
    from ssids
),

numbered as (
    select
        *,
        sum(case when starts_run then 1 else 0 end) over (
            partition by dev_sn, ssid order by partition_date rows unbounded preceding
        ) as run_number
    from marked
),

runs as (
    select
        dev_sn,
        ssid,
        run_number,
        service_name,
        ssid_status,
        hidden,
        max_clients,
        max_send_rate,
        max_receive_rate,
        min(partition_date) as valid_from,
        max(partition_date) as last_seen,
        count(*) as snapshots
    from numbered
    group by dev_sn, ssid, run_number, service_name, ssid_status, hidden, max_clients, max_send_rate, max_receive_rate
),

final as (
    select
        dev_sn,
        ssid,
        service_name,
        ssid_status,
        hidden,
        max_clients,
        max_send_rate,
        max_receive_rate,
        valid_from,
        cast(lead(valid_from) over (partition by dev_sn, ssid order by valid_from) - 1 as date) as valid_to,
        last_seen,
        snapshots,
        lead(valid_from) over (partition by dev_sn, ssid order by valid_from) is null as is_current
    from runs
)

select * from final
