// STUB (issue C replaces this): loads an expected-schema manifest (JSON or YAML).
import { ManifestError } from '../errors.js'
import type { ExpectedSchema } from '../expectation.js'

export async function loadManifest (file: string): Promise<ExpectedSchema> {
  throw new ManifestError(file, '', 'manifests are not implemented yet')
}
