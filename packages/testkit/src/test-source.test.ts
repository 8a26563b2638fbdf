// The generated suites, run on correct toy plugins: every contract passes.
import { testSink } from './test-sink.js';
import { testSource } from './test-source.js';
import { toySink, toyStore } from './test-support/toy-sink.js';
import { toySource } from './test-support/toy-sources.js';

testSource(toySource('none'), {
  options: { count: 10 },
  partitions: ['a', 'b'],
  badOptions: [{ options: { count: -1 }, path: 'count' }, { options: { count: 1, extra: true } }, { options: {} }],
  errorCases: [{ name: 'bad request', partition: 'bad', retryable: false }, { name: 'unavailable', partition: 'flaky', retryable: true }],
  abort: { partition: 'slow', afterMs: 20 },
  secret: { options: (token) => ({ count: 4, token }), partitions: ['a', 'bad'] },
});

const store = toyStore();
testSink(toySink('none', store), {
  options: { prefix: 'x' },
  checkpoint: true,
  read: store.read,
  badOptions: [{ options: { prefix: '' }, path: 'prefix' }],
  secret: { options: (password) => ({ password }) },
});
