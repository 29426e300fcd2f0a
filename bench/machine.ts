// What the figures were measured on: they mean little without it.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'

export interface Machine {
  readonly cpus: number
  readonly cpuModel: string
  readonly memoryGb: number
  readonly node: string
  readonly postgres: string
  readonly date: string
}

export function describeMachine (postgresVersion: string): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3 * 10) / 10,
    node: process.version,
    postgres: postgresVersion,
    date: new Date().toISOString()
  }
}

export function loadAverage (): string {
  return loadavg().map((n) => n.toFixed(2)).join(' ')
}

export function machineLines (m: Machine): string[] {
  return [
    `nproc ${m.cpus} (${m.cpuModel}), memory ${m.memoryGb} GB`,
    `Node ${m.node}, ${m.postgres}`,
    `date ${m.date}`
  ]
}
