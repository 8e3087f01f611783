"""Publishing into a folder on a filesystem of its own (issue #29, item 6): a tmpfs or a container bind
mount as ``_output``. Replacing a folder (the executed notebooks) there failed with "Invalid cross-device
link": the old folder was swapped into the staging folder, on the other filesystem."""

from __future__ import annotations

import os

from mounts import tmpfs

from neoutflow import atomic


def test_publish_replaces_a_folder_on_another_filesystem(tmp_path):
    with tmpfs(tmp_path / "out") as out:
        (out / "notebooks").mkdir()
        (out / "notebooks" / "old.html").write_text("old")
        (out / "report.pdf").write_text("old pdf")
        with atomic.staging_dir(tmp_path, "render") as staged:
            assert os.stat(staged).st_dev != os.stat(out).st_dev
            (staged / "notebooks").mkdir()
            (staged / "notebooks" / "new.html").write_text("new")
            (staged / "report.pdf").write_text("new pdf")
            atomic.publish(staged, out)
        assert sorted(p.name for p in (out / "notebooks").iterdir()) == ["new.html"]
        assert (out / "report.pdf").read_text() == "new pdf"
        assert sorted(p.name for p in out.iterdir()) == ["notebooks", "report.pdf"]  # no .old, .tmp left


def test_staging_inside_the_output_folder_publishes_by_rename(tmp_path):
    with tmpfs(tmp_path / "out") as out:
        (out / "notebooks").mkdir()
        with atomic.staging_dir(out, "render") as staged:
            assert os.stat(staged).st_dev == os.stat(out).st_dev
            (staged / "notebooks").mkdir()
            (staged / "notebooks" / "a.html").write_text("a")
            atomic.publish(staged, out)
        assert sorted(p.name for p in out.iterdir()) == ["notebooks"]
