-- Re-resolving records after a reference-table change finds them by the make or calibre text they were
-- entered with; without these indexes each change would scan the whole table while holding a write lock.
CREATE INDEX ix_firearm_make ON firearm (make);
CREATE INDEX ix_firearm_calibre ON firearm (calibre);
