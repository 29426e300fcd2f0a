// The CLI: parses arguments, maps errors to exit codes. src/bin.ts is the executable that calls
// main() with process.argv and process.env; nothing here runs on import.
import { Command, CommanderError, Option } from 'commander'
import { runCheck, type CheckFormat } from './commands/check.js'
import { DIFF_FORMATS, runDiff, type DiffFormat } from './commands/diff.js'
import { runHeads } from './commands/heads.js'
import { givenSecrets, serve } from './commands/serve.js'
import { runSnapshot, type SnapshotFormat } from './commands/snapshot.js'
import { loadConfig, type Config, type DatabaseConfig, type Flags } from './config.js'
import { isSentinelError } from './errors.js'
import { secretsOf } from './postgres/pool.js'
import { redact } from './redact.js'
import { escapeControls } from './render/escape.js'
import { VERSION } from './version.js'

export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>
  out (text: string): void
  err (text: string): void
}

class Exit extends Error {
  constructor (readonly code: number) { super(`exit ${code}`) }
}

/** Where the database is and which schemas to read: every command that connects. */
function withDatabaseFlags (cmd: Command): Command {
  return cmd
    .option('--database-url <url>', 'PostgreSQL URL (overrides DATABASE_URL); other local users can read it, password included, in the process list (/proc/<pid>/cmdline): prefer DATABASE_URL')
    .option('--schemas <list>', 'comma-separated schemas to compare (overrides SCHEMAS)')
}

/** What the code expects: the commands that compare (snapshot only reads). */
function withExpectationFlags (cmd: Command): Command {
  return cmd
    .option('--expected <file>', 'expected-schema manifest (overrides EXPECTED_SCHEMA)')
    .option('--versions-dir <dirs>', 'Alembic versions folder(s), comma-separated (overrides ALEMBIC_VERSIONS_DIR)')
    .option('--alembic-config <file>', 'alembic.ini naming the version locations (overrides ALEMBIC_CONFIG)')
    .option('--expected-revision <ids>', 'comma-separated expected heads (overrides EXPECTED_REVISION)')
}

export async function main (argv: readonly string[], io: Io): Promise<number> {
  let secrets: string[] = []
  const program = new Command('schema-sentinel')
    .description('Health checks, metrics and a deploy gate for PostgreSQL reachability, Alembic revision and schema drift')
    .version(VERSION)
    .exitOverride()
    // Help asked for goes to stdout; help shown because no command was given goes to stderr.
    // Errors are formatted below, as one line.
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} })
  // Commands without a server validate here; `serve` validates in its Fastify plugin (@fastify/env).
  function config (flags: Flags, requireDatabase: true): DatabaseConfig
  function config (flags: Flags, requireDatabase: false): Config
  function config (flags: Flags, requireDatabase: boolean): Config {
    const c = loadConfig(io.env, flags, { requireDatabase })
    secrets = secretsOf(c)
    return c
  }

  withExpectationFlags(withDatabaseFlags(program.command('serve').description('run the HTTP service (health endpoints and /metrics)')))
    .action(async (flags: Flags) => {
      secrets = givenSecrets({ env: io.env, flags })
      throw new Exit(await serve({ env: io.env, flags }))
    })

  withExpectationFlags(withDatabaseFlags(program.command('check').description('run one round, strict like /health/schema; exit 0 pass/warn, 1 mismatch, 2 could not check')))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: Flags & { format: CheckFormat }) => {
      const run = await runCheck(config(flags, true), flags.format)
      for (const warning of run.warnings) io.err(`schema-sentinel: ${escapeControls(warning)}\n`)
      io.out(run.stdout)
      if (run.warning !== undefined) io.err(`schema-sentinel: ${escapeControls(run.warning)}\n`)
      if (run.problem !== undefined) io.err(`schema-sentinel: ${escapeControls(run.problem)}\n`)
      throw new Exit(run.exitCode)
    })

  withDatabaseFlags(program.command('snapshot').description('print a manifest of the live database (every column\'s type, nullable and default) to stdout'))
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'yaml']).default('json'))
    .action(async (flags: Flags & { format: SnapshotFormat }) => {
      io.out(await runSnapshot(config(flags, true), flags.format, (line) => io.err(`schema-sentinel: ${escapeControls(line)}\n`)))
      throw new Exit(0)
    })

  program.command('diff').description('what --to lacks or has differently from --from, with fixes; exit 0 nothing above info differs, 1 something does, 2 could not compare')
    .requiredOption('--from <source>', 'what is right: a postgres:// URL or a manifest file')
    .requiredOption('--to <source>', 'what is compared with it: a postgres:// URL or a manifest file')
    .addOption(new Option('--format <format>', 'output format').choices([...DIFF_FORMATS]).default('text'))
    .option('--schemas <list>', 'comma-separated schemas to compare (overrides SCHEMAS)')
    .option('--versions-dir <dirs>', 'Alembic versions folder(s), comma-separated: the revision follows their head (overrides ALEMBIC_VERSIONS_DIR)')
    .option('--alembic-config <file>', 'alembic.ini naming the version locations (overrides ALEMBIC_CONFIG)')
    .action(async (flags: Flags & { from: string, to: string, format: DiffFormat }) => {
      const c = config({ schemas: flags.schemas, versionsDir: flags.versionsDir, alembicConfig: flags.alembicConfig }, false)
      secrets = [...secrets, ...[flags.from, flags.to].filter((s) => /^postgres(ql)?:\/\//i.test(s.trim())).flatMap((s) => secretsOf({ databaseUrl: s.trim() }))]
      const run = await runDiff(c, flags.from, flags.to, flags.format)
      io.out(run.stdout)
      throw new Exit(run.exitCode)
    })

  program.command('heads').description('print the expected Alembic heads, one per line (no database needed)')
    .option('--versions-dir <dirs>', 'Alembic versions folder(s), comma-separated (overrides ALEMBIC_VERSIONS_DIR)')
    .option('--alembic-config <file>', 'alembic.ini naming the version locations (overrides ALEMBIC_CONFIG)')
    .option('--check', 'exit 1 when there are several heads and no merge, printing the alembic merge command')
    .action(async (flags: Flags & { check?: boolean }) => {
      const run = await runHeads(config(flags, false), { check: flags.check === true })
      io.out(run.stdout)
      for (const note of run.notes) io.err(`schema-sentinel: ${escapeControls(note)}\n`)
      throw new Exit(run.exitCode)
    })

  try {
    await program.parseAsync(argv as string[], { from: 'user' })
    return 0
  } catch (err) {
    if (err instanceof Exit) return err.code
    if (err instanceof CommanderError) {
      // `--help`, `help` and `--version` exit 0; help shown for a missing command is a usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0
      if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : 2
      io.err(`schema-sentinel: ${escapeControls(err.message.replace(/^error: /, ''))}\n`)
      return 2
    }
    const message = isSentinelError(err) ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`
    io.err(`schema-sentinel: ${escapeControls(redact(message.split('\n')[0] ?? '', secrets))}\n`)
    return 2
  }
}

// Run directly (`node dist/cli.js check`, as older instructions said), this module would do
// nothing and exit 0: a deploy gate that passes. Say what to run instead, and fail.
if (import.meta.main) {
  process.stderr.write('schema-sentinel: cli.js only defines the CLI; run the schema-sentinel command (node dist/bin.js <command>)\n')
  process.exitCode = 2
}
