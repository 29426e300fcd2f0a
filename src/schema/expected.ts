// What the manifest says the database must hold: plain, frozen data built once by the loader.
// (Types only; the loader is manifest.ts, the comparison diff.ts.)

export interface ExpectedColumn {
  /** As written (`varchar(36)`, `serial`); compared after normalisation. */
  readonly type?: string
  readonly nullable?: boolean
  /** `null` means "must have no default"; absent means "not checked". */
  readonly default?: string | null
  /** Not in the manifest format: only a database read as `diff --from` carries them, so a fix creates the column as such. */
  readonly identity?: 'always' | 'by default'
  /** A stored generated column's expression (same: `diff --from` a database only). */
  readonly generated?: string
}

/** A primary key or unique constraint: a set of columns; the name is for people only. */
export interface ExpectedKey {
  readonly columns: readonly string[]
  readonly name?: string
}

export const FK_ACTIONS = ['no action', 'restrict', 'cascade', 'set null', 'set default'] as const
export type FkAction = typeof FK_ACTIONS[number]

export interface ExpectedForeignKey {
  readonly columns: readonly string[]
  /** The referred table as written; absent schema: the first of SCHEMAS. */
  readonly references: { readonly schema?: string, readonly table: string, readonly columns: readonly string[] }
  /** Absent: not checked. */
  readonly onDelete?: FkAction
  readonly onUpdate?: FkAction
  readonly name?: string
}

export interface ExpectedIndex {
  readonly name?: string
  /** Column names or SQL expressions (anything with a parenthesis), each with an optional ASC/DESC/NULLS suffix. */
  readonly columns: readonly string[]
  /** Absent: not checked. */
  readonly unique?: boolean
  /** Access method (`btree`, `gin`, …), lowercased; absent: not checked. */
  readonly using?: string
  /** The predicate of a partial index; `null`: must not be partial; absent: not checked. */
  readonly where?: string | null
}

/** A CHECK constraint: found by name (or, unnamed, by expression); the expression compared when given. */
export interface ExpectedCheck {
  readonly name?: string
  readonly expression?: string
}

export interface ExpectedTable {
  /** As written; absent for an unqualified name, which means the first schema of SCHEMAS. */
  readonly schema?: string
  readonly name: string
  readonly columns: ReadonlyMap<string, ExpectedColumn>
  // Each list: absent means "not checked"; an empty list means "exactly none" (extras are reported).
  readonly primaryKey?: ExpectedKey
  readonly unique?: readonly ExpectedKey[]
  readonly foreignKeys?: readonly ExpectedForeignKey[]
  readonly indexes?: readonly ExpectedIndex[]
  readonly checks?: readonly ExpectedCheck[]
  // Row-level security and grants (manifest-security.ts); each absent: not checked.
  readonly rls?: boolean
  readonly forceRls?: boolean
  /** Exactly these policies (an extra one is reported). */
  readonly policies?: readonly ExpectedPolicy[]
  /** Role (`PUBLIC` for everyone) -> exactly these privileges; a role not listed must hold none. */
  readonly grants?: ReadonlyMap<string, readonly Privilege[]>
}

export const PRIVILEGES = ['select', 'insert', 'update', 'delete'] as const
export type Privilege = typeof PRIVILEGES[number]
export const POLICY_COMMANDS = ['all', 'select', 'insert', 'update', 'delete'] as const
export type PolicyCommand = typeof POLICY_COMMANDS[number]

/** A row-level security policy; only `name` when the manifest lists names. Each other part absent: not checked. */
export interface ExpectedPolicy {
  readonly name: string
  readonly command?: PolicyCommand
  readonly permissive?: boolean
  /** Sorted; `public` for everyone, as PostgreSQL prints it. */
  readonly roles?: readonly string[]
  /** SQL text; null: the policy must have none. */
  readonly using?: string | null
  readonly withCheck?: string | null
}

export interface ExpectedEnum {
  /** Absent: the first schema of SCHEMAS. */
  readonly schema?: string
  readonly name: string
  /** In the order the code declares them. */
  readonly labels: readonly string[]
}

export interface ExpectedSchema {
  readonly file: string
  readonly tables: readonly ExpectedTable[]
  /** Absent: enums are not checked. */
  readonly enums?: readonly ExpectedEnum[]
  readonly alembicHeads?: readonly string[]
}
