"""Databases, caches and media storage as the environment of one server or of several configures them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import environment

PG = "postgres://kc@db.internal:5432/khuyencong"


def test_postgresql_connections_turn_jit_off() -> None:
    # given a PostgreSQL primary, when its settings are read, then each session starts with JIT off
    config = environment.database(PG, {})
    assert config["OPTIONS"]["options"] == "-c jit=off"


def test_a_web_process_may_cap_each_statement() -> None:
    # given a web server's environment with a statement ceiling (workers leave it unset)
    config = environment.database(PG, {"DATABASE_STATEMENT_TIMEOUT": "30000"})

    # then its sessions carry it next to JIT off
    assert config["OPTIONS"]["options"] == "-c jit=off -c statement_timeout=30000"


def test_kept_connections_are_checked_before_use() -> None:
    # given connections kept between requests
    config = environment.database(PG, {"DATABASE_CONN_MAX_AGE": "600"})

    # then a connection cut by a failover is noticed instead of failing the request
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True


def test_sqlite_gets_no_postgresql_options() -> None:
    assert "options" not in environment.database("sqlite:////tmp/x.sqlite3", {}).get("OPTIONS", {})


def test_the_replica_is_configured_only_when_named_and_mirrors_the_test_database() -> None:
    # given no replica URL, then one database
    assert list(environment.databases({}, default_url=PG)) == ["default"]

    # given a replica URL
    found = environment.databases({"DATABASE_REPLICA_URL": "postgres://kc@replica:5432/khuyencong"}, default_url=PG)

    # then a second alias with the same session settings, read in tests through the one test database
    assert found["replica"]["HOST"] == "replica"
    assert found["replica"]["OPTIONS"]["options"] == "-c jit=off"
    assert found["replica"]["TEST"] == {"MIRROR": "default"}


def test_several_web_servers_share_a_redis_cache_for_everything_including_import_progress() -> None:
    caches = environment.caches({"CACHE_URL": "redis://127.0.0.1:6379/3"}, progress_dir="/srv/kc/progress")
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["progress"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert caches["progress"]["KEY_PREFIX"] == "progress"


def test_one_server_keeps_import_progress_in_a_file_cache() -> None:
    caches = environment.caches({}, progress_dir="/srv/kc/progress")
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert caches["progress"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert caches["progress"]["LOCATION"] == "/srv/kc/progress"


def test_a_database_cache_is_refused_for_import_progress() -> None:
    # given progress in the database, which an import's one long transaction would hide until its end
    with pytest.raises(ImproperlyConfigured):
        environment.caches({"PROGRESS_CACHE_URL": "db://kc_cache"}, progress_dir="/srv/kc/progress")


def test_a_database_cache_is_accepted_for_the_default_cache() -> None:
    caches = environment.caches({"CACHE_URL": "db://kc_cache"}, progress_dir="/srv/kc/progress")
    assert caches["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kc_cache",
        "TIMEOUT": 300,
    }


def test_media_in_an_s3_compatible_bucket_when_one_is_named() -> None:
    storage = environment.media_storage(
        {"MEDIA_S3_BUCKET": "kc-media", "MEDIA_S3_ENDPOINT_URL": "https://s3.example.vn", "MEDIA_S3_REGION": "hn"}
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "kc-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.vn"
    # documents are served through the scoped views only
    assert storage["OPTIONS"]["default_acl"] == "private"


def test_media_on_the_file_system_by_default() -> None:
    assert environment.media_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_the_s3_backend_is_installed() -> None:
    from storages.backends.s3 import S3Storage

    storage = S3Storage(bucket_name="kc-media", endpoint_url="http://127.0.0.1:1", access_key="a", secret_key="b")
    assert storage.bucket_name == "kc-media"


def test_sqlite_is_the_project_s_backend_with_its_test_database_in_memory() -> None:
    # given a SQLite URL, then the engine is the project's (Django's with the collation «vi» on each connection), and
    # its test database SQLite's in memory, as Django's own engine would make it
    config = environment.database("sqlite:////tmp/x.sqlite3", {})
    assert config["ENGINE"] == "khuyencong.core.sqlite"
    assert config["TEST"]["NAME"] == ":memory:"
    # and a PostgreSQL URL keeps Django's engine
    assert environment.database(PG, {})["ENGINE"] == "django.db.backends.postgresql"
