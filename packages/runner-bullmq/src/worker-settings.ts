/** What a worker's sandboxed task processes need to know; handed down through their environment. */
export interface WorkerSettings {
  readonly configFile: string;
  readonly queueUrl: string;
  readonly prefix: string;
  /** A source or task lease not renewed for this long is free again (a crashed worker's slots come back). */
  readonly leaseTtlMs: number;
}

const VARIABLE = 'ETL_WORKER_SETTINGS';

export function settingsEnvironment(settings: WorkerSettings): Record<string, string> {
  return { [VARIABLE]: JSON.stringify(settings) };
}

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const raw = env[VARIABLE];
  if (!raw) throw new Error(`${VARIABLE} is not set: the task processor runs only under \`etl worker\``);
  return JSON.parse(raw) as WorkerSettings;
}
