export const PARTITIONS_FROM = 'etl.partitionsFrom' as const;

/** Partitions computed at run time from the records another pipeline wrote in the same run. */
export interface PartitionsFrom<R = unknown> {
  readonly kind: typeof PARTITIONS_FROM;
  readonly pipeline: string;
  /** Maps one upstream record to partition key(s); undefined skips the record. */
  readonly select: (record: R) => string | readonly string[] | undefined;
}

/**
 * Dynamic partitions: one downstream task per distinct key that `select` returns over the records of
 * `pipeline` (after its transform), e.g. `fromPipeline('starterPackMembers', (m) => m.subject.did)`.
 * The downstream pipeline starts once every task of the upstream one has succeeded.
 */
export function fromPipeline<R = unknown>(pipeline: string, select: (record: R) => string | readonly string[] | undefined): PartitionsFrom<R> {
  return { kind: PARTITIONS_FROM, pipeline, select };
}

export function isPartitionsFrom(value: unknown): value is PartitionsFrom {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === PARTITIONS_FROM;
}
