// The perturbation corpus on PostgreSQL 18 (test/helpers/corpus.ts): recall 100%, no false
// positives, Alembic's figure beside it.
import { runCorpus } from '../helpers/corpus.js'

await runCorpus(18)
