// What a correct author-feed run leaves under its prefix: exactly one NDJSON object per actor of the
// dataset, at the key the s3Sink renders from the DID, with one line per post. A benchmark run that wrote
// anything else throws here instead of becoming a figure.
import type { Dataset } from '@etl/dev-servers';
import { encodeKeySegment } from '@etl/sink-s3';
import type { ObjectDigest } from './object-digests.js';

/** The key (after the run's prefix, for the template `<prefix>{partition}.jsonl`) and line count per actor. */
export function expectedFeedObjects(dataset: Dataset): Map<string, number> {
  return new Map(dataset.actors.map((actor) => [`${encodeKeySegment(actor.did)}.jsonl`, actor.posts.length]));
}

export function checkFeedObjects(label: string, digests: ReadonlyMap<string, ObjectDigest>, expected: ReadonlyMap<string, number>): void {
  const problems: string[] = [];
  for (const [key, lines] of expected) {
    const digest = digests.get(key);
    if (digest === undefined) problems.push(`${key}: missing`);
    else {
      if (digest.lines !== lines) problems.push(`${key}: ${digest.lines} lines, expected ${lines}`);
      if (!digest.endsWithNewline) problems.push(`${key}: the last line has no newline`);
      if (digest.contentType !== 'application/x-ndjson') problems.push(`${key}: content type ${digest.contentType ?? 'none'}`);
    }
  }
  for (const key of digests.keys()) if (!expected.has(key)) problems.push(`${key}: not expected`);
  if (problems.length > 0) throw new Error(`${label} wrote the wrong objects:\n  ${problems.slice(0, 20).join('\n  ')}`);
}
