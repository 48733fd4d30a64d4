"""The folder file store: each file once under its SHA-256, written whole or not at all."""

from __future__ import annotations

import hashlib
import os

import pytest

from app.platform.storage import FileStore


def _leftovers(store: FileStore) -> list[str]:
    return [p.name for p in store.root.rglob(".upload-*")]


def test_bytes_are_stored_once_under_their_digest(tmp_path):
    store = FileStore(tmp_path / "files")
    digest = store.put(b"%PDF-1.7 testimony")
    assert digest == hashlib.sha256(b"%PDF-1.7 testimony").hexdigest()
    assert store.put(b"%PDF-1.7 testimony") == digest
    assert store.get(digest) == b"%PDF-1.7 testimony"
    assert [p.name for p in store.root.rglob("*") if p.is_file()] == [digest]


def test_a_finished_file_is_moved_in(tmp_path):
    store = FileStore(tmp_path / "files")
    work = store.work_folder() / "packet.pdf"
    work.write_bytes(b"x" * 3_000_000)
    digest, size = store.put_file(work)
    assert size == 3_000_000
    assert store.path(digest).read_bytes() == b"x" * 3_000_000
    assert not work.exists()


def test_a_file_from_another_file_system_is_copied_whole(tmp_path, monkeypatch):
    store = FileStore(tmp_path / "files")
    source = tmp_path / "elsewhere.pdf"
    source.write_bytes(b"y" * 2_500_000)
    real_replace = os.replace

    def cross_device(src, dst):
        if os.fspath(src) == os.fspath(source):
            raise OSError(18, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", cross_device)
    digest, size = store.put_file(source)
    assert store.path(digest).read_bytes() == b"y" * 2_500_000
    assert size == 2_500_000
    assert not source.exists()
    assert _leftovers(store) == []


def test_a_failed_write_leaves_no_half_file(tmp_path, monkeypatch):
    store = FileStore(tmp_path / "files")

    def full_disk(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        store.put(b"never whole")
    assert not store.exists(hashlib.sha256(b"never whole").hexdigest())
    assert _leftovers(store) == []


def test_only_a_digest_names_a_file(tmp_path):
    store = FileStore(tmp_path / "files")
    with pytest.raises(ValueError, match="SHA-256"):
        store.path("../../etc/passwd")
