import { labCommand } from './commands/lab.js';
import { verifyCommand } from './commands/verify.js';

/** Where a command writes: the process's streams, or buffers in tests. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The environment (SYNTHWELL_API_KEY, SYNTHWELL_BASE_URL); main.ts passes process.env, tests what they need. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  /** One line for the command list. */
  summary: string;
  /** The full usage text, printed by `synthwell <command> --help` and after a usage error. */
  usage: string;
  /** Runs with the arguments after the command's name; resolves to the exit code. */
  run(args: readonly string[], io: Io): Promise<number>;
}

/** A mistake in how the command was called: exit code 2, with the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Every subcommand, by name. A new one is a module under `commands/` and one line here. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  lab: labCommand,
  verify: verifyCommand,
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: synthwell <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "synthwell <command> --help" for a command's options.\n`;
}

/** Runs `synthwell <argv…>`; resolves to the process exit code (0 ok, 1 failure, 2 usage error). */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`synthwell: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`synthwell ${name}: ${error.message}\n\n${command.usage}`);
    return 2;
  }
}
