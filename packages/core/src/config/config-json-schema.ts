import { envelopeSchema } from './envelope-schema.js';

export interface PluginForSchema {
  /** What a JSON/YAML config writes in `use`, e.g. `@etl/sink-s3#s3Sink`. */
  readonly use: string;
  readonly kind: 'etl.source' | 'etl.sink' | 'etl.stateStore';
  readonly definition: { readonly name: string; readonly options: unknown };
}

/**
 * The JSON Schema of a data (JSON/YAML) config, for editors and validators: the same envelope the loader
 * checks, with each plugin slot accepting `{ use, options }` for the given plugins and their own option
 * schemas (the one place options are described). The `secret` keyword is kept as an annotation.
 */
export function configJsonSchema(plugins: readonly PluginForSchema[]): object {
  const refs = (kind: PluginForSchema['kind']) => {
    const matching = plugins.filter((p) => p.kind === kind);
    const alternatives = matching.map((p) => ({
      type: 'object',
      title: p.definition.name,
      additionalProperties: false,
      required: ['use'],
      properties: { use: { const: p.use }, options: p.definition.options },
    }));
    return alternatives.length > 0
      ? { oneOf: alternatives }
      : { type: 'object', required: ['use'], properties: { use: { type: 'string' }, options: { type: 'object' } } };
  };
  const pipeline = envelopeSchema.properties.pipelines.additionalProperties;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'etl config',
    ...envelopeSchema,
    properties: {
      ...envelopeSchema.properties,
      state: refs('etl.stateStore'),
      pipelines: {
        ...envelopeSchema.properties.pipelines,
        additionalProperties: {
          ...pipeline,
          properties: {
            ...pipeline.properties,
            source: refs('etl.source'),
            sink: refs('etl.sink'),
            partitions: {
              description: pipeline.properties.partitions.description,
              oneOf: [
                { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['fromPipeline', 'select'],
                  properties: { fromPipeline: { type: 'string' }, select: { type: 'string', description: 'Dotted path of each upstream record.' } },
                },
              ],
            },
          },
        },
      },
    },
  };
}
