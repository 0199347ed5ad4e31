DROP INDEX `fedify_queue_ready_idx`;--> statement-breakpoint
ALTER TABLE `fedify_queue` ADD `channel` text DEFAULT 'default' NOT NULL;--> statement-breakpoint
CREATE INDEX `fedify_queue_ready_idx` ON `fedify_queue` (`channel`,`claimed_by`,`available_at`);--> statement-breakpoint
-- Work queued before the split goes to the listener of its kind, so nothing is stranded.
UPDATE `fedify_queue` SET `channel` = json_extract(`message`, '$.type') WHERE json_valid(`message`) AND json_extract(`message`, '$.type') IN ('inbox', 'outbox');
