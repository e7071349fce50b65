#!/usr/bin/env node
/** `tact <command>`: the process entry; src/cli/dispatch.ts does the work. */
import { processIo } from './command.js';
import { dispatch } from './dispatch.js';

// exit() rather than waiting for the event loop: a command is done when it returns.
process.exit(await dispatch(process.argv.slice(2), processIo()));
