// What a revision's upgrade() does that deserves a warning, found statically from its tokens:
// operations that destroy or rewrite data (a backup first), and two that PostgreSQL refuses
// inside the migration's transaction. Module-level functions that upgrade() calls by name are
// followed. A heuristic over source text, never an execution: dynamic SQL may escape it.
import type { LogicalLine, Token } from './python-tokens.js'
import { addedEnumValue, splitSql, sqlRisks } from './sql-text.js'
import { brackets, keywordArguments, render, shorten, stringsOf, topLevel } from './token-scan.js'

export type RiskKind =
  | 'drop_table' | 'drop_column' | 'drop_constraint' | 'drop_index' | 'alter_column_type'
  | 'execute_drop' | 'execute_truncate' | 'execute_delete' | 'execute_alter_type'
  /** An enum label used in the transaction that adds it: SQLSTATE 55P04. */
  | 'new_enum_value_used'
  /** CREATE/DROP INDEX CONCURRENTLY or REINDEX CONCURRENTLY outside an autocommit block: 25001. */
  | 'concurrently_in_transaction'

export interface RiskyOp {
  readonly kind: RiskKind
  /** Loses or rewrites data: take a backup before upgrading. */
  readonly destructive: boolean
  readonly line: number
  /** The call or SQL statement, shortened. */
  readonly detail: string
}

const NOT_DESTRUCTIVE: ReadonlySet<RiskKind> = new Set(['new_enum_value_used', 'concurrently_in_transaction'])
const OP_METHODS = new Set(['drop_table', 'drop_column', 'drop_constraint', 'drop_index', 'alter_column', 'create_index'])
const EXECUTE = new Set(['execute', 'exec_driver_sql'])
const MAX_LABEL = 64 // PostgreSQL enum labels are at most 63 bytes
/** Risky operations kept per revision: enough to say "take a backup", bounded for hostile files. */
export const MAX_RISKS = 100

type Event =
  | { readonly kind: 'risk', readonly risk: RiskyOp }
  | { readonly kind: 'call', readonly name: string }
  | { readonly kind: 'sql', readonly sql: string, readonly line: number, readonly autocommit: boolean }
  | { readonly kind: 'use', readonly value: string, readonly line: number }
  /** Entering op.get_context().autocommit_block() commits what ran before. */
  | { readonly kind: 'commit' }

interface Def {
  readonly events: Event[]
  readonly blocks: Array<{ indent: number, autocommit: boolean }>
  /** Names bound by `with op.batch_alter_table(…) as NAME`. */
  readonly aliases: Set<string>
}

const riskyOp = (kind: RiskKind, line: number, detail: string): RiskyOp =>
  ({ kind, destructive: !NOT_DESTRUCTIVE.has(kind), line, detail: shorten(detail) })
const risk = (kind: RiskKind, line: number, detail: string): Event => ({ kind: 'risk', risk: riskyOp(kind, line, detail) })

export class UpgradeScanner {
  readonly #defs = new Map<string, Def>()
  #current: Def | undefined

  /** A module-level logical line: starts a function, or ends the one before. */
  moduleLine (line: LogicalLine): void {
    const t = line.tokens
    const at = t[0]?.text === 'async' ? 1 : 0
    if (t[at]?.text !== 'def' || t[at + 1]?.kind !== 'name' || t[at + 2]?.text !== '(') {
      this.#current = undefined
      return
    }
    const def: Def = { events: [], blocks: [], aliases: new Set() }
    this.#defs.set(t[at + 1]!.text, def) // a later definition replaces an earlier one, as in Python
    this.#current = def
    const match = brackets(t)
    const colon = topLevel(t, ':', match[at + 2]! + 1)
    if (colon >= 0 && colon + 1 < t.length) this.#statement(def, t.slice(colon + 1), line.line, 1)
  }

  /** An indented logical line: part of the current function's body, if any. */
  bodyLine (line: LogicalLine): void {
    const def = this.#current
    if (def === undefined) return
    while (def.blocks.length > 0 && def.blocks[def.blocks.length - 1]!.indent >= line.indent) def.blocks.pop()
    this.#statement(def, line.tokens, line.line, line.indent)
  }

  /** The risky operations of upgrade(), in the order they run. */
  risks (): RiskyOp[] {
    const upgrade = this.#defs.get('upgrade')
    if (upgrade === undefined) return []
    const out: RiskyOp[] = []
    const uncommitted = new Set<string>()
    const used = (value: string, line: number, detail: string): void => {
      if (uncommitted.has(value)) out.push(riskyOp('new_enum_value_used', line, detail))
    }
    const visited = new Set(['upgrade'])
    const stack: Array<Iterator<Event>> = [upgrade.events[Symbol.iterator]()]
    while (stack.length > 0 && out.length < MAX_RISKS) {
      const next = stack[stack.length - 1]!.next()
      if (next.done === true) { stack.pop(); continue }
      const e = next.value
      if (e.kind === 'risk') out.push(e.risk)
      else if (e.kind === 'commit') uncommitted.clear()
      else if (e.kind === 'use') used(e.value, e.line, `'${e.value}'`)
      else if (e.kind === 'call') {
        const callee = this.#defs.get(e.name)
        if (callee !== undefined && !visited.has(e.name)) {
          visited.add(e.name)
          stack.push(callee.events[Symbol.iterator]())
        }
      } else {
        for (const st of splitSql(e.sql)) {
          if (out.length >= MAX_RISKS) break
          for (const kind of sqlRisks(st)) {
            if (kind !== 'concurrently') out.push(riskyOp(kind, e.line, st.text))
            else if (!e.autocommit) out.push(riskyOp('concurrently_in_transaction', e.line, st.text))
          }
          const label = addedEnumValue(st)
          if (label === undefined) {
            const hit = st.literals.find((l) => uncommitted.has(l))
            if (hit !== undefined) used(hit, e.line, st.text)
          } else if (!e.autocommit) {
            uncommitted.add(label)
          }
        }
      }
    }
    return out.slice(0, MAX_RISKS)
  }

  #statement (def: Def, t: readonly Token[], line: number, indent: number): void {
    const at = t[0]?.text === 'async' ? 1 : 0
    if (t[at]?.text === 'with') {
      const colon = topLevel(t, ':', at + 1)
      const header = colon < 0 ? t : t.slice(0, colon)
      const autocommit = header.some((x) => x.kind === 'name' && x.text === 'autocommit_block')
      if (header.some((x) => x.kind === 'name' && x.text === 'batch_alter_table')) {
        for (let k = 0; k + 1 < header.length; k++) if (header[k]!.text === 'as' && header[k + 1]!.kind === 'name') def.aliases.add(header[k + 1]!.text)
      }
      this.#scan(def, header, line)
      def.blocks.push({ indent, autocommit })
      if (autocommit) def.events.push({ kind: 'commit' })
      if (colon >= 0 && colon + 1 < t.length) {
        this.#statement(def, t.slice(colon + 1), line, indent + 1)
        def.blocks.pop()
      }
      return
    }
    this.#scan(def, t, line)
  }

  /** Calls of interest in one statement, left to right; the arguments of a matched call are not rescanned. */
  #scan (def: Def, t: readonly Token[], line: number): void {
    const match = brackets(t)
    const autocommit = def.blocks.some((b) => b.autocommit)
    let i = 0
    while (i < t.length) {
      const tok = t[i]!
      const next = t[i + 1]
      if (tok.kind === 'name' && next?.text === '.' && t[i + 2]?.kind === 'name' && t[i + 3]?.text === '(' &&
          OP_METHODS.has(t[i + 2]!.text) && (tok.text === 'op' || def.aliases.has(tok.text))) {
        const close = match[i + 3] ?? t.length - 1
        this.#opCall(def, t, i, close, line, autocommit)
        i = close + 1
        continue
      }
      if (tok.text === '.' && next?.kind === 'name' && EXECUTE.has(next.text) && t[i + 2]?.text === '(') {
        const close = match[i + 2] ?? t.length - 1
        def.events.push({ kind: 'sql', sql: stringsOf(t, i + 3, close), line, autocommit })
        // SQLAlchemy Core: execute(table.delete()…) or execute(sa.delete(table)…) deletes rows too.
        for (let k = i + 3; k < close; k++) {
          if (t[k]!.kind === 'name' && t[k]!.text === 'delete' && t[k + 1]?.text === '(') {
            def.events.push(risk('execute_delete', line, render(t, i - 1 >= 0 && t[i - 1]!.kind === 'name' ? i - 1 : i + 1, close + 1)))
            break
          }
        }
        i = close + 1
        continue
      }
      if (tok.kind === 'name' && next?.text === '(' && t[i - 1]?.text !== '.' && t[i - 1]?.text !== 'def') {
        def.events.push({ kind: 'call', name: tok.text })
      } else if (tok.kind === 'string' && tok.value !== undefined && tok.value.length <= MAX_LABEL && /^(?:=|==|!=)$/.test(t[i - 1]?.text ?? '')) {
        def.events.push({ kind: 'use', value: tok.value, line })
      }
      i++
    }
  }

  #opCall (def: Def, t: readonly Token[], start: number, close: number, line: number, autocommit: boolean): void {
    const method = t[start + 2]!.text
    const kwargs = keywordArguments(t, start + 3, close)
    const detail = render(t, start, close + 1)
    if (method === 'alter_column') {
      if (kwargs.has('type_')) def.events.push(risk('alter_column_type', line, detail))
    } else if (method !== 'create_index') {
      def.events.push(risk(method as RiskKind, line, detail))
    }
    if ((method === 'create_index' || method === 'drop_index') && kwargs.get('postgresql_concurrently') === 'True' && !autocommit) {
      def.events.push(risk('concurrently_in_transaction', line, detail))
    }
  }
}
