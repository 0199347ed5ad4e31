CREATE TABLE `moderation_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`target_actor_id` integer,
	`target_item_id` integer,
	`reason` text DEFAULT '' NOT NULL,
	`expires_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`target_actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`target_item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `moderation_log_group_idx` ON `moderation_log` (`group_id`,`id`);--> statement-breakpoint
ALTER TABLE `communities` ADD `rules` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `memberships` ADD `banned_until` integer;--> statement-breakpoint
ALTER TABLE `memberships` ADD `appointed_at` integer;--> statement-breakpoint
ALTER TABLE `items` ADD `removed_at` integer;--> statement-breakpoint
ALTER TABLE `items` ADD `removed_reason` text;--> statement-breakpoint
ALTER TABLE `items` ADD `locked_at` integer;--> statement-breakpoint
ALTER TABLE `items` ADD `pinned_at` integer;