import { DURATION_PATTERN } from './duration.js';

const duration = {
  type: ['number', 'string'],
  minimum: 0,
  pattern: DURATION_PATTERN,
  description: 'Milliseconds, or a string such as 150s, 2m, 500ms, 1h.',
} as const;

const policy = {
  type: 'object',
  additionalProperties: false,
  properties: {
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        attempts: { type: 'integer', minimum: 1, maximum: 1000, description: 'Calls in all, the first included. Default 5.' },
        backoff: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          description: "Wait between attempts. Default { constant: '150s' }.",
          properties: {
            constant: duration,
            exponential: {
              type: 'object',
              additionalProperties: false,
              required: ['initial', 'max'],
              properties: { initial: duration, max: duration },
            },
          },
        },
      },
    },
    bulkhead: { type: 'integer', minimum: 1, description: 'Calls in flight at once per source instance. Default 1.' },
  },
} as const;

const pipeline = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'partitions', 'sink'],
  properties: {
    source: { description: 'A source made by a source plugin factory.' },
    sink: { description: 'A sink made by a sink plugin factory.' },
    // A list of strings or fromPipeline(...): checked in validate-config, which knows both forms.
    partitions: { description: 'One task per partition: a list, or fromPipeline(name, select).' },
    group: { type: 'string', minLength: 1, description: 'A concurrency group declared in concurrency.groups.' },
    policy,
    transform: { description: 'Maps each record; return undefined to drop it.' },
    description: { type: 'string' },
    mode: { enum: ['snapshot', 'incremental'], description: 'snapshot (default) or incremental.' },
    checkpoint: {
      type: 'object',
      additionalProperties: false,
      properties: { everyPages: { type: 'integer', minimum: 1, description: 'Commit a chunk every N pages.' } },
    },
  },
} as const;

/** The shape of the config around the plugins; plugin options are checked against each plugin's own schema. */
export const envelopeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['pipelines'],
  properties: {
    concurrency: {
      type: 'object',
      additionalProperties: false,
      properties: {
        limit: { type: 'integer', minimum: 1, description: 'Tasks running at once across the run. Default 1.' },
        groups: {
          type: 'object',
          additionalProperties: { type: 'integer', minimum: 1 },
          description: 'Tasks running at once per group, across all its pipelines.',
        },
      },
    },
    policy,
    state: { description: 'Where run state lives, e.g. localState({ directory: ".etl" }).' },
    pipelines: { type: 'object', minProperties: 1, additionalProperties: pipeline },
  },
} as const;
