import type { SinkInstance, SinkSpec, SourceInstance, SourceSpec } from '@etl/core';

/** What the kit needs of a source factory: a call that makes a spec, and the definition it wraps. */
export type KitSourceFactory<O, R> = ((options: O) => SourceSpec<R>) & {
  readonly definition: {
    readonly name: string;
    readonly options: unknown;
    create(options: O): SourceInstance<R> | Promise<SourceInstance<R>>;
  };
};

/** What the kit needs of a sink factory. */
export type KitSinkFactory<O> = ((options: O) => SinkSpec<unknown>) & {
  readonly definition: {
    readonly name: string;
    readonly options: unknown;
    create(options: O): SinkInstance<unknown> | Promise<SinkInstance<unknown>>;
  };
};
