"""The Cypher query library: named, documented, parameterised queries shipped as ``.cypher`` files.

Each file in this package holds one query: a header of ``//`` comment lines, then the Cypher text
(Neo4j 5, in the subset that kglite runs too, so every query runs unchanged on both stores).

Header format
-------------
::

    // name: region_specialisations
    // description: A region's specialisations in one year (M = 1), strongest RCA first.
    //   Continuation lines start with at least two spaces after the slashes.
    // param: region string required -- region code, e.g. DEU
    // param: year int required -- year of the observations
    // param: activity string default Product choices Product,Technology,Industry -- label
    // param: limit int default 20 min 0 -- at most this many rows
    // mode: read
    // stores: neo4j, embedded
    // columns: code, name, rca, amount, share
    // example: region=DEU year=2017

An optional ``// requires: gds`` line marks a query that calls Neo4j Graph Data Science
procedures (``gds.*``); such a query names ``stores: neo4j`` only, and :func:`run` checks once per
store that the server has GDS (``smartspec db start`` ships it; so does the docker compose file),
refusing with a message that says how to get it otherwise.

``param`` lines read ``NAME TYPE [required | optional | default VALUE] [min N] [max N]
[choices A,B,...] [-- description]``. Types are ``string``, ``int``, ``float``, ``bool`` and
``list<string>``, ``list<int>``, ``list<float>``. A parameter without ``required`` or ``default``
is optional (default null). Defaults are written as on the command line (``default 10``,
``default conditional``, ``default null``, lists comma-separated) and go through the same parsing.
The first sentence of ``description`` is the one-line summary ``smartspec query list`` shows.
``mode`` is ``read`` or ``write``; ``columns`` lists the returned columns in order; ``stores``
names the stores the query is tested on; ``example`` lines give parameter settings to try.

One dialect: the queries avoid what Neo4j 5.26 and kglite 0.21.2 answer differently. kglite
resolves unset ``id``, ``type``, ``name`` and ``title`` properties structurally (internal id,
label, ``<Label>_<id>``), so queries read names as ``CASE WHEN n.name = labels(n)[0] + '_' +
toString(n.id) THEN null ELSE n.name END`` and types as ``CASE WHEN n.type IN labels(n) THEN null
ELSE n.type END``; property names that are keywords (``end``, ``start``, ``count``) are
backticked; ``collect`` is preceded by ``ORDER BY`` (its order is otherwise store-specific);
every read query ends with ``ORDER BY`` on a key; ``allShortestPaths`` (not ``shortestPath``,
which picks different paths) ordered by the path; no ``UNION`` inside ``CALL``, no
``percentileCont``, no ``keys()`` or ``n{.*}``.

Values always travel as Cypher parameters, never inside the query text.
"""

from __future__ import annotations

import math
import re
import shlex
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from ..errors import SmartspecError
from ..graph_models.store import STORE_KINDS, ReadOnlyError, Store, cypher_words, reads_files

__all__ = [
    "TYPES",
    "MODES",
    "REQUIREMENTS",
    "Parameter",
    "Query",
    "QueryError",
    "ParameterError",
    "QueryFileError",
    "parse",
    "names",
    "queries",
    "get",
    "run",
    "run_cypher",
    "writes",
    "coerce",
    "has_gds",
]

#: Parameter types a header may declare.
TYPES = ("string", "int", "float", "bool", "list<string>", "list<int>", "list<float>")
#: Query modes: ``read`` queries run in read transactions, ``write`` ones only when asked.
MODES = ("read", "write")
#: What a ``// requires:`` line may name: ``gds``, Neo4j Graph Data Science (``gds.*``).
REQUIREMENTS = ("gds",)

_HEADER_KEYS = (
    "name", "description", "param", "mode", "stores", "requires", "columns", "example",
)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class QueryError(SmartspecError, ValueError):
    """A query that is unknown, refused (writes without permission) or not for this store."""


class ParameterError(QueryError):
    """A parameter value that does not match the query's header."""


class QueryFileError(QueryError):
    """A ``.cypher`` file whose header does not follow the format."""


def _scalar(value: Any, base: str, name: str) -> Any:
    """``value`` as a ``base`` scalar (string, int, float, bool), from text or a Python value."""
    if base == "string":
        if isinstance(value, str):
            return value
        raise ParameterError(f"parameter {name!r} expects a string, got {value!r}")
    if base == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ParameterError(f"parameter {name!r} expects a bool (true/false), got {value!r}")
    if base == "int":
        if isinstance(value, bool):
            raise ParameterError(f"parameter {name!r} expects an int, got {value!r}")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            return int(value)
        raise ParameterError(f"parameter {name!r} expects an int, got {value!r}")
    if base == "float":
        if isinstance(value, bool):
            raise ParameterError(f"parameter {name!r} expects a float, got {value!r}")
        if isinstance(value, (int, float)):
            out = float(value)
        elif isinstance(value, str):
            try:
                out = float(value)
            except ValueError:
                raise ParameterError(f"parameter {name!r} expects a float, got {value!r}") from None
        else:
            raise ParameterError(f"parameter {name!r} expects a float, got {value!r}")
        if not math.isfinite(out):
            raise ParameterError(f"parameter {name!r} expects a finite float, got {value!r}")
        return out
    raise QueryFileError(f"unknown parameter type {base!r}")  # pragma: no cover


def coerce(value: Any, type_: str, name: str = "value") -> Any:
    """Convert ``value`` (command-line text or a Python value) to the declared ``type_``.

    Parameters
    ----------
    value : Any
        Text as typed on the command line (``"2017"``, ``"true"``, ``"DEU,FRA"``) or a Python
        value (``2017``, ``["DEU", "FRA"]``); ``None`` and the text ``"null"`` stay ``None``.
    type_ : str
        One of :data:`TYPES`.
    name : str
        The parameter's name, for error messages.

    Returns
    -------
    Any
        The converted value.

    Raises
    ------
    ParameterError
        When the value cannot be read as ``type_``; the message names the parameter, the
        expected type and the value given.

    Examples
    --------
    >>> coerce("2017", "int", "year")
    2017
    >>> coerce("DEU, FRA", "list<string>", "regions")
    ['DEU', 'FRA']
    >>> coerce("twenty", "int", "year")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    ParameterError: parameter 'year' expects an int, got 'twenty'
    """
    if value is None or (isinstance(value, str) and value.strip().lower() == "null"):
        return None
    if type_.startswith("list<"):
        base = type_[5:-1]
        if isinstance(value, str):
            items: Sequence[Any] = [v.strip() for v in value.split(",")] if value.strip() else []
        elif isinstance(value, (list, tuple)):
            items = value
        else:
            raise ParameterError(f"parameter {name!r} expects a {type_}, got {value!r}")
        return [_scalar(v, base, name) for v in items]
    return _scalar(value, type_, name)


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a query.

    Attributes
    ----------
    name, type : str
        The Cypher parameter name (``$name`` in the query) and one of :data:`TYPES`.
    required : bool
        Whether a value must be given.
    default : Any
        The value used when none is given (``None`` for optional parameters).
    description : str
        What the parameter means.
    minimum, maximum : float, optional
        Bounds for numbers (and for every element of numeric lists).
    choices : tuple of str
        Allowed values for strings, when restricted.
    """

    name: str
    type: str
    required: bool = False
    default: Any = None
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def validate(self, value: Any) -> Any:
        """``value`` converted to the declared type and checked against the bounds."""
        value = coerce(value, self.type, self.name)
        if value is None:
            if self.required:
                raise ParameterError(f"parameter {self.name!r} is required ({self.type})")
            return None
        for item in value if isinstance(value, list) else [value]:
            if self.minimum is not None and item < self.minimum:
                raise ParameterError(
                    f"parameter {self.name!r} must be >= {_num(self.minimum)}, got {item!r}"
                )
            if self.maximum is not None and item > self.maximum:
                raise ParameterError(
                    f"parameter {self.name!r} must be <= {_num(self.maximum)}, got {item!r}"
                )
            if self.choices and item not in self.choices:
                raise ParameterError(
                    f"parameter {self.name!r} must be one of {', '.join(self.choices)}; "
                    f"got {item!r}"
                )
        return value

    def describe(self) -> str:
        """One line such as ``year int required`` or ``limit int default 20``."""
        text = f"{self.name} {self.type}"
        if self.required:
            text += " required"
        elif self.default is not None:
            default = self.default
            text += " default " + (
                ",".join(map(str, default)) if isinstance(default, list) else str(default)
            )
        else:
            text += " optional"
        if self.minimum is not None:
            text += f" min {_num(self.minimum)}"
        if self.maximum is not None:
            text += f" max {_num(self.maximum)}"
        if self.choices:
            text += " choices " + ",".join(self.choices)
        return text


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class Query:
    """A named query of the library: its header and its Cypher text.

    Attributes
    ----------
    name, description : str
    parameters : tuple of Parameter
    mode : {"read", "write"}
    stores : tuple of str
        The stores the query runs on (see :data:`~smartspec.graph_models.store.STORE_KINDS`).
    columns : tuple of str
        The returned columns, in order.
    text : str
        The Cypher statement (without the header).
    examples : tuple of str
        Example parameter settings, ``k=v`` separated by spaces.
    requires : tuple of str
        Server plug-ins the query calls (see :data:`REQUIREMENTS`); empty for most queries.
    source : str
        The file it came from.
    file_text : str
        The file's text as written (header and query).
    """

    name: str
    description: str
    parameters: tuple[Parameter, ...]
    mode: str
    stores: tuple[str, ...]
    columns: tuple[str, ...]
    text: str
    examples: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    source: str = field(default="", compare=False)
    file_text: str = field(default="", compare=False, repr=False)

    @property
    def writes(self) -> bool:
        """Whether the query writes to the graph."""
        return self.mode == "write"

    @property
    def summary(self) -> str:
        """The first sentence of the description."""
        first = re.split(r"(?<=\.)\s", self.description, maxsplit=1)[0]
        return first

    def parameter(self, name: str) -> Parameter:
        """The declared parameter ``name``."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise ParameterError(
            f"query {self.name!r} has no parameter {name!r}; it takes: "
            f"{', '.join(p.name for p in self.parameters) or 'no parameters'}"
        )

    def bind(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Validated parameters for a run: given values checked and converted, defaults filled.

        Raises
        ------
        ParameterError
            For an unknown parameter, a missing required one, or a value of the wrong type or
            out of its bounds or choices.
        """
        values = dict(values or {})
        for name in values:
            self.parameter(name)
        bound = {}
        for p in self.parameters:
            if p.name in values:
                bound[p.name] = p.validate(values[p.name])
            elif p.required:
                raise ParameterError(
                    f"query {self.name!r} needs parameter {p.name!r} ({p.type})"
                    + (f": {p.description}" if p.description else "")
                )
            else:
                bound[p.name] = p.default
        return bound

    def header(self) -> str:
        """The header in the file format (as :func:`parse` reads it)."""
        lines = [f"// name: {self.name}", f"// description: {self.description}"]
        for p in self.parameters:
            desc = f" -- {p.description}" if p.description else ""
            lines.append(f"// param: {p.describe()}{desc}")
        lines += [
            f"// mode: {self.mode}",
            f"// stores: {', '.join(self.stores)}",
        ]
        if self.requires:
            lines.append(f"// requires: {', '.join(self.requires)}")
        lines += [
            f"// columns: {', '.join(self.columns)}",
        ]
        lines += [f"// example: {e}" for e in self.examples]
        return "\n".join(lines)


def _parse_param(text: str, source: str) -> Parameter:
    spec, _, description = text.partition(" -- ")
    try:
        tokens = shlex.split(spec)
    except ValueError as exc:
        raise QueryFileError(f"{source}: cannot read param line {text!r}: {exc}") from None
    if len(tokens) < 2:
        raise QueryFileError(f"{source}: param line {text!r} needs at least a name and a type")
    name, type_ = tokens[0], tokens[1]
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise QueryFileError(f"{source}: invalid parameter name {name!r}")
    if type_ not in TYPES:
        raise QueryFileError(
            f"{source}: parameter {name!r} has unknown type {type_!r}; "
            f"use one of {', '.join(TYPES)}"
        )
    required, default_text, minimum, maximum, choices = False, None, None, None, ()
    rest = tokens[2:]
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "required":
            required = True
            i += 1
        elif word == "optional":
            i += 1
        elif word in ("default", "min", "max", "choices") and i + 1 < len(rest):
            value = rest[i + 1]
            if word == "default":
                default_text = value
            elif word == "choices":
                choices = tuple(v.strip() for v in value.split(",") if v.strip())
            else:
                try:
                    number = float(value)
                except ValueError:
                    raise QueryFileError(
                        f"{source}: parameter {name!r}: {word} needs a number, got {value!r}"
                    ) from None
                if word == "min":
                    minimum = number
                else:
                    maximum = number
            i += 2
        else:
            raise QueryFileError(f"{source}: parameter {name!r}: cannot read {word!r} in {text!r}")
    if required and default_text is not None:
        raise QueryFileError(f"{source}: parameter {name!r} cannot be required with a default")
    param = Parameter(name, type_, required, None, description.strip(), minimum, maximum, choices)
    if default_text is not None:
        try:
            default = param.validate(default_text)
        except ParameterError as exc:
            raise QueryFileError(f"{source}: default of {name!r}: {exc}") from None
        param = Parameter(
            name, type_, False, default, description.strip(), minimum, maximum, choices
        )
    return param


def parse(text: str, source: str = "<text>") -> Query:
    """Read a query file: its ``//`` header and its Cypher text.

    Parameters
    ----------
    text : str
        The file's content.
    source : str
        A name for error messages (the file name).

    Returns
    -------
    Query

    Raises
    ------
    QueryFileError
        When the header lacks ``name``, ``description``, ``mode`` or ``columns``, declares
        an unknown key, type, mode or store, or when the parameters used in the query
        (``$name``) and those declared differ.

    Examples
    --------
    >>> q = parse('''// name: regions_of_level
    ... // description: Regions of one level.
    ... // param: level string default country -- e.g. country, nuts2
    ... // mode: read
    ... // stores: neo4j, embedded
    ... // columns: code
    ... MATCH (r:Region {level: $level}) RETURN r.code AS code ORDER BY code''')
    >>> q.bind({})
    {'level': 'country'}
    >>> q.parameters[0].describe()
    'level string default country'
    """
    fields: dict[str, list[str]] = {k: [] for k in _HEADER_KEYS}
    lines = text.splitlines()
    last: str | None = None
    body_start = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            last = None
            continue
        if not stripped.startswith("//"):
            body_start = i
            break
        content = stripped[2:]
        if content.startswith("  ") and last is not None:
            fields[last][-1] += " " + content.strip()
            continue
        key, sep, value = content.strip().partition(":")
        key = key.strip()
        if not sep or key not in _HEADER_KEYS:
            if key and sep:
                raise QueryFileError(
                    f"{source}: unknown header key {key!r}; use {', '.join(_HEADER_KEYS)}"
                )
            last = None  # a free comment line
            continue
        fields[key].append(value.strip())
        last = key
    body = "\n".join(lines[body_start:]).strip()
    for key in ("name", "description", "mode", "columns"):
        if len(fields[key]) != 1:
            raise QueryFileError(f"{source}: the header needs exactly one '// {key}:' line")
    name = fields["name"][0]
    if not _NAME.match(name):
        raise QueryFileError(f"{source}: query name {name!r} must be lower_snake_case")
    mode = fields["mode"][0]
    if mode not in MODES:
        raise QueryFileError(f"{source}: mode must be read or write, not {mode!r}")
    stores = tuple(s.strip() for s in ",".join(fields["stores"]).split(",") if s.strip())
    stores = stores or STORE_KINDS
    unknown = [s for s in stores if s not in STORE_KINDS]
    if unknown:
        raise QueryFileError(f"{source}: unknown store(s) {unknown}; use {', '.join(STORE_KINDS)}")
    requires = tuple(r.strip() for r in ",".join(fields["requires"]).split(",") if r.strip())
    unknown = [r for r in requires if r not in REQUIREMENTS]
    if unknown:
        raise QueryFileError(
            f"{source}: unknown requirement(s) {unknown}; use {', '.join(REQUIREMENTS)}"
        )
    if requires and "embedded" in stores:
        raise QueryFileError(
            f"{source}: a query that requires {', '.join(requires)} runs on Neo4j only; "
            "declare '// stores: neo4j'"
        )
    columns = tuple(c.strip() for c in fields["columns"][0].split(",") if c.strip())
    params = tuple(_parse_param(p, source) for p in fields["param"])
    declared = [p.name for p in params]
    if len(set(declared)) != len(declared):
        raise QueryFileError(f"{source}: a parameter is declared twice: {declared}")
    if not body:
        raise QueryFileError(f"{source}: no Cypher after the header")
    used = set(_PARAM_REF.findall(_strip_literals(body)))
    if used != set(declared):
        raise QueryFileError(
            f"{source}: parameters used ({', '.join(sorted(used)) or 'none'}) and declared "
            f"({', '.join(sorted(declared)) or 'none'}) differ"
        )
    return Query(
        name=name,
        description=fields["description"][0],
        parameters=params,
        mode=mode,
        stores=stores,
        columns=columns,
        text=body,
        examples=tuple(fields["example"]),
        requires=requires,
        source=source,
        file_text=text,
    )


def _strip_literals(text: str) -> str:
    """Cypher text without string literals and comments (for finding ``$name`` references)."""
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*", " ", text)


@cache
def _library() -> dict[str, Query]:
    found: dict[str, Query] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".cypher"):
            continue
        query = parse(entry.read_text(encoding="utf-8"), entry.name)
        if query.name != entry.name[: -len(".cypher")]:
            raise QueryFileError(f"{entry.name}: declares name {query.name!r}; names match files")
        found[query.name] = query
    return found


def names() -> list[str]:
    """Names of the library's queries, sorted."""
    return sorted(_library())


def queries() -> list[Query]:
    """The library's queries, sorted by name."""
    lib = _library()
    return [lib[n] for n in sorted(lib)]


def get(name: str) -> Query:
    """The query called ``name``; :class:`QueryError` lists close names when there is none."""
    lib = _library()
    try:
        return lib[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, lib, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `smartspec query list`"
        raise QueryError(f"no query named {name!r}{hint}") from None


def _frame(result: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The store's table, alike on both stores: named columns even when empty, and numbers
    with missing values as float64 with NaN (kglite gives nullable Int64, the Neo4j store
    float64)."""
    if result.empty and not len(result.columns):
        return pd.DataFrame(columns=list(columns))
    result = result.reset_index(drop=True)
    for col in result.columns:
        if isinstance(result[col].dtype, pd.Int64Dtype | pd.Float64Dtype):
            values = result[col]
            result[col] = (
                values.astype("float64")
                if values.isna().any()
                else values.astype(
                    "int64" if isinstance(values.dtype, pd.Int64Dtype) else "float64"
                )
            )
    return result


def run(
    store: Store,
    query: str | Query,
    parameters: Mapping[str, Any] | None = None,
    *,
    write: bool = False,
) -> pd.DataFrame:
    """Run a library query on a store and return its rows as a table.

    Parameters
    ----------
    store : Store
        Neo4j or the embedded store.
    query : str or Query
        The query's name (see :func:`names`) or a parsed query.
    parameters : mapping, optional
        Values by parameter name; text (as from the command line) or Python values. Missing
        optional parameters take their defaults.
    write : bool
        Must be True to run a query whose mode is ``write``; read queries always run in a read
        transaction (Neo4j) or behind the write-clause check (embedded store).

    Returns
    -------
    DataFrame
        The rows, with the header's ``columns`` (also when there are no rows).

    Raises
    ------
    QueryError
        Unknown query, a write query without ``write=True``, a store the query is not for, or
        a ``requires: gds`` query on a store without Neo4j Graph Data Science.
    ParameterError
        A parameter that does not match the header.
    StoreError
        The store refused or failed the query.

    Examples
    --------
    >>> from smartspec.graph_models.embedded_store import EmbeddedStore
    >>> import pandas as pd, tempfile
    >>> store = EmbeddedStore(tempfile.mkdtemp() + "/graph.kgl")
    >>> _ = store.upsert_nodes("Region", pd.DataFrame({"code": ["A", "B"], "level": "country"}))
    >>> run(store, "graph_summary")
      element    name  count
    0    node  Region      2
    >>> store.close()
    """
    q = get(query) if isinstance(query, str) else query
    if q.writes and not write:
        raise QueryError(
            f"query {q.name!r} writes to the graph; run it with write=True (--write on the "
            "command line)"
        )
    if "gds" in q.requires:
        _require_gds(store, q.name)
    if store.kind not in q.stores:
        raise QueryError(f"query {q.name!r} runs on {', '.join(q.stores)}, not on {store.kind}")
    bound = q.bind(parameters)
    return _frame(store.run(q.text, bound, write=q.writes), q.columns)


#: Words that begin a clause or command that writes, administers or reads files.
_WRITE_WORDS = frozenset({
    "CREATE", "MERGE", "SET", "DELETE", "REMOVE", "DROP", "FOREACH", "INSERT", "ALTER",
    "RENAME", "GRANT", "DENY", "REVOKE", "TERMINATE",
})


def writes(text: str) -> bool:
    """Whether a Cypher text has a word of a write clause (outside strings, names, comments).

    A check of the library's own files (their ``mode`` header), not a guard: what runs
    read-only is decided by the store's engine (:func:`run_cypher`, :meth:`Store.run`), which
    no spelling talks around.

    >>> writes("MATCH (n) RETURN n.set AS `create` // DELETE"), writes("match (n) detach delete n")
    (False, True)
    """
    return bool(_WRITE_WORDS.intersection(cypher_words(text))) or reads_files(text)


#: Whether a store's server has GDS, asked once per store object.
_GDS: weakref.WeakKeyDictionary[Store, bool] = weakref.WeakKeyDictionary()
_GET_GDS = (
    "`smartspec db start` runs a local Neo4j that has it (then export "
    "NEO4J_URI=bolt://127.0.0.1:7687, or pass --store neo4j), and so does "
    "`docker compose up -d` with the repository's docker-compose.yml"
)


def has_gds(store: Store) -> bool:
    """Whether the store is a Neo4j server with Graph Data Science (``gds.version()`` is a
    known function). Asked once per store object; the embedded store never has it."""
    if store.kind != "neo4j":
        return False
    known = _GDS.get(store)
    if known is None:
        found = store.run(
            "SHOW FUNCTIONS YIELD name WHERE name = $name RETURN count(*) AS n",
            {"name": "gds.version"},
        )
        known = _GDS[store] = bool(int(found["n"].iloc[0]))
    return known


def _require_gds(store: Store, name: str) -> None:
    if store.kind != "neo4j":
        raise QueryError(
            f"query {name!r} needs Neo4j Graph Data Science (GDS); the {store.kind} store has "
            f"none: {_GET_GDS}"
        )
    if not has_gds(store):
        where = getattr(store, "uri", "this Neo4j server")
        raise QueryError(
            f"query {name!r} needs Neo4j Graph Data Science (GDS), which the Neo4j server at "
            f"{where} lacks (no gds.* functions): add the graph-data-science plugin there "
            f"(NEO4J_PLUGINS in docker), or use a server with it: {_GET_GDS}"
        )


def run_cypher(
    store: Store,
    text: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    write: bool = False,
) -> pd.DataFrame:
    """Run any Cypher statement, read-only unless ``write`` is True.

    Read-only is what the store's engine says, not what the words look like: Neo4j plans the
    statement first (``EXPLAIN``) and runs it, in a read transaction, only if it is a read that
    neither ends transactions, administers the server, loads CSV nor runs Cypher text through
    APOC; kglite runs it in its read-only mode. A refused statement raises
    :class:`QueryError` before it runs. Values belong in ``parameters`` (``$name`` in
    ``text``).
    """
    if not text or not text.strip():
        raise QueryError("no Cypher given")
    try:
        result = store.run(text, dict(parameters or {}), write=write)
    except ReadOnlyError as exc:
        raise QueryError(
            f"{exc.reason}; run it with write=True (--write on the command line)"
        ) from exc
    return _frame(result, ())
