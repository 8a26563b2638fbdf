import { checkPlugins, loadConfig, planTasks } from '@etl/core/host';
import type { CliArgs } from '../args.js';
import { EXIT, writeLine, type CliIo } from '../io.js';

/**
 * Tests each source and sink value of the (selected) pipelines with its plugin's `check()`: reachability and
 * credentials, no data fetched or written. One line per plugin; exit 1 when any failed.
 */
export async function checkCommand(args: CliArgs, io: CliIo): Promise<number> {
  const { config } = await loadConfig({ configFile: args.config, cwd: io.cwd });
  planTasks(config, { pipelines: args.pipelines }); // unknown pipeline names are exit 2, as everywhere
  const results = await checkPlugins(config, { pipelines: args.pipelines, signal: io.signal });
  if (args.json) {
    writeLine(io.stdout, JSON.stringify({ file: config.file, ok: results.every((r) => r.status !== 'failed'), plugins: results }, null, 2));
  } else {
    for (const r of results) {
      const label = { ok: 'ok        ', failed: 'FAILED    ', unchecked: 'unchecked ', unverified: 'unverified' }[r.status];
      const detail = r.status === 'failed' || r.status === 'unverified' ? `: ${r.message ?? r.status}` : r.status === 'unchecked' ? ': the plugin has no check' : '';
      writeLine(io.stdout, `${label} ${r.kind} ${r.plugin} (${r.pipelines.join(', ')})${detail}`);
    }
  }
  // Unverified is not failed: the run would go on, and its writes will tell.
  return results.some((r) => r.status === 'failed') ? EXIT.taskFailed : EXIT.ok;
}
