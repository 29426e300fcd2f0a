// COPY ... TO STDOUT for pg, which has no API for it: a "submittable" that pg's client drives
// with the backend's messages, as it drives its own Query.

// COPY's text format escapes these (and nothing else) on output.
const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }

/** One COPY ... TO STDOUT through the extended protocol (one statement), a value per CopyData message. */
export class CopyOut {
  constructor (readonly text: string, readonly onValue: (value: string | null) => void, readonly done: (err?: Error) => void) {}

  submit (connection: PgConnection): null {
    connection.parse({ text: this.text, name: '', types: [] })
    connection.bind({})
    connection.execute({})
    connection.sync()
    return null
  }

  handleCopyData (msg: { chunk: Buffer }): void {
    const line = msg.chunk.toString('utf8').replace(/\n$/, '')
    this.onValue(line === '\\N' ? null : line.replace(/\\(.)/g, (_m, c: string) => COPY_ESCAPES[c] ?? c))
  }

  handleCopyInResponse (connection: PgConnection): void { connection.sendCopyFail('schema-sentinel sends no data') }
  handleReadyForQuery (): void { this.done() }
  handleError (err: Error): void { this.done(err) }
  handleRowDescription (): void {}
  handleDataRow (): void {}
  handlePortalSuspended (): void {}
  handleEmptyQuery (): void {}
  handleCommandComplete (): void {}
}

interface PgConnection {
  parse (query: { text: string, name: string, types: unknown[] }): void
  bind (config: object): void
  execute (config: object): void
  sync (): void
  sendCopyFail (message: string): void
}
