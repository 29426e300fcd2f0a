// Which schemas name lookups in our session see. The database's owner can set the session's
// default search_path (ALTER DATABASE ... SET) and plant functions and operators in its schemas;
// none of them may ever be what our SQL calls.

/**
 * Part of every transaction's opening (see Lease). PostgreSQL never looks up functions or
 * operators in pg_temp, so under this path an unqualified function or operator can only be
 * pg_catalog's: a planted public.= or public.to_regclass is not even visible.
 */
export const PINNED_SEARCH_PATH = 'pg_catalog, pg_temp'

/** Back to the pinned path, after APP_SEARCH_PATH. */
export const PIN_SEARCH_PATH = `SELECT pg_catalog.set_config('search_path', '${PINNED_SEARCH_PATH}', true)`

/**
 * The session's default path (what the app and Alembic see), pg_catalog first, for the rest of
 * the transaction: for finding an unqualified version table where Alembic does, and for printing
 * names as the app's manifests write them (format_type and pg_get_expr qualify every name the
 * path does not show: `public.mood`, `nextval('public.s'::regclass)`). It runs under the pinned
 * path. With pg_catalog first, types resolve to the built-in ones, but a function or operator
 * whose argument types pg_catalog does not match exactly could still resolve to a planted one:
 * every statement after this one must name its functions and operators with their schema
 * (`pg_catalog.f()`, `OPERATOR(pg_catalog.=)`).
 */
export const APP_SEARCH_PATH = "SELECT pg_catalog.set_config('search_path', pg_catalog.concat_ws(', ', 'pg_catalog', NULLIF(s.reset_val, ''), 'pg_temp'), true) FROM pg_catalog.pg_settings s WHERE s.name = 'search_path'"
