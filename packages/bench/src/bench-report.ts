// The shape every benchmark reports, so `pnpm bench` can print one table and write one JSON file.

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

export interface Goal {
  /** What is compared, e.g. "framework wall / baseline wall". */
  readonly measure: string;
  readonly comparison: '<=' | '>=';
  readonly limit: number;
  readonly actual: number;
  readonly met: boolean;
}

export interface BenchRow {
  /** The benchmark, e.g. "framework vs baseline". */
  readonly benchmark: string;
  /** The case within it, e.g. "50 actors x 1,000 posts". */
  readonly case: string;
  readonly figures: readonly Figure[];
  readonly goal?: Goal | undefined;
  /** A sentence for the reader when a figure needs one (e.g. why a goal is not met). */
  readonly note?: string | undefined;
}

export interface BenchOptions {
  /** CI's small version: same code paths, small sizes, so the benchmarks cannot rot. */
  readonly smoke: boolean;
}

export type Benchmark = (options: BenchOptions) => Promise<BenchRow[]>;

export function goal(measure: string, comparison: '<=' | '>=', limit: number, actual: number): Goal {
  return { measure, comparison, limit, actual, met: comparison === '<=' ? actual <= limit : actual >= limit };
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
