ALTER TABLE `actors` ADD `posting_restricted_to_mods` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `communities` ADD `announcement_only` integer DEFAULT false NOT NULL;