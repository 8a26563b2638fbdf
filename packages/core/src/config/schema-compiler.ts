import { createRequire } from 'node:module';
import type { Ajv, ErrorObject } from 'ajv';
import type { FormatsPlugin } from 'ajv-formats';

/** A JSON Schema turned into a function: compiled by ajv now, or loaded from code ajv generated earlier. */
export type CompiledSchema = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null | undefined };

/** What an ajv compile gives: the validator and, for the on-disk cache, its code as a CommonJS module. */
export interface Compiled {
  readonly validate: CompiledSchema;
  standaloneCode(): string;
}

/**
 * The ajv options every schema is compiled with. `code.source` keeps the generated code, so it can be
 * written to the compiled-schema cache; verbose errors carry the parent schema, which names the keys
 * allowed where an unknown one was found.
 */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true, useDefaults: false, code: { source: true } } as const;

// ajv and ajv-formats are CommonJS: required on first compile, not imported at the top. Importing ajv costs
// ~100 ms and its first compile as much again (it compiles the JSON Schema meta-schema first); importing
// @etl/core (every config and plugin does) must not pay that, and with the compiled-schema cache warm,
// `etl validate` does not need ajv at all.
const require = createRequire(import.meta.url);

function createAjv(): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const formats = require('ajv-formats') as FormatsPlugin & { default?: FormatsPlugin };
  const addFormats = formats.default ?? formats;
  const ajv = new AjvClass(AJV_OPTIONS);
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  return ajv;
}

export class SchemaCompiler {
  private ajv: Ajv | undefined;

  /** Throws ajv's own error for a schema that is not valid JSON Schema. */
  compile(schema: object): Compiled {
    const ajv = (this.ajv ??= createAjv());
    const validate = ajv.compile(schema);
    const { default: standaloneCode } = require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js');
    return { validate, standaloneCode: () => standaloneCode(ajv, validate) };
  }
}
