"""What `ops.step_processes` changes in a parallel run's processes, each checked in a fresh interpreter (the
changes are process-wide, and a parallel run applies them in its forkserver and launching process only)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from dagster import AssetKey

from inc_pipeline.definitions import defs
from inc_pipeline.defs.extraction import CHAIN_PRIORITY, dependency_chain, discovery_path
from inc_pipeline.ops.step_processes import OFF_CHAIN_HEAD_START, OFF_CHAIN_NICENESS, polling_steps_often


def _python(directory, code: str) -> str:
    """What `code` prints, run as a script file in a fresh interpreter (a file, not -c: a process forked from the
    forkserver finds its target in the main module's file)."""
    script = directory / "script.py"
    script.write_text(textwrap.dedent(code))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_the_dependency_chain_is_the_longest_line_of_upstream_assets():
    graph = defs.resolve_asset_graph()
    chain = dependency_chain()
    assert {"user_shops", "shop_devices", "device_ssid_info", "ssid_client_macs"} <= chain
    assert "history_ssid_data" not in chain and "auth_history" not in chain
    for step in chain:  # closed upstream, as the asset graph (not the table the chain is computed from) has it
        parents = {key.to_user_string() for key in graph.get(AssetKey(step)).parent_keys}
        assert parents <= chain, (step, parents)
    assert "ssid_client_macs" in {key.to_user_string() for key in graph.get(AssetKey("device_ssid_info")).child_keys}


def test_a_discovery_path_follows_the_asset_graph_up_to_the_site_list():
    """bench/api.py sums the floor of ssid_client_macs' discovery path: it must be the asset graph's own line."""
    graph = defs.resolve_asset_graph()
    path = discovery_path("ssid_client_macs")
    assert path == ("user_shops", "shop_devices", "device_ssid_info", "ssid_client_macs")
    for parent, child in zip(path, path[1:], strict=False):
        assert AssetKey(parent) in graph.get(AssetKey(child)).parent_keys, (parent, child)
    assert not graph.get(AssetKey(path[0])).parent_keys
    assert discovery_path("history_ssid_data") == ("user_shops", "history_ssid_data")


def test_the_chain_is_launched_first():
    job = defs.resolve_implicit_global_asset_job_def()
    priority = {node.name: int(node.tags.get("dagster/priority", 0)) for node in job.graph.node_dict.values()}
    assert {name for name, value in priority.items() if value == CHAIN_PRIORITY} == dependency_chain()
    assert CHAIN_PRIORITY > max(value for name, value in priority.items() if name not in dependency_chain())


def test_steps_off_the_chain_start_later_and_at_a_lower_cpu_priority_and_steps_on_it_do_not(tmp_path):
    lines = _python(
        tmp_path,
        """
        import os, time
        from dagster._core.executor.multiprocess import MultiprocessExecutorChildProcessCommand as Command
        Command.execute = lambda self: iter([os.nice(0)])  # the step's work: report the niceness it runs at
        from inc_pipeline.ops.step_processes import put_the_chain_first
        put_the_chain_first()
        put_the_chain_first()  # applying twice must not lower it twice
        class Step:
            def __init__(self, key): self.step_key = key
        def run(key):
            began = time.monotonic()
            niceness = next(iter(Command.execute(Step(key))))
            return niceness, time.monotonic() - began
        print(os.nice(0))
        for key in ("user_shops", "ssid_client_macs", "warehouse_build", "history_ssid_data"):
            print(*run(key))
        """,
    ).splitlines()
    start = int(lines[0])
    runs = [(int(niceness), float(seconds)) for niceness, seconds in map(str.split, lines[1:])]
    assert [niceness for niceness, _ in runs[:3]] == [start] * 3
    assert all(seconds < OFF_CHAIN_HEAD_START for _, seconds in runs[:3])
    assert runs[3][0] == min(start + OFF_CHAIN_NICENESS, 19)
    assert runs[3][1] >= OFF_CHAIN_HEAD_START


def test_migration_scripts_are_read_once_and_still_give_dagster_a_working_instance(tmp_path):
    out = _python(
        tmp_path,
        f"""
        from alembic.script import ScriptDirectory
        from dagster._core.storage.sql import get_alembic_config
        import dagster._core.storage.runs.sqlite.sqlite_run_storage as runs
        import dagster._core.storage.event_log.sqlite.sqlite_event_log as events
        head = ScriptDirectory.from_config(get_alembic_config(runs.__file__)).as_revision_number("head")
        from inc_pipeline.ops.step_processes import read_migrations_once
        read_migrations_once()
        first = ScriptDirectory.from_config(get_alembic_config(runs.__file__))
        assert first is ScriptDirectory.from_config(get_alembic_config(events.__file__))
        assert first.as_revision_number("head") == head
        from dagster import DagsterInstance, materialize, asset
        @asset
        def one(): return 1
        with DagsterInstance.from_config({str(tmp_path)!r}) as instance:
            assert materialize([one], instance=instance).success
            print(len(instance.get_runs()), head)
        """,
    )
    runs, head = out.split()
    assert runs == "1" and head


def test_the_forkserver_starts_with_its_modules_before_any_step(tmp_path):
    out = _python(
        tmp_path,
        """
        import multiprocessing, sys
        from inc_pipeline.ops.step_processes import start_forkserver
        def preloaded(queue): queue.put("inc_pipeline.days" in sys.modules)
        if __name__ == "__main__":
            start_forkserver(["inc_pipeline.days"])
            context = multiprocessing.get_context("forkserver")
            queue = context.Queue()
            process = context.Process(target=preloaded, args=(queue,))
            process.start(); process.join()
            print("inc_pipeline.days" in sys.modules, queue.get())
        """,
    )
    assert out == "False True"  # imported by the server the steps fork from, not by the launching process


def test_a_second_run_with_other_settings_gets_a_forkserver_with_them(tmp_path):
    """Step processes read INC_* from the server they fork from: a run after the settings changed (another
    simulator, another data directory) must not see the first run's."""
    out = _python(
        tmp_path,
        """
        import multiprocessing, os
        from inc_pipeline.ops.step_processes import start_forkserver
        def setting(queue): queue.put(os.environ.get("INC_DATA_DIR"))
        def step():
            context = multiprocessing.get_context("forkserver")
            queue = context.Queue()
            process = context.Process(target=setting, args=(queue,))
            process.start(); process.join()
            return queue.get()
        if __name__ == "__main__":
            seen = []
            for data_dir, unrelated in (("first", "a"), ("first", "b"), ("second", "b")):
                os.environ["INC_DATA_DIR"], os.environ["UNRELATED"] = data_dir, unrelated
                start_forkserver(["inc_pipeline.days"])
                seen.append(f"{step()}:{multiprocessing.forkserver._forkserver._forkserver_pid}")
            print(" ".join(seen))
        """,
    )
    (first, first_pid), (again, again_pid), (second, second_pid) = (item.split(":") for item in out.split())
    assert (first, again, second) == ("first", "first", "second")
    assert first_pid == again_pid != second_pid  # restarted only when a pipeline setting changed


def test_the_launching_process_polls_steps_often_during_the_run_only():
    from dagster._core.executor import child_process_executor

    usual = child_process_executor.TICK
    with polling_steps_often():
        assert child_process_executor.TICK < usual
    assert child_process_executor.TICK == usual
