/** When a task's output rolls over into a new part object. */
export interface RolloverLimits {
  /** At most this many records per object. */
  readonly maxRecords?: number | undefined;
  /** At most this many bytes of NDJSON per object, counted before compression. */
  readonly maxBytes?: number | undefined;
}

/** What the current part object holds so far. */
export interface PartFill {
  readonly records: number;
  readonly bytes: number;
}

/**
 * True when the next record (its NDJSON line is `lineBytes` long) must go to a new part object.
 * Splits fall only between records and a part always holds at least one record, so a single record
 * larger than `maxBytes` becomes a part of its own. Counting uncompressed bytes makes the split depend
 * on the records alone: a rerun over the same records renders the same parts.
 */
export function startsNewPart(limits: RolloverLimits, fill: PartFill, lineBytes: number): boolean {
  if (fill.records === 0) return false;
  if (limits.maxRecords !== undefined && fill.records >= limits.maxRecords) return true;
  return limits.maxBytes !== undefined && fill.bytes + lineBytes > limits.maxBytes;
}
