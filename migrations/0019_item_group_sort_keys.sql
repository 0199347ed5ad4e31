ALTER TABLE `item_groups` ADD `kind` text;--> statement-breakpoint
ALTER TABLE `item_groups` ADD `status` text;--> statement-breakpoint
ALTER TABLE `item_groups` ADD `published_at` integer;--> statement-breakpoint
ALTER TABLE `item_groups` ADD `activity_at` integer;--> statement-breakpoint
ALTER TABLE `item_groups` ADD `pinned_at` integer;--> statement-breakpoint
ALTER TABLE `item_groups` ADD `visibility` text;--> statement-breakpoint
ALTER TABLE `item_groups` ADD `live` integer;--> statement-breakpoint
CREATE INDEX `item_groups_recent_idx` ON `item_groups` (`group_id`,`published_at`,`item_id`) WHERE live = 1 AND status = 'published';--> statement-breakpoint
CREATE INDEX `item_groups_threads_idx` ON `item_groups` (`group_id`,`kind`,`pinned_at`,`activity_at`,`item_id`) WHERE live = 1;--> statement-breakpoint
CREATE INDEX `item_groups_listed_idx` ON `item_groups` (`item_id`,`group_id`,`visibility`) WHERE live = 1 AND status = 'published';--> statement-breakpoint
CREATE INDEX `item_groups_drafts_idx` ON `item_groups` (`group_id`,`item_id`) WHERE status <> 'published';