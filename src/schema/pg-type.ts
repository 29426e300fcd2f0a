// A column type, normalised: the manifest says `varchar(36)` or `int4[]`, the catalog says
// `character varying(36)` or `integer[]`; both become one PgType and compare equal.

export interface PgType {
  /** Canonical name as format_type prints it (`character varying`, `integer`, `mood`, `"char"`). */
  readonly name: string
  /** Only for user-defined types written with a qualifier. */
  readonly schema?: string
  /** Normalised modifiers; absent means none written (which accepts any). */
  readonly modifiers?: readonly string[]
  readonly array: boolean
  /** `serial`, `bigserial`, `smallserial`: the integer type plus a sequence default. */
  readonly serial: boolean
}

export class TypeSyntaxError extends Error {
  override name = 'TypeSyntaxError' as const
}
