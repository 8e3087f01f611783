"""The build log: kernels over IPC (no "running over TCP without encryption" warning), no progress bars
under make (one line per notebook instead)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill

from neoutflow.pipeline import run_notebook


def test_kernel_manager_uses_ipc_with_a_unique_absolute_socket_prefix():
    cls = run_notebook.kernel_manager_class()
    a, b = cls(kernel_name=run_notebook.KERNEL), cls(kernel_name=run_notebook.KERNEL)
    assert a.transport == b.transport == "ipc"
    assert Path(a.ip).is_absolute() and a.ip != b.ip  # kernels started side by side share no socket
    assert len(a.ip) + len("-65535") <= 107  # a Unix socket path's limit


def test_a_kernel_started_by_the_runner_does_not_warn(tmp_path, capfd):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import json; from ipykernel import get_connection_info\n"
            "print(json.loads(get_connection_info())['transport'])"
        )
    ]
    nbformat.write(nb, tmp_path / "in.ipynb")
    out = papermill.execute_notebook(
        str(tmp_path / "in.ipynb"),
        str(tmp_path / "out.ipynb"),
        kernel_name=run_notebook.KERNEL,
        kernel_manager_class=run_notebook.kernel_manager_class(),
        progress_bar=False,
    )
    assert out.cells[0].outputs[0]["text"].strip() == "ipc"
    captured = capfd.readouterr()  # the kernel's own stderr goes to this process's file descriptor 2
    assert "WARNING" not in captured.err and "without encryption" not in captured.err, captured.err
    assert "ERROR" not in captured.err and "KeyboardInterrupt" not in captured.err, captured.err
    assert not list(Path.cwd().glob("kernel-ipc-*")), "IPC sockets left in the working directory"


def test_shutdown_does_not_interrupt_a_finished_kernel_but_a_timeout_still_can(monkeypatch):
    """jupyter_client interrupts before every shutdown, which ipykernel may log as an ERROR in a good build."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager, KernelManager

    sent = []

    async def record(self):
        sent.append("interrupt")

    monkeypatch.setattr(AsyncKernelManager, "_async_interrupt_kernel", record)
    km = run_notebook.kernel_manager_class()(kernel_name=run_notebook.KERNEL)

    async def run():
        await km.start_kernel()
        await km.shutdown_kernel()

    asyncio.run(run())
    assert sent == [] and not km.has_kernel
    # nbclient interrupts a cell that times out through interrupt_kernel, which stays jupyter_client's own
    assert run_notebook.kernel_manager_class().interrupt_kernel is KernelManager._async_interrupt_kernel


def test_no_progress_bar_under_make_or_in_a_log(monkeypatch):
    monkeypatch.setenv("MAKELEVEL", "1")
    assert not run_notebook._show_progress_bar(True)
    monkeypatch.delenv("MAKELEVEL")
    # pytest captures stderr: not a terminal, as in a log file
    assert not run_notebook._show_progress_bar(True)
    assert not run_notebook._show_progress_bar(False)
