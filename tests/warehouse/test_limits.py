"""The build's DuckDB memory limit and spill directory: set by the project, overridable, refused in one line."""

from __future__ import annotations

import duckdb
import pytest

from inc_pipeline.defs.resources import SettingError, build_limits_from_env
from inc_pipeline.warehouse import BuildLimits, build_warehouse
from inc_pipeline.warehouse.limits import BuildLimitError

SETTINGS = "select current_setting('memory_limit'), current_setting('temp_directory')"


def test_a_connection_gets_the_limit_and_the_spill_directory(tmp_path):
    with duckdb.connect() as con:
        BuildLimits("300MiB", tmp_path / "spill").apply(con, tmp_path / ".build")
        limit, spill = con.execute(SETTINGS).fetchone()
    assert limit.replace(" ", "") in ("300.0MiB", "314.5MB") and spill == (tmp_path / "spill").as_posix()
    with duckdb.connect() as con:
        BuildLimits().apply(con, tmp_path / ".build")  # the default: 2 GiB, spilling inside the build's directory
        limit, spill = con.execute(SETTINGS).fetchone()
    assert limit.replace(" ", "") in ("2.0GiB", "2.1GB") and spill == (tmp_path / ".build" / "spill").as_posix()


def test_a_build_under_a_small_limit_equals_one_under_the_default_and_leaves_no_spill(data_dir, tmp_path):
    def marts(path):
        with duckdb.connect(str(path / "warehouse.duckdb"), read_only=True) as con:
            names = [r[0] for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
            return {n: sorted(con.execute(f"select * from marts.{n}").fetchall(), key=repr) for n in names}

    build_warehouse(data_dir, source_label="http://test")
    default = marts(data_dir)
    build_warehouse(data_dir, source_label="http://test", limits=BuildLimits("256MiB"))
    assert marts(data_dir) == default and default
    assert not (data_dir / ".build" / "spill").exists()


@pytest.mark.parametrize(("name", "value"), [("INC_WAREHOUSE_MEMORY_LIMIT", "lots"),
                                             ("INC_WAREHOUSE_MEMORY_LIMIT", "64MB"),
                                             ("INC_WAREHOUSE_SPILL_DIR", "FILE")])  # fmt: skip
def test_a_setting_the_build_cannot_use_is_one_line(monkeypatch, tmp_path, name, value):
    if value == "FILE":
        value = str(tmp_path / "a-file")
        (tmp_path / "a-file").write_text("")
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError) as refused:
        build_limits_from_env()
    message = str(refused.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    assert "give e.g." in message or "give a directory" in message
    with pytest.raises(BuildLimitError):
        BuildLimits(value) if "MEMORY" in name else BuildLimits(spill_dir=tmp_path / "a-file")
