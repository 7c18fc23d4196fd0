"""tools/trino/server.py: where it caches, which Java it accepts, the configuration it writes."""

from __future__ import annotations

import socket

from tests.trino.conftest import trino_server


def test_cache_is_outside_the_repository_and_overridable(monkeypatch, tmp_path):
    monkeypatch.setenv("FINLAKE_TRINO_CACHE", str(tmp_path / "cache"))
    assert trino_server.install_dir("476") == tmp_path / "cache" / "476"
    monkeypatch.delenv("FINLAKE_TRINO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert trino_server.cache_root() == tmp_path / "xdg" / "finlake" / "trino"


def test_java_version_is_read_from_the_runtime_settings():
    settings = "Property settings:\n    java.vendor = Eclipse Adoptium\n    java.version = 25.0.3\n"
    assert trino_server.parse_java_version(settings) == (25, 0, 3)
    assert (
        trino_server.parse_java_version("    java.version = 17.0.15\n") < trino_server.JAVA_MINIMUM
    )
    assert trino_server.parse_java_version("no java here") is None


def test_a_missing_explicit_java_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("FINLAKE_TRINO_JAVA_HOME", str(tmp_path / "no-jdk"))
    try:
        trino_server.find_java(log=lambda _: None)
    except trino_server.TrinoError as error:
        assert "FINLAKE_TRINO_JAVA_HOME" in str(error) and "needs 24.0.1" in str(error)
    else:
        raise AssertionError("an unusable FINLAKE_TRINO_JAVA_HOME was accepted")


def test_configuration_binds_loopback_and_keeps_state_in_the_state_folder(tmp_path):
    files = trino_server.render_config(tmp_path, 41234, heap="2G")
    config = files["config.properties"]
    assert "http-server.http.port=41234" in config
    assert "node.bind-ip=127.0.0.1" in config
    assert "-Xmx2G" in files["jvm.config"] and "-Duser.timezone=UTC" in files["jvm.config"]
    iceberg = files["catalog/iceberg.properties"]
    assert "connector.name=iceberg" in iceberg
    assert f"hive.metastore.catalog.dir=local://{tmp_path}/warehouse" in iceberg
    bronze = files["catalog/bronze.properties"]
    assert "connector.name=hive" in bronze and "hive.timestamp-precision=MICROSECONDS" in bronze
    assert f"node.data-dir={tmp_path / 'data'}" in files["node.properties"]


def test_free_port_is_free_on_loopback():
    port = trino_server.free_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_status_of_an_empty_state_folder_is_none_and_stop_is_a_no_op(tmp_path):
    assert trino_server.status(tmp_path) is None
    assert trino_server.stop(tmp_path, log=lambda _: None) is False


def test_a_recorded_pid_that_is_not_trino_is_never_signalled(tmp_path):
    import json
    import os

    info = trino_server.ServerInfo(
        state=str(tmp_path),
        host="127.0.0.1",
        port=1,
        pid=os.getpid(),  # this pytest process: alive, but not a Trino server
        version="476",
        java_home="",
        server_log="",
        launcher_log="",
    )
    (tmp_path / "server.json").write_text(json.dumps(info.__dict__))
    assert trino_server.status(tmp_path) is None
    assert trino_server.stop(tmp_path, log=lambda _: None) is False


def test_extra_jvm_options_from_the_environment_reach_jvm_config(tmp_path, monkeypatch):
    monkeypatch.setenv(trino_server.JVM_OPTIONS_ENV, "-XX:TieredStopAtLevel=1  -Dx=y")
    lines = trino_server.render_config(tmp_path, 41234, heap="2G")["jvm.config"].splitlines()
    assert "-XX:TieredStopAtLevel=1" in lines and "-Dx=y" in lines
    monkeypatch.delenv(trino_server.JVM_OPTIONS_ENV)
    assert not any(
        "Tiered" in line
        for line in trino_server.render_config(tmp_path, 1)["jvm.config"].splitlines()
    )
