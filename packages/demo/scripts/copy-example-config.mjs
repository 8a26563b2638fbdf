// The demo runs the repository's example pipeline, which lives once, at the workspace root
// (etl.config.ts). A published package can hold only its own files, so packing copies it in.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
mkdirSync(join(here, 'example'), { recursive: true });
copyFileSync(join(here, '../../etl.config.ts'), join(here, 'example/etl.config.ts'));
