import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * A JSON Schema describing a plugin's options: the one place options are described. ajv validates
 * with it, TypeScript infers the option type from it, `etl schema`/docs read it.
 *
 * One keyword beyond JSON Schema: `secret: true` on a property marks a value that must never appear in
 * events, errors, plans or summaries.
 */
export type OptionsSchema = JSONSchema;

/**
 * The TypeScript type of the options a schema accepts (what the user writes in the config).
 * The conditional defers evaluation until S is known, which keeps inference in `defineSource` shallow;
 * extra keywords such as `secret` do not disturb it (object types are structural).
 */
export type OptionsOf<S> = S extends JSONSchema ? FromSchema<S, { keepDefaultedPropertiesOptional: true }> : never;
