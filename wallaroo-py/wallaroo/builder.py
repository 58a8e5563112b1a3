"""``ApplicationBuilder``: puts pipelines together and checks them at ``build()``."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from wallaroo import classic
from wallaroo.errors import WallarooParameterError
from wallaroo.model import Application, Partition, Pipeline, StateSpec, Step


class ApplicationBuilder:
    """Builds an application's topology. Methods return the builder, so calls can be chained."""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise WallarooParameterError("ApplicationBuilder needs the application's name as a non-empty str")
        self.name = name
        self._pipelines: List[Pipeline] = []
        self._current: Optional[Pipeline] = None
        self._closed = False  # the current pipeline ended with a sink

    # -- pipelines -----------------------------------------------------------------------------
    def new_pipeline(self, name: str, source_config: Any) -> "ApplicationBuilder":
        if not isinstance(name, str) or not name:
            raise WallarooParameterError("new_pipeline needs the pipeline's name as a non-empty str")
        if any(p.name == name for p in self._pipelines):
            raise WallarooParameterError(
                f"there is already a pipeline named {name!r}; give each pipeline its own name")
        if not hasattr(source_config, "kind") or not hasattr(source_config, "decoder"):
            raise WallarooParameterError(
                f"new_pipeline({name!r}, ...) needs a source config such as wallaroo.TCPSourceConfig, "
                f"got {source_config!r}")
        source_config.decoder = classic.as_decoder(source_config.decoder, f"the source of pipeline {name!r}")
        pipeline = Pipeline(name, source_config)
        self._pipelines.append(pipeline)
        self._current = pipeline
        self._closed = False
        return self

    def done(self) -> "ApplicationBuilder":
        """Ends the current pipeline; needed before starting another one."""
        self._current = None
        return self

    # -- steps ---------------------------------------------------------------------------------
    def to(self, computation: Any) -> "ApplicationBuilder":
        pipeline = self._open_pipeline("to")
        pipeline.steps.append(Step(classic.as_computation(computation, "to()")))
        return self

    def to_parallel(self, computation: Any) -> "ApplicationBuilder":
        pipeline = self._open_pipeline("to_parallel")
        pipeline.steps.append(Step(classic.as_computation(computation, "to_parallel()"), parallel=True))
        return self

    def to_stateful(self, computation: Any, state_class: Any = None,
                    state_name: Optional[str] = None) -> "ApplicationBuilder":
        pipeline = self._open_pipeline("to_stateful")
        comp = classic.as_state_computation(computation, "to_stateful()")
        if state_class is None:
            # Classic API (seed 004): to_stateful(Count) with the state built by a builder the
            # computation names; fall back to a state named after the computation.
            raise WallarooParameterError(
                f"to_stateful({comp.name!r}) needs a state class (or builder) and a state name")
        if not isinstance(state_name, str) or not state_name:
            raise WallarooParameterError(f"to_stateful({comp.name!r}, ...) needs state_name as a non-empty str")
        factory, factory_name = classic.as_state_factory(state_class, f"to_stateful({comp.name!r})")
        pipeline.steps.append(Step(comp, state=StateSpec(state_name, factory, factory_name)))
        return self

    def to_state_partition(self, computation: Any, state: Any, state_partition_name: str,
                           partition_function: Any, partition_keys: Optional[Sequence[Any]] = None
                           ) -> "ApplicationBuilder":
        return self._partitioned("to_state_partition", computation, state, state_partition_name,
                                 partition_function, partition_keys, u64=False)

    def to_state_partition_u64(self, computation: Any, state_builder: Any, state_partition_name: str,
                               partition_function: Any, partition_keys: Optional[Sequence[int]] = None
                               ) -> "ApplicationBuilder":
        return self._partitioned("to_state_partition_u64", computation, state_builder, state_partition_name,
                                 partition_function, partition_keys, u64=True)

    def _partitioned(self, method: str, computation: Any, state: Any, name: str, partition_function: Any,
                     keys: Optional[Sequence[Any]], u64: bool) -> "ApplicationBuilder":
        pipeline = self._open_pipeline(method)
        comp = classic.as_state_computation(computation, f"{method}()")
        if not isinstance(name, str) or not name:
            raise WallarooParameterError(f"{method}({comp.name!r}, ...) needs the state partition name as a non-empty str")
        if not isinstance(partition_function, Partition):
            raise WallarooParameterError(
                f"{method}({comp.name!r}, ...): the partition function {partition_function!r} must be "
                f"decorated with @wallaroo.partition")
        key_list = self._check_keys(method, comp.name, keys, u64)
        factory, factory_name = classic.as_state_factory(state, f"{method}({comp.name!r})")
        spec = StateSpec(name, factory, factory_name, partition_function, key_list, u64)
        pipeline.steps.append(Step(comp, state=spec))
        return self

    @staticmethod
    def _check_keys(method: str, comp_name: str, keys: Optional[Sequence[Any]], u64: bool) -> Optional[List[Any]]:
        if keys is None:
            return None
        key_list = list(keys)
        seen = set()
        for key in key_list:
            if u64 and (not isinstance(key, int) or isinstance(key, bool) or key < 0 or key >= 2 ** 64):
                raise WallarooParameterError(
                    f"{method}({comp_name!r}, ...): partition key {key!r} is not a non-negative int below 2**64")
            try:
                hash(key)
            except TypeError:
                raise WallarooParameterError(
                    f"{method}({comp_name!r}, ...): partition key {key!r} is unhashable; keys must define "
                    f"__eq__ and __hash__ (use a tuple instead of a list)") from None
            if key in seen:
                raise WallarooParameterError(
                    f"{method}({comp_name!r}, ...): partition key {key!r} is listed twice; list each key once")
            seen.add(key)
        return key_list

    # -- sinks ---------------------------------------------------------------------------------
    def to_sink(self, sink_config: Any) -> "ApplicationBuilder":
        return self.to_sinks([sink_config])

    def to_sinks(self, sink_configs: Sequence[Any]) -> "ApplicationBuilder":
        pipeline = self._open_pipeline("to_sink")
        if not sink_configs:
            raise WallarooParameterError("to_sinks needs at least one sink config")
        for config in sink_configs:
            if not hasattr(config, "kind") or not hasattr(config, "encoder"):
                raise WallarooParameterError(
                    f"pipeline {pipeline.name!r}: {config!r} is not a sink config such as wallaroo.TCPSinkConfig")
            config.encoder = classic.as_encoder(config.encoder, f"the sink of pipeline {pipeline.name!r}")
            pipeline.sinks.append(config)
        self._closed = True
        return self

    # -- build ---------------------------------------------------------------------------------
    def build(self) -> Application:
        if not self._pipelines:
            raise WallarooParameterError(
                "the application has no pipeline; start one with new_pipeline(name, source_config)")
        if not any(p.sinks for p in self._pipelines):
            raise WallarooParameterError(
                "no pipeline has a sink; end at least one pipeline with to_sink(...) or to_sinks([...])")
        self._check_states()
        return Application(self.name, list(self._pipelines))

    def _check_states(self) -> None:
        seen: Dict[str, StateSpec] = {}
        for pipeline in self._pipelines:
            for step in pipeline.steps:
                spec = step.state
                if spec is None:
                    continue
                first = seen.setdefault(spec.name, spec)
                if first is spec:
                    continue
                if first.factory_name != spec.factory_name:
                    raise WallarooParameterError(
                        f"state {spec.name!r} is used with state class {first.factory_name} and with "
                        f"{spec.factory_name}; one state name must always use the same state class")
                if first.partitioned != spec.partitioned or first.u64 != spec.u64:
                    raise WallarooParameterError(
                        f"state {spec.name!r} is used both partitioned and not (or with and without u64 keys); "
                        f"give the two uses different state names")

    # -- helpers -------------------------------------------------------------------------------
    def _open_pipeline(self, method: str) -> Pipeline:
        if self._current is None:
            raise WallarooParameterError(
                f"{method}() was called with no open pipeline; call new_pipeline(name, source_config) first "
                f"(and after done(), start the next pipeline)")
        if self._closed and method != "done":
            raise WallarooParameterError(
                f"{method}() was called after the sink of pipeline {self._current.name!r}; a sink ends a "
                f"pipeline: add steps before to_sink, or call done() and start a new pipeline")
        return self._current
