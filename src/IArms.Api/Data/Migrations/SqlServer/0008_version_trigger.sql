-- Nothing to do on SQL Server: firearm.row_version is a rowversion column, which the engine moves on every
-- change. This script exists so that both providers keep the same numbered history (see the SQLite one).
SELECT 1 AS nothing_to_migrate;
