"""The Python API: ``smartspec.connect()`` and a :class:`Graph` whose methods mirror the commands.

Each method runs the same workflow as its command (:mod:`smartspec.workflows`) on the store the
graph holds and returns a pandas DataFrame, the table the command prints with ``--format csv``;
the conventions that made it (RCA method and threshold, standardisation, ...) travel in
``DataFrame.attrs``. A method that writes commits when it is done, as a command does: on the
embedded store a method that fails leaves the graph file as it was.

>>> import smartspec
>>> with smartspec.connect(path=tmp_path / "graph.kgl") as g:
...     summary = g.load_trade(trade_csv, year=2017, classification="HS92")
...     eci = g.complexity(year=2017)
>>> eci[["region", "region_name", "eci"]].round(3)
  region region_name    eci
0    DEU     Germany  1.387
1    FRA      France  0.470
2    ITA       Italy -0.674
3    ESP       Spain -1.183

The examples of this package's docstrings use ``trade_csv``, a small file in the long layout::

    region,product,year,value
    DEU,0101,2017,10
    DEU,8703,2017,30
    DEU,8802,2017,30
    DEU,3004,2017,30
    FRA,0101,2017,20
    FRA,8703,2017,40
    FRA,8802,2017,40
    ITA,0101,2017,50
    ITA,8703,2017,50
    ESP,0101,2017,90
    ESP,3004,2017,1

and ``tmp_path``, an empty folder.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .graph_models.store import Store, open_store
from .workflows import WorkflowError
from .workflows import collaboration as _collaboration
from .workflows import complexity as _complexity
from .workflows import knowledge as _knowledge
from .workflows import load as _load
from .workflows import pathways as _pathways
from .workflows import query as _query
from .workflows import relatedness as _relatedness
from .workflows import segments as _segments
from .workflows import specialisation as _specialisation

__all__ = ["connect", "Graph", "WorkflowError"]


def connect(
    store: str | Store | None = None,
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    path: str | os.PathLike | None = None,
) -> Graph:
    """Open the graph: Neo4j or the embedded store, by the same rules as the command line.

    ``store``: ``"neo4j"``, ``"embedded"``, an open :class:`~smartspec.graph_models.store.Store`,
    or None: Neo4j when ``uri`` is given or ``NEO4J_URI`` is set (with ``NEO4J_USER``,
    ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``; ``user``, ``password`` and ``database`` override
    them), else the embedded store in ``path`` (default ``$SMARTSPEC_HOME/graph.kgl``, i.e.
    ``./.smartspec/graph.kgl``). The embedded store is locked while the graph is open:
    ``close()`` it (or use ``with``) before a command uses the same file.

    >>> import smartspec
    >>> g = smartspec.connect(path=tmp_path / "graph.kgl")
    >>> g
    Graph(embedded store .../graph.kgl)
    >>> g.close()
    """
    if isinstance(store, Store):
        return Graph(store)
    if store is None:
        if uri is not None:
            store = "neo4j"
        elif path is not None:
            store = "embedded"
    kind = store
    if kind is None:
        kind = "neo4j" if os.environ.get("NEO4J_URI") else "embedded"
    if kind == "neo4j":
        if path is not None:
            raise WorkflowError("path is for the embedded store; Neo4j takes uri")
        options: dict[str, Any] = {"uri": uri, "user": user, "password": password,
                                   "database": database}
    else:
        if uri is not None:
            raise WorkflowError("uri is for Neo4j; the embedded store takes path")
        options = {"path": path}
    return Graph(open_store(kind, **options), options={"kind": kind, **options})


def _mirror(workflow: Callable[..., Any]) -> Callable[..., Any]:
    """A :class:`Graph` method running ``workflow(store, ...)``: its signature (less ``store``
    and ``say``) and docstring are the workflow's."""

    @functools.wraps(workflow)
    def method(self: Graph, *args: Any, **kwargs: Any) -> Any:
        return self._call(workflow, *args, **kwargs)

    sig = inspect.signature(workflow)
    params = [p for name, p in sig.parameters.items() if name not in ("store", "say")]
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    method.__signature__ = sig.replace(parameters=[self_param, *params])  # type: ignore[attr-defined]
    del method.__wrapped__  # the signature above, not the workflow's
    return method


class Graph:
    """A store with the commands as methods, each returning a DataFrame.

    Loads: :meth:`load_trade`, :meth:`load_classification`, :meth:`load_patents`,
    :meth:`load_employment`, :meth:`load_collaborations`, :meth:`load_clusters`.
    Measures (computed and written back): :meth:`specialisation`, :meth:`complexity`,
    :meth:`relatedness`, :meth:`clusters`, :meth:`collaboration`, :meth:`segments`. Questions:
    :meth:`opportunities`, :meth:`pathways`, :meth:`recommend_partners`, :meth:`alignment`
    (clusters and RIS3 priorities), :meth:`intercluster` (cooperation), :meth:`report`,
    :meth:`query` (the Cypher library, listed by :meth:`queries`), :meth:`cypher` (any
    statement, read-only unless ``write=True``), :meth:`counts`. The store itself is
    :attr:`store`.
    """

    def __init__(self, store: Store, *, options: dict[str, Any] | None = None) -> None:
        self.store = store
        self._options = options  # how to open the store again (None: it was given)

    def __repr__(self) -> str:
        return f"Graph({self.store.describe()})"

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store (the embedded store's lock, Neo4j's connections)."""
        self.store.close()

    def _call(self, workflow: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``workflow(store, ...)``; commit what it wrote, or on the embedded store drop
        it when the workflow fails (the file stays as it was, as after a failed command)."""
        try:
            out = workflow(self.store, *args, **kwargs)
        except BaseException:
            self._discard()
            raise
        self.store.commit()
        return out

    def _discard(self) -> None:
        if self.store.kind != "embedded" or not getattr(self.store, "_dirty", False):
            return
        options = self._options or {"kind": "embedded", "path": self.store.path}
        self.store.close()
        self.store = open_store("embedded", path=options.get("path") or self.store.path)

    # -- loads -------------------------------------------------------------------------------
    load_trade = _mirror(_load.load_trade)
    load_classification = _mirror(_load.load_classification)
    load_patents = _mirror(_load.load_patents)
    load_employment = _mirror(_load.load_employment)
    load_collaborations = _mirror(_load.load_collaborations)
    load_clusters = _mirror(_load.load_clusters)

    # -- measures ----------------------------------------------------------------------------
    specialisation = _mirror(_specialisation.specialisation)
    complexity = _mirror(_complexity.complexity)
    relatedness = _mirror(_relatedness.relatedness)
    clusters = _mirror(_knowledge.clusters)
    collaboration = _mirror(_collaboration.collaboration)
    pathways = _mirror(_pathways.pathways)

    # -- cluster policy: segments, RIS3 alignment, inter-cluster cooperation ----------------
    segments = _mirror(_segments.segments)
    alignment = _mirror(_segments.alignment)
    intercluster = _mirror(_segments.intercluster)

    # -- the Cypher library and any Cypher ---------------------------------------------------
    def query(self, name: str, *, write: bool = False, timeout: float | None = None,
              **params: Any) -> pd.DataFrame:
        """Run the library query ``name`` (``smartspec query list``) with its parameters as
        keywords; a query whose mode is write runs only with ``write=True``.

        >>> import smartspec
        >>> g = smartspec.connect(path=tmp_path / "graph.kgl")
        >>> _ = g.load_trade(trade_csv, year=2017, classification="HS92")
        >>> _ = g.specialisation()
        >>> g.query("region_specialisations", region="DEU", year=2017)[["code", "rca"]]
           code       rca
        0  3004  3.783871
        1  8802  1.675714
        >>> g.close()
        """
        return self._call(_query.run_query, name, params, write=write, timeout=timeout)

    def cypher(self, text: str, *, write: bool = False, timeout: float | None = None,
               **params: Any) -> pd.DataFrame:
        """Run a Cypher statement with ``$name`` parameters given as keywords, read-only unless
        ``write=True`` (the store's engine refuses a write before anything changes).

        >>> import smartspec
        >>> g = smartspec.connect(path=tmp_path / "graph.kgl")
        >>> _ = g.load_trade(trade_csv, year=2017, classification="HS92")
        >>> g.cypher("MATCH (r:Region {code: $code}) RETURN r.name AS name", code="DEU")
              name
        0  Germany
        >>> g.cypher("MATCH (r:Region) DETACH DELETE r")
        Traceback (most recent call last):
        ...
        smartspec.cypher.library.QueryError: ...; run it with write=True (--write on the ...)
        >>> g.close()
        """
        return self._call(_query.run_cypher, text, params, write=write, timeout=timeout)

    @staticmethod
    def queries() -> pd.DataFrame:
        """The Cypher library (``smartspec query list``): name, mode, parameters (optional ones
        in brackets) and description."""
        return _query.list_queries()

    def counts(self) -> pd.DataFrame:
        """Nodes by label and relationships by type in the graph (``element, name, count``)."""
        return self.store.counts()

    # -- recommendations and reports ----------------------------------------------------
    def opportunities(
        self,
        region: str,
        *,
        year: int | None = None,
        top: int = 20,
        strategy: str = "quadrant",
        fixed_weights: bool = False,
        activity: str = "product",
        complexity: str = "pci",
        quadrant: str | None = None,
        density_cut: float | None = None,
        complexity_cut: float | None = None,
        classification: str | None = None,
    ) -> pd.DataFrame:
        """Diversification opportunities of a region (``smartspec recommend activities``):
        every activity it is not specialised in, with rca, density, distance, complexity, cog,
        quadrant (Balland et al. 2018), score and rank by ``strategy`` (``quadrant`` or an
        Atlas preset: ``low-hanging``, ``balanced``, ``long-jumps``), decile ratings and market
        context (world_value, market_growth, region_value, world_share); ``top`` rows (0: all).
        ``attrs``: region, year, classification, complexity, strategy, weights, approach (the
        region's strategic approach) and header (the command's header lines).
        """
        from .workflows.opportunities import region_opportunities

        def run(store: Store) -> pd.DataFrame:
            found = region_opportunities(
                store, region, year=year, top=top, strategy=strategy,
                fixed_weights=fixed_weights, activity=activity, complexity=complexity,
                quadrant=quadrant, density_cut=density_cut, complexity_cut=complexity_cut,
                classification=classification)
            table = found.table
            table.attrs = {**table.attrs, "approach": found.approach, "header": found.header()}
            return table

        return self._call(run)

    def recommend_partners(
        self,
        organisation: str | None = None,
        *,
        cluster: str | None = None,
        countries: Sequence[str] | None = None,
        types: Sequence[str] | None = None,
        international_only: bool = False,
        top: int = 20,
        method: str | None = None,
        weights: str | None = None,
        until: int | None = None,
        explain: bool = False,
    ) -> pd.DataFrame:
        """Partner candidates for an organisation or a cluster (``smartspec recommend
        partners``), from the collaborations in the graph, ranked by ``method``
        (``learned``, the default, trained on earlier years and cached; ``weighted`` with
        ``weights`` as ``name=value,...``; or a baseline). Every component of the weighted
        score is a column. ``attrs``: focal, method, candidates, weights, until, note (set when
        the focal has no partners: content only), fallback (why ``learned`` could not be
        used), and with ``explain`` the evidence table under ``evidence``.
        """
        from .algorithms import recommendation as rec
        from .algorithms._validation import ValidationError
        from .loaders._io import LoaderError
        from .workflows import partner_data as pdata
        from .workflows import partners as flows

        if bool(organisation) == bool(cluster):
            raise WorkflowError("give exactly one of organisation or cluster")
        if weights and method not in (None, "weighted"):
            raise WorkflowError("weights go with method='weighted'")
        chosen = method or ("weighted" if weights else flows.DEFAULT_METHOD)

        def run(store: Store) -> pd.DataFrame:
            try:
                w = rec.parse_weights(weights)
                country_codes = pdata.parse_countries(countries) if countries else None
                type_names = pdata.parse_types(types) if types else None
                data = pdata.read_partner_store(store)
                index = rec.partner_index(data.participations, data.topics,
                                          data.organisations, until=until)
                focal, label, _ = pdata.resolve_focal(data, index, organisation, cluster)
                table, evidence = flows.recommend(
                    data.participations, data.topics, data.organisations, focal, method=chosen,
                    until=until, index=index, explain=explain, countries=country_codes,
                    types=type_names, international_only=international_only, top=top or None,
                    weights=w)
            except (ValidationError, LoaderError) as exc:
                raise WorkflowError(str(exc)) from None
            attrs = dict(table.attrs)
            used = attrs.get("method", chosen)
            table = flows.rounded(table)
            table.attrs = {**attrs, "focal": label, "method": used,
                           "weights": w if used == "weighted" else None, "until": until}
            if evidence is not None:
                table.attrs["evidence"] = evidence
            return table

        return self._call(_one_line(run))

    def report(
        self,
        region: str,
        *,
        peers: Sequence[str] | None = None,
        year: int | None = None,
        top: int = 15,
        strategy: str = "balanced",
        priorities: str | os.PathLike | None = None,
        activity: str = "product",
        output: str | os.PathLike = "reports",
        save_figures: bool = False,
    ) -> Path:
        """Write the HTML report on a region (``smartspec report``) into the folder ``output``
        and return its path (``smartspec_report_<code>.html``)."""
        from .workflows.report import write_region_report

        def run(store: Store) -> Path:
            done = write_region_report(
                store, region, peers=list(peers) if peers else None, year=year, top=top,
                strategy=strategy, priorities=Path(priorities) if priorities else None,
                activity=activity, output=output, save_figures=save_figures)
            return done.path

        return self._call(_one_line(run))


def _one_line(run: Callable[[Store], Any]) -> Callable[[Store], Any]:
    """The command line's own errors (click's) as :class:`WorkflowError`."""

    def wrapped(store: Store) -> Any:
        import click

        try:
            return run(store)
        except click.ClickException as exc:
            raise WorkflowError(exc.format_message()) from None

    return wrapped
