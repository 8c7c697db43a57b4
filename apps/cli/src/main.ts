#!/usr/bin/env node
import { run } from './cli.js';

try {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
} catch (error) {
  console.error('synthwell:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
