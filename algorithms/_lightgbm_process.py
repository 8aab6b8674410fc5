"""LightGBM in a process of its own: training and prediction for the learned partner ranker.

Why a separate process: three native libraries smartspec loads ask for glibc's *static TLS*
(thread-local storage reserved at start-up, a few kilobytes in all): kglite (the embedded
store), the OpenMP runtime python-igraph and scikit-learn ship (``libgomp-e985bcbb``), and the
system ``libgomp.so.1`` that LightGBM's wheel links. Any two fit; all three do not, in any
order: the third import fails with ``cannot allocate memory in static TLS block``. A Python
session that ranks partners (LightGBM) and then measures local buzz (igraph) on a store
(kglite) needs all three, so LightGBM runs here, in a child Python started on first use that
imports only numpy and LightGBM, and the parent keeps the other two. The child lives as long as
the parent (it exits when its standard input closes) and serves one request at a time.

:class:`Booster` mirrors the part of ``lightgbm.Booster`` the ranker uses (``predict`` with
``pred_contrib``, ``save_model``, ``model_to_string``); :func:`train` is ``lightgbm.train`` on
a ``Dataset`` built from arrays. Measured on the shipped data: the child starts in about 0.5 s
once per session; a 600-candidate prediction round trip adds about 2 ms.
"""

from __future__ import annotations

import atexit
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

if __package__:
    from ..errors import SmartspecError
else:  # the LightGBM process runs this file as a script, outside the package (where the
    # error below is never raised)
    class SmartspecError(Exception):
        pass

__all__ = ["Booster", "train", "LightGBMProcessError"]


class LightGBMProcessError(SmartspecError, RuntimeError):
    """The LightGBM process failed or could not start; the message carries its error."""


class _Child:
    """The one LightGBM process of this Python process (started lazily)."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        #: models the process holds, by their text: one model text is loaded once
        self._loaded: dict[str, int] = {}

    def load(self, model_text: str) -> int:
        """The process's id of the model with this text (loaded on first use)."""
        key = self._loaded.get(model_text)
        if key is None or self._proc is None or self._proc.poll() is not None:
            key = self._loaded[model_text] = self.request("load", model_text)
        return key

    def request(self, op: str, *args):
        with self._lock:
            proc = self._start()
            try:
                pickle.dump((op, args), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                proc.stdin.flush()
                status, value = pickle.load(proc.stdout)
            except (BrokenPipeError, EOFError, OSError) as exc:
                self._proc = None
                raise LightGBMProcessError(
                    f"the LightGBM process ended unexpectedly ({exc}); exit code "
                    f"{proc.poll()}") from None
            if status != "ok":
                raise LightGBMProcessError(f"LightGBM failed: {value}")
            return value

    def _start(self) -> subprocess.Popen:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._loaded.clear()  # a new process holds no model
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-u", str(Path(__file__).resolve())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError as exc:
            raise LightGBMProcessError(f"cannot start the LightGBM process: {exc}") from None
        atexit.register(self.close)
        return self._proc

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            try:
                proc.stdin.close()
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()


_CHILD = _Child()


class Booster:
    """A trained LightGBM model held by the LightGBM process, addressed by its text.

    The model text (``lightgbm.Booster.model_to_string``) is the model: it is what
    :meth:`save_model` writes and :meth:`from_file` reads, and the process loads it once.
    """

    def __init__(self, model_text: str) -> None:
        self._text = model_text
        _CHILD.load(model_text)

    @classmethod
    def from_file(cls, path: str | Path) -> Booster:
        """The model saved at ``path`` (LightGBM's text format)."""
        return cls(Path(path).read_text(encoding="utf-8"))

    def model_to_string(self) -> str:
        return self._text

    def save_model(self, path: str | Path) -> None:
        """Write the model in LightGBM's text format (``lightgbm.Booster(model_file=path)``
        reads it)."""
        Path(path).write_text(self._text, encoding="utf-8")

    def predict(self, x, *, num_threads: int = 1, pred_contrib: bool = False) -> np.ndarray:
        """Scores of the rows of ``x``, or with ``pred_contrib`` their TreeSHAP contributions
        (``rows x (features + 1)``, the last column the expected value)."""
        # the id is looked up on each call: a restarted process loads the model again
        return _CHILD.request("predict", _CHILD.load(self._text),
                              np.ascontiguousarray(x, dtype=np.float64), num_threads, pred_contrib)


def train(params: dict, x, y, groups: Sequence[int] | None, rounds: int,
          feature_names: Sequence[str]) -> Booster:
    """``lightgbm.train(params, Dataset(x, label=y, group=groups), rounds)`` in the LightGBM
    process; the trained model comes back as a :class:`Booster`."""
    text = _CHILD.request("train", dict(params), np.ascontiguousarray(x),
                          np.asarray(y), None if groups is None else list(groups),
                          int(rounds), list(feature_names))
    return Booster(text)


def _serve() -> None:  # pragma: no cover - runs in the child, exercised through the parent
    import os
    import traceback

    # replies go to the original standard output; anything LightGBM prints goes to stderr
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stdin = sys.stdin.buffer

    import lightgbm as lgb

    models: dict[int, lgb.Booster] = {}
    while True:
        try:
            op, args = pickle.load(stdin)
        except EOFError:
            return
        try:
            if op == "train":
                params, x, y, groups, rounds, names = args
                ds = lgb.Dataset(x, label=y, group=groups, feature_name=names,
                                 free_raw_data=True)
                value = lgb.train(params, ds, num_boost_round=rounds).model_to_string()
            elif op == "load":
                booster = lgb.Booster(model_str=args[0])
                value = len(models)
                models[value] = booster
            elif op == "predict":
                key, x, threads, contrib = args
                value = np.asarray(models[key].predict(x, num_threads=threads,
                                                       pred_contrib=contrib))
            else:
                raise ValueError(f"unknown request {op!r}")
            reply = ("ok", value)
        except Exception:  # noqa: BLE001 - the parent raises it with the child's traceback
            reply = ("error", traceback.format_exc(limit=3))
        pickle.dump(reply, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()


if __name__ == "__main__":  # pragma: no cover
    _serve()
