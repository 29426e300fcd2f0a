import t from 'tap'
import { parseRevisionFile } from '../../src/alembic/parse-revision-file.js'
import {
  InvalidValueError, MissingDownRevisionError, RevisionFileTooDeepError, RevisionSyntaxError, UnreadableValueError, VersionsDirError
} from '../../src/alembic/errors.js'

interface Parsed { revision: string, down?: string[], labels?: string[], deps?: string[] }

const CLASSIC = `"""add processing_started_at

Revision ID: decoy000
Revises: decoy111
Create Date: 2024-05-01 12:00:00.000000

revision = 'decoy222'
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c1d2e3f4a5b6'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    revision = 'decoy333'
    op.execute("""
down_revision = 'decoy444'
""")


def downgrade():
    pass
`

const MODERN = `"""merge heads

Revision ID: m1
Revises: a, b
"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "m1"
down_revision: Union[str, Sequence[str], None] = ("a", "b")
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass
`

const OK: Array<[name: string, source: string, expected: Parsed | undefined]> = [
  ['classic file; docstring, comments and function bodies are not read', CLASSIC, { revision: 'c1d2e3f4a5b6', down: ['a1b2c3d4e5f6'] }],
  ['type-annotated modern file with a merge', MODERN, { revision: 'm1', down: ['a', 'b'] }],
  ['double quotes', 'revision = "x1"\ndown_revision = "x0"\n', { revision: 'x1', down: ['x0'] }],
  ['single quotes', "revision = 'x1'\ndown_revision = 'x0'\n", { revision: 'x1', down: ['x0'] }],
  ['trailing comments', "revision = 'x1'  # id\ndown_revision = None  # base\nbranch_labels = None # none\n", { revision: 'x1' }],
  ['base as ()', "revision = 'x1'\ndown_revision = ()\n", { revision: 'x1' }],
  ['base as empty list', "revision = 'x1'\ndown_revision = []\n", { revision: 'x1' }],
  ['base as empty string', "revision = 'x1'\ndown_revision = ''\n", { revision: 'x1' }],
  ['merge as list', "revision = 'm'\ndown_revision = ['a', 'b']\n", { revision: 'm', down: ['a', 'b'] }],
  ['merge as bare tuple', "revision = 'm'\ndown_revision = 'a', 'b'\n", { revision: 'm', down: ['a', 'b'] }],
  ['one-element tuple', "revision = 'm'\ndown_revision = ('a',)\n", { revision: 'm', down: ['a'] }],
  ['parenthesised string is a string', "revision = ('m')\ndown_revision = ('a')\n", { revision: 'm', down: ['a'] }],
  ['multi-line tuple with comments and trailing comma', "revision = 'm'\ndown_revision = (\n    'a',  # left\n    # revision = 'decoy'\n    'b',\n)\n", { revision: 'm', down: ['a', 'b'] }],
  ['duplicates in a merge collapse', "revision = 'm'\ndown_revision = ('a', 'a')\n", { revision: 'm', down: ['a'] }],
  ['implicit concatenation', "revision = 'ab' \"cd\"\ndown_revision = None\n", { revision: 'abcd' }],
  ['backslash continuation', "revision = \\\n    'x1'\ndown_revision = None\n", { revision: 'x1' }],
  ['raw and unicode prefixes', "revision = r'x1'\ndown_revision = u'x0'\n", { revision: 'x1', down: ['x0'] }],
  ['semicolons', "revision = 'x1'; down_revision = None; depends_on = 'y'\n", { revision: 'x1', deps: ['y'] }],
  ['branch label as a string', "revision = 'x1'\ndown_revision = None\nbranch_labels = 'core'\n", { revision: 'x1', labels: ['core'] }],
  ['branch labels as a tuple', "revision = 'x1'\ndown_revision = None\nbranch_labels = ('core', 'api')\n", { revision: 'x1', labels: ['core', 'api'] }],
  ['depends_on as a list', "revision = 'x1'\ndown_revision = None\ndepends_on = ['core', 'abc']\n", { revision: 'x1', deps: ['core', 'abc'] }],
  ['Optional annotations', "revision: str = 'x1'\ndown_revision: Optional[str] = 'x0'\ndepends_on: tuple[str, ...] | None = None\n", { revision: 'x1', down: ['x0'] }],
  ['the later assignment wins, as in Python', "revision = 'x1'\ndown_revision = None\ndown_revision = 'x0'\n", { revision: 'x1', down: ['x0'] }],
  ['chained assignment', "revision = rev = 'x1'\ndown_revision = None\n", { revision: 'x1' }],
  ['indented blocks are not module level', "revision = 'x1'\ndown_revision = None\nif TYPE_CHECKING:\n    revision = 'decoy'\n", { revision: 'x1' }],
  ['CRLF line endings', "\"\"\"doc\r\nRevision ID: decoy\r\n\"\"\"\r\nrevision = 'x1'\r\ndown_revision = (\r\n  'x0',\r\n)\r\n", { revision: 'x1', down: ['x0'] }],
  ['a module-level string mentioning revision', "'''revision = \"decoy\"'''\nrevision = 'x1'\ndown_revision = None\n", { revision: 'x1' }],
  ['comparison is not assignment', "revision = 'x1'\ndown_revision = None\nrevision == 'x2'\nrevision >= 'x0'\n", { revision: 'x1' }],
  ['UTF-8 BOM and form feed', "\uFEFFrevision = 'x1'\n\fdown_revision = None\n", { revision: 'x1' }],
  ['empty __init__.py', '', undefined],
  ['annotation without a value binds nothing', 'revision: str\ndown_revision: str\n', undefined],
  ['a helper module without revision', "down_revision = None\nHELPER = 'x'\n", undefined],
  ['docstring only', '"""\nRevision ID: abc\nRevises: def\n"""\n', undefined]
]

t.test('reads module-level assignments', async (t) => {
  for (const [name, source, expected] of OK) {
    const got = parseRevisionFile(source, 'v/x.py')
    if (expected === undefined) {
      t.equal(got, undefined, name)
      continue
    }
    t.same(got, {
      file: 'v/x.py',
      revision: expected.revision,
      downRevisions: expected.down ?? [],
      branchLabels: expected.labels ?? [],
      dependsOn: expected.deps ?? [],
      risks: []
    }, name)
  }
})

type ErrorClass = new (...args: never[]) => VersionsDirError
const BROKEN: Array<[name: string, source: string, cls: ErrorClass, fields: Record<string, unknown>]> = [
  ['revision from a variable', "revision = REV\ndown_revision = None\n", UnreadableValueError, { line: 1, key: 'revision', form: 'value' }],
  ['down_revision from a call', "revision = 'a'\ndown_revision = get_parent()\n", UnreadableValueError, { line: 2, key: 'down_revision', form: 'value' }],
  ['bytes', "revision = b'a'\ndown_revision = None\n", UnreadableValueError, { line: 1, key: 'revision' }],
  ['f-string', "revision = 'a'\ndown_revision = f'{x}'\n", UnreadableValueError, { line: 2, key: 'down_revision' }],
  ['None inside a tuple', "revision = 'a'\ndown_revision = ('b', None)\n", UnreadableValueError, { line: 2, key: 'down_revision' }],
  ['a number', "revision = 'a'\ndepends_on = 3\ndown_revision = None\n", UnreadableValueError, { line: 2, key: 'depends_on' }],
  ['a constant in depends_on', "revision = 'a'\ndown_revision = None\ndepends_on = (cli.EXPAND,)\n", UnreadableValueError, { line: 3, key: 'depends_on' }],
  ['revision as a tuple', "revision = ('a', 'b')\ndown_revision = None\n", InvalidValueError, { line: 1, key: 'revision', problem: 'not_a_string' }],
  ['empty revision', "revision = ''\ndown_revision = None\n", InvalidValueError, { line: 1, problem: 'not_a_string' }],
  ['illegal character in the id', "revision = 'a-b'\ndown_revision = None\n", InvalidValueError, { line: 1, problem: 'illegal_character', value: 'a-b' }],
  ['no down_revision', "revision = 'a'\n", MissingDownRevisionError, { revision: 'a' }],
  ['empty string in a merge', "revision = 'a'\ndown_revision = ('b', '')\n", InvalidValueError, { line: 2, key: 'down_revision', problem: 'empty_item' }],
  ['unterminated string', "revision = 'a'\ndown_revision = 'b\n", RevisionSyntaxError, { line: 2, problem: 'unterminated_string' }],
  ['unterminated docstring', '"""doc\n\nrevision = \'a\'\n', RevisionSyntaxError, { line: 1, problem: 'unterminated_string' }],
  ['augmented assignment', "revision = 'a'\nrevision += 'b'\ndown_revision = None\n", UnreadableValueError, { line: 2, key: 'revision', form: 'augmented', operator: '+=' }],
  ['tuple unpacking', "revision, down_revision = 'a', None\n", UnreadableValueError, { line: 1, key: 'revision', form: 'target' }],
  ['a stray character', "revision = 'a'\ndown_revision = None\n$\n", RevisionSyntaxError, { line: 3, problem: 'unexpected_character', character: '$' }],
  ['brackets deeper than Python allows', `revision = ${'['.repeat(201)}${']'.repeat(201)}\ndown_revision = None\n`, RevisionFileTooDeepError, { line: 1, limit: 200 }]
]

t.test('a value that cannot be read: a typed error with the file, line and key', async (t) => {
  for (const [name, source, cls, fields] of BROKEN) {
    const err = t.throws(() => parseRevisionFile(source, 'versions/bad.py'), name) as unknown
    t.ok(err instanceof cls, `${name}: ${cls.name}`)
    t.ok(err instanceof VersionsDirError, `${name}: a VersionsDirError`)
    t.match(err, { file: 'versions/bad.py', ...fields }, name)
  }
})

t.test('branch_labels that cannot be read is left for the graph to judge', async (t) => {
  const cases: Array<[string, string, number]> = [
    ['a constant', "revision = 'a'\ndown_revision = None\nbranch_labels = (cli.EXPAND_BRANCH,)\n", 3],
    ['a call', "revision = 'a'\ndown_revision = None\n\nbranch_labels = labels()\n", 4],
    ['augmented', "revision = 'a'\ndown_revision = None\nbranch_labels = ('x',)\nbranch_labels += ('y',)\n", 4],
    ['in a tuple target', "revision = 'a'\ndown_revision = None\nbranch_labels, x = ('x',), 1\n", 3]
  ]
  for (const [name, source, line] of cases) {
    t.match(parseRevisionFile(source, 'v/a.py'), { revision: 'a', branchLabels: [], unreadableLabelsLine: line }, name)
  }
  t.notOk('unreadableLabelsLine' in parseRevisionFile("revision = 'a'\ndown_revision = None\nbranch_labels = X\nbranch_labels = ('core',)\n", 'v/a.py')!,
    'a later literal assignment wins, as in Python')
})

t.test('a later literal rebinding a non-literal is what Python binds', async (t) => {
  t.match(parseRevisionFile("revision = 'a'\ndown_revision = PARENT\ndown_revision = None\n", 'v/a.py'), { revision: 'a', downRevisions: [] })
})
