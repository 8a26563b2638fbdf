import type { ResolvedConfig } from '../config/resolved-config.js';
import { selectedPipelines, type TaskSelection } from '../plan/plan-tasks.js';
import type { SinkSpec } from '../plugin/sink.js';
import type { SourceSpec } from '../plugin/source.js';
import { secretRegistry } from '../secrets/env.js';
import { Redactor } from '../secrets/redactor.js';

/** What `etl check` found for one plugin value of the config (shared by the pipelines listed). */
export interface PluginCheckResult {
  readonly kind: 'source' | 'sink';
  /** The plugin's name, e.g. `s3.ndjson`. */
  readonly plugin: string;
  readonly pipelines: readonly string[];
  /** `unchecked`: the plugin has no `check()`; `unverified`: its check could not tell (not a failure). */
  readonly status: 'ok' | 'failed' | 'unchecked' | 'unverified';
  readonly message?: string | undefined;
}

/**
 * Creates each source and sink value of the selected pipelines once, calls its `check()` (reachability and
 * credentials, no data written), and closes it. Checks run one after another, in config order.
 */
export async function checkPlugins(config: ResolvedConfig, selection: TaskSelection & { signal?: AbortSignal | undefined } = {}): Promise<PluginCheckResult[]> {
  const redactor = new Redactor([...config.secrets, ...secretRegistry()]);
  const plugins = new Map<SourceSpec | SinkSpec, { kind: 'source' | 'sink'; spec: SourceSpec | SinkSpec; pipelines: string[] }>();
  for (const pipeline of selectedPipelines(config, selection)) {
    for (const [kind, spec] of [['source', pipeline.source], ['sink', pipeline.sink]] as const) {
      const entry = plugins.get(spec) ?? { kind, spec, pipelines: [] };
      entry.pipelines.push(pipeline.name);
      plugins.set(spec, entry);
    }
  }
  const results: PluginCheckResult[] = [];
  for (const { kind, spec, pipelines } of plugins.values()) {
    const base = { kind, plugin: spec.definition.name, pipelines };
    let instance: { check?: (context: { signal?: AbortSignal | undefined }) => Promise<void | { unverified: string }>; close?: () => Promise<void> } | undefined;
    try {
      instance = await (spec.definition.create as (options: unknown) => unknown)(spec.options) as typeof instance;
      if (!instance?.check) {
        results.push({ ...base, status: 'unchecked' });
        continue;
      }
      const outcome = await instance.check({ signal: selection.signal });
      results.push(outcome ? { ...base, status: 'unverified', message: redactor.redact(outcome.unverified) } : { ...base, status: 'ok' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({ ...base, status: 'failed', message: redactor.redact(message.split('\n')[0] ?? message) });
    } finally {
      await instance?.close?.().catch(() => undefined);
    }
  }
  return results;
}
