-- Radio configuration over time: one row per radio and run of snapshot days with the same mode, channel and
-- power (macros/history.sql).
with radios as (
    select * from {{ ref('stg_device_radio_info') }}
    -- a radio listed by two devices the same day: the latest listing
    qualify row_number() over (partition by ap_sn, radio_id, partition_date order by extracted_at desc, dev_sn asc) = 1
),

{{ configuration_runs(
    'radios', ['ap_sn', 'radio_id'], ['radio_mode', 'radio_channel', 'radio_power'], latest=['dev_sn', 'ap_name']
) }}
