// The demo database is stamped one revision behind the head of demo/alembic/versions
// (the merge; the head is fix_biomarkers_sequence).
export const DEMO_BEHIND_REVISION = '7e8f9a0b1c2d'
