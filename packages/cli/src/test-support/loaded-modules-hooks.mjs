// Module hooks (they run on Node's loader thread): append every module URL the ESM loader resolves to the
// file named in `data.file`, synchronously, so nothing is lost however the process ends.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
