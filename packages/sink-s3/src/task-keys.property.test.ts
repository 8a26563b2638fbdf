import { EtlError } from '@etl/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeySegment, MAX_ENCODED_VALUE_BYTES } from './key-encoding.js';
import { checkKeyTemplate, MAX_KEY_BYTES, parseKeyTemplate, type KeyTemplatePart } from './key-template.js';
import { PART_SUFFIX_RESERVE_BYTES, splitPartKeyTemplate } from './part-keys.js';
import { taskKeys } from './task-keys.js';

// Property-based (issue 17): the key of a task, rendered from the sink's template through taskKeys (what
// the writer uses), for any unicode partition value and any valid template. key-encoding.test.ts has the
// segment-level properties; these are about whole keys and templates.

const RUN_STARTED_AT = new Date('2024-03-09T07:45:00.000Z');
const RUN_ID = '2024-03-09T07-45-00-000Z-ab12';

/** Partition values: any code points, path tricks, control characters, escapes, very long values. */
const partitionValue = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1 }),
  fc.string({ unit: 'binary', minLength: 150, maxLength: 3000 }),
  fc.string({ unit: fc.constantFrom('.', '..', '/', '\\', '%', '%2F', '%2E', '!', '\u0000', '\u001f', '\n', '\r', '\u007f', ' ', '~', '?', '#', '*', 'a', 'é', '😀', '\u202e'), minLength: 1, maxLength: 300 }),
  fc.constantFrom('.', '..', '../..', '/', '//', '/etc/passwd', '../../etc/passwd', '%2e%2e', '%2F', '!', 'a'.repeat(10_000), '😀'.repeat(1000)),
);

/** A pipeline name as validateConfig allows it. */
const pipelineName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/);

const literalPiece = fc.stringMatching(/^[A-Za-z0-9=_.-]{1,12}$/);
const placeholder = fc.constantFrom('{pipeline}', '{partition}', '{date}', '{hour}', '{runId}');

/**
 * Templates checkKeyTemplate accepts: a literal prefix, then segments mixing literals and placeholders,
 * always with {partition} somewhere, optionally an extension.
 */
const template = fc
  .tuple(
    fc.array(literalPiece, { minLength: 1, maxLength: 3 }),
    fc.array(fc.array(fc.oneof(literalPiece, placeholder), { minLength: 1, maxLength: 3 }), { maxLength: 3 }),
    fc.nat({ max: 3 }),
    fc.constantFrom('', '.ndjson', '.jsonl.gz', '/data.ndjson'),
  )
  .map(([prefix, segments, at, extension]) => {
    const parts = segments.map((segment) => segment.join(''));
    const index = Math.min(at, parts.length);
    parts.splice(index, 0, `${index % 2 === 0 ? '' : 'p='}{partition}`);
    return `${prefix.join('/')}/${parts.join('/')}${extension}`;
  })
  .filter((text) => checkKeyTemplate(text, undefined, PART_SUFFIX_RESERVE_BYTES).length === 0);

function parse(text: string): readonly KeyTemplatePart[] {
  const parsed = parseKeyTemplate(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.parts;
}

/** The template's text before its first placeholder: every key must start with it. */
function literalPrefix(parts: readonly KeyTemplatePart[]): string {
  const first = parts[0];
  return first !== undefined && 'literal' in first ? first.literal : '';
}

function keyOf(parts: readonly KeyTemplatePart[], pipeline: string, partition: string): string {
  const keys = taskKeys({ keyTemplate: parts, partKeyTemplate: undefined, rollover: undefined }, { pipeline, partition, runId: RUN_ID, runStartedAt: RUN_STARTED_AT } as never);
  if (keys.rollover) throw new Error('expected a single key');
  return keys.key;
}

function assertContained(key: string, prefix: string): void {
  expect(Buffer.byteLength(key, 'utf8')).toBeLessThanOrEqual(MAX_KEY_BYTES);
  expect(key.startsWith('/')).toBe(false);
  expect(key.startsWith(prefix)).toBe(true);
  const segments = key.split('/');
  expect(segments).not.toContain('..');
  expect(segments).not.toContain('.');
  // Not checked: resolving the key text as a URL path. A partition that is exactly `..` fills a whole
  // segment as `%2E%2E` (no `..` segment in the key), but the WHATWG URL parser reads `%2E%2E` as `..`
  // (`new URL('_/%2E%2E', 'file:///b/')` is `file:///b/`), so a consumer that pastes keys into URLs without
  // escaping `%` would step out of the prefix. S3 clients escape `%` as `%25`; see the issue 17 report.
}

describe('taskKeys (properties)', () => {
  it('renders any unicode partition, with any valid template, to a key within 1024 bytes that stays under the prefix', () => {
    fc.assert(
      fc.property(template, pipelineName, partitionValue, (text, pipeline, partition) => {
        const parts = parse(text);
        assertContained(keyOf(parts, pipeline, partition), literalPrefix(parts));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps rollover part keys within 1024 bytes and under the prefix too', () => {
    fc.assert(
      fc.property(template, pipelineName, partitionValue, fc.integer({ min: 1, max: 9_999_999 }), (text, pipeline, partition, part) => {
        const parts = parse(text);
        const keys = taskKeys(
          { keyTemplate: parts, partKeyTemplate: splitPartKeyTemplate(parts), rollover: { maxBytes: 1, maxRecords: 1 } as never },
          { pipeline, partition, runId: RUN_ID, runStartedAt: RUN_STARTED_AT } as never,
        );
        if (!keys.rollover) throw new Error('expected rollover keys');
        const key = keys.keys.key(part);
        assertContained(key, literalPrefix(parts));
        expect(keys.keys.partOf(key)).toBe(part);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes the partition back from its segment of the key (or its prefix and hash when shortened)', () => {
    const parts = parse('exports/dt={date}/{pipeline}/part={partition}/data.ndjson');
    fc.assert(
      fc.property(pipelineName, partitionValue, (pipeline, partition) => {
        const key = keyOf(parts, pipeline, partition);
        const segments = key.split('/');
        expect(segments).toHaveLength(5);
        expect(segments.slice(0, 2)).toEqual(['exports', 'dt=2024-03-09']);
        expect(decodeKeySegment(segments[2] ?? '')).toEqual({ shortened: false, value: pipeline });
        const segment = (segments[3] ?? '').slice('part='.length);
        expect(segment.length).toBeLessThanOrEqual(MAX_ENCODED_VALUE_BYTES);
        const decoded = decodeKeySegment(segment);
        if (decoded.shortened) expect(partition.startsWith(decoded.prefix)).toBe(true);
        else expect(decoded.value).toBe(partition);
      }),
      { numRuns: 400 },
    );
  });

  it('never renders two different partitions of one pipeline to the same key, whatever the template', () => {
    fc.assert(
      fc.property(template, pipelineName, partitionValue, partitionValue, (text, pipeline, a, b) => {
        fc.pre(a !== b);
        const parts = parse(text);
        expect(keyOf(parts, pipeline, a)).not.toBe(keyOf(parts, pipeline, b));
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a partition that is not well-formed unicode with S3_KEY_INVALID, and nothing else', () => {
    const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
    const broken = fc
      .tuple(fc.string({ unit: 'binary' }), loneSurrogate, fc.string({ unit: 'binary' }))
      .map(([before, lone, after]) => `${before}${lone}${after}`)
      // Filters out a lone surrogate that the neighbours happened to pair up.
      .filter((value) => /\p{Cs}/u.test(value));
    fc.assert(
      fc.property(template, pipelineName, broken, (text, pipeline, partition) => {
        let error: unknown;
        try {
          keyOf(parse(text), pipeline, partition);
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(EtlError);
        expect((error as EtlError).code).toBe('S3_KEY_INVALID');
      }),
      { numRuns: 200 },
    );
  });
});
