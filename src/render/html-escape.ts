// Escaping for the HTML status page, shared by the page and the sections checks bring.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function esc (value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

export function badge (status: string): string {
  return `<span class="status ${esc(status)}">${esc(status.toUpperCase())}</span>`
}
