// What security:exposure's query depends on, fingerprinted like schema:drift's catalog
// (src/schema/fingerprint.ts, same soundness argument) but without pg_attribute's 100,000 column
// rows: only the columns that carry their own grants (attacl), which is all that
// has_any_column_privilege reads of them. pg_class holds relacl, relrowsecurity, reloptions
// (security_invoker); pg_namespace nspacl; pg_auth_members the memberships has_*_privilege
// follows; pg_depend which relations belong to an extension; the roles' rolsuper, rolbypassrls
// and rolinherit are in the roles line.
import { fingerprintSql } from '../schema/fingerprint.js'

export const EXPOSURE_FINGERPRINT_SQL = fingerprintSql([
  { catalog: 'pg_namespace' },
  { catalog: 'pg_class' },
  { catalog: 'pg_policy' },
  { catalog: 'pg_auth_members' },
  { catalog: 'pg_attribute', where: 'x.attacl IS NOT NULL' },
  { catalog: 'pg_depend', where: "x.deptype OPERATOR(pg_catalog.=) 'e'::pg_catalog.\"char\"" }
], ['server_version_num'])
