// A TCP proxy between the service and PostgreSQL whose behaviour is switched at run time,
// to play the network faults a sidecar meets: latency, a black hole, a cut link.
//   pass       bytes flow both ways
//   delay N    every chunk arrives N ms late, each way, in order
//   blackhole  connections are accepted, bytes are silently dropped (a stream that lost
//              bytes cannot resynchronise, so it stays dropped after healing)
//   cut        every connection is destroyed, new ones at once
import { createConnection, createServer, type Socket } from 'node:net'

export type ProxyMode = 'pass' | 'blackhole' | 'cut' | { readonly delayMs: number }

export interface TcpProxy {
  readonly host: '127.0.0.1'
  readonly port: number
  /** The target URL with host and port pointing at the proxy instead. */
  url (targetUrl: string): string
  set (mode: ProxyMode): void
  mode (): ProxyMode
  /** Client connections open right now. */
  open (): number
  /** Client connections accepted since start. */
  accepted (): number
  close (): Promise<void>
}

interface Link {
  readonly client: Socket
  upstream?: Socket
  dropped: boolean
}

export async function startTcpProxy (target: { readonly host: string, readonly port: number }): Promise<TcpProxy> {
  let current: ProxyMode = 'pass'
  let accepted = 0
  const links = new Set<Link>()

  const kill = (link: Link): void => {
    link.client.destroy()
    link.upstream?.destroy()
    links.delete(link)
  }

  // One direction of one link: chunks keep their order even when the delay changes.
  const pipe = (link: Link, from: Socket, to: () => Socket | undefined): void => {
    const queue: Array<{ due: number, chunk: Buffer }> = []
    let timer: NodeJS.Timeout | undefined
    const pump = (): void => {
      timer = undefined
      while (queue.length > 0) {
        const head = queue[0]!
        const wait = head.due - Date.now()
        if (wait > 0) { timer = setTimeout(pump, wait); return }
        queue.shift()
        const dest = to()
        if (dest !== undefined && !link.dropped && !dest.destroyed) dest.write(head.chunk)
      }
    }
    from.on('data', (chunk: Buffer) => {
      if (current === 'blackhole') link.dropped = true
      if (link.dropped) return
      const delay = typeof current === 'object' ? current.delayMs : 0
      queue.push({ due: Date.now() + delay, chunk })
      if (timer === undefined) pump()
    })
    from.on('close', () => { if (timer !== undefined) clearTimeout(timer); kill(link) })
    from.on('error', () => kill(link))
  }

  const server = createServer((client) => {
    accepted++
    const link: Link = { client, dropped: current === 'blackhole' }
    links.add(link)
    if (current === 'cut') { kill(link); return }
    client.setNoDelay(true)
    if (!link.dropped) {
      const upstream = createConnection({ host: target.host, port: target.port })
      upstream.setNoDelay(true)
      link.upstream = upstream
      pipe(link, upstream, () => link.client)
    }
    pipe(link, client, () => link.upstream)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const port = (server.address() as { port: number }).port

  return {
    host: '127.0.0.1',
    port,
    url (targetUrl) {
      const u = new URL(targetUrl)
      u.hostname = '127.0.0.1'
      u.port = String(port)
      return u.toString()
    },
    set (mode) {
      current = mode
      if (mode === 'cut') for (const link of [...links]) kill(link)
      // Bytes already queued or on the wire before a black hole may still arrive; later ones never do.
    },
    mode: () => current,
    open: () => links.size,
    accepted: () => accepted,
    async close () {
      for (const link of [...links]) kill(link)
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
