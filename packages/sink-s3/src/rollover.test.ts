import { describe, expect, it } from 'vitest';
import { startsNewPart, type RolloverLimits } from './rollover.js';

/** Splits line lengths into parts the way the task writer does. */
function split(limits: RolloverLimits, lines: readonly number[]): number[][] {
  const parts: number[][] = [[]];
  let records = 0;
  let bytes = 0;
  for (const line of lines) {
    if (startsNewPart(limits, { records, bytes }, line)) {
      parts.push([]);
      records = 0;
      bytes = 0;
    }
    parts.at(-1)?.push(line);
    records += 1;
    bytes += line;
  }
  return parts;
}

describe('startsNewPart', () => {
  it('rolls over after maxRecords records', () => {
    expect(split({ maxRecords: 2 }, [1, 1, 1, 1, 1])).toEqual([[1, 1], [1, 1], [1]]);
    expect(split({ maxRecords: 1 }, [5, 5])).toEqual([[5], [5]]);
  });

  it('rolls over before a record that would exceed maxBytes; a part may fill up exactly', () => {
    expect(split({ maxBytes: 10 }, [4, 6, 1, 9, 2])).toEqual([[4, 6], [1, 9], [2]]);
  });

  it('gives an oversized record a part of its own instead of an empty part', () => {
    expect(split({ maxBytes: 10 }, [11, 3, 20])).toEqual([[11], [3], [20]]);
  });

  it('applies whichever limit is reached first', () => {
    expect(split({ maxRecords: 3, maxBytes: 10 }, [1, 1, 1, 1, 9, 1])).toEqual([[1, 1, 1], [1, 9], [1]]);
  });

  it('never rolls over without limits', () => {
    expect(split({}, [100, 100, 100])).toEqual([[100, 100, 100]]);
  });
});
