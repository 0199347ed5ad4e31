ALTER TABLE `communities` ADD `member_servers` text DEFAULT 'anywhere' NOT NULL;--> statement-breakpoint
ALTER TABLE `communities` ADD `allowed_servers` text DEFAULT '' NOT NULL;