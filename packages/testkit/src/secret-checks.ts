import type { RunEvent, SinkSpec, SourceSpec } from '@etl/core';
import { ConfigError, redactOptions, runPipelines, validateConfig } from '@etl/core/host';
import { ContractError, KitUsageError } from './contract-error.js';
import { memorySink, memorySource } from './memory-plugins.js';
import type { PluginRole } from './options-checks.js';

/**
 * The secret the kit plants. The stem survives URL-encoding, so a leak of `encodeURIComponent(secret)` is
 * caught as well as the raw value; base64 of the whole value is searched too.
 */
export const KIT_SECRET = 'KITs3cr3t-7f3a+/=Q';
const STEM = 'KITs3cr3t';

/** Where the secret shows in `text`, if anywhere. */
export function findSecret(text: string, secret: string = KIT_SECRET): string | undefined {
  const forms: [string, string][] = [
    ['the secret', secret],
    ['the URL-encoded secret', encodeURIComponent(secret)],
    ['the base64 secret', Buffer.from(secret).toString('base64')],
    ['part of the secret', secret === KIT_SECRET ? STEM : secret],
  ];
  for (const [label, form] of forms) {
    const at = text.indexOf(form);
    if (at !== -1) return `${label} at ${JSON.stringify(text.slice(Math.max(0, at - 40), at + form.length + 20))}`;
  }
  return undefined;
}

/**
 * Contract "secrets never leak": the options holding the secret are marked `secret: true` (so the core
 * redacts them from plans), and a whole run through the core (events, summary, any thrown error) never shows it.
 */
export async function checkSecretsNotLeaked(role: PluginRole, spec: SourceSpec | SinkSpec, partitions: readonly string[] = ['kit']): Promise<void> {
  if (!JSON.stringify(spec.options).includes(KIT_SECRET)) throw new KitUsageError(`the secret options must contain the secret they are given (${KIT_SECRET})`);
  const redacted = JSON.stringify(redactOptions(spec.definition.options as object, spec.options));
  if (redacted.includes(KIT_SECRET)) throw new ContractError('secrets never leak', 'the option holding the secret is not marked `secret: true` in the options schema');

  const seen: string[] = [];
  let config;
  try {
    config = validateConfig({
      pipelines: {
        kit: {
          source: role === 'source' ? spec : memorySource({ pages: 3 }),
          sink: role === 'sink' ? spec : memorySink({}),
          partitions: [...partitions],
          policy: { retry: { attempts: 1 } },
        },
      },
    }, 'testkit.config.ts');
  } catch (error) {
    if (error instanceof ConfigError) {
      const where = findSecret(error.message);
      if (where) throw new ContractError('secrets never leak', `the config error shows ${where}`);
    }
    throw error;
  }
  const onEvent = (event: RunEvent) => seen.push(`event ${event.type}: ${JSON.stringify(event)}`);
  try {
    const summary = await runPipelines(config, { onEvent, state: false });
    seen.push(`summary: ${JSON.stringify(summary)}`);
  } catch (error) {
    seen.push(`thrown: ${error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : String(error)}`);
  }
  for (const text of seen) {
    const where = findSecret(text);
    if (where) throw new ContractError('secrets never leak', `${text.slice(0, text.indexOf(':'))} shows ${where}`);
  }
}
