-- Radio configuration over time: one row per radio and run of snapshot days with the same mode, channel and
-- power. `valid_from` is the first snapshot day of the run; `valid_to` the day before the next run began (null
-- for the current one); `last_seen` the run's last snapshot day.
with radios as (
    select * from {{ ref('stg_device_radio_info') }}
    -- a radio listed by two devices the same day: the latest listing
    qualify row_number() over (partition by ap_sn, radio_id, partition_date order by extracted_at desc, dev_sn asc) = 1
),

marked as (
    select
        *,
        coalesce(
            (radio_mode, radio_channel, radio_power) is distinct from lag((radio_mode, radio_channel, radio_power))
                over (partition by ap_sn, radio_id order by partition_date),
            true
        ) as starts_run
    from radios
),

numbered as (
    select
        *,
        sum(case when starts_run then 1 else 0 end) over (
            partition by ap_sn, radio_id order by partition_date rows unbounded preceding
        ) as run_number
    from marked
),

runs as (
    select
        ap_sn,
        radio_id,
        run_number,
        radio_mode,
        radio_channel,
        radio_power,
        arg_max(dev_sn, partition_date) as dev_sn,
        arg_max(ap_name, partition_date) as ap_name,
        min(partition_date) as valid_from,
        max(partition_date) as last_seen,
        count(*) as snapshots
    from numbered
    group by ap_sn, radio_id, run_number, radio_mode, radio_channel, radio_power
),

final as (
    select
        ap_sn,
        radio_id,
        dev_sn,
        ap_name,
        radio_mode,
        radio_channel,
        radio_power,
        valid_from,
        cast(lead(valid_from) over (partition by ap_sn, radio_id order by valid_from) - 1 as date) as valid_to,
        last_seen,
        snapshots,
        lead(valid_from) over (partition by ap_sn, radio_id order by valid_from) is null as is_current
    from runs
)

select * from final
