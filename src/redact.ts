// Secrets must never reach logs, bodies, metrics or error lines. Everything that
// turns an error or a URL into text passes through here.

const URL_WITH_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^:/@\s]*):([^@\s]*)@/gi

/** Replaces the password of every `scheme://user:password@` in the text. */
export function redactUrls (text: string): string {
  return text.replace(URL_WITH_CREDENTIALS, '$1$2:***@')
}

/** Removes each given secret (and URL passwords) from a text. */
export function redact (text: string, secrets: readonly string[] = []): string {
  let out = redactUrls(text)
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('***')
  }
  return out
}

/** Host, port and database of a connection URL, safe to show. */
export function describeDatabaseUrl (url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || '5432'}${u.pathname || '/'}`
  } catch {
    return '(unparseable URL)'
  }
}
