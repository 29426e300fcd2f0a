// What a few slow or idle clients may hold, so that they cannot take /health/live down. Without
// limits, 1,100 half-sent requests against a process with 1,024 file descriptors made every new
// connection fail (EMFILE) for about 90 s: Node's default header timeout (60 s), checked every 30 s.
import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** Fastify server options. */
export const HTTP_LIMITS = {
  // Node checks the header and request timeouts this often; its default is every 30 s.
  http: { headersTimeout: 5_000, connectionsCheckingInterval: 1_000 },
  /** The whole request, body included (Fastify's default is none). */
  requestTimeout: 10_000,
  /** A socket with no traffic at all. */
  connectionTimeout: 30_000,
  // keepAliveTimeout stays Fastify's 72 s, longer than load balancers' 60 s idle timeout.
  maxRequestsPerSocket: 1_000
} as const

/** Open connections at most, whatever the file descriptor limit allows. */
export const MAX_CONNECTIONS = 1_000
/** File descriptors kept for everything else: the pool, logs, DNS, Node itself. */
const FD_RESERVE = 128

/** The soft RLIMIT_NOFILE, where Linux tells it. */
export function openFileLimit (): number | undefined {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]
    return line === undefined || line === 'unlimited' ? undefined : Number(line)
  } catch {
    return undefined
  }
}

/** How many connections to keep open: under the fd limit, with room for the rest. */
export function connectionCap (fdLimit = openFileLimit()): number {
  return fdLimit === undefined ? MAX_CONNECTIONS : Math.max(16, Math.min(MAX_CONNECTIONS, fdLimit - FD_RESERVE))
}

/**
 * Keeps at most `cap` connections. At the cap a new connection is kept and the oldest one that
 * is not answering a request goes (a half-sent request, an idle keep-alive): refusing the new
 * one instead would let the holders of the old ones shut out every health check.
 */
export function capConnections (server: Server, cap: number): void {
  const open = new Set<Socket>() // oldest first
  server.on('connection', (socket: Socket) => {
    if (open.size >= cap) evictOldest(open)
    open.add(socket)
    socket.once('close', () => open.delete(socket))
  })
}

// Node sets `_httpMessage` on a socket while a response is being written to it: nothing per
// request is needed here, which keeps the cost of a request what it was.
const answering = (socket: Socket): boolean => (socket as Socket & { _httpMessage?: unknown })._httpMessage != null

function evictOldest (open: Set<Socket>): void {
  let victim: Socket | undefined
  for (const socket of open) {
    if (!answering(socket)) { victim = socket; break }
    victim ??= socket
  }
  if (victim === undefined) return
  open.delete(victim)
  victim.destroy()
}
