-- A record's version (its ETag) changes with every change to its row, whoever writes it: a trigger, so that no
-- UPDATE can forget it. (Without recursive triggers, the trigger's own UPDATE does not fire it again; a
-- statement that already moved the version is left alone.)
CREATE TRIGGER firearm_version_bump AFTER UPDATE ON firearm
WHEN NEW.version = OLD.version
BEGIN
    UPDATE firearm SET version = OLD.version + 1 WHERE id = NEW.id;
END;
