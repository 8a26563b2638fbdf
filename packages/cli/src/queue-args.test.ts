import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args.js';
import { cli } from './test-support/temp-project.js';

describe('queue options', () => {
  it('reads --queue for run and worker, and --concurrency for worker', () => {
    expect(parseCliArgs(['run', '--queue', 'redis://127.0.0.1:6379']).queue).toBe('redis://127.0.0.1:6379');
    expect(parseCliArgs(['worker', '--queue', 'redis://h:1', '--concurrency', '3'])).toMatchObject({ command: 'worker', queue: 'redis://h:1', concurrency: 3 });
  });

  it.each([
    [['worker'], 'worker needs --queue'],
    [['worker', '--queue', 'redis://h:1', '--concurrency', '0'], '--concurrency must be a whole number of at least 1'],
    [['worker', '--queue', 'redis://h:1', '--concurrency', '2.5'], '--concurrency must be a whole number'],
    [['validate', '--queue', 'redis://h:1'], '--queue applies to `run` and `worker` only'],
    [['run', '--concurrency', '2'], '--concurrency applies to `worker` only'],
  ])('%j is a usage error (exit 2): %s', async (argv, message) => {
    const result = await cli(argv, process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('refuses a queue URL that is not redis:// before touching the config', async () => {
    const result = await cli(['worker', '--queue', 'http://127.0.0.1:6379', '--config', 'nowhere.config.ts'], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a redis:// or rediss:// URL');
  });
});
