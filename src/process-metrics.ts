// prom-client's default process metrics, under our prefix, minus the gauges it names
// `*_total` (nodejs_active_handles_total, …), which `promtool check metrics` rejects.
import client from 'prom-client'
import { PREFIX } from './render/metrics.js'

export interface ProcessMetrics {
  readonly contentType: string
  metrics (): Promise<string>
}

export function createProcessMetrics (): ProcessMetrics {
  const registry = new client.Registry()
  client.collectDefaultMetrics({ register: registry, prefix: PREFIX })
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string, type: string }
    if (name.endsWith('_total') && type !== 'counter') registry.removeSingleMetric(name)
  }
  return { contentType: registry.contentType, metrics: () => registry.metrics() }
}
