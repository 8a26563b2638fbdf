#!/usr/bin/env node
import { runCli } from '../dist/index.js';

// Exit explicitly: an aborted call may leave a retry backoff timer (up to the policy delay) pending.
process.exit(await runCli(process.argv.slice(2)));
