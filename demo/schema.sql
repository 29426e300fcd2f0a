-- The demo application's database, as its migrations left it. Its pdfs.created_at is
-- `timestamp` where demo/manifest.yaml (the code) expects `timestamptz`: a type_mismatch
-- (warn). Drop pdfs.processing_started_at to replay the incident (missing_column, fail).
-- (demo/demo.ts creates and stamps alembic_version itself.)
CREATE TABLE users (
  id serial PRIMARY KEY,
  email varchar(255) NOT NULL UNIQUE,
  display_name text,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamp with time zone NOT NULL DEFAULT now()
);

CREATE TABLE pdfs (
  id serial PRIMARY KEY,
  user_id integer REFERENCES users (id),
  file_id varchar(36) NOT NULL,
  filename varchar NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'new',
  confidence double precision,
  page_count integer,
  biomarkers json NOT NULL DEFAULT '[]',
  created_at timestamp NOT NULL DEFAULT now(),
  processing_started_at timestamp
);

CREATE TABLE biomarkers (
  id serial PRIMARY KEY,
  name varchar(100) NOT NULL,
  unit varchar(20),
  reference_range numrange,
  tags text[] NOT NULL DEFAULT '{}'
);
