"""Databases, caches and media storage from environment variables: pure functions, so tests can feed them any
environment. The measurements behind each PostgreSQL setting are in docs/deployment.md and benchmarks/README.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def database(url: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """One connection's settings. On PostgreSQL: JIT off (it added about 20% to a report's floor at 200,000 đề án
    in issue 10's measurement; on the national benchmark's dataset it never made a report query faster —
    benchmarks/README.md) and, when DATABASE_STATEMENT_TIMEOUT is set (web processes only), a ceiling on any one
    statement."""
    conn_max_age = int(environ.get("DATABASE_CONN_MAX_AGE", "0"))
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url,
            conn_max_age=conn_max_age,
            # A kept connection may have been cut by a failover or a restart: checked once per request before use.
            conn_health_checks=_flag(environ, "DATABASE_CONN_HEALTH_CHECKS", conn_max_age > 0),
        )
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite with the Vietnamese collation on each connection (khuyencong/core/sqlite). Its test database is
        # SQLite's in memory, named so: pytest-django recognises that default by Django's own engine name only, and
        # would otherwise give each xdist worker a file named after the path of the real database.
        config["ENGINE"] = "khuyencong.core.sqlite"
        config.setdefault("TEST", {}).setdefault("NAME", ":memory:")
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = ["-c jit=off"] if not _flag(environ, "DATABASE_JIT", False) else []
        timeout = environ.get("DATABASE_STATEMENT_TIMEOUT", "").strip()
        if timeout:
            options.append(f"-c statement_timeout={int(timeout)}")
        if options:
            config.setdefault("OPTIONS", {})["options"] = " ".join(options)
    return config


def databases(environ: Mapping[str, str], default_url: str) -> dict[str, dict[str, Any]]:
    """The primary, and the streaming replica when DATABASE_REPLICA_URL names one (see khuyencong/core/db.py)."""
    found = {"default": database(environ.get("DATABASE_URL", default_url), environ)}
    replica_url = environ.get("DATABASE_REPLICA_URL", "").strip()
    if replica_url:
        replica = database(replica_url, environ)
        # Tests read the one test database through both names: the suite needs no second database.
        replica["TEST"] = {"MIRROR": "default"}
        found["replica"] = replica
    return found


def cache(url: str, *, timeout: int | None = 300) -> dict[str, Any]:
    """redis://host:6379/0 (several web servers), file:///shared/dir, db://table (after createcachetable), locmem://"""
    parsed = urlparse(url)
    config: dict[str, Any]
    if parsed.scheme in ("redis", "rediss"):
        config = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif parsed.scheme == "file":
        config = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": parsed.path}
    elif parsed.scheme == "db":
        config = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": parsed.netloc or parsed.path}
    elif parsed.scheme == "locmem":
        config = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parsed.netloc}
    else:
        raise ImproperlyConfigured(f"Cache URL {url!r}: use redis://, file://, db:// or locmem://.")
    config["TIMEOUT"] = timeout
    return config


def caches(environ: Mapping[str, str], progress_dir: str) -> dict[str, dict[str, Any]]:
    default = cache(environ.get("CACHE_URL", "locmem://"))
    fallback = environ["CACHE_URL"] if environ.get("CACHE_URL", "").startswith(("redis", "file")) else None
    progress_url = environ.get("PROGRESS_CACHE_URL") or fallback or f"file://{progress_dir}"
    if progress_url.startswith(("db:", "locmem:")):
        # The import writes its progress while it holds its one transaction (invisible in the database until the
        # end), and from the worker's process (invisible to a web server's memory).
        raise ImproperlyConfigured("PROGRESS_CACHE_URL must be redis:// or file://, shared by web servers and workers.")
    progress = cache(progress_url, timeout=24 * 3600)
    progress["KEY_PREFIX"] = "progress"
    return {"default": default, "progress": progress}


def media_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    """MEDIA_ROOT on this machine (or a shared mount) by default; an S3-compatible bucket when one is named."""
    bucket = (environ.get("MEDIA_S3_BUCKET") or environ.get("AWS_STORAGE_BUCKET_NAME") or "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Documents and import files are personal and business data: never public, always fetched through the
        # application's own scoped views.
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "location": environ.get("MEDIA_S3_PREFIX", "media"),
    }
    for variable, option in (
        ("MEDIA_S3_ENDPOINT_URL", "endpoint_url"),
        ("MEDIA_S3_REGION", "region_name"),
        ("MEDIA_S3_ACCESS_KEY_ID", "access_key"),
        ("MEDIA_S3_SECRET_ACCESS_KEY", "secret_key"),
    ):
        if environ.get(variable):
            options[option] = environ[variable]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
