import { redactOptions, type PlannedTask, type ResolvedConfig, type ResolvedPolicy } from '@etl/core/host';

/** The plan as data: what `etl list --json` prints and the text view renders. Secrets are redacted. */
export interface PlanView {
  readonly file: string;
  readonly concurrency: { readonly limit: number; readonly groups: Record<string, number> };
  readonly pipelines: readonly {
    readonly name: string;
    readonly source: { readonly plugin: string; readonly options: unknown };
    readonly sink: { readonly plugin: string; readonly options: unknown };
    readonly group: string | undefined;
    readonly policy: ResolvedPolicy;
    readonly partitions: readonly string[];
    /** Set when the partitions come from another pipeline's records (`fromPipeline`). */
    readonly partitionsFrom: string | undefined;
    readonly transform: boolean;
  }[];
  readonly tasks: readonly { readonly taskId: string; readonly group: string | undefined }[];
}

export function describePlan(config: ResolvedConfig, tasks: readonly PlannedTask[]): PlanView {
  return {
    file: config.file,
    concurrency: { limit: config.concurrency.limit, groups: Object.fromEntries(config.concurrency.groups) },
    pipelines: config.pipelines.map((p) => ({
      name: p.name,
      source: { plugin: p.source.definition.name, options: redactOptions(p.source.definition.options, p.source.options) },
      sink: { plugin: p.sink.definition.name, options: redactOptions(p.sink.definition.options, p.sink.options) },
      group: p.group,
      policy: p.policy,
      partitions: p.partitions,
      partitionsFrom: p.partitionsFrom?.pipeline,
      transform: p.transform !== undefined,
    })),
    tasks: tasks.map((t) => ({ taskId: t.taskId, group: t.group })),
  };
}

export function planText(plan: PlanView): string {
  const lines: string[] = [];
  const groups = Object.entries(plan.concurrency.groups).map(([g, n]) => `${g}=${n}`).join(', ');
  lines.push(`Config ${plan.file}`);
  lines.push(`Concurrency: ${plan.concurrency.limit} task(s) at once${groups ? `; groups: ${groups}` : ''}`);
  for (const p of plan.pipelines) {
    lines.push('');
    lines.push(`Pipeline ${p.name}${p.group ? ` (group ${p.group})` : ''}`);
    lines.push(`  source     ${p.source.plugin} ${JSON.stringify(p.source.options)}`);
    lines.push(`  sink       ${p.sink.plugin} ${JSON.stringify(p.sink.options)}`);
    lines.push(`  policy     ${policyText(p.policy)}`);
    if (p.transform) lines.push('  transform  yes');
    lines.push(p.partitionsFrom
      ? `  partitions from the records of pipeline ${p.partitionsFrom} (known once it has run)`
      : `  partitions ${p.partitions.length}: ${p.partitions.join(', ')}`);
  }
  lines.push('');
  lines.push(`Plan: ${plan.tasks.length} task(s), started in this order as slots free up:`);
  plan.tasks.forEach((t, i) => lines.push(`  ${String(i + 1).padStart(3)}. ${t.taskId}${t.group ? `  [${t.group}]` : ''}`));
  for (const p of plan.pipelines.filter((x) => x.partitionsFrom)) {
    lines.push(`  then ${p.name}: one task per partition key from ${p.partitionsFrom}, after all of its tasks succeed`);
  }
  return lines.join('\n');
}

function policyText(policy: ResolvedPolicy): string {
  const backoff = policy.backoff.kind === 'constant'
    ? `${policy.backoff.delayMs / 1000}s apart`
    : `exponential ${policy.backoff.initialMs / 1000}s..${policy.backoff.maxMs / 1000}s`;
  return `${policy.attempts} attempt(s) ${backoff}; bulkhead ${policy.bulkhead}`;
}
