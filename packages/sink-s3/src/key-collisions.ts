import type { PluginProblem, SinkPlanEntry, SinkPlanProblem } from '@etl/core';
import { encodeKeySegment } from './key-encoding.js';
import { parseKeyTemplate, type KeyTemplatePart } from './key-template.js';
import type { S3SinkOptions } from './options.js';
import { splitPartKeyTemplate } from './part-keys.js';

/** Partitions named per pipeline in a message before "and N more". */
const LISTED_PARTITIONS = 5;

/** A task's key as the run-time claim sees it, with run-wide placeholders left as `{date}`, `{runId}`... */
interface Claim {
  readonly pipeline: string;
  readonly partition: string;
  /** What the run claims: the key, or with rollover the key without part suffix and extension. */
  readonly claimed: string;
  /** The key as shown to the user. */
  readonly shown: string;
}

/**
 * {date}, {hour} and {runId} render the same for every task of a run, so they never separate two keys:
 * they stay as placeholders. {pipeline} and {partition} render as the sink would (encoded).
 */
function renderStatic(parts: readonly KeyTemplatePart[], pipeline: string, partition: string): string {
  return parts
    .map((part) => {
      if ('literal' in part) return part.literal;
      if (part.placeholder === 'pipeline') return encodeKeySegment(pipeline);
      if (part.placeholder === 'partition') return encodeKeySegment(partition);
      return `{${part.placeholder}}`;
    })
    .join('');
}

function claimOf(options: S3SinkOptions, pipeline: string, partition: string): Claim | undefined {
  const parsed = parseKeyTemplate(options.key);
  if (!parsed.ok) return undefined; // check() reported it
  try {
    if (options.rollover === undefined) {
      const key = renderStatic(parsed.parts, pipeline, partition);
      return { pipeline, partition, claimed: key, shown: key };
    }
    const template = splitPartKeyTemplate(parsed.parts);
    const base = renderStatic(template.base, pipeline, partition);
    return { pipeline, partition, claimed: base, shown: `${base}-<part>${template.extension}` };
  } catch {
    return undefined; // a value that cannot be encoded fails its task at run time (S3_KEY_INVALID)
  }
}

function describeWriters(claims: readonly Claim[]): string {
  const byPipeline = new Map<string, string[]>();
  for (const claim of claims) byPipeline.set(claim.pipeline, [...(byPipeline.get(claim.pipeline) ?? []), claim.partition]);
  return [...byPipeline]
    .map(([pipeline, partitions]) => {
      const listed = partitions.slice(0, LISTED_PARTITIONS).map((p) => JSON.stringify(p)).join(', ');
      const more = partitions.length > LISTED_PARTITIONS ? ` and ${partitions.length - LISTED_PARTITIONS} more` : '';
      return `pipeline ${JSON.stringify(pipeline)}, partition${partitions.length > 1 ? 's' : ''} ${listed}${more}`;
    })
    .join(' and ');
}

/**
 * Two tasks of one run that would write the same object (same endpoint, bucket and claimed key): at run
 * time the first to start writes and the others fail with S3_KEY_CONFLICT. Knowable here for static
 * partitions; pipelines whose partitions come from another pipeline are left to the run-time check.
 * Each colliding key is reported once, at the key of the second pipeline involved (or the only one).
 */
export function checkS3KeyCollisions(entries: readonly SinkPlanEntry<S3SinkOptions>[]): SinkPlanProblem[] {
  const byKey = new Map<string, { readonly bucket: string; readonly claims: Claim[] }>();
  for (const entry of entries) {
    if (entry.partitions === undefined) continue;
    const { bucket, endpoint } = entry.options;
    for (const partition of entry.partitions) {
      const claim = claimOf(entry.options, entry.pipeline, partition);
      if (claim === undefined) continue;
      const id = `${endpoint ?? 'aws'}|${bucket}|${claim.claimed}`;
      const group = byKey.get(id) ?? { bucket, claims: [] };
      group.claims.push(claim);
      byKey.set(id, group);
    }
  }
  const problems: SinkPlanProblem[] = [];
  for (const { bucket, claims } of byKey.values()) {
    if (claims.length < 2) continue;
    const first = claims[0] as Claim;
    const pipelines = [...new Set(claims.map((claim) => claim.pipeline))];
    const at = pipelines[1] ?? first.pipeline;
    const advice = pipelines.length === 1 ? 'add {partition} to the key template' : 'add {pipeline} to the key template, or give the pipelines different keys';
    const problem: PluginProblem = {
      path: 'key',
      message: `${describeWriters(claims)} would all write s3://${bucket}/${first.shown} in one run (the first to start writes, the others fail with S3_KEY_CONFLICT): ${advice}`,
    };
    problems.push({ pipeline: at, ...problem });
  }
  return problems;
}
