-- Datasets (design §8.2): an org's named file tree under DATA_DIR/datasets/ORG/NAME/, and its index.
--
-- bytes_used is the sum of the entries' sizes, kept in the transaction that adds, replaces or removes an
-- entry, so the quota check of an upload is one row read rather than a sum over a dataset of any size.
-- byte_quota NULL means no limit.
CREATE TABLE datasets (
  org         TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  byte_quota  INTEGER,
  bytes_used  INTEGER NOT NULL DEFAULT 0,
  entry_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org, name)
) WITHOUT ROWID;

-- The index: one row per file. Paths are '/'-separated, relative to the dataset, compared byte for byte
-- (BINARY), so a listing by prefix is a range of the primary key and its cursor is the last path returned.
-- type is decided from the name (EntryTypes); mtime is the file's, in Unix milliseconds. What `info`
-- reports for a raster (size, bands, data type, CRS, bounds in EPSG:4326) is the raster_* columns, NULL
-- until an indexer has read the file; raster_info keeps its whole answer for what the columns leave out.
CREATE TABLE dataset_entries (
  org           TEXT    NOT NULL,
  dataset       TEXT    NOT NULL,
  path          TEXT    NOT NULL,
  type          TEXT    NOT NULL,
  size          INTEGER NOT NULL,
  sha256        TEXT    NOT NULL,
  mtime         INTEGER NOT NULL,
  indexed_at    INTEGER NOT NULL,
  raster_width  INTEGER,
  raster_height INTEGER,
  raster_bands  INTEGER,
  raster_type   TEXT,
  raster_crs    TEXT,
  raster_bounds TEXT,    -- JSON [west, south, east, north] in EPSG:4326
  raster_info   TEXT,    -- JSON, the rest of what info reported
  PRIMARY KEY (org, dataset, path),
  FOREIGN KEY (org, dataset) REFERENCES datasets (org, name) ON DELETE CASCADE
) WITHOUT ROWID;

-- A listing filtered by type pages through that type's paths in order, without reading the others.
CREATE INDEX dataset_entries_by_type ON dataset_entries (org, dataset, type, path);

-- A token may be narrowed to named datasets of its org (`token create --datasets a,b`): a comma list of
-- names; NULL means every dataset of the org.
ALTER TABLE tokens ADD COLUMN datasets TEXT;
