"""``ApplicationBuilder``: puts pipelines together and checks them.

Mistakes that concern one call (a wrong argument) are reported by that call; mistakes that
concern the whole application (no sink anywhere, one state name used two ways) by ``build()``.
Either way the error is a WallarooParameterError saying what to change.
"""
from __future__ import annotations

import copy
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Dict, List, Optional, Sequence, Tuple

from wallaroo import classic
from wallaroo.errors import WallarooParameterError
from wallaroo.model import Application, Pipeline, StateSpec, Step

_U64_LIMIT = 2 ** 64


class ApplicationBuilder:
    """Builds an application's topology. Methods return the builder, so calls can be chained::

        ab = wallaroo.ApplicationBuilder("Word Count")
        ab.new_pipeline("split and count", wallaroo.TCPSourceConfig(host, port, decoder))
        ab.to_parallel(split).to_state_partition(count, WordTotals, "totals", partition, keys)
        ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encoder))
        return ab.build()
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise WallarooParameterError(
                f"ApplicationBuilder needs the application's name as a non-empty str, got {name!r}")
        self.name = name
        self._pipelines: List[Pipeline] = []
        self._current: Optional[Pipeline] = None
        self._closed = False  # the current pipeline ended with a sink

    # -- pipelines -----------------------------------------------------------------------------
    def new_pipeline(self, name: str, source_config: Any) -> "ApplicationBuilder":
        """Starts a pipeline reading from ``source_config``. Starting a new pipeline ends the
        previous one, as ``done()`` would."""
        if not isinstance(name, str) or not name:
            raise WallarooParameterError(
                f"new_pipeline needs the pipeline's name as a non-empty str, got {name!r}")
        if any(p.name == name for p in self._pipelines):
            raise WallarooParameterError(
                f"there is already a pipeline named {name!r}; give each pipeline its own name")
        if not hasattr(source_config, "kind") or not hasattr(source_config, "decoder"):
            raise WallarooParameterError(
                f"new_pipeline({name!r}, ...) needs a source config such as wallaroo.TCPSourceConfig(host, "
                f"port, decoder) or wallaroo.KafkaSourceConfig(...), got {source_config!r}")
        # A copy, so the user's config object keeps the decoder they gave it.
        source = copy.copy(source_config)
        source.decoder = classic.as_decoder(source_config.decoder, f"the source of pipeline {name!r}",
                                            getattr(source_config, "kind", "tcp"))
        if source.kind == "tcp" and source.decoder.header_size is None:
            raise WallarooParameterError(
                f"the source of pipeline {name!r} is a TCPSourceConfig but its decoder has no framing (a "
                f"streaming_message_decoder is for SourceExtensionConfig); use @wallaroo.decoder("
                f"header_length=4, length_fmt='>I') for TCP sources")
        pipeline = Pipeline(name, source)
        self._pipelines.append(pipeline)
        self._current = pipeline
        self._closed = False
        return self

    def done(self) -> "ApplicationBuilder":
        """Ends the current pipeline, with or without a sink; call it before starting another."""
        if not self._pipelines:
            raise WallarooParameterError(
                "done() was called before any pipeline was started; start one with "
                "new_pipeline(name, source_config)")
        self._current = None
        self._closed = False
        return self

    # -- steps ---------------------------------------------------------------------------------
    def to(self, computation: Any) -> "ApplicationBuilder":
        """Adds a stateless step."""
        pipeline = self._open_pipeline("to")
        pipeline.steps.append(Step(classic.as_computation(computation, "to()")))
        return self

    def to_parallel(self, computation: Any) -> "ApplicationBuilder":
        """Adds a stateless step that runs on every worker (and lane) in parallel."""
        pipeline = self._open_pipeline("to_parallel")
        pipeline.steps.append(Step(classic.as_computation(computation, "to_parallel()"), parallel=True))
        return self

    def to_stateful(self, computation: Any, state_class: Any = None,
                    state_name: Optional[str] = None) -> "ApplicationBuilder":
        """Adds a step over one state entity named ``state_name``, made by ``state_class()`` (or a
        builder's ``build()``). Steps that use the same name share the entity."""
        pipeline = self._open_pipeline("to_stateful")
        comp = classic.as_state_computation(computation, "to_stateful()")
        what = f"to_stateful({comp.name!r}, ...)"
        if state_class is None or state_name is None:
            raise WallarooParameterError(
                f"to_stateful({comp.name!r}) needs a state class (or a builder with build()) and a state "
                f"name: to_stateful(computation, StateClass, \"state name\")")
        _check_state_name(what, state_name, "state_name")
        factory, factory_name = classic.as_state_factory(state_class, what)
        pipeline.steps.append(Step(comp, state=StateSpec(state_name, factory, factory_name)))
        return self

    def to_state_partition(self, computation: Any, state: Any, state_partition_name: str,
                           partition_function: Any, partition_keys: Optional[Sequence[Any]] = None
                           ) -> "ApplicationBuilder":
        """Adds a step over a partitioned state: ``partition_function(data)`` picks the key, and each
        key has its own state entity. Keys may be any hashable values; ``partition_keys`` lists the
        expected ones (a key not listed still gets its own entity when it first appears)."""
        return self._partitioned("to_state_partition", computation, state, state_partition_name,
                                 partition_function, partition_keys, u64=False)

    def to_state_partition_u64(self, computation: Any, state_builder: Any, state_partition_name: str,
                               partition_function: Any, partition_keys: Optional[Sequence[int]] = None
                               ) -> "ApplicationBuilder":
        """As ``to_state_partition``, with keys that are non-negative ints below 2**64."""
        return self._partitioned("to_state_partition_u64", computation, state_builder,
                                 state_partition_name, partition_function, partition_keys, u64=True)

    def _partitioned(self, method: str, computation: Any, state: Any, name: Any, partition_function: Any,
                     keys: Optional[Sequence[Any]], u64: bool) -> "ApplicationBuilder":
        pipeline = self._open_pipeline(method)
        comp = classic.as_state_computation(computation, f"{method}()")
        what = f"{method}({comp.name!r}, ...)"
        _check_state_name(what, name, "state_partition_name")
        partition = classic.as_partition(partition_function, what)
        key_list = _check_keys(what, keys, u64)
        factory, factory_name = classic.as_state_factory(state, what)
        spec = StateSpec(name, factory, factory_name, partition, key_list, u64)
        pipeline.steps.append(Step(comp, state=spec))
        return self

    # -- sinks ---------------------------------------------------------------------------------
    def to_sink(self, sink_config: Any) -> "ApplicationBuilder":
        """Ends the current pipeline with one sink."""
        return self._add_sinks("to_sink", [sink_config])

    def to_sinks(self, sink_configs: Sequence[Any]) -> "ApplicationBuilder":
        """Ends the current pipeline with several sinks; each receives every output."""
        if hasattr(sink_configs, "encoder"):
            raise WallarooParameterError(
                "to_sinks needs a list of sink configs; for a single sink use to_sink(config) or "
                "to_sinks([config])")
        return self._add_sinks("to_sinks", list(sink_configs or ()))

    def _add_sinks(self, method: str, configs: List[Any]) -> "ApplicationBuilder":
        pipeline = self._open_pipeline(method)
        if not configs:
            raise WallarooParameterError(f"{method}() needs at least one sink config")
        sinks = []
        for config in configs:
            if not hasattr(config, "kind") or not hasattr(config, "encoder"):
                raise WallarooParameterError(
                    f"{method}() in pipeline {pipeline.name!r}: {config!r} is not a sink config such as "
                    f"wallaroo.TCPSinkConfig(host, port, encoder) or wallaroo.KafkaSinkConfig(...)")
            sink = copy.copy(config)
            sink.encoder = classic.as_encoder(config.encoder, f"the sink of pipeline {pipeline.name!r}")
            sinks.append(sink)
        pipeline.sinks.extend(sinks)
        self._closed = True
        return self

    # -- build ---------------------------------------------------------------------------------
    def build(self) -> Application:
        """Checks the whole application and returns it; ``application_setup`` returns this."""
        if not self._pipelines:
            raise WallarooParameterError(
                "the application has no pipeline; start one with new_pipeline(name, source_config)")
        if not any(p.sinks for p in self._pipelines):
            raise WallarooParameterError(
                "no pipeline has a sink, so the application would have no output; end at least one "
                "pipeline with to_sink(...) or to_sinks([...])")
        _check_states(self._pipelines)
        return Application(self.name, list(self._pipelines))

    # -- helpers -------------------------------------------------------------------------------
    def _open_pipeline(self, method: str) -> Pipeline:
        if self._current is None:
            if not self._pipelines:
                raise WallarooParameterError(
                    f"{method}() was called before any pipeline was started; call "
                    f"new_pipeline(name, source_config) first")
            raise WallarooParameterError(
                f"{method}() was called after done() ended pipeline {self._pipelines[-1].name!r}; "
                f"start the next pipeline with new_pipeline(name, source_config) first")
        if self._closed:
            raise WallarooParameterError(
                f"{method}() was called after the sink of pipeline {self._current.name!r}; a sink ends a "
                f"pipeline: add steps before to_sink, or call done() and start a new pipeline")
        return self._current


def _check_state_name(what: str, name: Any, param: str) -> None:
    if not isinstance(name, str) or not name:
        raise WallarooParameterError(f"{what} needs {param} as a non-empty str, got {name!r}")


def _check_keys(what: str, keys: Optional[Sequence[Any]], u64: bool) -> Optional[List[Any]]:
    if keys is None:
        return None
    if isinstance(keys, (str, bytes)):
        raise WallarooParameterError(
            f"{what}: partition_keys must be a list of keys, got the single {type(keys).__name__} "
            f"{keys!r}; write list({keys!r}) if each character is a key")
    try:
        key_list = list(keys)
    except TypeError:
        raise WallarooParameterError(f"{what}: partition_keys must be a list of keys, got {keys!r}") from None
    seen = set()
    for key in key_list:
        if u64 and (not isinstance(key, int) or isinstance(key, bool) or not 0 <= key < _U64_LIMIT):
            raise WallarooParameterError(
                f"{what}: partition key {key!r} is not a non-negative int below 2**64; "
                f"to_state_partition_u64 keys must be ints such as 0, 1, 2 (use to_state_partition for "
                f"other keys)")
        try:
            hash(key)
        except TypeError:
            raise WallarooParameterError(
                f"{what}: partition key {key!r} is unhashable; keys must support == and hash() "
                f"(use a tuple instead of a list, or define __eq__ and __hash__)") from None
        if key in seen:
            raise WallarooParameterError(
                f"{what}: partition key {key!r} is listed more than once; list each key once")
        seen.add(key)
    return key_list


def _check_states(pipelines: List[Pipeline]) -> None:
    """One state name must mean one thing wherever it is used."""
    seen: Dict[str, Tuple[StateSpec, str]] = {}
    for pipeline in pipelines:
        for number, step in enumerate(pipeline.steps, 1):
            spec = step.state
            if spec is None:
                continue
            where = f"step {number} ({step.name!r}) of pipeline {pipeline.name!r}"
            if spec.name not in seen:
                seen[spec.name] = (spec, where)
                continue
            first, first_where = seen[spec.name]
            if first.factory_name != spec.factory_name:
                raise WallarooParameterError(
                    f"state {spec.name!r} is made by {first.factory_name} in {first_where} but by "
                    f"{spec.factory_name} in {where}; one state name must always use the same state class "
                    f"(or builder): use the same one, or give the states different names")
            if first.partitioned != spec.partitioned or first.u64 != spec.u64:
                kinds = [_partitioning(s) for s in (first, spec)]
                raise WallarooParameterError(
                    f"state {spec.name!r} is {kinds[0]} in {first_where} but {kinds[1]} in {where}; "
                    f"use it the same way everywhere, or give the two uses different state names")
            if (first.keys is not None and spec.keys is not None
                    and set(first.keys) != set(spec.keys)):
                raise WallarooParameterError(
                    f"state partition {spec.name!r} lists different partition keys in {first_where} and in "
                    f"{where}; list the same keys in both")


def _partitioning(spec: StateSpec) -> str:
    if spec.partition is None:
        return "a single state (to_stateful)"
    return "partitioned by u64 keys (to_state_partition_u64)" if spec.u64 else "partitioned (to_state_partition)"
