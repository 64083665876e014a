-- Risk model outputs next to the detector indicators of a run.
ALTER TABLE indicators ADD COLUMN probability DOUBLE;   -- NULL when no risk model ran
ALTER TABLE indicators ADD COLUMN change VARCHAR;       -- new | persisting | escalated | cleared | ''
ALTER TABLE indicators ADD COLUMN drivers VARCHAR;      -- JSON array of models.Driver
