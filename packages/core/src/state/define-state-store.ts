import type { OptionsOf } from '../plugin/options-schema.js';
import type { PluginProblem } from '../plugin/source.js';
import type { StateStore } from './state-store.js';

export interface StateStoreContext {
  /** The directory of the config file; relative locations resolve against it. */
  readonly configDirectory: string;
}

export interface StateStoreDefinition<S, O = OptionsOf<S>> {
  readonly name: string;
  readonly options: S;
  check?(options: O): readonly PluginProblem[];
  create(options: O, context: StateStoreContext): StateStore | Promise<StateStore>;
}

export const STATE_STORE_SPEC = 'etl.stateStore' as const;

export interface StateStoreSpec {
  readonly kind: typeof STATE_STORE_SPEC;
  readonly definition: StateStoreDefinition<object, unknown>;
  readonly options: unknown;
}

export type StateStoreFactory<S> = ((options: OptionsOf<S>) => StateStoreSpec) & { readonly definition: StateStoreDefinition<S> };

/** Declares where runs keep their state (like a plugin: a schema for its options and a factory). */
export function defineStateStore<const S extends object>(definition: StateStoreDefinition<S>): StateStoreFactory<S> {
  const factory = (options: OptionsOf<S>): StateStoreSpec => ({
    kind: STATE_STORE_SPEC,
    definition: definition as unknown as StateStoreDefinition<object, unknown>,
    options,
  });
  // Built untyped: checking this assignment against a generic S makes the schema-to-type mapping explode.
  return Object.assign(factory as object, { definition: definition as unknown }) as StateStoreFactory<S>;
}

export function isStateStoreSpec(value: unknown): value is StateStoreSpec {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === STATE_STORE_SPEC;
}
