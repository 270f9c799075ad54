-- SSID configuration over time: one row per device SSID and run of snapshot days with the same service name,
-- status, visibility, client limit and rate limits (macros/history.sql).
with ssids as (
    select * from {{ ref('stg_device_ssid_info') }}
),

{{ configuration_runs(
    'ssids', ['dev_sn', 'ssid'],
    ['service_name', 'ssid_status', 'hidden', 'max_clients', 'max_send_rate', 'max_receive_rate']
) }}
