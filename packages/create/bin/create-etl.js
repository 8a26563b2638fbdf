#!/usr/bin/env node
// `npm create @etl [dir] [-- --bucket B ...]` runs this: the ecosystem's initializer convention, which is
// `etl init` of the CLI at this package's version (so the project gets the @etl packages of that version).
import { runCli } from '@etl/cli';

process.exit(await runCli(['init', ...process.argv.slice(2)]));
