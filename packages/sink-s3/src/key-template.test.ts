import { describe, expect, it } from 'vitest';
import { checkKeyTemplate, maxRenderedBytes, parseKeyTemplate, renderKey, type KeyValues } from './key-template.js';

const values: KeyValues = {
  pipeline: 'feeds',
  partition: 'alice.bsky.social',
  runId: 'run-42',
  runStartedAt: new Date('2024-03-09T07:45:00.000Z'),
};

function render(template: string, overrides: Partial<KeyValues> = {}): string {
  const parsed = parseKeyTemplate(template);
  if (!parsed.ok) throw new Error(parsed.message);
  return renderKey(parsed.parts, { ...values, ...overrides });
}

describe('key templates', () => {
  it('renders every placeholder, with date and hour in UTC', () => {
    expect(render('{pipeline}/dt={date}/hr={hour}/{partition}-{runId}.ndjson.gz')).toBe(
      'feeds/dt=2024-03-09/hr=07/alice.bsky.social-run-42.ndjson.gz',
    );
    // 23:30 at UTC-2 is already the next day in UTC.
    expect(render('{date}T{hour}', { runStartedAt: new Date('2024-12-31T23:30:00-02:00') })).toBe('2025-01-01T01');
  });

  it('keeps a template without placeholders as is', () => {
    expect(render('static/file.ndjson')).toBe('static/file.ndjson');
  });

  it.each(['../../etc', 'a/b', '..', '.', 'x\u0000y\n\tz', '%2F', '/abs', 'a b?c#d'])(
    'keeps the hostile partition %j inside one key segment, decodable back',
    (partition) => {
      const key = render('exports/{partition}/data.ndjson', { partition });
      const segments = key.split('/');
      expect(segments).toHaveLength(3);
      expect(segments[0]).toBe('exports');
      expect(segments[2]).toBe('data.ndjson');
      expect(segments[1]).not.toMatch(/^\.{1,2}$/);
      // eslint-disable-next-line no-control-regex
      expect(segments[1]).not.toMatch(/[\u0000-\u001f]/);
      expect(decodeURIComponent(segments[1] ?? '')).toBe(partition);
    },
  );

  it('rejects unknown placeholders, naming it and the allowed ones', () => {
    const [problem] = checkKeyTemplate('x/{partiton}.ndjson');
    expect(problem).toContain('{partiton}');
    expect(problem).toContain('{pipeline}, {partition}, {date}, {hour}, {runId}');
  });

  it('rejects a placeholder outside the allowed set, e.g. {partition} in a manifest key', () => {
    const [problem] = checkKeyTemplate('_manifests/{partition}.json', ['runId', 'date', 'hour']);
    expect(problem).toBe('unknown placeholder {partition}; allowed placeholders: {runId}, {date}, {hour}');
  });

  it('bounds rendered keys: each encoded value up to 200 bytes, date 10, hour 2, literals by their UTF-8 size', () => {
    const parsed = parseKeyTemplate('é/{pipeline}/{partition}/{runId}/{date}T{hour}');
    if (!parsed.ok) throw new Error(parsed.message);
    expect(maxRenderedBytes(parsed.parts)).toBe(2 + 1 + 200 + 1 + 200 + 1 + 200 + 1 + 10 + 1 + 2);
  });

  it('rejects templates whose keys could exceed 1024 bytes, counting the part suffix with rollover', () => {
    const five = '{partition}/'.repeat(5);
    expect(checkKeyTemplate(`${five}${'x'.repeat(19)}`)).toEqual([]);
    expect(checkKeyTemplate(`${five}${'x'.repeat(20)}`)[0]).toMatch(/1025 bytes.*S3 allows 1024/);
    const fits = `${'x'.repeat(1024 - 200 - 11)}{partition}`;
    expect(checkKeyTemplate(fits, undefined, 11)).toEqual([]);
    expect(checkKeyTemplate(`x${fits}`, undefined, 11)[0]).toMatch(/1025 bytes.*plus 11 for the part suffix/);
  });

  it.each(['a/{date', 'a/date}', 'a/{da{te}', '{}'])('rejects the malformed template %j', (template) => {
    expect(checkKeyTemplate(template)).toHaveLength(1);
  });

  it('rejects leading slashes and dot segments', () => {
    expect(checkKeyTemplate('/data/{partition}')[0]).toMatch(/start with "\/"/);
    expect(checkKeyTemplate('data/../{partition}')[0]).toMatch(/"\.\."/);
    expect(checkKeyTemplate('data/{partition}/x..y')).toEqual([]);
  });
});
