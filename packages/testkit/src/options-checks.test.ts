import { describe, expect, it } from 'vitest';
import { checkOptionRejected, checkOptionsAccepted } from './options-checks.js';
import { toySink, toyStore } from './test-support/toy-sink.js';
import { toySource } from './test-support/toy-sources.js';

const source = toySource('none');
const sink = toySink('none', toyStore());

describe('options checks', () => {
  it('accept valid options through validateConfig, for a source and a sink', () => {
    checkOptionsAccepted('source', source({ count: 3 }));
    checkOptionsAccepted('sink', sink({ prefix: 'p' }));
  });

  it('"options accepted" breaks when the core refuses them', () => {
    expect(() => checkOptionsAccepted('source', source({ count: -1 }))).toThrow('contract "options accepted" broken: the core rejected the options: pipelines.kit.source.count:');
  });

  it('pass a bad option with a problem at the expected path', () => {
    checkOptionRejected('source', source({ count: -1 }), 'count');
    checkOptionRejected('sink', sink({ prefix: '' }), 'prefix');
  });

  it('"bad options rejected" breaks when the core accepts them or points elsewhere', () => {
    expect(() => checkOptionRejected('source', source({ count: 1 }))).toThrow('contract "bad options rejected" broken: the core accepted {"count":1}');
    expect(() => checkOptionRejected('source', source({ count: -1 }), 'token')).toThrow('expected a problem at pipelines.kit.source.token, found pipelines.kit.source.count');
  });
});
