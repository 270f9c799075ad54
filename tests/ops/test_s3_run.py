"""`inc-pipeline run` against the simulator with the lake on S3-compatible object storage (INC_LAKE_URL, moto's
server on loopback): the partitions land in the bucket, and the marts equal a run's with the lake on local disk."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace

import pytest

from inc_pipeline.cli import main
from inc_pipeline.defs.resources import PipelineSettings, SettingError
from inc_pipeline.simulator import SimulatorServer

from .conftest import LAST, SNAPSHOT_STAMPS, marts, point_at

pytestmark = pytest.mark.slow

SELECT = "user_shops,shop_devices,history_day_client_count,history_vendor_data,device_ap_info,warehouse"
DAY = ["--start", LAST.isoformat(), "--end", LAST.isoformat(), "--select", SELECT]


def _without_stamps(frames: dict) -> dict:
    return {name: frame.drop(columns=[c for c in SNAPSHOT_STAMPS if c in frame.columns]) for name, frame in
            frames.items()}  # fmt: skip


def test_a_run_with_the_lake_on_s3_lands_there_and_builds_the_same_marts(sim_config, tmp_path, monkeypatch, capsys,
                                                                        s3_server, s3_bucket):  # fmt: skip
    secret = f"aws-secret-{uuid.uuid4().hex}"  # moto takes any; it must be nowhere the run writes or prints
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim:
        point_at(sim, tmp_path / "local", monkeypatch)
        assert main(["run", *DAY]) == 0
        local = marts(tmp_path / "local")
        point_at(sim, tmp_path / "remote", monkeypatch, INC_LAKE_URL=f"s3://{s3_bucket}/inc",
                 INC_S3_ENDPOINT_URL=s3_server.endpoint_url)  # fmt: skip
        assert main(["run", *DAY]) == 0
        remote = marts(tmp_path / "remote")
        shutil.rmtree(tmp_path / "remote" / "lake")  # the staging copy gone: status reads the bucket
        capsys.readouterr()
        code = main(["status"])
        status = capsys.readouterr()
        assert code == 0, status.err + status.out
        status = status.out
    printed = capsys.readouterr()
    assert secret not in printed.out + printed.err + status
    assert not [path for path in tmp_path.rglob("*") if path.is_file() and secret.encode() in path.read_bytes()]
    stored = [key for key in s3_server.keys(s3_bucket) if key.endswith(".parquet")]
    local_files = sorted(p.relative_to(tmp_path / "local").as_posix()
                         for p in (tmp_path / "local" / "lake").rglob("part-0.parquet"))  # fmt: skip
    assert sorted(key.removeprefix("inc/") for key in stored) == local_files
    assert not [key for key in s3_server.keys(s3_bucket) if key.endswith(".tmp")]
    assert f"history_day_client_count               {LAST}..{LAST}    1 days" in status
    assert _without_stamps(remote).keys() == _without_stamps(local).keys()
    for name, frame in _without_stamps(local).items():
        assert len(frame) > 0 or name not in ("guest_daily", "vendor_daily"), name
        assert _without_stamps(remote)[name].equals(frame), name


def test_a_bad_lake_url_stops_the_run_in_one_line(sim_config, tmp_path, monkeypatch, capsys):
    with SimulatorServer(replace(sim_config, enforce_limits=False)) as sim:
        point_at(sim, tmp_path / "data", monkeypatch, INC_LAKE_URL="bucket/prefix")
        assert main(["run", *DAY]) != 0
    err = capsys.readouterr().err
    assert "INC_LAKE_URL='bucket/prefix' is not an s3://bucket/prefix location" in err
    assert not (tmp_path / "data" / "lake").exists()


def test_a_bad_endpoint_url_is_a_setting_error_in_one_line():
    settings = PipelineSettings(data_dir="data", lake_url="s3://bucket/inc", s3_endpoint_url="127.0.0.1:9000")
    line = r"^INC_S3_ENDPOINT_URL='127.0.0.1:9000' is not an http\(s\)://host"
    with pytest.raises(SettingError, match=line) as error:
        settings.ensure_usable()
    assert "\n" not in str(error.value)
