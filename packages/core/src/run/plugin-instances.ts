import type { ResolvedPipeline } from '../config/resolved-config.js';
import type { SinkInstance, SinkSpec } from '../plugin/sink.js';
import type { SourceInstance, SourceSharedState, SourceSpec } from '../plugin/source.js';
import { sourceBulkhead, type SourceCallGate } from '../policy/source-policy.js';

interface LiveSource {
  readonly instance: SourceInstance<unknown>;
  readonly gate: SourceCallGate;
}

/** What a gate is for: one source instance of the config, the same in every process that loads it. */
export interface SourceGateRequest {
  /** Stable across processes loading the same config, e.g. `atproto.authorFeed@feeds` (the pipelines sharing it). */
  readonly key: string;
  /** Calls in flight at once: the strictest `policy.bulkhead` of the pipelines sharing the instance. */
  readonly limit: number;
  /** State the instance wants carried with each call when calls are gated across processes. */
  readonly sharedState?: SourceSharedState | undefined;
}

/** Makes the gate every call of one source instance goes through (a bulkhead here, a Redis lease on queue workers). */
export type SourceGateFactory = (request: SourceGateRequest) => SourceCallGate;

const localGate: SourceGateFactory = ({ limit }) => sourceBulkhead(limit);

/**
 * Live plugin instances of a run, one per factory value in the config: two pipelines (or many tasks)
 * given the same `atprotoAuthorFeed(...)` value share one instance and therefore one gate.
 * Created on first use, so a run of one pipeline never connects the others.
 */
export class PluginInstances {
  private readonly sources = new Map<SourceSpec, Promise<LiveSource>>();
  private readonly sinks = new Map<SinkSpec, Promise<SinkInstance<unknown>>>();
  private readonly sinkChecks = new Map<SinkSpec, Promise<void>>();
  private readonly bulkheadLimits = new Map<SourceSpec, number>();
  private readonly sharing = new Map<SourceSpec, string[]>();

  constructor(
    pipelines: readonly ResolvedPipeline[],
    private readonly gates: SourceGateFactory = localGate,
  ) {
    // A shared instance gets the strictest bulkhead any of its pipelines asks for.
    for (const p of pipelines) {
      const current = this.bulkheadLimits.get(p.source) ?? Infinity;
      this.bulkheadLimits.set(p.source, Math.min(current, p.policy.bulkhead));
      this.sharing.set(p.source, [...(this.sharing.get(p.source) ?? []), p.name]);
    }
  }

  source(spec: SourceSpec): Promise<LiveSource> {
    let live = this.sources.get(spec);
    if (!live) {
      live = Promise.resolve(spec.definition.create(spec.options)).then((instance) => ({
        instance,
        gate: this.gates({
          key: `${spec.definition.name}@${(this.sharing.get(spec) ?? []).join(',')}`,
          limit: this.bulkheadLimits.get(spec) ?? 1,
          sharedState: instance.sharedState,
        }),
      }));
      live.catch(() => undefined);
      this.sources.set(spec, live);
    }
    return live;
  }

  sink(spec: SinkSpec): Promise<SinkInstance<unknown>> {
    let live = this.sinks.get(spec);
    if (!live) {
      live = Promise.resolve(spec.definition.create(spec.options));
      live.catch(() => undefined);
      this.sinks.set(spec, live);
    }
    return live;
  }

  /**
   * The sink instance after its `check()` passed: once per instance, so every task writing to it waits for
   * the same check and fails with it, before any of them calls its source.
   */
  checkedSink(spec: SinkSpec): Promise<SinkInstance<unknown>> {
    let checked = this.sinkChecks.get(spec);
    if (!checked) {
      checked = this.sink(spec).then(async (instance) => {
        await instance.check?.({});
      });
      checked.catch(() => undefined);
      this.sinkChecks.set(spec, checked);
    }
    return checked.then(() => this.sink(spec));
  }

  /**
   * Every sink instance that was created, with the specs (hence pipelines) that share it; one whose check
   * failed is left out (it took no data, and its target is known to be unusable).
   */
  async createdSinks(): Promise<{ spec: SinkSpec; instance: Promise<SinkInstance<unknown>> }[]> {
    const usable: { spec: SinkSpec; instance: Promise<SinkInstance<unknown>> }[] = [];
    for (const [spec, instance] of this.sinks) {
      const check = this.sinkChecks.get(spec);
      if (check && !(await check.then(() => true, () => false))) continue;
      usable.push({ spec, instance });
    }
    return usable;
  }

  /** Closes every instance that was created; close failures are ignored (the data is already committed). */
  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    for (const live of this.sources.values()) closing.push(live.then((s) => s.instance.close?.()));
    for (const live of this.sinks.values()) closing.push(live.then((s) => s.close?.()));
    await Promise.allSettled(closing);
  }
}
