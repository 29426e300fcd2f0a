// Reads a Dockerfile into stages of instructions, so tests can follow what the image does
// (no Docker engine here). Handles comments, line continuations and JSON-array arguments.

export interface Instruction {
  readonly op: string
  /** Everything after the keyword, continuation lines joined. */
  readonly args: string
  readonly line: number
}

export interface Stage {
  readonly from: string
  readonly name?: string
  readonly instructions: readonly Instruction[]
}

export function parseDockerfile (text: string): Stage[] {
  const stages: Array<{ from: string, name?: string, instructions: Instruction[] }> = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1
    let line = lines[i]!.trim()
    if (line === '' || line.startsWith('#')) continue
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = line.slice(0, -1).trimEnd() + ' ' + lines[++i]!.trim()
    }
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!
    const instruction = { op: op!.toUpperCase(), args: args!, line: start }
    if (instruction.op === 'FROM') {
      const [image, as, name] = args!.split(/\s+/)
      stages.push({ from: image!, ...(as?.toUpperCase() === 'AS' ? { name } : {}), instructions: [] })
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile line ${start}: ${op} before FROM`)
      stages.at(-1)!.instructions.push(instruction)
    }
  }
  return stages
}

/** `["node", "dist/bin.js"]` as an array; the shell form is not used by this project. */
export function execForm (args: string, line: number): string[] {
  try {
    const value = JSON.parse(args) as unknown
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value
  } catch {}
  throw new Error(`Dockerfile line ${line}: expected the exec form ["...", ...], got ${args}`)
}

/** `ENV A=1 B="two words"` as pairs. */
export function envPairs (args: string): Array<[string, string]> {
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)]
    .map(([, key, value]) => [key!, value!.startsWith('"') ? JSON.parse(value!) as string : value!])
}

/** `COPY [--from=x] src... dest`. */
export function copyArgs (args: string): { from?: string, sources: string[], dest: string } {
  const words = args.split(/\s+/)
  const flags = words.filter((w) => w.startsWith('--'))
  const rest = words.filter((w) => !w.startsWith('--'))
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length)
  return { ...(from !== undefined ? { from } : {}), sources: rest.slice(0, -1), dest: rest.at(-1)! }
}
