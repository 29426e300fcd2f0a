// Runs a program with exactly the given environment. tap adds its own --import to NODE_OPTIONS
// of every child a test spawns (to track processes); a program that stands for what users run
// (the installed bin, the image's ENTRYPOINT) gets `env -i` in front, which execs it in place
// (same pid, signals reach it) with nothing but `env`.
export function exactEnv (file: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>): [string, string[]] {
  const pairs = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`)
  return ['env', ['-i', ...pairs, file, ...args]]
}
