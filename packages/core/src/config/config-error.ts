import { EtlError } from '../errors/etl-error.js';

/** One thing wrong with a config: where it is and what was expected. */
export interface ConfigProblem {
  /** The config file, relative to the working directory when inside it. */
  readonly file: string;
  /** Dotted path inside the config, e.g. `pipelines.authorFeeds.sink.bucket`; empty for the file as a whole. */
  readonly path: string;
  readonly message: string;
  readonly suggestion?: string | undefined;
}

/** Line breaks inside a message (from a key or name in the config) escaped, so that one problem is one line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path ? `${problem.file}: ${problem.path}` : problem.file;
  const hint = problem.suggestion ? ` (${problem.suggestion})` : '';
  return oneLine(`${where}: ${problem.message}${hint}`);
}

/** A config that cannot be loaded or is invalid: carries every problem found, not just the first. */
export class ConfigError extends EtlError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    const head = problems.length === 1 ? 'Invalid config' : `Invalid config (${problems.length} problems)`;
    super('CONFIG_INVALID', `${head}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`, options);
    this.problems = problems;
  }
}

/** `['pipelines', 'a', 'partitions', 0]` -> `pipelines.a.partitions[0]`. */
export function joinPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
